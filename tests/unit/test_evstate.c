/*
 * Event poller state: cursors, EventId dedup at scale, pruning,
 * persistence and corrupt files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driftwatch/error.h"
#include "driftwatch/evstate.h"
#include "tap.h"

#define T0	1700000000
#define NIDS	50000

static char dir[64];

static void
write_state(const char *text)
{
	FILE	*fp;

	if ((fp = fopen("events.json", "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_ids(void)
{
	struct evstate	*es;
	char		 id[256];

	es = evstate_new(dir);
	ok(es != NULL, "evstate_new");
	is_int((long long)evstate_count(es), 0, "empty");
	is_int(evstate_seen(es, "abc"), 0, "nothing seen in an empty state");
	is_int(evstate_mark(es, "5d3e8f62-1b6e-4c55-9a4e-0d1f2c3b4a59", T0), 0,
	    "mark");
	is_int(evstate_seen(es, "5d3e8f62-1b6e-4c55-9a4e-0d1f2c3b4a59"), 1,
	    "seen after mark");
	is_int(evstate_seen(es, "5d3e8f62-1b6e-4c55-9a4e-0d1f2c3b4a5"), 0,
	    "prefix not seen");
	is_int(evstate_mark(es, "5d3e8f62-1b6e-4c55-9a4e-0d1f2c3b4a59", T0), 0,
	    "mark twice");
	is_int((long long)evstate_count(es), 1, "counted once");
	is_int(evstate_mark(es, "", T0), DW_EINVAL, "empty id rejected");
	is_int(evstate_mark(es, NULL, T0), DW_EINVAL, "NULL id rejected");
	is_int(evstate_mark(es, "a\nb", T0), DW_EINVAL, "newline rejected");
	is_int(evstate_mark(es, "a\x7f", T0), DW_EINVAL, "DEL rejected");
	is_int(evstate_mark(es, "a\x1b[2J", T0), DW_EINVAL, "ESC rejected");
	memset(id, 'x', sizeof(id));
	id[EVSTATE_IDMAX] = '\0';
	is_int(evstate_mark(es, id, T0), 0, "128-byte id accepted");
	id[EVSTATE_IDMAX] = 'x';
	id[EVSTATE_IDMAX + 1] = '\0';
	is_int(evstate_mark(es, id, T0), DW_EINVAL, "129-byte id rejected");
	is_int(evstate_seen(es, id), 0, "invalid id never seen");
	is_int((long long)evstate_count(es), 2, "only valid ids counted");
	evstate_free(es);
	evstate_free(NULL);
	ok(1, "evstate_free(NULL) is a no-op");
}

static void
test_cursor(void)
{
	struct evstate	*es;

	es = evstate_new(dir);
	is_int(evstate_cursor(es, "us-east-1"), 0, "no cursor: 0");
	evstate_set_cursor(es, "us-east-1", T0);
	is_int(evstate_cursor(es, "us-east-1"), T0, "cursor set");
	evstate_set_cursor(es, "us-east-1", T0 - 100);
	is_int(evstate_cursor(es, "us-east-1"), T0, "cursor never goes back");
	evstate_set_cursor(es, "us-east-1", T0 + 5);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 5, "cursor moves forward");
	evstate_set_cursor(es, "eu-west-1", T0 - 7);
	is_int(evstate_cursor(es, "eu-west-1"), T0 - 7, "regions separate");
	is_int(evstate_cursor(es, "us-east-1"), T0 + 5, "other region kept");
	evstate_set_cursor(es, "US East\n", T0);
	is_int(evstate_cursor(es, "US East\n"), 0, "bad region ignored");
	is_int(evstate_cursor(es, NULL), 0, "NULL region: 0");
	evstate_free(es);
}

#define OVERLAP	600
#define LOOKBACK 1800
#define SKEW	1200	/* the host clock ahead of AWS's */

