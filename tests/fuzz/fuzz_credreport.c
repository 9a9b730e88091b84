/*
 * libFuzzer target: any bytes as a credential report, both as the base64
 * Content AWS sends and, encoded, as the CSV inside it.  A parse either
 * succeeds or fails with a message; it never crashes, and every value of
 * a parsed report reads as a time, a boolean or neither.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "driftwatch/credreport.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_columns[] = {
	"user", "arn", "password_enabled", "password_last_used",
	"mfa_active", "access_key_1_active", "access_key_1_last_used_date",
	"no_such_column",
};

static void
fuzz_walk(const struct credreport_data *d)
{
	const struct credreport_row	*row;
	const char			*v;
	size_t				 i, j;
	time_t				 t;
	int				 b;
	char				 age[64];

	for (i = 0; (row = credreport_row_at(d, i)) != NULL; i++) {
		(void)credreport_find(d, credreport_user(d, row));
		for (j = 0; j < sizeof(fuzz_columns) / sizeof(*fuzz_columns);
		    j++) {
			v = credreport_value(d, row, fuzz_columns[j]);
			(void)credreport_time(v, &t);
			(void)credreport_bool(v, &b);
		}
	}
	credreport_age(d, 0, age, sizeof(age));
}

static void
fuzz_parse(const char *b64, size_t len)
{
	struct credreport_data	*d;
	char			 err[512];

	if (credreport_parse(b64, len, 1000, &d, err, sizeof(err)) == 0) {
		fuzz_walk(d);
		credreport_data_free(d);
	} else if (err[0] == '\0')
		abort();	/* a failure always says why */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*enc;

	if (size > 1 << 20)
		return 0;
	fuzz_parse((const char *)data, size);
	if ((enc = malloc(size / 3 * 4 + 8)) == NULL)
		return 0;
	EVP_EncodeBlock((unsigned char *)enc, data, (int)size);
	fuzz_parse(enc, strlen(enc));
	free(enc);
	return 0;
}
