/*
 * iam.users, a part of the iam family (check_iam.c): the account's IAM
 * users are exactly the baseline's, and each listed administrator still
 * has administrator access (check_iam_admin.c finds it).  One finding
 * per user, keyed by the user name: an extra user, a missing one, an
 * administrator without access.
 * Baseline: "iam": { "users": ["break-glass", "alice"],
 * "administrators": ["alice"], "break_glass_user": "break-glass" };
 * administrators and break_glass_user must be listed in users.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_iam.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID		"iam.users"
#define IAM_USERS_PARALLEL	4
#define IAM_USERS_MAX		5000	/* IAM's quota of users per account */
#define IAM_USER_CHARS		"abcdefghijklmnopqrstuvwxyz" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-"

struct check_iam_names {
	char	**v;
	size_t	  n;
	int	  set;		/* the key is in the baseline */
};

struct check_iam_users_section {
	struct check_iam_names	 users;
	struct check_iam_names	 admins;
	char			*break_glass;
};

static int
check_iam_names_has(const struct check_iam_names *l, const char *name)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}

static void
check_iam_names_free(struct check_iam_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The run: ListUsers, then each administrator's access, a few at a time. */

struct check_iam_users_run;

struct check_iam_users_slot {
	struct check_iam_users_run	*run;
	struct check_iam_admin		*admin;
	const char			*user;
};

struct check_iam_users_run {
	struct check_run		 run;
	struct check_pass		*pass;
	const struct check_iam_users_section	*want;
	struct aws_pager		*list;
	struct check_iam_names		 live;
	size_t				 next;		/* into want->admins */
	size_t				 in_flight;
	char				*error;		/* first failure */
	struct check_iam_users_slot	 slots[IAM_USERS_PARALLEL];
};

static void
check_iam_users_run_free(struct check_run *run)
{
	struct check_iam_users_run	*r = (struct check_iam_users_run *)run;
	size_t				 i;

	aws_pager_cancel(r->list);
	for (i = 0; i < IAM_USERS_PARALLEL; i++)
		check_iam_admin_cancel(r->slots[i].admin);
	check_iam_names_free(&r->live);
	free(r->error);
	free(r);
}

static void
check_iam_users_observe(struct check_iam_users_run *r, const char *user,
    int ok, enum severity sev, const char *title, const char *expected,
    const char *actual)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = user;
	obs.severity = sev;
	obs.state = ok ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
}

static int
check_iam_users_is_admin(const struct check_iam_users_run *r,
    const char *user)
{
	return check_iam_names_has(&r->want->admins, user);
}

/* Users not in the baseline, and baseline users that are missing. */
static void
check_iam_users_compare(struct check_iam_users_run *r)
{
	const struct check_iam_names	*want = &r->want->users;
	char				 title[160];
	size_t				 i;
	int				 admin;

	if (!want->set)
		return;
	for (i = 0; i < r->live.n; i++) {
		if (check_iam_names_has(want, r->live.v[i]))
			continue;
		snprintf(title, sizeof(title), "IAM user %s is not in the "
		    "baseline", r->live.v[i]);
		check_iam_users_observe(r, r->live.v[i], 0, SEV_HIGH, title,
		    "no such user", "user exists");
	}
	for (i = 0; i < want->n; i++) {
		if (check_iam_names_has(&r->live, want->v[i]))
			continue;
		admin = check_iam_users_is_admin(r, want->v[i]);
		snprintf(title, sizeof(title), "IAM user %s is missing",
		    want->v[i]);
		check_iam_users_observe(r, want->v[i], 0, admin ? SEV_HIGH :
		    SEV_MEDIUM, title, admin ? "user exists, administrator" :
		    "user exists", "no such user");
	}
	/* Present users that need no access check are on baseline now. */
	for (i = 0; i < want->n; i++)
		if (check_iam_names_has(&r->live, want->v[i]) &&
		    !check_iam_users_is_admin(r, want->v[i]))
			check_iam_users_observe(r, want->v[i], 1, SEV_MEDIUM,
			    "IAM user is on the baseline", "user exists",
			    "user exists");
}

static void
check_iam_users_fail(struct check_iam_users_run *r, const char *why)
{
	if (r->error == NULL)
		r->error = xstrdup(why);
}

