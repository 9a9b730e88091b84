/*
 * config.rules and config.compliance, a part of the config family
 * (check_config.c).  In each region every managed rule the baseline
 * names is deployed (matched by Source.SourceIdentifier with Owner AWS,
 * never by rule name: the console and conformance packs name them as
 * they like), and none of the deployed ones is NON_COMPLIANT.
 * DescribeConfigRules (all pages), then DescribeComplianceByConfigRule
 * for the deployed rules' names, 25 at a time.
 *
 * INSUFFICIENT_DATA (Config has no evaluation results for the rule) is
 * neither ok nor drift: driftwatch read the answer, but nobody knows
 * whether the account complies.  config.compliance ends unknown naming
 * those rules, so `check` exits 2 and a rule stuck there makes the
 * daemon's check blind (one alert) instead of an alert that opens and
 * resolves on its own when a fresh rule is first evaluated.
 * Baseline: "config": { "rules": ["IAM_PASSWORD_POLICY", ...],
 * "compliance": true }.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_config.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_config.h"
#include "driftwatch/xmalloc.h"

#define CHECK_RULES	"config.rules"
#define CHECK_COMPL	"config.compliance"
#define CFG_MAX_IDS	200
#define CFG_ID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
#define CFG_LIST_MAX	1024

/* The rules of SPEC §1, for capture's advice. */
static const char *const check_cfg_spec_rules[] = {
	"CLOUD_TRAIL_ENABLED", "IAM_PASSWORD_POLICY",
	"IAM_ROOT_ACCESS_KEY_CHECK", "IAM_USER_MFA_ENABLED",
	"IAM_USER_UNUSED_CREDENTIALS_CHECK", "ROOT_ACCOUNT_MFA_ENABLED",
};

struct check_cfg_rules {
	char		**ids;		/* NULL: "rules" not set */
	size_t		  nids;
	enum tristate	  compliance;
};

struct check_cfg_rules_run;

/* A deployed rule with a baseline identifier. */
struct check_cfg_deployed {
	char	*name;
	char	*id;
};

struct check_cfg_rules_region {
	struct check_cfg_rules_run	*run;
	const char			*region;
	struct aws_pager		*pager;
	struct check_cfg_deployed	*dep;
	size_t				 ndep;
	size_t				 next;	/* the next chunk's first */
};

struct check_cfg_rules_run {
	struct check_run		 run;
	struct check_pass		*pass;
	const struct check_cfg_rules	*want;
	struct check_cfg_rules_region	*regions;
	size_t				 nregions;
	size_t				 pending_rules;
	size_t				 pending_compl;
	char				*rules_error;
	char				*compl_error;
	char				 insufficient[CFG_LIST_MAX];
	/* capture */
	struct check_capture		*cc;
	struct check_cfg_rules		*out;
	struct check_part_wait		*wait;
	int				 bad_compliance;
};

static void	check_cfg_compl_next(struct check_cfg_rules_region *);

static void
check_cfg_dep_free(struct check_cfg_rules_region *g)
{
	size_t	i;

	for (i = 0; i < g->ndep; i++) {
		free(g->dep[i].name);
		free(g->dep[i].id);
	}
	free(g->dep);
	g->dep = NULL;
	g->ndep = 0;
}

static void
check_cfg_rules_run_free(struct check_run *run)
{
	struct check_cfg_rules_run	*r = (struct check_cfg_rules_run *)run;
	size_t				 i;

	for (i = 0; i < r->nregions; i++) {
		aws_pager_cancel(r->regions[i].pager);
		check_cfg_dep_free(&r->regions[i]);
	}
	free(r->regions);
	free(r->rules_error);
	free(r->compl_error);
	free(r);
}

static void
check_cfg_list_add(char *buf, size_t len, const char *what)
{
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
	    buf[0] ? ", " : "", what);
}

static void
check_cfg_fail(char **slot, const char *region, const char *why)
{
	if (*slot == NULL)
		xasprintf(slot, "%s: %s", region, why);
}

static int
check_cfg_want_id(const struct check_cfg_rules *w, const char *id)
{
	size_t	i;

	for (i = 0; id != NULL && i < w->nids; i++)
		if (strcmp(w->ids[i], id) == 0)
			return 1;
	return 0;
}

