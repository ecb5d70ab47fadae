#!/bin/sh
# Builds the fuzz targets under libFuzzer (with the address sanitizer unless ASAN=0) and runs
# each for SECONDS (default 600), niced, one at a time. New coverage goes to a scratch corpus;
# any crash or hang input is copied into Corpus/<target>/ for `make test` to replay. An input
# counts as a hang after TIMEOUT seconds (default 25: on a loaded two-core machine a niced
# run stalls for seconds without any input being slow).
#
#   Fuzz/run.sh                    # every target, 10 minutes each
#   SECONDS_EACH=60 Fuzz/run.sh nbd sigv4
set -eu
cd "$(dirname "$0")"
SECONDS_EACH=${SECONDS_EACH:-600}
TIMEOUT=${TIMEOUT:-25}
SANITIZERS=fuzzer
[ "${ASAN:-1}" = 1 ] && SANITIZERS=fuzzer,address
nice -n 19 swift build -c debug -Xswiftc -sanitize=$SANITIZERS -Xswiftc -parse-as-library --product KilnFuzzer >&2
BIN=$(swift build -c debug --show-bin-path)/KilnFuzzer
TARGETS=${*:-$(ls Corpus)}
mkdir -p .work
for t in $TARGETS; do
    mkdir -p ".work/$t" ".work/$t-artifacts"
    echo "== $t: ${SECONDS_EACH}s" >&2
    KILN_FUZZ_TARGET=$t nice -n 19 "$BIN" ".work/$t" "Corpus/$t" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
        -artifact_prefix=".work/$t-artifacts/" -print_final_stats=1 >".work/$t.log" 2>&1 || true
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|cov: " ".work/$t.log" | tail -4 >&2
    for a in ".work/$t-artifacts"/*; do
        [ -f "$a" ] || continue
        cp "$a" "Corpus/$t/$(basename "$a")"
        echo "   kept $(basename "$a") in Corpus/$t" >&2
    done
done
