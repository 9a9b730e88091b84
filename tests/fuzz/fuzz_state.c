/*
 * libFuzzer target: any bytes as findings.json, events.json,
 * passes.json and mutes.json.  A
 * load either succeeds or fails with a message; it never crashes, and a
 * loaded state saves and loads again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/mutes.h"
#include "driftwatch/passrec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	fuzz_dir[64];

static int
fuzz_put(const char *name, const uint8_t *data, size_t size)
{
	char	 path[128];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fwrite(data, 1, size, fp);
	return fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings	*fs;
	struct evstate	*es;
	struct passrec	 pr;
	struct mutes	*ms;
	char		 err[512];

	if (*fuzz_dir == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/dw-fuzz.XXXXXX");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
	}
	if (fuzz_put("findings.json", data, size) != 0 ||
	    fuzz_put("events.json", data, size) != 0 ||
	    fuzz_put(PASSREC_FILE, data, size) != 0 ||
	    fuzz_put(MUTES_FILE, data, size) != 0)
		abort();
	fs = findings_new(fuzz_dir, "123456789012", 3);
	es = evstate_new(fuzz_dir);
	if (fs == NULL || es == NULL)
		abort();
	if (findings_load(fs, err, sizeof(err)) == 0) {
		findings_end(fs, "x", 0, "e", 1, NULL, NULL);
		if (findings_save(fs) != 0 ||
		    findings_load(fs, err, sizeof(err)) != 0)
			abort();
	}
	if (evstate_load(es, err, sizeof(err)) == 0) {
		evstate_mark(es, "fuzz", 1);
		if (evstate_save(es) != 0 || evstate_load(es, err, sizeof(err)))
			abort();
	}
	if (passrec_load(&pr, fuzz_dir, err, sizeof(err)) == 0 &&
	    (passrec_save(&pr, fuzz_dir) != 0 ||
	    passrec_load(&pr, fuzz_dir, err, sizeof(err)) != 0))
		abort();
	if ((ms = mutes_new()) == NULL)
		abort();
	/* what loads saves and loads again, as the mute command does */
	if (mutes_load(ms, fuzz_dir, err, sizeof(err)) == 0) {
		if (mutes_save(ms, fuzz_dir) != 0)
			abort();
		mutes_free(ms);
		if ((ms = mutes_new()) == NULL ||
		    mutes_load(ms, fuzz_dir, err, sizeof(err)) != 0)
			abort();
	}
	mutes_free(ms);
	findings_free(fs);
	evstate_free(es);
	return 0;
}
