#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls this).
#
#  1. installs missing Debian packages (tools/install-deps.sh);
#  2. builds with ASan+UBSan and -Werror and runs `make check`: unit
#     tests, SigV4 vectors, botocore comparisons, the fake AWS and its
#     AWS CLI check, and the real daemon against the fake;
#  3. builds plainly and runs the C unit tests and the CLI integration
#     test under valgrind;
#  4. runs `make distcheck`.
# Ends with one line: "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out="$top/_build"
jobs=$(nproc 2>/dev/null || echo 2)
failed_stages=""

"$top/tools/install-deps.sh" || { echo "0 passed, 1 failed"; exit 1; }

# The SigV4 vectors live beside the checkout (../shared) when present.
if [ -z "${DW_SIGV4_VECTORS:-}" ] && [ -d "$top/../shared/aws-sigv4-test-suite" ]; then
	DW_SIGV4_VECTORS=$(cd "$top/../shared/aws-sigv4-test-suite" && pwd)
	export DW_SIGV4_VECTORS
fi

stage() {	# stage NAME FUNCTION
	echo "==> $1"
	if "$2"; then
		echo "==> $1: ok"
	else
		echo "==> $1: FAILED"
		failed_stages="$failed_stages $1"
	fi
}

count() {	# count LOG WORD: the "# WORD: N" total of a test-suite.log
	sed -n "s/^# $2: *\([0-9][0-9]*\)\$/\1/p" "$1" 2>/dev/null | tail -n 1
}

run_bootstrap() {
	autoreconf -fi >"$out/autoreconf.log" 2>&1 || { cat "$out/autoreconf.log"; return 1; }
}

build() {	# build DIR CONFIGURE-ARGS...
	dir=$1
	shift
	mkdir -p "$dir" && cd "$dir" &&
	"$top/configure" "$@" >configure.log 2>&1 &&
	make -j"$jobs" >make.log 2>&1
	r=$?
	[ $r -eq 0 ] || tail -n 60 "$dir/configure.log" "$dir/make.log" 2>/dev/null
	return $r
}

run_asan() {
	build "$out/asan" --enable-sanitizers --enable-werror &&
	make -j"$jobs" check
	r=$?
	[ $r -eq 0 ] || tail -n 300 "$out/asan/test-suite.log" 2>/dev/null
	cd "$top"
	return $r
}

run_valgrind() {
	build "$out/plain" --enable-werror &&
	make -j"$jobs" check-valgrind
	r=$?
	[ $r -eq 0 ] || tail -n 300 "$out/plain/test-suite.log" 2>/dev/null
	cd "$top"
	return $r
}

run_distcheck() {
	cd "$out/plain" && make -j"$jobs" distcheck >distcheck.log 2>&1
	r=$?
	[ $r -eq 0 ] || tail -n 100 "$out/plain/distcheck.log"
	cd "$top"
	return $r
}

rm -rf "$out"
mkdir -p "$out"
stage bootstrap run_bootstrap
stage asan run_asan
stage valgrind run_valgrind
stage distcheck run_distcheck

pass=0
fail=0
for st in asan plain; do
	log="$out/$st/test-suite.log"
	p=$(count "$log" PASS); f=$(count "$log" FAIL); e=$(count "$log" ERROR)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0}))
done
# a stage that failed before or beside its tests (a build, distcheck)
# still counts as a failure
for st in $failed_stages; do
	case $st in
	asan)		f=$(count "$out/asan/test-suite.log" FAIL) ;;
	valgrind)	f=$(count "$out/plain/test-suite.log" FAIL) ;;
	*)		f=0 ;;
	esac
	[ "${f:-0}" -gt 0 ] || fail=$((fail + 1))
done
[ -n "$failed_stages" ] && echo "failed stages:$failed_stages"
echo "$pass passed, $fail failed"
[ -z "$failed_stages" ] && [ "$fail" -eq 0 ]