/* One poll of region by the clock now, reading [start, end]. */
static void
window(struct evstate *es, time_t now, time_t *start, time_t *end)
{
	evstate_window(es, "us-east-1", now, OVERLAP, LOOKBACK, start, end);
}

static void
test_window(void)
{
	struct evstate	*es;
	time_t		 s, e, s2, e2;

	es = evstate_new(dir);
	window(es, T0, &s, &e);
	is_int(s, T0 - LOOKBACK, "never read: the lookback");
	is_int(e, T0, "the window ends now");
	evstate_advance(es, "us-east-1", s, e, 0, OVERLAP);
	window(es, T0 + 60, &s2, &e2);
	is_int(s2, T0 - LOOKBACK, "no event yet: the start stays put, it "
	    "does not slide with the clock");
	is_int(e2, T0 + 60, "and the end moves on");

	/* an event at AWS time T0 read by a host SKEW seconds ahead */
	evstate_advance(es, "us-east-1", s2, T0 + SKEW, T0, OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0,
	    "the cursor is the newest EventTime, not the host's time");
	window(es, T0 + SKEW + 5, &s, &e);
	is_int(s, T0 - OVERLAP, "a host clock ahead does not shrink the "
	    "overlap");
	window(es, T0 + 5, &s2, &e2);
	is_int(s2, s, "the start is the same whatever the host clock says");
	ok(T0 - OVERLAP + 1 >= s && T0 - OVERLAP + 1 <= e,
	    "an event shown late, within the overlap, is in the next window");

	evstate_advance(es, "us-east-1", s, e, T0 - 50, OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0, "an older event: the "
	    "cursor does not go back");
	evstate_advance(es, "us-east-1", T0, T0 + 10, T0 + 99999, OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 10, "an EventTime after "
	    "the window's end moves the cursor only to the end");

	/* a region without events for long: its window does not grow */
	evstate_advance(es, "us-east-1", T0, T0 + 86400, 0, OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 86400 - EVSTATE_CLOCK_GUARD,
	    "no event for a day: the cursor trails the end by the guard");
	window(es, T0 + 86400 + 60, &s, &e);
	is_int(s, T0 + 86400 - EVSTATE_CLOCK_GUARD - OVERLAP,
	    "so the window stays guard + overlap + interval wide");

	/* a host clock behind AWS's: the window never turns inside out */
	evstate_set_cursor(es, "eu-west-1", T0 + 5000);
	evstate_window(es, "eu-west-1", T0, OVERLAP, LOOKBACK, &s, &e);
	is_int(s, T0 + 5000 - OVERLAP, "behind: the start is still the "
	    "cursor's");
	ok(e > s, "behind: the end is after the start");

	/* a long stop: LookupEvents reads 90 days back at most */
	evstate_set_cursor(es, "ap-southeast-2", T0 - 200 * 86400);
	evstate_window(es, "ap-southeast-2", T0, OVERLAP, LOOKBACK, &s, &e);
	is_int(s, T0 - 90 * 86400, "never more than 90 days back");

	/* the first window, read with events older than the lookback end */
	evstate_window(es, "sa-east-1", T0, OVERLAP, LOOKBACK, &s, &e);
	evstate_advance(es, "sa-east-1", s, e, s + 10, OVERLAP);
	evstate_window(es, "sa-east-1", T0 + 60, OVERLAP, LOOKBACK, &s2, &e2);
	is_int(s2, s, "an early first event does not pull the next window "
	    "before the lookback");
	evstate_free(es);
}

