/*
 * AWS Tax Settings (REST-JSON, service "tax", global: the region only
 * picks the partition).  Only the identifying fields of a registration
 * are kept: legal names and addresses are sensitive in the model and
 * driftwatch neither needs nor stores them.
 */
#ifndef DRIFTWATCH_AWS_TAX_H
#define DRIFTWATCH_AWS_TAX_H

#include <stddef.h>

#include "driftwatch/aws.h"

typedef void	(*tax_inheritance_cb)(const struct aws_result *,
		    const char *heritage_status, void *);
/* POST /GetTaxInheritance: "OptIn" or "OptOut" (NULL on any error; an
 * answer without a string heritageStatus is DW_EPARSE). */
struct aws_pager	*aws_tax_get_inheritance(struct aws_client *,
			    const char *region, tax_inheritance_cb, void *);

struct tax_registration {
	char	*account_id;
	char	*country;		/* jurisdiction.countryCode */
	char	*type;			/* registrationType: "VAT" ... */
	char	*id;			/* registrationId */
	char	*status;		/* "Verified", "Pending" ... */
};
struct tax_registrations {
	struct tax_registration	*v;
	size_t			 n;
};
typedef void	(*tax_registrations_cb)(const struct aws_result *,
		    const struct tax_registrations *, void *);
/*
 * POST /ListTaxRegistrations, every page (nextToken): the registrations
 * of the accounts of the billing family.  An account listed without a
 * taxRegistration has none; a registration missing any of the fields
 * above is DW_EPARSE.
 */
struct aws_pager	*aws_tax_list_registrations(struct aws_client *,
			    const char *region, tax_registrations_cb, void *);

#endif
