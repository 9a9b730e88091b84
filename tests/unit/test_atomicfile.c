/*
 * atomicfile: a write leaves no temporary file behind, and the start-up
 * sweep removes only the temporary files of other processes, only
 * regular files, and only as deep as asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "tap.h"

static char dir[64];

static void
touch(const char *name)
{
	char	 path[256];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs("{\"half", fp);
	fclose(fp);
}

static int
exists(const char *name)
{
	char		path[256];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static void
mkdir_in(const char *name)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		abort();
}

static void
test_write_leaves_nothing(void)
{
	char	path[256], tmp[300], *buf = NULL;
	size_t	len = 0;

	snprintf(path, sizeof(path), "%s/state.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	is_int(atomicfile_write(path, "{}", 2, 0600), 0, "write");
	is_int(access(tmp, F_OK), -1, "no temporary file after a write");
	is_int(atomicfile_read(path, 100, &buf, &len), 0, "read back");
	IS_STR(buf, "{}", "content");
	free(buf);
}

static void
test_sweep(void)
{
	char	own[64], link_to[256];

	mkdir_in("outbox");
	mkdir_in("outbox/dead");
	mkdir_in("outbox/dead/deeper");
	mkdir_in("dir.tmp.55");
	touch("events.json.tmp.4194301");
	touch("outbox/a.json.tmp.7");
	touch("outbox/dead/b.json.tmp.8");
	touch("outbox/dead/deeper/c.json.tmp.9");
	snprintf(own, sizeof(own), "findings.json.tmp.%ld", (long)getpid());
	touch(own);
	touch("notes.tmp");
	touch("x.tmp.12a");
	touch("x.tmp.");
	touch(".tmp.5");
	touch("x.tmp.-3");
	touch("x.tmp.99999999999999999999999");
	snprintf(link_to, sizeof(link_to), "%s/notes.tmp", dir);
	if (symlink(link_to, "l.tmp.6") == -1)
		abort();

	is_int(atomicfile_sweep(dir, 2), 3, "three stale files removed");
	ok(!exists("events.json.tmp.4194301"), "another pid's: removed");
	ok(!exists("outbox/a.json.tmp.7"), "one level down: removed");
	ok(!exists("outbox/dead/b.json.tmp.8"), "two levels down: removed");
	ok(exists("outbox/dead/deeper/c.json.tmp.9"),
	    "deeper than asked: kept");
	ok(exists(own), "this process's own: kept (it may be being written)");
	ok(exists("notes.tmp") && exists("x.tmp.12a") && exists("x.tmp.") &&
	    exists(".tmp.5") && exists("x.tmp.-3") &&
	    exists("x.tmp.99999999999999999999999"),
	    "names that are not <file>.tmp.<pid>: kept");
	ok(exists("dir.tmp.55"), "a directory: kept");
	ok(exists("l.tmp.6") && exists("notes.tmp"),
	    "a symbolic link: kept, and its target too");
	is_int(atomicfile_sweep(dir, 2), 0, "a second sweep finds none");
	is_int(atomicfile_sweep("/nonexistent/dw-sweep", 2), 0,
	    "a missing directory holds none");
	is_int(atomicfile_sweep(dir, 0), 0, "depth 0: this directory only");
}

int
main(void)
{
	char	cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/dw-atomicfile.XXXXXX");
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	if (chdir(dir) == -1)
		skip_all("chdir failed");
	test_write_leaves_nothing();
	test_sweep();
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		diag("could not clean up %s", dir);
	return done_testing();
}