static void	check_iam_users_fill(struct check_iam_users_run *);

static void
check_iam_users_admin_cb(int result, int is_admin, const char *error,
    void *arg)
{
	struct check_iam_users_slot	*s = arg;
	struct check_iam_users_run	*r = s->run;
	char				 title[160];

	s->admin = NULL;
	r->in_flight--;
	if (result != 0)
		check_iam_users_fail(r, error != NULL ? error : "IAM call failed");
	else {
		snprintf(title, sizeof(title), "IAM administrator %s has "
		    "no administrator access", s->user);
		check_iam_users_observe(r, s->user, is_admin, SEV_HIGH, title,
		    "user exists, administrator", is_admin ?
		    "user exists, administrator" :
		    "user exists, no administrator access");
	}
	check_iam_users_fill(r);
}

/* The next administrator whose access to check; missing ones were
 * reported by check_iam_users_compare(). */
static const char *
check_iam_users_next_admin(struct check_iam_users_run *r)
{
	const struct check_iam_names	*admins = &r->want->admins;

	while (r->next < admins->n) {
		if (check_iam_names_has(&r->live, admins->v[r->next]))
			return admins->v[r->next++];
		r->next++;
	}
	return NULL;
}

/* Keeps a few access checks in flight; ends the check after the last. */
static void
check_iam_users_fill(struct check_iam_users_run *r)
{
	struct check_iam_users_slot	*s;
	const char			*user;
	size_t				 i;

	for (i = 0; i < IAM_USERS_PARALLEL; i++) {
		s = &r->slots[i];
		if (s->admin != NULL)
			continue;
		if ((user = check_iam_users_next_admin(r)) == NULL)
			break;
		s->run = r;
		s->user = user;
		s->admin = check_iam_admin_start(check_pass_aws(r->pass),
		    user, check_iam_users_admin_cb, s);
		if (s->admin == NULL)
			check_iam_users_fail(r, "cannot start the IAM call");
		else
			r->in_flight++;
	}
	if (r->in_flight == 0 && r->next >= r->want->admins.n)
		check_end(r->pass, CHECK_ID, r->error == NULL, r->error);
}

static void
check_iam_users_list_cb(const struct aws_result *res,
    const struct iam_users *u, void *arg)
{
	struct check_iam_users_run	*r = arg;
	size_t				 i;

	r->list = NULL;
	if (res->result != 0) {
		check_end(r->pass, CHECK_ID, 0, aws_result_describe(res));
		return;
	}
	r->live.v = xcalloc(u->n + 1, sizeof(char *));
	for (i = 0; i < u->n; i++)
		r->live.v[r->live.n++] = xstrdup(u->v[i].name);
	check_iam_users_compare(r);
	check_iam_users_fill(r);
}

static struct check_run *
check_iam_users_start(struct check_pass *p, const void *part)
{
	const struct check_iam_users_section	*sec = part;
	struct check_iam_users_run		*r;

	if (!sec->users.set)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_users_run_free;
	r->pass = p;
	r->want = sec;
	check_begin(p, CHECK_ID);
	if ((r->list = aws_iam_list_users(check_pass_aws(p),
	    check_iam_users_list_cb, r)) == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the IAM call");
	return &r->run;
}

/*
 * Capture: the live users, and as administrators those with
 * administrator access now.  Which user is the break-glass one only a
 * person knows: a note asks for it.  Any failure leaves the keys out.
 */

struct check_iam_users_cap;

struct check_iam_users_cap_slot {
	struct check_iam_users_cap	*cap;
	struct check_iam_admin		*admin;
	size_t				 user;
};

struct check_iam_users_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_part_wait		*wait;
	struct check_iam_users_section	*into;
	struct aws_pager		*list;
	struct check_iam_names		 live;
	int				*is_admin;
	size_t				 next;
	size_t				 in_flight;
	char				*error;
	struct check_iam_users_cap_slot	 slots[IAM_USERS_PARALLEL];
};

static void
check_iam_users_cap_free(struct check_run *run)
{
	struct check_iam_users_cap	*c = (struct check_iam_users_cap *)run;
	size_t				 i;

	aws_pager_cancel(c->list);
	for (i = 0; i < IAM_USERS_PARALLEL; i++)
		check_iam_admin_cancel(c->slots[i].admin);
	check_iam_names_free(&c->live);
	free(c->is_admin);
	free(c->error);
	free(c);
}

