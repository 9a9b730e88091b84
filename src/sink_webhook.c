/*
 * The generic JSON webhook: the alert's JSON form, an idempotency key,
 * and an HMAC-SHA256 signature over exactly the body bytes (see
 * sink.h for what a receiver checks).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "driftwatch/error.h"
#include "driftwatch/sink.h"

int
sink_webhook_sign(const void *key, size_t keylen, const void *data,
    size_t len, char hex[SINK_HMAC_HEX_LEN + 1])
{
	static const char	digits[] = "0123456789abcdef";
	unsigned char		mac[EVP_MAX_MD_SIZE];
	size_t			maclen = 0, i;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen,
	    data, len, mac, sizeof(mac), &maclen) == NULL ||
	    maclen * 2 != SINK_HMAC_HEX_LEN)
		return DW_ENOMEM;
	for (i = 0; i < maclen; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 0xf];
	}
	hex[2 * maclen] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

static char *
sink_webhook_body(const struct alert *a, size_t *len)
{
	struct json_object	*o;
	const char		*s;
	char			*body = NULL;
	size_t			 n;

	if ((o = alert_to_json(a)) == NULL)
		return NULL;
	json_object_object_add(o, "source",
	    json_object_new_string("driftwatch"));
	json_object_object_add(o, "version", json_object_new_int(1));
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (s != NULL && (body = strdup(s)) != NULL)
		*len = n;
	json_object_put(o);
	return body;
}

static int
sink_webhook_signature(const struct sink *s, struct sink_msg *msg,
    char **hdr)
{
	char	hex[SINK_HMAC_HEX_LEN + 1];
	int	r;

	r = sink_webhook_sign(s->secret, strlen(s->secret), msg->body,
	    msg->body_len, hex);
	if (r != 0)
		return r;
	if (asprintf(&hdr[0], "X-Driftwatch-Signature: sha256=%s", hex) ==
	    -1) {
		hdr[0] = NULL;
		return DW_ENOMEM;
	}
	if (asprintf(&hdr[1], "X-Driftwatch-Timestamp: %lld",
	    (long long)time(NULL)) == -1) {
		hdr[1] = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

static int
sink_webhook_render(const struct sink *s, const struct alert *a,
    struct sink_msg *msg)
{
	char	**hdr = msg->extra_headers;
	int	  r = DW_ENOMEM;

	msg->content_type = "application/json";
	if ((msg->body = sink_webhook_body(a, &msg->body_len)) == NULL)
		goto out;
	if (asprintf(&hdr[0], "Idempotency-Key: %s", a->id) == -1) {
		hdr[0] = NULL;
		goto out;
	}
	if (asprintf(&hdr[1], "X-Driftwatch-Alert-Id: %s", a->id) == -1) {
		hdr[1] = NULL;
		goto out;
	}
	r = 0;
	if (s->secret != NULL)
		r = sink_webhook_signature(s, msg, hdr + 2);
out:
	if (r != 0)
		sink_msg_clear(msg);
	return r;
}

static const char *const sink_webhook_keys[] = { "url", "secret", NULL };
static const char *const sink_webhook_required[] = { "url", NULL };

const struct sink_ops sink_webhook_ops = {
	.type = "webhook",
	.keys = sink_webhook_keys,
	.required = sink_webhook_required,
	.render = sink_webhook_render,
	.deliver = sink_http_deliver,
	.cancel = sink_http_cancel,
};
