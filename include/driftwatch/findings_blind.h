/*
 * Blind checks grouped by cause (blindcause.h): one failure that
 * blinds several checks raises one blind alert naming them all, and
 * one "sighted" alert when every one of them can see again.  A check
 * that joins an open cause later is recorded, not re-alerted.  The
 * findings store owns one of these, feeds it each check's watch state
 * and persists it in findings.json.
 */
#ifndef DRIFTWATCH_FINDINGS_BLIND_H
#define DRIFTWATCH_FINDINGS_BLIND_H

#include <time.h>

#include "driftwatch/findings.h"

struct json_object;
struct findings_blind;

struct findings_blind	*findings_blind_new(void);
void			 findings_blind_free(struct findings_blind *);

/*
 * What a check's pass showed: failing (error says why) or seeing, and
 * whether its failures have lasted long enough (blind_after) to call it
 * blind.  Returns 1 when the state to save changed.
 */
int	findings_blind_note(struct findings_blind *, const char *check,
	    int failing, int ready, const char *error);
/*
 * Raises the alerts the notes so far call for: a blind alert for a
 * cause one of whose checks is ready, a sighted alert for an open cause
 * none of whose checks still fails of it.  seed_gen is the number of
 * saves of the store (findings.c), so the same alert raised again after
 * a crash keeps its id.  Returns 1 when the state to save changed.
 */
int	findings_blind_flush(struct findings_blind *, const char *account,
	    unsigned long seed_gen, time_t now, findings_alert_cb, void *);

/* 1 when check fails of a cause already alerted. */
int	findings_blind_is_blind(const struct findings_blind *, const char *);
size_t	findings_blind_count_checks(const struct findings_blind *);

/* The "blind" array of findings.json; NULL when out of memory. */
struct json_object	*findings_blind_to_json(const struct findings_blind *);
/* Reads it back; DW_EPARSE with err set, or DW_ENOMEM. */
int	findings_blind_from_json(struct findings_blind *, struct json_object *,
	    char *err, size_t errlen);
/* A check a file from before the grouping held as blind: it is an open
 * cause's, so the upgrade raises nothing new. */
int	findings_blind_adopt(struct findings_blind *, const char *check,
	    const char *error, time_t now);

#endif