static void
check_iam_users_cap_end(struct check_iam_users_cap *c, const char *error)
{
	struct check_iam_users_section	*into = c->into;
	size_t				 i;

	if (error != NULL) {
		check_capture_unread(c->cc, CHECK_ID, error);
		check_part_done(c->wait, error);
		return;
	}
	into->users.set = into->admins.set = 1;
	into->users.v = xcalloc(c->live.n + 1, sizeof(char *));
	into->admins.v = xcalloc(c->live.n + 1, sizeof(char *));
	for (i = 0; i < c->live.n; i++) {
		into->users.v[into->users.n++] = xstrdup(c->live.v[i]);
		if (c->is_admin[i])
			into->admins.v[into->admins.n++] =
			    xstrdup(c->live.v[i]);
	}
	check_capture_note(c->cc, CHECK_ID, "%zu users, %zu with administrator "
	    "access: review both lists, and name the break-glass user in "
	    "\"break_glass_user\"", into->users.n, into->admins.n);
	check_part_done(c->wait, NULL);
}

static void	check_iam_users_cap_fill(struct check_iam_users_cap *);

static void
check_iam_users_cap_admin_cb(int result, int is_admin, const char *error,
    void *arg)
{
	struct check_iam_users_cap_slot	*s = arg;
	struct check_iam_users_cap	*c = s->cap;

	s->admin = NULL;
	c->in_flight--;
	if (result != 0 && c->error == NULL)
		c->error = xstrdup(error != NULL ? error : "IAM call failed");
	else if (result == 0)
		c->is_admin[s->user] = is_admin;
	check_iam_users_cap_fill(c);
}

static void
check_iam_users_cap_fill(struct check_iam_users_cap *c)
{
	struct check_iam_users_cap_slot	*s;
	size_t				 i;

	for (i = 0; i < IAM_USERS_PARALLEL && c->error == NULL &&
	    c->next < c->live.n; i++) {
		s = &c->slots[i];
		if (s->admin != NULL)
			continue;
		s->cap = c;
		s->user = c->next++;
		s->admin = check_iam_admin_start(check_capture_aws(c->cc),
		    c->live.v[s->user], check_iam_users_cap_admin_cb, s);
		if (s->admin == NULL)
			c->error = xstrdup("cannot start the IAM call");
		else
			c->in_flight++;
	}
	if (c->in_flight == 0 && (c->error != NULL || c->next >= c->live.n))
		check_iam_users_cap_end(c, c->error);
}

static void
check_iam_users_cap_list_cb(const struct aws_result *res,
    const struct iam_users *u, void *arg)
{
	struct check_iam_users_cap	*c = arg;
	size_t				 i;

	c->list = NULL;
	if (res->result != 0) {
		check_iam_users_cap_end(c, aws_result_describe(res));
		return;
	}
	c->live.v = xcalloc(u->n + 1, sizeof(char *));
	c->is_admin = xcalloc(u->n + 1, sizeof(int));
	for (i = 0; i < u->n; i++)
		c->live.v[c->live.n++] = xstrdup(u->v[i].name);
	check_iam_users_cap_fill(c);
}

static struct check_run *
check_iam_users_capture(struct check_capture *cc, void *part,
    struct check_part_wait *w)
{
	struct check_iam_users_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_iam_users_cap_free;
	c->cc = cc;
	c->wait = w;
	c->into = part;
	if ((c->list = aws_iam_list_users(check_capture_aws(cc),
	    check_iam_users_cap_list_cb, c)) == NULL)
		check_iam_users_cap_end(c, "cannot start the IAM call");
	return &c->run;
}

/* The baseline keys. */

static int
check_iam_users_name(struct baseline_ctx *ctx, struct json_object *val,
    const char **out)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s, IAM_USER_CHARS, 1, 64))
		return baseline_fail(ctx, "expected an IAM user name (1 to 64 "
		    "of A-Z a-z 0-9 +=,.@_-)");
	*out = s;
	return 0;
}

