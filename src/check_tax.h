/*
 * The tax family's parts, one file each; check_tax.c lists them.
 */
#ifndef DRIFTWATCH_CHECK_TAX_H
#define DRIFTWATCH_CHECK_TAX_H

#include "driftwatch/check_parts.h"

/* tax.inheritance (check_tax_inheritance.c) */
extern const struct check_part check_tax_inheritance_part;
/* tax.registrations (check_tax_registrations.c) */
extern const struct check_part check_tax_registrations_part;

#endif
