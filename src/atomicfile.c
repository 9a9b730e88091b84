/*
 * Durable whole-file writes for the state directory and the outbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"

static int
atomicfile_fsync_dir(const char *path)
{
	char	*copy, *dir;
	int	 fd, r = 0, saved;

	if ((copy = strdup(path)) == NULL)
		return DW_ENOMEM;
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		saved = errno;
		free(copy);
		errno = saved;
		return DW_EIO;
	}
	if (fsync(fd) == -1)
		r = DW_EIO;
	saved = errno;
	close(fd);
	free(copy);
	errno = saved;
	return r;
}

static int
atomicfile_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return DW_EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
atomicfile_write(const char *path, const void *buf, size_t len,
    unsigned int mode)
{
	char	*tmp = NULL;
	int	 fd = -1, r = DW_EIO, saved;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1)
		return DW_ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		goto out;
	if (atomicfile_write_all(fd, buf, len) != 0 || fsync(fd) == -1)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto out;
	r = atomicfile_fsync_dir(path);
out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (r != 0)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return r;
}

static int
atomicfile_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	char	*p = NULL, *np;
	size_t	 cap = 0, n = 0;
	ssize_t	 got;

	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			if ((np = realloc(p, cap)) == NULL) {
				free(p);
				return DW_ENOMEM;
			}
			p = np;
		}
		got = read(fd, p + n, cap - n - 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			free(p);
			return DW_EIO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			free(p);
			return DW_ETOOBIG;
		}
	}
	p[n] = '\0';
	*buf = p;
	if (len != NULL)
		*len = n;
	return 0;
}

int
atomicfile_read(const char *path, size_t max, char **buf, size_t *len)
{
	int	fd, r, saved;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return DW_EIO;
	r = atomicfile_read_fd(fd, max, buf, len);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int
atomicfile_remove(const char *path)
{
	if (unlink(path) == -1)
		return errno == ENOENT ? 0 : DW_EIO;
	return atomicfile_fsync_dir(path);
}