static int
check_iam_users_one(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_iam_names	*l = arg;
	const char		*s = NULL;
	size_t			 j;
	int			 r;

	if ((r = check_iam_users_name(ctx, val, &s)) != 0)
		return r;
	for (j = 0; j < i; j++)
		if (strcmp(l->v[j], s) == 0)
			return baseline_fail(ctx, "\"%s\" is listed twice "
			    "(also at [%zu])", s, j);
	l->v[i] = xstrdup(s);
	l->n = i + 1;
	return 0;
}

static int
check_iam_users_list(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_iam_names	*l = field;
	size_t			 n;
	int			 r;

	if ((r = baseline_array(ctx, val, IAM_USERS_MAX, &n)) != 0)
		return r;
	check_iam_names_free(l);
	l->v = xcalloc(n + 1, sizeof(char *));
	l->set = 1;
	return baseline_each(ctx, val, check_iam_users_one, l);
}

static int
check_iam_users_break_glass(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	char		**out = field;
	const char	 *s = NULL;
	int		  r;

	if ((r = check_iam_users_name(ctx, val, &s)) != 0)
		return r;
	baseline_set_str(out, s);
	return 0;
}

static const struct baseline_field check_iam_users_fields[] = {
	{ "users", check_iam_users_list,
	    offsetof(struct check_iam_users_section, users), 0 },
	{ "administrators", check_iam_users_list,
	    offsetof(struct check_iam_users_section, admins), 0 },
	{ "break_glass_user", check_iam_users_break_glass,
	    offsetof(struct check_iam_users_section, break_glass), 0 },
	{ NULL, NULL, 0, 0 }
};

/* administrators and break_glass_user name users the baseline lists. */
static int
check_iam_users_validate(struct baseline_ctx *ctx, const void *part)
{
	const struct check_iam_users_section	*sec = part;
	size_t					 i, d = baseline_depth(ctx);

	if ((sec->admins.set || sec->break_glass != NULL) && !sec->users.set)
		return baseline_fail(ctx, "%s needs \"users\", the list of "
		    "every IAM user", sec->admins.set ? "\"administrators\"" :
		    "\"break_glass_user\"");
	for (i = 0; i < sec->admins.n; i++)
		if (!check_iam_names_has(&sec->users, sec->admins.v[i])) {
			baseline_push(ctx, ".administrators[%zu]", i);
			return baseline_fail(ctx, "\"%s\" is not listed in "
			    "\"users\"", sec->admins.v[i]);
		}
	if (sec->break_glass != NULL &&
	    !check_iam_names_has(&sec->users, sec->break_glass)) {
		baseline_push(ctx, ".break_glass_user");
		return baseline_fail(ctx, "\"%s\" is not listed in \"users\"",
		    sec->break_glass);
	}
	baseline_pop(ctx, d);
	return 0;
}

static void
check_iam_users_free(void *part)
{
	struct check_iam_users_section	*sec = part;

	check_iam_names_free(&sec->users);
	check_iam_names_free(&sec->admins);
	free(sec->break_glass);
}

static void
check_iam_users_json_list(struct json_object *o, const char *key,
    const struct check_iam_names *l)
{
	struct json_object	*a;
	size_t			 i;

	if (!l->set)
		return;
	a = baseline_json_array();
	for (i = 0; i < l->n; i++)
		baseline_json_append(a, xnonnull(json_object_new_string(
		    l->v[i]), "json_object_new_string"));
	baseline_json_add(o, key, a);
}

static void
check_iam_users_to_json(struct json_object *o, const void *part)
{
	const struct check_iam_users_section	*sec = part;

	check_iam_users_json_list(o, "users", &sec->users);
	check_iam_users_json_list(o, "administrators", &sec->admins);
	baseline_json_str(o, "break_glass_user", sec->break_glass);
}

const char *
check_iam_break_glass_user(const struct baseline *bl)
{
	const struct check_iam_users_section	*sec;

	sec = check_parts_get(baseline_section(bl, &check_family_iam),
	    &check_iam_users_part);
	return sec != NULL ? sec->break_glass : NULL;
}

const struct check_part check_iam_users_part = {
	.name = CHECK_ID,
	.fields = check_iam_users_fields,
	.size = sizeof(struct check_iam_users_section),
	.free = check_iam_users_free,
	.to_json = check_iam_users_to_json,
	.validate = check_iam_users_validate,
	.start = check_iam_users_start,
	.capture = check_iam_users_capture,
};
