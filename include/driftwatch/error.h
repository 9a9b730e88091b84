/*
 * One error convention for the whole daemon: functions return 0 (or a
 * count) on success and one of these negative codes on failure.  The
 * layer that decides what to do logs the detail.
 */
#ifndef DRIFTWATCH_ERROR_H
#define DRIFTWATCH_ERROR_H

enum dw_error {
	DW_OK = 0,
	DW_ENOMEM = -1,		/* allocation failed */
	DW_EINVAL = -2,		/* bad argument or value */
	DW_EIO = -3,		/* read, write or fsync failed; see errno */
	DW_EPARSE = -4,		/* malformed input */
	DW_ETOOBIG = -5,	/* input over its size cap */
	DW_ENOTFOUND = -6,	/* no such file, key or entry */
	DW_ENET = -7,		/* connection, TLS or timeout */
	DW_EAWS = -8,		/* AWS answered with an error */
	DW_ECREDS = -9,		/* no usable credentials */
	DW_ECANCELED = -10,	/* the operation was cancelled */
	DW_ETHROTTLED = -11,	/* throttled and out of retries */
};

const char	*dw_strerror(int);

#endif
