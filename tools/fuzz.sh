#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for a while.
#   tools/fuzz.sh [SECONDS]      (default 30 per target)
# Corpora stay in _build/fuzz/corpus-<target> between runs; a crash
# leaves its input in _build/fuzz and makes this script exit non-zero.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
build="$top/_build/fuzz"
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 1; }
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" CC=clang --enable-fuzzing >configure.log
make -j"$(nproc 2>/dev/null || echo 2)" fuzz_baseline fuzz_config fuzz_event_rules fuzz_state fuzz_credreport fuzz_sink_answer >make.log
status=0
for t in fuzz_baseline fuzz_config fuzz_event_rules fuzz_state fuzz_credreport \
    fuzz_sink_answer; do
	mkdir -p "corpus-$t"
	echo "==> $t for ${secs}s"
	# seeds: valid inputs to start from, since the JSON and INI parsers
	# themselves (json-c, inih) are not instrumented
	if ./"$t" -max_total_time="$secs" -max_len=65536 "corpus-$t" \
	    "$top/tests/fuzz/seeds/${t#fuzz_}" >"$t.log" 2>&1; then
		grep -E '^#[0-9]+.*DONE' "$t.log" | tail -n 1
	else
		echo "fuzz: $t failed; see $build/$t.log"
		status=1
	fi
done
exit $status
