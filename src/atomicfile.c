/*
 * Durable whole-file writes for the state directory and the outbox.
 */
#include <ctype.h>
#include <dirent.h>
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
#include "driftwatch/log.h"

#define ATOMICFILE_TMP	".tmp."		/* <path>.tmp.<pid> */

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

int
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

	if (asprintf(&tmp, "%s" ATOMICFILE_TMP "%ld", path,
	    (long)getpid()) == -1)
		return DW_ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		goto out;
	/* the mode asked for, whatever the umask (a metrics file is 0644) */
	if (fchmod(fd, mode) == -1 ||
	    atomicfile_write_all(fd, buf, len) != 0 || fsync(fd) == -1)
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

/* The pid in "<name>.tmp.<pid>", or 0 when name is not such a file. */
static long
atomicfile_tmp_pid(const char *name)
{
	const char	*p, *last = NULL;
	char		*end;
	long		 pid;

	for (p = name; (p = strstr(p, ATOMICFILE_TMP)) != NULL; p++)
		last = p;
	if (last == NULL || last == name)
		return 0;
	p = last + strlen(ATOMICFILE_TMP);
	if (!isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || pid <= 0)
		return 0;
	return pid;
}

/* One entry of a directory being swept: 1 if it was removed. */
static int
atomicfile_sweep_entry(int dfd, const char *dir, const char *name,
    int depth)
{
	struct stat	 st;
	char		*sub;
	int		 n;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (depth <= 0 || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0 ||
		    asprintf(&sub, "%s/%s", dir, name) == -1)
			return 0;
		if ((n = atomicfile_sweep(sub, depth - 1)) < 0)
			log_warn("%s: cannot look for stale temporary files", sub);
		free(sub);
		return n > 0 ? n : 0;
	}
	if (!S_ISREG(st.st_mode) || atomicfile_tmp_pid(name) == 0 ||
	    atomicfile_tmp_pid(name) == (long)getpid())
		return 0;
	if (unlinkat(dfd, name, 0) == -1) {
		log_warn("%s/%s: cannot remove a stale temporary file", dir,
		    name);
		return 0;
	}
	return 1;
}

int
atomicfile_sweep(const char *dir, int depth)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : DW_EIO;
	while ((de = readdir(d)) != NULL)
		n += atomicfile_sweep_entry(dirfd(d), dir, de->d_name, depth);
	closedir(d);
	return n;
}