/* An event whose alert is not on disk holds the cursor back. */
static void
test_hold(void)
{
	struct evstate	*es;
	time_t		 s, e;

	es = evstate_new(dir);
	evstate_set_cursor(es, "us-east-1", T0);
	evstate_hold(es, "us-east-1", "ev-a", T0 + 10);
	evstate_hold(es, "us-east-1", "ev-a", T0 + 10);
	is_int((long long)evstate_holds(es), 1, "held once, however often "
	    "raised");
	evstate_advance(es, "us-east-1", T0, T0 + 3 * OVERLAP, T0 + 2 * OVERLAP,
	    OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 10 + OVERLAP,
	    "newer events move the cursor no further than the overlap past "
	    "the held one");
	window(es, T0 + 4 * OVERLAP, &s, &e);
	ok(s <= T0 + 10, "so the next window reads it again");
	evstate_set_cursor(es, "eu-west-1", T0);
	evstate_advance(es, "eu-west-1", T0, T0 + 100, T0 + 90, OVERLAP);
	is_int(evstate_cursor(es, "eu-west-1"), T0 + 90, "another region is "
	    "not held");
	evstate_advance(es, "us-east-1", T0, T0 + 86400, 0, OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 10 + OVERLAP,
	    "nor does the quiet-region floor carry it past");
	ok(evstate_mark(es, "ev-a", T0 + 10) == 0 && evstate_holds(es) == 0,
	    "marked (its alert is durable): released");
	evstate_advance(es, "us-east-1", T0, T0 + 3 * OVERLAP, T0 + 2 * OVERLAP,
	    OVERLAP);
	is_int(evstate_cursor(es, "us-east-1"), T0 + 2 * OVERLAP,
	    "then the cursor moves on");
	evstate_free(es);
}

static ino_t
inode(void)
{
	struct stat	st;

	return stat("events.json", &st) == -1 ? 0 : st.st_ino;
}

static void
test_persist(void)
{
	struct evstate	*es, *es2;
	char		 err[256];
	ino_t		 ino;

	unlink("events.json");
	es = evstate_new(dir);
	is_int(evstate_load(es, err, sizeof(err)), 0, "absent file: empty");
	evstate_set_cursor(es, "us-east-1", T0);
	evstate_set_cursor(es, "eu-central-1", T0 + 1);
	evstate_mark(es, "id-1", T0 - 10);
	evstate_mark(es, "id-\"quoted\"\\", T0 - 5);
	is_int(evstate_save(es), 0, "save");
	ino = inode();
	ok(ino != 0, "events.json written");
	is_int(evstate_save(es), 0, "save unchanged");
	ok(inode() == ino, "unchanged: not rewritten");
	evstate_set_cursor(es, "us-east-1", T0 - 1);
	evstate_mark(es, "id-1", T0 - 20);
	is_int(evstate_save(es), 0, "save after no-op changes");
	ok(inode() == ino, "older cursor or time: not rewritten");

	es2 = evstate_new(dir);
	is_int(evstate_load(es2, err, sizeof(err)), 0, "load");
	is_int((long long)evstate_count(es2), 2, "ids restored");
	is_int(evstate_seen(es2, "id-1"), 1, "id-1 seen after restart");
	is_int(evstate_seen(es2, "id-\"quoted\"\\"), 1, "escaped id round-trips");
	is_int(evstate_cursor(es2, "us-east-1"), T0, "cursor restored");
	is_int(evstate_cursor(es2, "eu-central-1"), T0 + 1,
	    "second cursor restored");
	evstate_prune(es2, T0 - 7);
	is_int((long long)evstate_count(es2), 1, "prune forgets older ids");
	is_int(evstate_seen(es2, "id-1"), 0, "pruned id forgotten");
	is_int(evstate_seen(es2, "id-\"quoted\"\\"), 1, "newer id kept");
	is_int(evstate_save(es2), 0, "save after prune");
	ok(inode() != ino, "prune rewrites the file");
	evstate_free(es2);
	evstate_free(es);
}

