/*
 * An alert: what the daemon tells people.  Made by the event poller
 * (a CloudTrail event) or by the findings store (open, resolve, blind),
 * written to the outbox, then rendered by each sink.
 */
#ifndef DRIFTWATCH_ALERT_H
#define DRIFTWATCH_ALERT_H

#include <time.h>

struct json_object;

enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

enum alert_kind {
	ALERT_EVENT = 0,	/* a CloudTrail event matched a rule */
	ALERT_OPEN,		/* a finding went ok -> drift */
	ALERT_RESOLVE,		/* a finding went drift -> ok */
	ALERT_BLIND,		/* a check stayed unknown for N polls */
	ALERT_SIGHTED,		/* a blind check can see again */
	ALERT_REMINDER,		/* findings still open: one digest */
};

/* Who did what, when and from where; set for ALERT_EVENT. */
struct alert_event {
	char	*event_id;
	char	*event_name;
	char	*event_source;
	char	*event_time;	/* ISO 8601 UTC */
	char	*region;
	char	*actor_type;	/* userIdentity.type: "Root", "IAMUser", ... */
	char	*actor_arn;
	char	*access_key_id;
	char	*source_ip;
	char	*user_agent;
	char	*target;	/* what was acted on: user, trail, device */
	char	*error_code;	/* set when the call failed */
	char	*mfa_used;	/* additionalEventData.MFAUsed of a sign-in */
};

/* A finding a reminder lists; strings owned by the alert. */
struct alert_item {
	char		*finding;	/* "iam.user_mfa/alice" */
	char		*check;
	char		*title;
	enum severity	 severity;
	time_t		 since;		/* open since */
};

#define ALERT_ID_LEN	48
#define ALERT_MAX_ITEMS	1000

/*
 * Who made an alert may wait to hear that it is durable before it
 * records anything as done (an event as seen): result 0 when it is,
 * else a negative DW_ code.  Whoever stores the alert takes the
 * callback (and clears it); alert_free() of an alert still holding one
 * calls it with DW_ECANCELED, so the maker always hears back once.
 */
typedef void	(*alert_durable_cb)(int result, void *arg);

/* Every string is owned by the alert and freed by alert_free(). */
struct alert {
	char			 id[ALERT_ID_LEN];	/* unique; receivers drop repeats */
	enum alert_kind		 kind;
	enum severity		 severity;
	char			*check;		/* "root.mfa", "event.root_activity" */
	char			*finding;	/* check id + resource; stable */
	char			*account;	/* 12-digit account id, or NULL */
	char			*title;		/* one line */
	char			*summary;	/* a few lines for people */
	char			*expected;	/* drift only */
	char			*actual;
	/* blind, sighted: every check of the cause, space-separated */
	char			*checks;
	/*
	 * An event and the drift it causes share this key, the check id
	 * and the resource it names ("iam.user_mfa/alice"), so that a
	 * receiver can thread them; NULL when nothing is related.
	 */
	char			*correlation;
	time_t			 time;		/* when driftwatch raised it */
	struct alert_event	 ev;
	struct alert_item	*items;		/* ALERT_REMINDER only */
	size_t			 nitems;
	alert_durable_cb	 durable_cb;	/* not stored; may be NULL */
	void			*durable_arg;
};

const char	*severity_name(enum severity);
/* 0 and *out set, or DW_EINVAL for an unknown name. */
int		 severity_parse(const char *, enum severity *);
const char	*alert_kind_name(enum alert_kind);

/* A zeroed alert with a fresh random id; NULL on allocation failure. */
struct alert	*alert_new(enum alert_kind, enum severity);
void		 alert_free(struct alert *);
/* Replaces *field with a copy of s (NULL clears); DW_ENOMEM on failure. */
int		 alert_set(char **field, const char *s);
/* Appends a copy of item; DW_ENOMEM (or DW_EINVAL past the cap). */
int		 alert_add_item(struct alert *, const struct alert_item *);
/* Sets a fixed id (for alerts that must keep one across restarts). */
void		 alert_set_id(struct alert *, const char *prefix, const char *key);

/* The durable and generic-webhook form. Caller puts the object. */
struct json_object	*alert_to_json(const struct alert *);
/* Reads alert_to_json()'s form back; DW_EPARSE names nothing secret. */
int			 alert_from_json(struct json_object *, struct alert **);

/*
 * The alert's one journal entry (alert_log.c): PRIORITY from the
 * severity (resolve and "can see again" are notices), a MESSAGE_ID per
 * kind, DRIFTWATCH_* and AWS_* fields.  alert_log() names its caller
 * in CODE_FILE and CODE_LINE.
 */
struct log_src;
int		 alert_log_priority(const struct alert *);
const char	*alert_log_msgid(enum alert_kind);
void		 alert_log_at(const struct log_src *, const struct alert *);
#define alert_log(a)	alert_log_at(LOG_HERE, (a))

#endif
