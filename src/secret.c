/*
 * Wiping secrets.  OPENSSL_cleanse, unlike memset, is not optimised away.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "driftwatch/secret.h"

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}
