/*
 * libFuzzer target: any bytes through baseline_parse().
 */
#include <stddef.h>
#include <stdint.h>

#include "driftwatch/baseline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline	*b = NULL;
	char		 err[512];

	if (baseline_parse("fuzz.json", (const char *)data, size, &b, err,
	    sizeof err) == 0)
		(void)baseline_user_mfa_exempt(b, "ci-bot");
	baseline_free(b);
	return 0;
}
