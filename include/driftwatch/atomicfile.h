/*
 * Durable file replacement: write a temporary file beside the target,
 * fsync it, rename it over the target, fsync the directory.  A reader
 * sees the old file or the new one, never a torn one, even after a crash.
 */
#ifndef DRIFTWATCH_ATOMICFILE_H
#define DRIFTWATCH_ATOMICFILE_H

#include <stddef.h>

/* 0, or DW_EIO with errno set (the caller logs the path). mode e.g. 0600 */
int	atomicfile_write(const char *path, const void *buf, size_t len,
	    unsigned int mode);
/* Reads a whole file of at most max bytes, NUL-terminated.  0, DW_EIO
 * (errno set; ENOENT when absent), DW_ETOOBIG or DW_ENOMEM. */
int	atomicfile_read(const char *path, size_t max, char **buf, size_t *len);
/* Removes path and fsyncs its directory; a missing file is not an error. */
int	atomicfile_remove(const char *path);
/*
 * Removes the "<file>.tmp.<pid>" files of other processes (left by one
 * killed mid-write) from dir and, depth levels down, from the
 * directories under it; this process's own may be being written and are
 * kept.  How many it removed, or DW_EIO (errno set) if dir cannot be
 * read; a missing dir holds none.
 */
int	atomicfile_sweep(const char *dir, int depth);
/* All of buf to fd, through short writes and EINTR: 0 or DW_EIO. */
int	atomicfile_write_all(int fd, const void *buf, size_t len);

#endif
