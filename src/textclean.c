/*
 * Sanitising untrusted text: one UTF-8 decoder step, a filter on what
 * may be shown, and a cut that keeps whole characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/textclean.h"

/*
 * Decodes one UTF-8 character at p (n bytes left): its length, and its
 * code point in *cp, or 0 for an invalid, overlong or surrogate sequence.
 */
static size_t
textclean_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t		need, i;
	uint32_t	c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 2; c = p[0] & 0x1f; min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3; c = p[0] & 0x0f; min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4; c = p[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* Controls and the characters that reorder text on screen. */
static int
textclean_hidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

/*
 * Copies kept characters while they fit in max; cut remembers the last
 * boundary that leaves room for the ellipsis, used once max overflows.
 */
char *
textclean_ndup(const char *s, size_t len, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	const size_t		 elen = strlen(TEXTCLEAN_ELLIPSIS);
	const char		*src;
	char			*out;
	size_t			 i, o = 0, n, w, cut = 0;
	uint32_t		 c;

	if (max < elen + 1)
		max = elen + 1;
	if ((out = malloc(max + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i += n) {
		if ((n = textclean_decode(p + i, len - i, &c)) == 0) {
			n = w = 1;
			c = '?';
			src = "?";
		} else {
			w = n;
			src = s + i;
		}
		if (c == '\t' || c == '\n' || c == '\r') {
			c = ' ';
			src = " ";
			w = 1;
		} else if (textclean_hidden(c))
			continue;
		if (o + w > max) {
			memcpy(out + cut, TEXTCLEAN_ELLIPSIS, elen);
			o = cut + elen;
			break;
		}
		memcpy(out + o, src, w);
		o += w;
		if (o + elen <= max)
			cut = o;
	}
	out[o] = '\0';
	return out;
}

char *
textclean_dup(const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	return textclean_ndup(s, strlen(s), max);
}