/* A rule Config is removing does not count as deployed. */
static int
check_cfg_rule_live(const struct cfg_rule *rule)
{
	return strcmp(rule->owner, "AWS") == 0 && rule->source_id != NULL &&
	    (rule->state == NULL || strncmp(rule->state, "DELETING", 8) != 0);
}

/* Capture: the run ends once every region's calls have. */
static void	check_cfg_captured(struct check_cfg_rules_run *);

static void
check_cfg_rules_end(struct check_cfg_rules_run *r)
{
	if (--r->pending_rules > 0)
		return;
	if (r->cc == NULL && r->want->ids != NULL)
		check_end(r->pass, CHECK_RULES, r->rules_error == NULL,
		    r->rules_error);
}

static void
check_cfg_compl_end(struct check_cfg_rules_run *r)
{
	char	why[CFG_LIST_MAX + 200];

	if (--r->pending_compl > 0)
		return;
	if (r->cc != NULL) {
		check_cfg_captured(r);
		return;
	}
	if (r->want->compliance != TRI_TRUE)
		return;
	if (r->compl_error != NULL)
		check_end(r->pass, CHECK_COMPL, 0, r->compl_error);
	else if (r->insufficient[0] != '\0') {
		snprintf(why, sizeof(why), "INSUFFICIENT_DATA: Config has no "
		    "evaluation results for %s", r->insufficient);
		check_end(r->pass, CHECK_COMPL, 0, why);
	} else
		check_end(r->pass, CHECK_COMPL, 1, NULL);
}

static void
check_cfg_rules_judge(struct check_cfg_rules_region *g,
    const struct cfg_answer *a)
{
	struct check_cfg_rules_run	*r = g->run;
	const struct check_cfg_rules	*w = r->want;
	struct finding_obs		 obs;
	char				 expected[CFG_LIST_MAX] = "";
	char				 missing[CFG_LIST_MAX] = "";
	char				 title[CFG_LIST_MAX + 100];
	char				 actual[CFG_LIST_MAX + 20];
	size_t				 i, j;

	for (i = 0; i < w->nids; i++) {
		check_cfg_list_add(expected, sizeof(expected), w->ids[i]);
		for (j = 0; j < a->nrules; j++)
			if (check_cfg_rule_live(&a->rules[j]) &&
			    strcmp(a->rules[j].source_id, w->ids[i]) == 0)
				break;
		if (j == a->nrules)
			check_cfg_list_add(missing, sizeof(missing), w->ids[i]);
	}
	if (missing[0] != '\0')
		snprintf(title, sizeof(title), "AWS Config managed rules "
		    "missing in %s: %s", g->region, missing);
	else
		snprintf(title, sizeof(title), "AWS Config has the baseline's "
		    "managed rules in %s", g->region);
	snprintf(actual, sizeof(actual), "missing %s", missing);
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_RULES;
	obs.resource = check_config_resource(r->nregions, g->region, NULL);
	obs.severity = SEV_HIGH;
	obs.state = missing[0] == '\0' ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = missing[0] == '\0' ? expected : actual;
	check_observe(r->pass, &obs);
}

/* Keeps the deployed rules whose identifier the baseline names (in
 * capture: every live managed rule). */
static void
check_cfg_keep(struct check_cfg_rules_region *g, const struct cfg_answer *a)
{
	struct check_cfg_rules_run	*r = g->run;
	size_t				 i;

	g->dep = xcalloc(a->nrules + 1, sizeof(*g->dep));
	for (i = 0; i < a->nrules; i++) {
		if (!check_cfg_rule_live(&a->rules[i]) || (r->cc == NULL &&
		    !check_cfg_want_id(r->want, a->rules[i].source_id)))
			continue;
		g->dep[g->ndep].name = xstrdup(a->rules[i].name);
		g->dep[g->ndep++].id = xstrdup(a->rules[i].source_id);
	}
}

