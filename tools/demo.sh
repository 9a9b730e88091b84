#!/bin/sh
# Installs what is needed, builds driftwatchd, and runs the demo: the
# daemon against the bundled fake AWS with a scripted scenario.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/tools/install-deps.sh"
build="$top/_build/demo"
if [ ! -x "$build/driftwatchd" ] || [ -n "$(find src include -newer "$build/driftwatchd" 2>/dev/null | head -n 1)" ]; then
	echo "demo: building driftwatchd in $build"
	[ -x "$top/configure" ] || autoreconf -fi >/dev/null
	mkdir -p "$build"
	(cd "$build" && { [ -f Makefile ] || "$top/configure" >configure.log; } &&
	    make -j"$(nproc 2>/dev/null || echo 2)" driftwatchd >make.log) ||
	    { echo "demo: the build failed; see $build/make.log" >&2; exit 1; }
fi
for py in /usr/bin/python3 python3; do
	if "$py" -c 'import botocore' 2>/dev/null; then
		exec "$py" "$top/tools/demo.py" "$build/driftwatchd"
	fi
done
echo "demo: no Python can import botocore (apt-get install python3-botocore)" >&2
exit 1