static void
corrupt(const char *text, const char *needle, const char *what)
{
	struct evstate	*es;
	char		 err[512] = "";

	es = evstate_new(dir);
	evstate_mark(es, "keep", T0);
	write_state(text);
	is_int(evstate_load(es, err, sizeof(err)), DW_EPARSE, "corrupt: %s",
	    what);
	ok(strstr(err, "events.json") != NULL && strstr(err, needle) != NULL,
	    "error names file and fault: %s", err);
	is_int(evstate_seen(es, "keep"), 1, "failed load keeps the state");
	evstate_free(es);
}

static void
test_corrupt(void)
{
	corrupt("", "truncated", "empty file");
	corrupt("{\"version\":1,\"seen\":{\"a\":1", "truncated", "truncated");
	corrupt("\"x\"", "not a JSON object", "a string");
	corrupt("{\"seen\":{}}", "version", "no version");
	corrupt("{\"version\":1,\"seen\":[]}", "\"seen\" is not an object",
	    "seen not an object");
	corrupt("{\"version\":1,\"seen\":{\"a\":\"x\"}}", "not an integer",
	    "time not an integer");
	corrupt("{\"version\":1,\"seen\":{\"a\":-5}}", "negative",
	    "negative time");
	corrupt("{\"version\":1,\"seen\":{\"a\\u0001b\":5}}", "not a valid",
	    "control character in an id");
	corrupt("{\"version\":1,\"cursors\":{\"us-east-1\":true}}",
	    "cursor \"us-east-1\" is not an integer", "cursor not an integer");
	corrupt("{\"version\":1,\"cursors\":{\"../x\":1}}", "bad region",
	    "bad region name");
	corrupt("{\"version\":1,\"cursors\":[]}", "not an object",
	    "cursors not an object");
}

static void
test_scale(void)
{
	struct evstate	*es, *es2;
	char		 id[64], err[256];
	double		 t;
	int		 i, seen = 0, unseen = 0;

	es = evstate_new(dir);
	t = seconds();
	for (i = 0; i < NIDS; i++) {
		snprintf(id, sizeof(id), "%08x-1b6e-4c55-9a4e-%012d", i * 7919,
		    i);
		if (evstate_mark(es, id, T0 + i) != 0)
			break;
	}
	diag("marked %d ids in %.3f s", NIDS, seconds() - t);
	is_int((long long)evstate_count(es), NIDS, "50000 ids marked");
	t = seconds();
	for (i = 0; i < NIDS; i++) {
		snprintf(id, sizeof(id), "%08x-1b6e-4c55-9a4e-%012d", i * 7919,
		    i);
		seen += evstate_seen(es, id);
		snprintf(id, sizeof(id), "%08x-1b6e-4c55-9a4e-%012d", i * 7919,
		    i + NIDS);
		unseen += evstate_seen(es, id);
	}
	diag("looked up %d ids in %.3f s", 2 * NIDS, seconds() - t);
	is_int(seen, NIDS, "every marked id seen");
	is_int(unseen, 0, "no unmarked id seen");

	unlink("events.json");
	t = seconds();
	is_int(evstate_save(es), 0, "save 50000 ids");
	es2 = evstate_new(dir);
	is_int(evstate_load(es2, err, sizeof(err)), 0, "load 50000 ids");
	diag("saved and loaded %d ids in %.3f s", NIDS, seconds() - t);
	is_int((long long)evstate_count(es2), NIDS, "all restored");
	evstate_prune(es2, T0 + NIDS / 2);
	is_int((long long)evstate_count(es2), NIDS / 2, "prune half");
	snprintf(id, sizeof(id), "%08x-1b6e-4c55-9a4e-%012d", 49999 * 7919,
	    49999);
	is_int(evstate_seen(es2, id), 1, "newest kept after prune");
	evstate_free(es2);
	evstate_free(es);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dw-evstate.XXXXXX");
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	if (chdir(dir) == -1)
		skip_all("chdir failed");
	test_ids();
	test_cursor();
	test_window();
	test_hold();
	test_persist();
	test_corrupt();
	test_scale();
	unlink("events.json");
	rmdir(dir);
	return done_testing();
}