static void
check_cfg_rules_cb(const struct aws_result *res, const struct cfg_answer *a,
    void *arg)
{
	struct check_cfg_rules_region	*g = arg;
	struct check_cfg_rules_run	*r = g->run;

	g->pager = NULL;
	if (res->result != 0) {
		check_cfg_fail(&r->rules_error, g->region,
		    aws_result_describe(res));
		check_cfg_fail(&r->compl_error, g->region,
		    aws_result_describe(res));
		check_cfg_rules_end(r);
		check_cfg_compl_end(r);
		return;
	}
	if (r->cc == NULL && r->want->ids != NULL)
		check_cfg_rules_judge(g, a);
	check_cfg_keep(g, a);
	check_cfg_rules_end(r);
	if (r->cc == NULL && r->want->compliance != TRI_TRUE) {
		check_cfg_compl_end(r);
		return;
	}
	check_cfg_compl_next(g);
}

static void
check_cfg_compl_observe(struct check_cfg_rules_region *g,
    const struct check_cfg_deployed *d, const char *type)
{
	struct check_cfg_rules_run	*r = g->run;
	struct finding_obs		 obs;
	char				 title[400], what[300];
	int				 bad, unknown;

	bad = type != NULL && strcmp(type, "NON_COMPLIANT") == 0;
	unknown = type == NULL || strcmp(type, "INSUFFICIENT_DATA") == 0 ||
	    (!bad && strcmp(type, "COMPLIANT") != 0 &&
	    strcmp(type, "NOT_APPLICABLE") != 0);
	if (r->cc != NULL) {
		r->bad_compliance += bad || unknown;
		return;
	}
	if (unknown) {
		snprintf(what, sizeof(what), "%s (%s)", check_config_resource(
		    r->nregions, g->region, d->name), d->id);
		check_cfg_list_add(r->insufficient, sizeof(r->insufficient),
		    what);
	}
	snprintf(title, sizeof(title), "AWS Config rule %s (%s) is %s",
	    d->name, d->id, type != NULL ? type : "without compliance");
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_COMPL;
	obs.resource = check_config_resource(r->nregions, g->region, d->name);
	obs.severity = SEV_MEDIUM;
	obs.state = unknown ? FINDING_UNKNOWN : bad ? FINDING_DRIFT :
	    FINDING_OK;
	obs.title = title;
	obs.expected = "COMPLIANT";
	obs.actual = type != NULL ? type : "no compliance";
	check_observe(r->pass, &obs);
}

static void
check_cfg_compl_cb(const struct aws_result *res, const struct cfg_answer *a,
    void *arg)
{
	struct check_cfg_rules_region	*g = arg;
	struct check_cfg_rules_run	*r = g->run;
	const char			*type;
	size_t				 i, j, end;

	g->pager = NULL;
	if (res->result != 0) {
		check_cfg_fail(&r->compl_error, g->region,
		    aws_result_describe(res));
		check_cfg_compl_end(r);
		return;
	}
	end = g->next + CFG_MAX_RULE_NAMES < g->ndep ?
	    g->next + CFG_MAX_RULE_NAMES : g->ndep;
	for (i = g->next; i < end; i++) {
		type = NULL;
		for (j = 0; j < a->ncompliance; j++)
			if (strcmp(a->compliance[j].rule, g->dep[i].name) == 0)
				type = a->compliance[j].type;
		check_cfg_compl_observe(g, &g->dep[i], type);
	}
	g->next = end;
	check_cfg_compl_next(g);
}

/* The compliance of the next chunk of deployed rules, or the end. */
static void
check_cfg_compl_next(struct check_cfg_rules_region *g)
{
	struct check_cfg_rules_run	*r = g->run;
	char				*names[CFG_MAX_RULE_NAMES];
	size_t				 n;

	if (g->next >= g->ndep) {
		check_cfg_compl_end(r);
		return;
	}
	for (n = 0; n < CFG_MAX_RULE_NAMES && g->next + n < g->ndep; n++)
		names[n] = g->dep[g->next + n].name;
	g->pager = aws_config_describe_compliance(r->cc != NULL ?
	    check_capture_aws(r->cc) : check_pass_aws(r->pass), g->region,
	    names, n, check_cfg_compl_cb, g);
	if (g->pager == NULL) {
		check_cfg_fail(&r->compl_error, g->region,
		    "cannot start the Config call");
		check_cfg_compl_end(r);
	}
}

