#!/usr/bin/env bash
# Captures every lab crash committed under lab/crashes/ (one boot each, KASLR on), plus the
# reboot-loop capture: null_table three times in one console, with nokaslr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for bug in null_table wildcard wildcard_table uaf list_poison bug_on warn_on div_zero oob lockup; do
  "$here/capture.sh" "$bug" "$bug"
done
BOOTS=3 "$here/capture.sh" null_table_loop null_table
BOOTS=3 "$here/capture.sh" null_table_loop_nokaslr null_table --nokaslr
