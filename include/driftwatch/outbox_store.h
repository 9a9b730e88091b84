/*
 * The outbox's files: one per alert, <alert-id>.json in
 * <state_dir>/outbox/, holding the alert and each sink's delivery state
 *
 *	{ "version": 2, "seq": <n>, "alert": { alert_to_json() },
 *	  "sinks": [ { "name": "<sink>", "state": "pending"|"delivered"|"dead",
 *	               "attempts": <n>, "next": <unix seconds> }, ... ] }
 *
 * seq orders alerts as they were made.  The previous version's files,
 * <alert-id>.<sink>.json holding { "sink", "attempts", "alert" }, are
 * read too (rec->legacy set), so an upgrade loses nothing.
 *
 * Writes are staged for a group commit: outbox_store_stage() writes
 * and fdatasyncs a temporary file, outbox_store_publish() renames it,
 * and one outbox_store_sync() fsyncs the directory for all of them.
 */
#ifndef DRIFTWATCH_OUTBOX_STORE_H
#define DRIFTWATCH_OUTBOX_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct alert;

#define OUTBOX_STORE_VERSION	2
#define OUTBOX_STORE_MAX_FILE	(1024 * 1024)	/* bigger files are corrupt */

enum outbox_slot_state {
	OUTBOX_SLOT_PENDING,
	OUTBOX_SLOT_DELIVERED,
	OUTBOX_SLOT_DEAD,
};

/* One sink's delivery of one alert. */
struct outbox_slot_rec {
	char			*sink;		/* owned */
	enum outbox_slot_state	 state;
	unsigned		 attempts;
	time_t			 next;		/* no attempt before; 0: now */
};

/* What one file holds; outbox_rec_clear() frees it. */
struct outbox_rec {
	uint64_t		 seq;		/* 0 in a legacy file */
	struct alert		*alert;
	struct outbox_slot_rec	*slots;
	size_t			 nslots;
	int			 legacy;
};

const char	*outbox_slot_state_name(enum outbox_slot_state);

/*
 * The file's bytes for an alert and its slots; slots are found every
 * stride bytes from the first (so a caller may embed them).  NULL on
 * allocation failure.
 */
char		*outbox_rec_encode(uint64_t seq, const struct alert *,
		    const struct outbox_slot_rec *slots, size_t nslots,
		    size_t stride, size_t *len);
/* 0, or DW_EPARSE/DW_ENOMEM with why filled (nothing secret). */
int		 outbox_rec_decode(const char *name, const char *buf,
		    size_t len, struct outbox_rec *, char *why, size_t whylen);
void		 outbox_rec_clear(struct outbox_rec *);

struct outbox_store;

/* NULL on allocation failure; nothing is touched on disk. */
struct outbox_store	*outbox_store_new(const char *dir);
void			 outbox_store_free(struct outbox_store *);
const char		*outbox_store_dir(const struct outbox_store *);
/* Creates the directory if needed; 0 or DW_EIO with err filled. */
int		 outbox_store_open(struct outbox_store *, char *err,
		    size_t errlen);
/* Writes and fdatasyncs name's temporary file; 0 or DW_EIO (errno). */
int		 outbox_store_stage(struct outbox_store *, const char *name,
		    const char *buf, size_t len);
/* Renames the staged file over name; 0 or DW_EIO. */
int		 outbox_store_publish(struct outbox_store *, const char *name);
/* Drops a staged file that will not be published. */
void		 outbox_store_discard(struct outbox_store *, const char *name);
/* Removes name; a missing file is fine.  0 or DW_EIO. */
int		 outbox_store_unlink(struct outbox_store *, const char *name);
/* fsyncs the directory: what was published or unlinked is durable. */
int		 outbox_store_sync(struct outbox_store *);
/* Reads name whole; see atomicfile_read(). */
int		 outbox_store_read(struct outbox_store *, const char *name,
		    char **buf, size_t *len);
/* Renames name to name.bad and logs why; never deletes. */
void		 outbox_store_quarantine(struct outbox_store *,
		    const char *name, const char *why);
/* Removes temporary files a crash left behind. */
void		 outbox_store_sweep(struct outbox_store *);

#endif