static void
check_cfg_rules_region_start(struct check_cfg_rules_region *g,
    struct aws_client *aws)
{
	struct check_cfg_rules_run	*r = g->run;

	g->pager = aws_config_describe_rules(aws, g->region,
	    check_cfg_rules_cb, g);
	if (g->pager == NULL) {
		check_cfg_fail(&r->rules_error, g->region,
		    "cannot start the Config call");
		check_cfg_fail(&r->compl_error, g->region,
		    "cannot start the Config call");
		check_cfg_rules_end(r);
		check_cfg_compl_end(r);
	}
}

static struct check_cfg_rules_run *
check_cfg_rules_run_new(const char *const *regions, size_t n)
{
	struct check_cfg_rules_run	*r;
	size_t				 i;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_cfg_rules_run_free;
	r->regions = xcalloc(n, sizeof(*r->regions));
	r->nregions = r->pending_rules = r->pending_compl = n;
	for (i = 0; i < n; i++) {
		r->regions[i].run = r;
		r->regions[i].region = regions[i];
	}
	return r;
}

static struct check_run *
check_cfg_rules_start(struct check_pass *p, const void *part)
{
	const struct check_cfg_rules	*w = part;
	struct check_cfg_rules_run	*r;
	const char *const		*regions;
	const char			*def = check_pass_region(p);
	size_t				 i, n;

	if (w->ids == NULL)
		return NULL;
	regions = check_config_regions(check_pass_baseline(p), &def, &n);
	r = check_cfg_rules_run_new(regions, n);
	r->pass = p;
	r->want = w;
	check_begin(p, CHECK_RULES);
	if (w->compliance == TRI_TRUE)
		check_begin(p, CHECK_COMPL);
	for (i = 0; i < n; i++)
		check_cfg_rules_region_start(&r->regions[i], check_pass_aws(p));
	return &r->run;
}

/* capture: the managed rules deployed in the capture's region. */

static int
check_cfg_id_valid(const char *s)
{
	return s != NULL && baseline_all_of(s, CFG_ID_CHARS, 1, 128);
}

static int
check_cfg_id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_cfg_capture_ids(struct check_cfg_rules_run *r,
    const struct check_cfg_rules_region *g)
{
	struct check_cfg_rules	*out = r->out;
	size_t			 i;

	out->ids = xcalloc(g->ndep + 1, sizeof(*out->ids));
	for (i = 0; i < g->ndep; i++)
		if (check_cfg_id_valid(g->dep[i].id) &&
		    !check_cfg_want_id(out, g->dep[i].id) &&
		    out->nids < CFG_MAX_IDS)
			out->ids[out->nids++] = xstrdup(g->dep[i].id);
	qsort(out->ids, out->nids, sizeof(*out->ids), check_cfg_id_cmp);
}

static void
check_cfg_captured(struct check_cfg_rules_run *r)
{
	const struct check_cfg_rules_region	*g = &r->regions[0];
	struct check_part_wait			*wait = r->wait;
	char					 missing[CFG_LIST_MAX] = "";
	size_t					 i;

	r->wait = NULL;
	if (r->rules_error != NULL) {
		check_capture_unread(r->cc, CHECK_RULES, r->rules_error);
		check_capture_unread(r->cc, CHECK_COMPL, r->rules_error);
		check_part_done(wait, r->rules_error);
		return;
	}
	check_cfg_capture_ids(r, g);
	for (i = 0; i < sizeof(check_cfg_spec_rules) /
	    sizeof(check_cfg_spec_rules[0]); i++)
		if (!check_cfg_want_id(r->out, check_cfg_spec_rules[i]))
			check_cfg_list_add(missing, sizeof(missing),
			    check_cfg_spec_rules[i]);
	if (missing[0] != '\0')
		check_capture_note(r->cc, CHECK_RULES, "not deployed in %s: %s; "
		    "deploy them and add them to \"rules\"", g->region, missing);
	if (r->compl_error != NULL)
		check_capture_unread(r->cc, CHECK_COMPL, r->compl_error);
	else if (r->bad_compliance > 0)
		check_capture_note(r->cc, CHECK_COMPL, "%d rule%s in %s %s not "
		    "COMPLIANT (or not yet evaluated): \"compliance\" left out; "
		    "fix them, then add \"compliance\": true", r->bad_compliance,
		    r->bad_compliance > 1 ? "s" : "", g->region,
		    r->bad_compliance > 1 ? "are" : "is");
	else if (r->out->nids > 0)
		r->out->compliance = TRI_TRUE;
	check_part_done(wait, NULL);
}

