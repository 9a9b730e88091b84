/*
 * Words for the daemon-wide error codes.
 */
#include "driftwatch/error.h"

const char *
dw_strerror(int e)
{
	switch (e) {
	case DW_OK:		return "success";
	case DW_ENOMEM:		return "out of memory";
	case DW_EINVAL:		return "invalid value";
	case DW_EIO:		return "I/O error";
	case DW_EPARSE:		return "malformed input";
	case DW_ETOOBIG:	return "input too large";
	case DW_ENOTFOUND:	return "not found";
	case DW_ENET:		return "network error";
	case DW_EAWS:		return "AWS error";
	case DW_ECREDS:		return "no usable credentials";
	case DW_ECANCELED:	return "cancelled";
	case DW_ETHROTTLED:	return "throttled";
	}
	return "unknown error";
}
