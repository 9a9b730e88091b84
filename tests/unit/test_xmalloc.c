/*
 * xmalloc and friends: they return what was asked for, and a failed
 * allocation logs "out of memory" and aborts instead of handing back
 * NULL (run in a child process, which must die of SIGABRT).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driftwatch/log.h"
#include "driftwatch/xmalloc.h"
#include "tap.h"

/* Under AddressSanitizer a huge request must fail as malloc does. */
const char	*__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void
test_success(void)
{
	char	*s, *p;
	int	*v;
	size_t	 i;
	int	 n, zero = 1;

	p = xmalloc(0);
	ok(p != NULL, "xmalloc(0) is not NULL");
	free(p);
	v = xcalloc(16, sizeof(int));
	for (i = 0; i < 16; i++)
		zero &= v[i] == 0;
	ok(zero, "xcalloc zeroes");
	v[15] = 7;
	v = xreallocarray(v, 1000, sizeof(int));
	is_int(v[15], 7, "xreallocarray keeps the contents");
	v[999] = 1;
	free(v);
	s = xstrdup("contacts.security");
	IS_STR(s, "contacts.security", "xstrdup copies");
	free(s);
	n = xasprintf(&s, "%s.%d", "check", 42);
	IS_STR(s, "check.42", "xasprintf formats");
	is_int(n, 8, "xasprintf returns the length");
	free(s);
}

enum xfail { XF_MALLOC, XF_CALLOC, XF_REALLOCARRAY };

static void
xfail_child(enum xfail what)
{
	void	*p = NULL;

	log_init(LOG_BACKEND_STDERR, 0);
	switch (what) {
	case XF_MALLOC:
		p = xmalloc(SIZE_MAX - 4096);
		break;
	case XF_CALLOC:
		p = xcalloc(SIZE_MAX / 2, 4);
		break;
	case XF_REALLOCARRAY:
		p = xreallocarray(NULL, SIZE_MAX / 8, 16);
		break;
	}
	/* reached only if the allocation "succeeded" or returned NULL */
	_exit(p == NULL ? 3 : 4);
}

static void
test_failure(enum xfail what, const char *name)
{
	char	 buf[1024];
	ssize_t	 n;
	size_t	 len = 0;
	int	 fds[2], status = 0;
	pid_t	 pid;

	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		ok(0, "%s: cannot fork", name);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		xfail_child(what);
	}
	close(fds[1]);
	while (len < sizeof buf - 1 &&
	    (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "%s: a failed allocation aborts", name))
		diag("status %#x", status);
	if (!ok(strstr(buf, "out of memory") != NULL, "%s: and says why",
	    name))
		diag("stderr: %s", buf);
}

int
main(void)
{
	test_success();
	test_failure(XF_MALLOC, "xmalloc");
	test_failure(XF_CALLOC, "xcalloc");
	test_failure(XF_REALLOCARRAY, "xreallocarray");
	return done_testing();
}
