/*
 * driftwatchd mute, unmute and mutes (mute_cmd.c): each returns the
 * process's exit code.
 */
#ifndef DRIFTWATCH_MUTE_CMD_H
#define DRIFTWATCH_MUTE_CMD_H

int	mute_cmd_mute(const char *config, const char *finding,
	    const char *until, const char *reason);
/* 1 when the finding was not muted by the command. */
int	mute_cmd_unmute(const char *config, const char *finding);
int	mute_cmd_list(const char *config, int json);

#endif
