/*
 * aws_creds and creds_chain: the local sources, their order and role
 * profiles, against files in a scratch directory and a controlled
 * environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/aws_creds.h"
#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"
#include "tap.h"

#define AKID	"AKIDEXAMPLE1234567"
#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
#define AKID2	"AKIDPRODPROFILE0000"
#define SECRET2	"prodSecretKeyThatMustNeverBeLogged0000"

static char	 dir[] = "/tmp/test_creds.XXXXXX";
static char	 err[512];

static const char *const envvars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SECURITY_TOKEN",
	"AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	"CREDENTIALS_DIRECTORY", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	"AWS_STS_REGIONAL_ENDPOINTS", NULL
};

static void
env_reset(void)
{
	int	i;

	for (i = 0; envvars[i] != NULL; i++)
		unsetenv(envvars[i]);
	setenv("HOME", dir, 1);
}

static char *
path_of(const char *name)
{
	static char	buf[4][256];
	static int	n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof buf[n], "%s/%s", dir, name);
	return buf[n];
}

static void
put(const char *name, const char *text)
{
	FILE	*f;

	if ((f = fopen(path_of(name), "w")) == NULL) {
		perror(name);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static struct aws_creds_found	found;

/* What the chain finds, kept in found until the next call. */
static int
find(const char *profile, const char *cred, const char *conf)
{
	struct creds_chain_options	o;

	memset(&o, 0, sizeof o);
	o.files.profile = profile;
	o.files.credentials_file = cred != NULL ? path_of(cred) : NULL;
	o.files.config_file = conf != NULL ? path_of(conf) : NULL;
	aws_creds_found_free(&found);
	return creds_chain_find(&o, &found, err, sizeof err);
}

/* Static keys only: the chain's answer, taken into *c. */
static int
resolve(const char *profile, const char *cred, const char *conf,
    struct aws_creds **c)
{
	int	r;

	aws_creds_free(*c);
	*c = NULL;
	if ((r = find(profile, cred, conf)) == 0 && found.nroles == 0) {
		*c = found.creds;
		found.creds = NULL;
	}
	return r;
}

static int
err_clean(void)
{
	return strstr(err, SECRET) == NULL && strstr(err, SECRET2) == NULL &&
	    strstr(err, AKID) == NULL && strstr(err, AKID2) == NULL;
}