static struct check_run *
check_cfg_rules_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_cfg_rules_run	*r;
	const char			*region = check_capture_region(cc);

	r = check_cfg_rules_run_new(&region, 1);
	r->regions[0].region = check_capture_region(cc);
	r->cc = cc;
	r->out = part;
	r->wait = wait;
	check_cfg_rules_region_start(&r->regions[0], check_capture_aws(cc));
	return &r->run;
}

/* The baseline section. */

static int
check_cfg_parse_id(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_cfg_rules	*w = arg;
	const char		*s = baseline_str(val);
	size_t			 j;

	if (!check_cfg_id_valid(s))
		return baseline_fail(ctx, "expected a managed rule identifier "
		    "like \"IAM_PASSWORD_POLICY\" (Source.SourceIdentifier, "
		    "not the rule's name)");
	for (j = 0; j < i; j++)
		if (strcmp(w->ids[j], s) == 0)
			return baseline_fail(ctx, "\"%s\" is listed twice "
			    "(also at [%zu])", s, j);
	w->ids[i] = xstrdup(s);
	w->nids = i + 1;
	return 0;
}

static int
check_cfg_parse_ids(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_cfg_rules	*w = field;
	size_t			 n;
	int			 r;

	if ((r = baseline_array(ctx, val, CFG_MAX_IDS, &n)) != 0)
		return r;
	w->ids = xcalloc(n + 1, sizeof(*w->ids));
	return baseline_each(ctx, val, check_cfg_parse_id, w);
}

static const struct baseline_field check_cfg_rules_fields[] = {
	{ "rules", check_cfg_parse_ids, 0, 0 },
	{ "compliance", baseline_tristate,
	    offsetof(struct check_cfg_rules, compliance), 0 },
	{ NULL, NULL, 0, 0 }
};

static int
check_cfg_rules_validate(struct baseline_ctx *ctx, const void *part)
{
	const struct check_cfg_rules	*w = part;

	if (w->compliance != TRI_TRUE || w->ids != NULL)
		return 0;
	baseline_push(ctx, ".compliance");
	return baseline_fail(ctx, "needs \"rules\": the managed rules whose "
	    "compliance is checked");
}

static void
check_cfg_rules_init(void *part)
{
	struct check_cfg_rules	*w = part;

	w->compliance = TRI_UNSET;
}

static void
check_cfg_rules_free(void *part)
{
	struct check_cfg_rules	*w = part;
	size_t			 i;

	for (i = 0; i < w->nids; i++)
		free(w->ids[i]);
	free(w->ids);
}

static void
check_cfg_rules_to_json(struct json_object *o, const void *part)
{
	const struct check_cfg_rules	*w = part;
	struct json_object		*a;
	size_t				 i;

	if (w->ids != NULL) {
		a = baseline_json_array();
		for (i = 0; i < w->nids; i++)
			baseline_json_append(a, xnonnull(
			    json_object_new_string(w->ids[i]),
			    "json_object_new_string"));
		baseline_json_add(o, "rules", a);
	}
	baseline_json_tristate(o, "compliance", w->compliance);
}

const struct check_part check_config_rules_part = {
	.name = CHECK_RULES,
	.fields = check_cfg_rules_fields,
	.size = sizeof(struct check_cfg_rules),
	.init = check_cfg_rules_init,
	.free = check_cfg_rules_free,
	.validate = check_cfg_rules_validate,
	.to_json = check_cfg_rules_to_json,
	.start = check_cfg_rules_start,
	.capture = check_cfg_rules_capture,
};
