/*
 * aws_creds: the static sources and their order, against files in a
 * scratch directory and a controlled environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/aws_creds.h"
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
	"CREDENTIALS_DIRECTORY", NULL
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

static int
resolve(const char *profile, const char *cred, const char *conf,
    struct aws_creds **c)
{
	struct aws_creds_options	o;

	o.profile = profile;
	o.credentials_file = cred != NULL ? path_of(cred) : NULL;
	o.config_file = conf != NULL ? path_of(conf) : NULL;
	aws_creds_free(*c);
	*c = NULL;
	return aws_creds_resolve(&o, c, err, sizeof err);
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
	char			*big;
	FILE			*f;

	env_reset();
	put("credentials", "[ops]\naws_access_key_id = " AKID "\n"
	    "aws_secret_access_key = " SECRET "\n");
	put("config", "[profile ops]\nregion = us-east-1\n"
	    "role_arn = arn:aws:iam::123456789012:role/x\n"
	    "source_profile = default\n");
	is_int(resolve("ops", "credentials", "config", &c), DW_ECREDS,
	    "role_arn: an error, even with keys in credentials");
	ok(strstr(err, "config:3: profile ops uses role_arn, which driftwatch "
	    "does not support yet") != NULL, "role_arn: message: %s", err);
	ok(err_clean(), "role_arn: no secret in the error");

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
	ok(aws_creds_valid(&c, 10000 - 301), "valid: before the margin");
	ok(!aws_creds_valid(&c, 10000 - 300), "valid: stale inside 5 min");
	c.expiration = 0;
	ok(aws_creds_valid(&c, 1LL << 40), "valid: 0 never expires");
	c.secret_access_key = "";
	ok(!aws_creds_valid(&c, 0), "valid: empty secret is not");
	ok(!aws_creds_valid(NULL, 0), "valid: NULL is not");
	c.secret_access_key = SECRET;
	c.session_token = "t";
	c.expiration = 42;
	d = aws_creds_dup(&c);
	ok(d != NULL && strcmp(d->secret_access_key, SECRET) == 0 &&
	    strcmp(d->session_token, "t") == 0 && d->expiration == 42 &&
	    strcmp(d->source, "test") == 0, "dup: deep copy");
	aws_creds_free(d);
	aws_creds_free(NULL);
	ok(1, "free: NULL is a no-op");
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
	unlink(path_of("credentials"));
	unlink(path_of("config"));
	rmdir(dir);
	return done_testing();
}
