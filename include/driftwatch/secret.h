/*
 * Secrets (keys, tokens, webhook URLs) are wiped before their memory
 * goes back to the allocator; this is the one way the daemon does it.
 */
#ifndef DRIFTWATCH_SECRET_H
#define DRIFTWATCH_SECRET_H

/* Wipes a NUL-terminated secret and frees it; NULL is a no-op. */
void	secret_free(char *);

#endif
