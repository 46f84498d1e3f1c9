#!/usr/bin/env bash
# Captures every arm64 lab crash committed under lab/crashes/arm64-*/ (one boot each, KASLR on),
# plus the reboot loop (null_table three times in one console) and null_table with nokaslr.
# div_zero is not captured: arm64's udiv by zero gives 0 and does not trap (hash % 0 = hash).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for bug in null_table wildcard_table uaf bug_on warn_on list_poison oob wildcard lockup; do
  "$here/capture.sh" "$bug" "$bug"
done
BOOTS=3 "$here/capture.sh" null_table_loop null_table
"$here/capture.sh" null_table_nokaslr null_table --nokaslr
