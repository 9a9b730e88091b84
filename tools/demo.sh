#!/bin/sh
# Installs what is needed, builds driftwatchd, and runs the demo: the
# daemon against the bundled fake AWS with a scripted scenario.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/tools/install-deps.sh"
# A tree configured in place refuses a second, out-of-tree configure
# ("source directory already configured"): build there instead.
if [ -f "$top/config.status" ]; then
	build="$top"
else
	build="$top/_build/demo"
fi

# Each step's log is named only once it exists.
demo_build() {
	[ -x "$top/configure" ] || autoreconf -fi >/dev/null ||
		{ echo "demo: autoreconf failed" >&2; return 1; }
	mkdir -p "$build" && cd "$build" || return 1
	if [ ! -f Makefile ] && ! "$top/configure" >configure.log 2>&1; then
		echo "demo: configure failed; see $build/configure.log" >&2
		return 1
	fi
	make -j"$(nproc 2>/dev/null || echo 2)" driftwatchd >make.log 2>&1 ||
		{ echo "demo: the build failed; see $build/make.log" >&2; return 1; }
}

if [ ! -x "$build/driftwatchd" ] || [ -n "$(find src include -newer "$build/driftwatchd" 2>/dev/null | head -n 1)" ]; then
	echo "demo: building driftwatchd in $build"
	(demo_build) || exit 1
fi
for py in /usr/bin/python3 python3; do
	if "$py" -c 'import botocore' 2>/dev/null; then
		exec "$py" "$top/tools/demo.py" "$build/driftwatchd"
	fi
done
echo "demo: no Python can import botocore (apt-get install python3-botocore)" >&2
exit 1
