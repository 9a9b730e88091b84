#!/bin/sh
# The longest event-loop stall while 1000 alerts go to 4 sinks
# (tools/outbox_stall.c).  Usage:
#
#	tools/outbox_stall.sh BUILD_DIR [SRC_DIR] [STATE_PARENT]
#
# BUILD_DIR is a configured and built tree (it holds libdriftwatch.a and
# config.h) of the sources in SRC_DIR (default: this checkout), whose
# headers the benchmark is compiled against; the benchmark itself is
# always this checkout's tools/outbox_stall.c.  The outbox is written
# under STATE_PARENT (default /var/tmp): use a real disk, not a tmpfs,
# or the fsyncs cost nothing.  DW_BURST=N changes the burst size.
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${2:-$here/..}" && pwd)
parent=${3:-/var/tmp}
work=$(mktemp -d "$parent/dw-outbox-stall.XXXXXX")
trap 'rm -rf "$work"' EXIT
libs="libevent libcurl libcrypto json-c libxml-2.0 inih"
pkg-config --exists libsystemd && libs="$libs libsystemd"
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -I"$build" -I"$src/include" \
    $(pkg-config --cflags $libs) -o "$work/outbox_stall" \
    "$here/outbox_stall.c" "$build/libdriftwatch.a" \
    $(pkg-config --libs $libs) -lm
mkdir -p "$work/state"
"$work/outbox_stall" "$work/state" 2>"$work/log" || {
	tail -5 "$work/log" >&2
	exit 1
}
