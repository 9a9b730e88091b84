/*
 * Which kinds of alert a sink takes (its "kinds" key): the words, the
 * list a config line gives, and the kind an alert belongs to.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "driftwatch/sink.h"

static const struct {
	const char	*word;
	unsigned	 bit;
} sink_kind_words[] = {
	{ "events", SINK_KIND_EVENTS },
	{ "drift", SINK_KIND_DRIFT },
	{ "resolve", SINK_KIND_RESOLVE },
	{ "blind", SINK_KIND_BLIND },
	{ "reminders", SINK_KIND_REMINDERS },
};

#define SINK_NKIND_WORDS (sizeof(sink_kind_words) / sizeof(sink_kind_words[0]))

static unsigned
sink_kind_word(const char *w, size_t len)
{
	size_t	i;

	for (i = 0; i < SINK_NKIND_WORDS; i++)
		if (strlen(sink_kind_words[i].word) == len &&
		    strncmp(sink_kind_words[i].word, w, len) == 0)
			return sink_kind_words[i].bit;
	if (len == 3 && strncmp(w, "all", 3) == 0)
		return SINK_KINDS_ALL;
	return 0;
}

/* The bad word, cut to fit, into bad. */
static void
sink_kinds_bad(const char *w, size_t len, char *bad, size_t badlen)
{
	if (bad == NULL || badlen == 0)
		return;
	snprintf(bad, badlen, "%.*s", (int)len, w);
}

int
sink_kinds_parse(const char *list, unsigned *out, char *bad, size_t badlen)
{
	static const char	 sep[] = ", \t";
	const char		*p = list;
	unsigned		 kinds = 0, bit;
	size_t			 len;

	for (p += strspn(p, sep); *p != '\0'; p += strspn(p, sep)) {
		len = strcspn(p, sep);
		if ((bit = sink_kind_word(p, len)) == 0) {
			sink_kinds_bad(p, len, bad, badlen);
			return -1;
		}
		kinds |= bit;
		p += len;
	}
	*out = kinds != 0 ? kinds : SINK_KINDS_ALL;
	return 0;
}

void
sink_kinds_list(char *buf, size_t len)
{
	size_t	i, o = 0;

	*buf = '\0';
	for (i = 0; i < SINK_NKIND_WORDS && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    i == 0 ? "" : i + 1 == SINK_NKIND_WORDS ? " or " : ", ",
		    sink_kind_words[i].word);
}

unsigned
sink_kind_of(const struct alert *a)
{
	switch (a->kind) {
	case ALERT_EVENT:
		return SINK_KIND_EVENTS;
	case ALERT_OPEN:
		return SINK_KIND_DRIFT;
	case ALERT_RESOLVE:
		return SINK_KIND_RESOLVE;
	case ALERT_BLIND:
	case ALERT_SIGHTED:
		return SINK_KIND_BLIND;
	case ALERT_REMINDER:
		return SINK_KIND_REMINDERS;
	}
	/* a kind added without a word here still reaches every sink that
	 * takes all kinds */
	return 0;
}
