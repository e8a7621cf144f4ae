#!/usr/bin/env bash
# Runs the C++ tests of a sanitizer build (make asan, make tsan; docs/reliability.md).
#   tests/sanitizers/run-ctest.sh address|thread BUILD_DIR JOBS [EXCLUDE]
# EXCLUDE: a regular expression of more tests to leave out (ctest -E), for a shorter run.
# The Python tests (they run build/eldersim, not this build) and the format check are left out.
# Every report, from a test binary or from an eldersim it starts, goes to a file under
# BUILD_DIR/sanitizer-logs/, so a report is caught even where a test expects a failing exit
# code; the run fails if any test fails or any report was written, and prints the reports.
set -uo pipefail
kind=$1
build=$(realpath "$2")
jobs=$3
exclude=${4:-}
supp=$(cd "$(dirname "$0")" && pwd)
logs=$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
# fuzz.replay.h5_library: files on which the uninstrumented HDF5 library faults; a sanitizer
# reports that fault in `info`'s reading child though it is not eldersim's code (make test runs
# them, and requires each to be refused as damaged).
skip='^(python|format)\.|^fuzz\.replay\.h5_library$'
[[ -n $exclude ]] && skip="$skip|$exclude"
ctest=(ctest --test-dir "$build" --output-on-failure -j "$jobs")
status=0
case $kind in
  address)
    asan="detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
    # handle_segv=0, handle_sigbus=0: a fault is left to kill the process, so a test still fails
    # on a crash of eldersim's code, while `info` (which reads in a child process so that a
    # damaged file crashing the uninstrumented HDF5 library is reported as damaged) keeps working.
    asan="$asan:handle_segv=0:handle_sigbus=0"
    # asan.supp: the HDF5 library's own over-read of a damaged heap (see there).
    export ASAN_OPTIONS="$asan:suppressions=$supp/asan.supp:log_path=$logs/asan"
    export UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan"
    # print_suppressions=0: a summary of suppressed leaks is not a report.
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    "${ctest[@]}" -E "$skip|^mpi\." || status=1
    # Under mpirun, OpenMPI's leaks are matched to tests/sanitizers/lsan.supp only with full
    # stacks (see there): the slower unwinder for these tests alone.
    ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" "${ctest[@]}" -E "$skip" -R '^mpi\.' \
      || status=1
    ;;
  thread)
    export TSAN_OPTIONS="suppressions=$supp/tsan.supp:log_path=$logs/tsan:second_deadlock_stack=1"
    "${ctest[@]}" -E "$skip" || status=1
    ;;
  *)
    echo "usage: $0 address|thread BUILD_DIR JOBS [EXCLUDE]" >&2
    exit 2
    ;;
esac
reports=("$logs"/*)
if [[ -e ${reports[0]} ]]; then
  echo "sanitizer reports (${#reports[@]} files in $logs):"
  cat "${reports[@]}"
  status=1
fi
[[ $status -eq 0 ]] && echo "$kind sanitizer: every test passed, no report"
exit $status
