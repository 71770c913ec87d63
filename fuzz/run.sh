#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 1800) on one core, seeded with the shared corpus
# (or fuzz/seeds/TARGET), and copies what it finds into Tests/FuzzRegressions/TARGET, where the
# test suite replays every file. Usage: fuzz/run.sh TARGET [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1; seconds=${2:-1800}
binary=fuzz/.build/fuzz-$target
[ -x "$binary" ] || bash fuzz/build.sh "$target"
work=fuzz/.build/work/$target
mkdir -p "$work/corpus" "$work/artifacts" "Tests/FuzzRegressions/$target"
if [ -d "fuzz/seeds/$target" ]; then
    cp -n fuzz/seeds/"$target"/* "$work/corpus/"
else
    find ../shared/corpus -name '*.xml' -size -64k -exec cp -n {} "$work/corpus/" \;
fi
# Inputs that once failed stay in the corpus, so the fuzzer starts from them too.
cp -n Tests/FuzzRegressions/"$target"/* "$work/corpus/" 2>/dev/null || true
# -timeout: one input taking 10 s is a finding (a quadratic loop); -rss_limit_mb likewise. In a
# fork the run goes on after a finding, so one run reports all it finds in its time.
export SWIFT_BACKTRACE=enable=no
"$binary" "$work/corpus" -dict=fuzz/xml.dict -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    2>&1 | tee "$work/log.txt" | grep -E "^#[0-9]+.*(pulse|DONE|NEW)|ERROR|SUMMARY|stat::" | tail -n 40 || true
# A finding is kept when it fails again on its own (a timeout can also come from the machine
# being busy or the run being paused): it then goes to the regression inputs the tests replay.
for finding in "$work"/artifacts/*; do
    [ -e "$finding" ] || continue
    if "$binary" -timeout=10 -rss_limit_mb=2048 "$finding" >/dev/null 2>&1; then
        echo "not kept: $(basename "$finding") passes when run again"
        continue
    fi
    cp "$finding" "Tests/FuzzRegressions/$target/"
    echo "kept $(basename "$finding") as Tests/FuzzRegressions/$target/"
done
