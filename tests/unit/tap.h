/*
 * A minimal TAP producer for the C unit tests; automake's tap-driver.sh
 * reads what it prints.  Header-only so each test is one .c file.
 */
#ifndef DRIFTWATCH_TAP_H
#define DRIFTWATCH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n;
static int tap_failed;

static int __attribute__((format(printf, 2, 0)))
tap_okv(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = tap_okv(cond, fmt, ap);
	va_end(ap);
	return r;
}

static int __attribute__((format(printf, 4, 5), unused))
is_str(const char *got, const char *want, int dummy, const char *fmt, ...)
{
	va_list	ap;
	int	r, cond;

	(void)dummy;
	cond = got != NULL && want != NULL && strcmp(got, want) == 0;
	va_start(ap, fmt);
	r = tap_okv(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return r;
}
#define IS_STR(got, want, ...)	is_str((got), (want), 0, __VA_ARGS__)

static int __attribute__((format(printf, 3, 4), unused))
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = tap_okv(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return r;
}

static void __attribute__((format(printf, 1, 2), unused))
diag(const char *fmt, ...)
{
	va_list	ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Skips the whole test file, saying why. */
static void __attribute__((noreturn, unused))
skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
