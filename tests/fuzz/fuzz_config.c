/*
 * libFuzzer target: any bytes as driftwatchd.conf.  config_load() reads
 * a path, so the input goes to a memfd opened through /proc/self/fd.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driftwatch/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cf = NULL;
	char		 path[64], err[512];
	int		 fd;

	if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) == -1)
		abort();
	if (fuzz_write_all(fd, data, size) != 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	config_load(path, &cf, err, sizeof err);
	config_free(cf);
	close(fd);
	return 0;
}
