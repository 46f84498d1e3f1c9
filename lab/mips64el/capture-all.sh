#!/usr/bin/env bash
# Captures every mips64el lab crash committed under lab/crashes/mips64el-*/ (one boot each, KASLR
# on), plus the reboot loop (null_table three times in one console), null_table with nokaslr, and
# warn_on without panic_on_warn (with it, this kernel panics before the WARNING's trace: see run.sh).
# div_zero is not captured: the kernel is built with -mno-check-zero-division (arch/mips/Makefile),
# so divu by zero leaves an unpredictable result and nothing traps (the module printed 0).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for bug in null_table wildcard_table wildcard uaf bug_on list_poison oob lockup; do
  "$here/capture.sh" "$bug" "$bug"
done
BOOTS=3 "$here/capture.sh" null_table_loop null_table
"$here/capture.sh" null_table_nokaslr null_table --nokaslr
PANIC_ON_WARN=0 TIMEOUT=100 "$here/capture.sh" warn_on_nopanic warn_on