static void
test_env(void)
{
	struct aws_creds	*c = NULL;

	env_reset();
	setenv("AWS_ACCESS_KEY_ID", AKID, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_SESSION_TOKEN", "tok", 1);
	is_int(resolve(NULL, NULL, NULL, &c), 0, "env: resolves");
	IS_STR(c ? c->access_key_id : NULL, AKID, "env: access key");
	IS_STR(c ? c->secret_access_key : NULL, SECRET, "env: secret");
	IS_STR(c ? c->session_token : NULL, "tok", "env: session token");
	IS_STR(c ? c->source : NULL, "environment", "env: source");
	is_int(c ? (long long)c->expiration : -1, 0, "env: never expires");

	env_reset();
	setenv("AWS_ACCESS_KEY", AKID, 1);
	setenv("AWS_SECRET_KEY", SECRET, 1);
	is_int(resolve(NULL, NULL, NULL, &c), 0, "env: legacy aliases");
	ok(c != NULL && c->session_token == NULL, "env: no token is NULL");

	env_reset();
	setenv("AWS_ACCESS_KEY_ID", AKID, 1);
	put("credentials", "[default]\naws_access_key_id=" AKID2 "\n"
	    "aws_secret_access_key=" SECRET2 "\n");
	is_int(resolve(NULL, "credentials", NULL, &c), DW_ECREDS,
	    "env: half set is an error, not a fallthrough");
	ok(strstr(err, "AWS_SECRET_ACCESS_KEY") != NULL, "env: names the "
	    "missing variable: %s", err);
	ok(err_clean(), "env: error holds no secret");

	env_reset();
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	is_int(resolve(NULL, NULL, NULL, &c), DW_ECREDS,
	    "env: secret without key id is an error");
	ok(err_clean(), "env: error holds no secret");
	aws_creds_free(c);
}

static void
test_systemd(void)
{
	struct aws_creds	*c = NULL;

	env_reset();
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	put("aws", "# from LoadCredential=\n[default]\n"
	    "aws_access_key_id = " AKID "\naws_secret_access_key = " SECRET
	    "\n[prod]\naws_access_key_id = " AKID2 "\n"
	    "aws_secret_access_key = " SECRET2 "\n");
	put("credentials", "[default]\naws_access_key_id=OTHER\n"
	    "aws_secret_access_key=OTHERSECRET\n");
	is_int(resolve(NULL, "credentials", NULL, &c), 0, "systemd: resolves");
	IS_STR(c ? c->access_key_id : NULL, AKID,
	    "systemd: wins over the shared file");
	IS_STR(c ? c->source : NULL, "systemd credential aws",
	    "systemd: source");
	is_int(resolve("prod", NULL, NULL, &c), 0, "systemd: profile");
	IS_STR(c ? c->secret_access_key : NULL, SECRET2,
	    "systemd: the profile's secret");
	is_int(resolve("staging", "credentials", NULL, &c), DW_ECREDS,
	    "systemd: missing profile is an error");
	ok(strstr(err, "/aws: no profile staging") != NULL,
	    "systemd: says so: %s", err);

	setenv("AWS_ACCESS_KEY_ID", AKID2, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET2, 1);
	is_int(resolve(NULL, NULL, NULL, &c), 0, "env and systemd: resolves");
	IS_STR(c ? c->source : NULL, "environment", "env wins over systemd");
	unlink(path_of("aws"));
	aws_creds_free(c);
}

static void
test_credentials_file(void)
{
	struct aws_creds	*c = NULL;
	char			*tok, *text;
	size_t			 n = 3000;

	env_reset();
	tok = malloc(n + 1);
	memset(tok, 'T', n);
	tok[n] = '\0';
	text = malloc(n + 512);
	snprintf(text, n + 512, "[default]\r\naws_access_key_id=" AKID
	    "\r\naws_secret_access_key=" SECRET "\r\n\n; comment\n"
	    "[prod]\n  AWS_ACCESS_KEY_ID  =  " AKID2 "   ; inline comment\n"
	    "aws_secret_access_key : " SECRET2 "\naws_session_token = %s\n"
	    "region = eu-west-1\n", tok);
	put("credentials", text);
	is_int(resolve(NULL, "credentials", NULL, &c), 0, "file: default");
	IS_STR(c ? c->access_key_id : NULL, AKID, "file: default key id");
	IS_STR(c ? c->secret_access_key : NULL, SECRET,
	    "file: default secret (CRLF lines)");
	IS_STR(c ? c->source : NULL, "profile default (~/credentials)",
	    "file: source names the file");
	is_int(resolve("prod", "credentials", NULL, &c), 0, "file: prod");
	IS_STR(c ? c->access_key_id : NULL, AKID2,
	    "file: trimmed, inline comment dropped, key case ignored");
	IS_STR(c ? c->secret_access_key : NULL, SECRET2, "file: ':' works");
	IS_STR(c ? c->session_token : NULL, tok,
	    "file: a 3000 byte session token survives whole");

	setenv("AWS_PROFILE", "prod", 1);
	is_int(resolve(NULL, "credentials", NULL, &c), 0, "file: AWS_PROFILE");
	IS_STR(c ? c->access_key_id : NULL, AKID2, "file: AWS_PROFILE used");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
	is_int(resolve(NULL, NULL, NULL, &c), 0,
	    "file: AWS_SHARED_CREDENTIALS_FILE");

	env_reset();
	put("nohome", "");
	mkdir(path_of(".aws"), 0700);
	put(".aws/credentials", "[default]\naws_access_key_id=" AKID "\n"
	    "aws_secret_access_key=" SECRET "\n");
	is_int(resolve(NULL, NULL, NULL, &c), 0, "file: ~/.aws/credentials");
	IS_STR(c ? c->source : NULL, "profile default (~/.aws/credentials)",
	    "file: source abbreviates HOME");
	unsetenv("HOME");
	is_int(resolve(NULL, NULL, NULL, &c), DW_ECREDS,
	    "file: HOME unset skips the home defaults");
	ok(strstr(err, "HOME is unset") != NULL, "file: says so: %s", err);
	unlink(path_of(".aws/credentials"));
	rmdir(path_of(".aws"));
	unlink(path_of("nohome"));
	free(text);
	free(tok);
	aws_creds_free(c);
}

static void
test_config_file(void)
{
	struct aws_creds	*c = NULL;

	env_reset();
	put("config", "[default]\nregion = us-east-1\n"
	    "aws_access_key_id = " AKID "\naws_secret_access_key = " SECRET
	    "\n\n[profile   x ]\naws_access_key_id = " AKID2 "\n"
	    "aws_secret_access_key = " SECRET2 "\n"
	    "s3 =\n  max_concurrent_requests = 20\n"
	    "[y]\naws_access_key_id = A\naws_secret_access_key = B\n");
	is_int(resolve("x", "missing", "config", &c), 0, "config: [profile x]");
	IS_STR(c ? c->access_key_id : NULL, AKID2, "config: x's key");
	is_int(resolve(NULL, "missing", "config", &c), 0, "config: [default]");
	IS_STR(c ? c->access_key_id : NULL, AKID, "config: default's key");
	is_int(resolve("y", "missing", "config", &c), DW_ECREDS,
	    "config: [y] is not profile y");
	ok(strstr(err, "profile y not found") != NULL, "config: says so: %s",
	    err);
	aws_creds_free(c);
}

static void
test_precedence(void)
{
	struct aws_creds	*c = NULL;

	env_reset();
	put("credentials", "[p]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile p]\naws_access_key_id = " AKID2 "\n"
	    "aws_secret_access_key = " SECRET2 "\n"
	    "credential_process = /bin/false\n");
	is_int(resolve("p", "credentials", "config", &c), 0,
	    "precedence: resolves");
	IS_STR(c ? c->access_key_id : NULL, AKID,
	    "precedence: credentials file wins over config");
	put("credentials", "[other]\n");
	is_int(resolve("p", "credentials", "config", &c), DW_ECREDS,
	    "precedence: credential_process beats config keys");
	ok(strstr(err, "config:4: profile p uses credential_process, which "
	    "driftwatch does not support yet") != NULL, "precedence: %s", err);
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
	is_int(resolve("p", "credentials", "config", &c), DW_ECREDS,
	    "precedence: a profile named in the config beats env keys");
	setenv("AWS_PROFILE", "p", 1);
	is_int(resolve(NULL, "credentials", "config", &c), 0,
	    "precedence: env first when the profile comes from AWS_PROFILE");
	IS_STR(c ? c->access_key_id : NULL, "ENVKEY",
	    "precedence: env wins over files");
	unsetenv("AWS_PROFILE");
	aws_creds_free(c);
}

static void
test_errors(void)
{
	struct aws_creds	*c = NULL;
	char			 want[600];
	char			*big;
	FILE			*f;

	/* a newcomer's first error: the file that is not there is named */
	env_reset();
	is_int(resolve("ops", "no-credentials", "no-config", &c), DW_ECREDS,
	    "a named profile, no files: an error");
	snprintf(want, sizeof want, "profile ops not found in %s (no such "
	    "file) or %s (no such file)", path_of("no-credentials"),
	    path_of("no-config"));
	IS_STR(err, want, "the missing files are named as missing");
	put("credentials", "[other]\n");
	is_int(resolve(NULL, "credentials", "no-config", &c), DW_ECREDS,
	    "no default profile: no credentials");
	snprintf(want, sizeof want, "no credentials in the environment and "
	    "no profile default in %s or %s (no such file)",
	    path_of("credentials"), path_of("no-config"));
	IS_STR(err, want, "a file that exists is not said to be missing");

	env_reset();
	put("credentials", "[ops]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile ops]\nregion = us-east-1\n"
	    "role_arn = arn:aws:iam::123456789012:role/x\n"
	    "source_profile = default\n");
	is_int(resolve("ops", "credentials", "config", &c), DW_ECREDS,
	    "role_arn: a missing source_profile is an error, even with keys");
	ok(strstr(err, "profile ops: its source_profile default is not in ")
	    != NULL, "role_arn: message: %s", err);
	ok(err_clean(), "role_arn: no secret in the error");

	put("config", "[profile ops]\nsso_session = corp\n");
	is_int(resolve("ops", "credentials", "config", &c), DW_ECREDS,
	    "sso: an error, even with keys in credentials");
	ok(strstr(err, "config:2: profile ops uses sso_session, which "
	    "driftwatch does not support yet") != NULL, "sso: %s", err);

	put("credentials", "[default]\naws_access_key_id = " AKID "\n"
	    "this line is broken " SECRET "\n");
	is_int(resolve(NULL, "credentials", NULL, &c), DW_EPARSE,
	    "malformed: DW_EPARSE");
	ok(strstr(err, "credentials:3: malformed line") != NULL,
	    "malformed: file and line: %s", err);
	ok(err_clean(), "malformed: no secret in the error");

	put("credentials", "[default]\naws_access_key_id = " AKID "\n"
	    "[default\naws_secret_access_key = " SECRET "\n");
	is_int(resolve(NULL, "credentials", NULL, &c), DW_EPARSE,
	    "malformed section: DW_EPARSE");
	ok(strstr(err, "credentials:3:") != NULL, "malformed section: %s",
	    err);

	put("credentials", "[default]\naws_access_key_id = " AKID "\n");
	is_int(resolve(NULL, "credentials", NULL, &c), DW_ECREDS,
	    "half a profile: DW_ECREDS");
	ok(strstr(err, "profile default has no aws_secret_access_key") !=
	    NULL, "half a profile: %s", err);
	ok(err_clean(), "half a profile: no secret in the error");

	is_int(resolve("nope", "credentials", "config", &c), DW_ECREDS,
	    "missing profile: DW_ECREDS");
	ok(strstr(err, "profile nope not found") != NULL,
	    "missing profile: %s", err);

	put("credentials", "[default]\nregion = x\n");
	is_int(resolve(NULL, "credentials", "none", &c), DW_ECREDS,
	    "profile without keys: DW_ECREDS");
	ok(strstr(err, "credentials:2: profile default has no credentials") !=
	    NULL, "profile without keys: %s", err);

	f = fopen(path_of("credentials"), "w");
	fputs("[default]\naws_access_key_id = A\0B\n", f);
	fwrite("x\0y\n", 1, 4, f);
	fclose(f);
	is_int(resolve(NULL, "credentials", NULL, &c), DW_EPARSE,
	    "NUL byte: DW_EPARSE");

	big = calloc(1, 1024 * 1024 + 2);
	memset(big, '#', 1024 * 1024 + 1);
	put("credentials", big);
	is_int(resolve(NULL, "credentials", NULL, &c), DW_ETOOBIG,
	    "over 1 MiB: rejected");
	ok(c == NULL, "errors leave *out NULL");
	free(big);
	aws_creds_free(c);
}

static void
test_helpers(void)
{
	struct aws_creds	 c, *d;

	memset(&c, 0, sizeof c);
	c.access_key_id = AKID;
	c.secret_access_key = SECRET;
	c.expiration = 10000;
	snprintf(c.source, sizeof c.source, "test");
	ok(aws_creds_valid(&c, 10000 - 61), "valid: before the margin");
	ok(!aws_creds_valid(&c, 10000 - 60), "valid: stale inside 1 min");
	c.expiration = 0;
	ok(aws_creds_valid(&c, 1LL << 40), "valid: 0 never expires");
	c.secret_access_key = "";
	ok(!aws_creds_valid(&c, 0), "valid: empty secret is not");
	ok(!aws_creds_valid(NULL, 0), "valid: NULL is not");
	c.secret_access_key = SECRET;
	c.session_token = "t";
	c.expiration = 42;
	c.obtained = 12;
	d = aws_creds_dup(&c);
	ok(d != NULL && strcmp(d->secret_access_key, SECRET) == 0 &&
	    strcmp(d->session_token, "t") == 0 && d->expiration == 42 &&
	    d->obtained == 12 && strcmp(d->source, "test") == 0,
	    "dup: deep copy");
	aws_creds_free(d);
	aws_creds_free(NULL);
	ok(1, "free: NULL is a no-op");
}

#define ROLE_A	"arn:aws:iam::111122223333:role/audit"
#define ROLE_B	"arn:aws:iam::444455556666:role/hop"

static void
test_roles(void)
{
	env_reset();
	put("credentials", "[base]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile audit]\nregion = eu-west-1\n"
	    "role_arn = " ROLE_A "\nsource_profile = base\n"
	    "external_id = ext-123\nrole_session_name = dw\n"
	    "duration_seconds = 900\nsts_regional_endpoints = regional\n");
	is_int(find("audit", "credentials", "config"), 0, "role: found");
	is_int((long long)found.nroles, 1, "role: one role to assume");
	IS_STR(found.creds ? found.creds->access_key_id : NULL, AKID,
	    "role: signed with the source profile's keys");
	IS_STR(found.creds ? found.creds->source : NULL,
	    "profile base (~/credentials)", "role: the keys' source");
	if (found.nroles == 1) {
		IS_STR(found.roles[0].role_arn, ROLE_A, "role: role_arn");
		IS_STR(found.roles[0].external_id, "ext-123", "role: external_id");
		IS_STR(found.roles[0].session_name, "dw",
		    "role: role_session_name");
		is_int(found.roles[0].duration_seconds, 900,
		    "role: duration_seconds");
		IS_STR(found.roles[0].profile, "audit", "role: its profile");
		ok(strstr(found.roles[0].origin, "/config:3") != NULL,
		    "role: where role_arn is: %s", found.roles[0].origin);
	}
	IS_STR(found.region, "eu-west-1", "role: the profile's region");
	IS_STR(found.sts_regional_endpoints, "regional",
	    "role: sts_regional_endpoints");

	/* a chain: audit -> hop -> base, assumed hop first */
	put("config", "[profile audit]\nrole_arn = " ROLE_A "\n"
	    "source_profile = hop\n[profile hop]\nrole_arn = " ROLE_B "\n"
	    "source_profile = base\n");
	is_int(find("audit", "credentials", "config"), 0, "chain: found");
	is_int((long long)found.nroles, 2, "chain: two roles");
	if (found.nroles == 2) {
		IS_STR(found.roles[0].role_arn, ROLE_B, "chain: hop first");
		IS_STR(found.roles[1].role_arn, ROLE_A, "chain: then audit");
		ok(found.roles[0].session_name == NULL &&
		    found.roles[0].duration_seconds == 0 &&
		    found.roles[0].external_id == NULL,
		    "chain: unset settings are unset");
	}
	ok(found.region == NULL, "chain: no region in the profile");

	/* a profile may name itself when it holds the keys */
	put("credentials", "[self]\naws_access_key_id = " AKID2 "\n"
	    "aws_secret_access_key = " SECRET2 "\nrole_arn = " ROLE_A "\n"
	    "source_profile = self\n");
	is_int(find("self", "credentials", "none"), 0,
	    "self: role_arn in the credentials file, signed by its own keys");
	ok(found.nroles == 1 && found.creds != NULL &&
	    strcmp(found.creds->access_key_id, AKID2) == 0, "self: its keys");

	/* a source profile with keys and a role: the keys (botocore) */
	put("credentials", "[base]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile audit]\nrole_arn = " ROLE_A "\n"
	    "source_profile = base\n[profile base]\nrole_arn = " ROLE_B "\n"
	    "source_profile = audit\n");
	is_int(find("audit", "credentials", "config"), 0,
	    "source keys: beat the source's own role_arn");
	is_int((long long)found.nroles, 1, "source keys: one role");
	aws_creds_found_free(&found);
}

static void
test_role_errors(void)
{
	env_reset();
	put("credentials", "[base]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = b\n[profile b]\nrole_arn = " ROLE_B "\n"
	    "source_profile = a\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS, "loop: refused");
	ok(strstr(err, "config:6: profile b has a source_profile loop: "
	    "a -> b -> a") != NULL, "loop: names the profiles: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = a\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "self loop without keys: refused");
	ok(strstr(err, "source_profile loop: a -> a") != NULL,
	    "self loop: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "credential_source = Ec2InstanceMetadata\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "credential_source: refused");
	ok(strstr(err, "config:3: profile a uses credential_source, which "
	    "driftwatch does not support yet") != NULL, "credential_source: %s",
	    err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = base\nmfa_serial = arn:aws:iam::1:mfa/x\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "mfa_serial: refused");
	ok(strstr(err, "config:4: profile a uses mfa_serial") != NULL,
	    "mfa_serial: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "no source_profile: refused");
	ok(strstr(err, "config:2: profile a has role_arn but no "
	    "source_profile") != NULL, "no source_profile: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = base\nduration_seconds = 1h\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "duration_seconds: refused when not a number");
	ok(strstr(err, "config:4: profile a has duration_seconds = 1h") !=
	    NULL, "duration_seconds: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = p\n[profile p]\ncredential_process = /bin/x\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "source with credential_process: refused");
	ok(strstr(err, "config:5: profile p uses credential_process") != NULL,
	    "source with credential_process: %s", err);

	put("config", "[profile a]\nrole_arn = " ROLE_A "\n"
	    "source_profile = p\n[profile p]\nregion = eu-west-1\n");
	is_int(find("a", "credentials", "config"), DW_ECREDS,
	    "source without keys: refused");
	ok(strstr(err, "profile p has no credentials to sign for profile a") !=
	    NULL, "source without keys: %s", err);
	ok(err_clean(), "role errors: no secret");

	env_reset();
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/run/token", 1);
	is_int(find(NULL, "credentials", "config"), DW_ECREDS,
	    "web identity env: a clear error");
	ok(strstr(err, "AWS_WEB_IDENTITY_TOKEN_FILE") != NULL,
	    "web identity env: %s", err);
	aws_creds_found_free(&found);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	test_env();
	test_systemd();
	test_credentials_file();
	test_config_file();
	test_precedence();
	test_errors();
	test_helpers();
	test_roles();
	test_role_errors();
	unlink(path_of("credentials"));
	unlink(path_of("config"));
	rmdir(dir);
	return done_testing();
}
