/*
 * AWS region names, as the config file and the baseline spell them.
 */
#ifndef DRIFTWATCH_REGION_H
#define DRIFTWATCH_REGION_H

/* 1 if s looks like "eu-west-1" (^[a-z]{2}(-[a-z]+)+-[0-9]+$), else 0. */
int	region_valid(const char *s);

#endif
