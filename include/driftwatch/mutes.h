/*
 * Mutes: a finding (check id + resource, "iam.user_mfa/alice") held
 * silent until a date, with a reason.  They come from the baseline's
 * top-level "mutes" array and from <state_dir>/mutes.json, which the
 * `mute` and `unmute` commands write and the daemon re-reads at the
 * start of every check pass.  A mute names one finding key, never a
 * whole check, so a new finding on a muted check still alerts.
 */
#ifndef DRIFTWATCH_MUTES_H
#define DRIFTWATCH_MUTES_H

#include <stddef.h>
#include <time.h>

#define MUTES_FILE		"mutes.json"
#define MUTES_MAX		1000	/* per file */
#define MUTES_MAXKEY		256
#define MUTES_MAXREASON		512

enum mute_source {
	MUTE_BASELINE,
	MUTE_STATE,		/* the state directory's file */
};

struct mute {
	char			*finding;
	time_t			 until;		/* muted while now < until */
	char			*reason;
	time_t			 created;	/* 0: not known (baseline) */
	enum mute_source	 source;
};

struct mutes {
	struct mute	*v;
	size_t		 n;
};

struct mutes	*mutes_new(void);
void		 mutes_free(struct mutes *);
/* Adds or replaces the mute of finding; DW_ENOMEM. */
int		 mutes_set(struct mutes *, const char *finding, time_t until,
		    const char *reason, time_t created, enum mute_source);
/* 1 if a mute of finding was removed, else 0. */
int		 mutes_remove(struct mutes *, const char *finding);
/* Appends a copy of every mute of src (later ones replace earlier). */
int		 mutes_merge(struct mutes *, const struct mutes *src);
/* The mute of finding, borrowed; NULL if none or expired at now. */
const struct mute *mutes_active(const struct mutes *, const char *finding,
		    time_t now);
/* The mute of finding whatever its expiry, or NULL. */
const struct mute *mutes_find(const struct mutes *, const char *finding);
const char	*mute_source_name(enum mute_source);

/* A finding key a mute may name: "check.id" or "check.id/resource". */
int		 mutes_key_valid(const char *);
/* "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" (midnight UTC): 0 or
 * DW_EINVAL. */
int		 mutes_time_parse(const char *, time_t *);
void		 mutes_time_fmt(time_t, char *, size_t);

/*
 * <state_dir>/mutes.json.  Load: an absent file is no mutes; DW_EPARSE
 * (err names the file and the entry), DW_EIO or DW_ETOOBIG.  Save:
 * writes the MUTE_STATE entries atomically (0600).
 */
int		 mutes_load(struct mutes *, const char *state_dir, char *err,
		    size_t errlen);
int		 mutes_save(const struct mutes *, const char *state_dir);
/*
 * The mutes in force, as the daemon applies them: baseline's (may be
 * NULL), then the state directory's file over them.  When the file
 * cannot be read, ms holds the baseline's alone and the error is
 * returned with err set.
 */
int		 mutes_load_all(struct mutes *, const struct mutes *baseline,
		    const char *state_dir, char *err, size_t errlen);

#endif
