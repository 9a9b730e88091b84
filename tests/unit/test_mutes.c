/*
 * Mutes: the keys and dates a mute takes, the list, and the state
 * directory's file read back and refused when malformed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/error.h"
#include "driftwatch/mutes.h"
#include "tap.h"

static char dir[64];

static void
write_file(const char *text)
{
	char	 path[128];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, MUTES_FILE);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void
test_keys(void)
{
	static const char *const good[] = {
		"root.mfa", "iam.user_mfa/alice", "contacts.security",
		"config.rules/IAM_USER_MFA_ENABLED", "tax.registrations/DE 1",
	};
	static const char *const bad[] = {
		"", "alice", "root", ".mfa", "root.", "root..mfa", "Root.mfa",
		"iam.user_mfa/", "/alice", "iam.user-mfa/alice",
		"iam.user_mfa/a\nb", "iam.user_mfa/a\x7f",
	};
	char	long_key[MUTES_MAXKEY + 8];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(mutes_key_valid(good[i]), "key %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!mutes_key_valid(bad[i]), "bad key %zu refused", i);
	memset(long_key, 'a', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	memcpy(long_key, "iam.x/", 6);
	ok(!mutes_key_valid(long_key), "a key past %d bytes", MUTES_MAXKEY);
}

static void
test_dates(void)
{
	static const char *const bad[] = {
		"", "2027-01-31T00:00:00", "2027-01-31 00:00:00Z",
		"2027-02-30", "2027-13-01", "2027-01-31T24:00:00Z",
		"2027-1-31", "tomorrow", "2027-01-31T00:00:00Zx",
		"1800000000",
	};
	char	buf[32];
	time_t	t;
	size_t	i;

	is_int(mutes_time_parse("2027-01-31T12:30:05Z", &t), 0, "full date");
	mutes_time_fmt(t, buf, sizeof(buf));
	IS_STR(buf, "2027-01-31T12:30:05Z", "formats back");
	is_int(mutes_time_parse("2027-01-31", &t), 0, "a day");
	mutes_time_fmt(t, buf, sizeof(buf));
	IS_STR(buf, "2027-01-31T00:00:00Z", "midnight UTC");
	is_int(mutes_time_parse("2028-02-29", &t), 0, "a leap day");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(mutes_time_parse(bad[i], &t), DW_EINVAL,
		    "bad date %zu refused", i);
}

static void
test_list(void)
{
	struct mutes		*ms = mutes_new(), *b = mutes_new();
	const struct mute	*m;

	is_int(mutes_set(b, "root.mfa", 100, "baseline's", 0, MUTE_BASELINE),
	    0, "set");
	is_int(mutes_set(ms, "root.mfa", 200, "command's", 5, MUTE_STATE), 0,
	    "set");
	is_int(mutes_merge(b, ms), 0, "merge");
	m = mutes_find(b, "root.mfa");
	ok(m != NULL && m->until == 200 && m->source == MUTE_STATE &&
	    strcmp(m->reason, "command's") == 0 && b->n == 1,
	    "a later mute of the same finding replaces the earlier");
	ok(mutes_active(b, "root.mfa", 199) != NULL, "holds before until");
	ok(mutes_active(b, "root.mfa", 200) == NULL, "ends at until");
	ok(mutes_active(b, "root.mfa/x", 0) == NULL, "exact key only");
	ok(mutes_active(NULL, "root.mfa", 0) == NULL, "no list: none");
	is_int(mutes_remove(b, "root.mfa"), 1, "removed");
	is_int(mutes_remove(b, "root.mfa"), 0, "not there twice");
	IS_STR(mute_source_name(MUTE_BASELINE), "baseline", "source name");
	IS_STR(mute_source_name(MUTE_STATE), "command", "source name");
	mutes_free(ms);
	mutes_free(b);
}

static void
test_file(void)
{
	static const char *const bad[] = {
		"[]",
		"{\"version\": 2, \"mutes\": []}",
		"{\"version\": 1}",
		"{\"version\": 1, \"mutes\": {}}",
		"{\"version\": 1, \"mutes\": [7]}",
		"{\"version\": 1, \"mutes\": [{\"finding\": \"x\", "
		    "\"until\": \"2027-01-01\", \"reason\": \"r\"}]}",
		"{\"version\": 1, \"mutes\": [{\"finding\": \"root.mfa\", "
		    "\"until\": \"soon\", \"reason\": \"r\"}]}",
		"{\"version\": 1, \"mutes\": [{\"finding\": \"root.mfa\", "
		    "\"until\": \"2027-01-01\"}]}",
		"{\"version\": 1, \"mutes\": [{\"finding\": \"root.mfa\", "
		    "\"until\": \"2027-01-01\", \"reason\": \"\"}]}",
		"{\"version\": 1, \"mutes\": [{\"finding\": \"root.mfa\", "
		    "\"until\": \"2027-01-01\", \"reason\": \"r\"}, "
		    "{\"finding\": \"root.mfa\", \"until\": \"2027-01-02\", "
		    "\"reason\": \"r\"}]}",
		"{\"version\": 1, \"mutes\": [",
	};
	struct mutes		*ms = mutes_new(), *got, *b;
	const struct mute	*m;
	char			 err[512], path[128];
	struct stat		 st;
	size_t			 i;

	got = mutes_new();
	is_int(mutes_load(got, dir, err, sizeof(err)), 0, "absent: none");
	is_int((long long)got->n, 0, "empty");
	mutes_free(got);
	mutes_set(ms, "iam.user_mfa/alice", 1800000000, "new \"key\"",
	    1700000000, MUTE_STATE);
	mutes_set(ms, "root.mfa", 1800000000, "the baseline's", 0,
	    MUTE_BASELINE);
	is_int(mutes_save(ms, dir), 0, "saved");
	snprintf(path, sizeof(path), "%s/%s", dir, MUTES_FILE);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	got = mutes_new();
	is_int(mutes_load(got, dir, err, sizeof(err)), 0, "read back");
	m = mutes_find(got, "iam.user_mfa/alice");
	ok(got->n == 1 && m != NULL && m->until == 1800000000 &&
	    m->created == 1700000000 && m->source == MUTE_STATE &&
	    strcmp(m->reason, "new \"key\"") == 0,
	    "the command's mute kept, the baseline's not written");
	mutes_free(got);

	/* the file's mute replaces the baseline's of the same finding */
	b = mutes_new();
	mutes_set(b, "iam.user_mfa/alice", 1, "old", 0, MUTE_BASELINE);
	got = mutes_new();
	is_int(mutes_load_all(got, b, dir, err, sizeof(err)), 0, "load all");
	m = mutes_find(got, "iam.user_mfa/alice");
	ok(got->n == 1 && m != NULL && m->source == MUTE_STATE, "file wins");
	mutes_free(got);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(bad[i]);
		got = mutes_new();
		*err = '\0';
		is_int(mutes_load(got, dir, err, sizeof(err)), DW_EPARSE,
		    "malformed %zu refused", i);
		ok(strstr(err, MUTES_FILE) != NULL, "the error names the "
		    "file: %s", err);
		mutes_free(got);
	}
	got = mutes_new();
	is_int(mutes_load_all(got, b, dir, err, sizeof(err)), DW_EPARSE,
	    "load all of a bad file fails");
	ok(got->n == 1 && got->v[0].source == MUTE_BASELINE,
	    "leaving the baseline's mutes alone");
	mutes_free(got);
	mutes_free(b);
	mutes_free(ms);
	unlink(path);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dw-mutes.XXXXXX");
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	test_keys();
	test_dates();
	test_list();
	test_file();
	rmdir(dir);
	return done_testing();
}
