/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shell's side of the wire: one varlink call to esxclid (connect, send,
 * receive, close), each step under a deadline so that a busy or dead daemon
 * never hangs the shell.
 */
#ifndef ESXSH_CLIENT_H
#define ESXSH_CLIENT_H

#include <stddef.h>

struct json_object;

/* Environment variable: reply deadline in seconds (tests shorten it). */
#define ESXCLI_TIMEOUT_ENV "ESXCLI_TIMEOUT"

/* The reply deadline: ESXCLI_TIMEOUT seconds when set to a positive number,
 * else ESX_CLIENT_REPLY_TIMEOUT_MS. */
int client_reply_timeout_ms(void);

/*
 * Call METHOD with PARAMS (borrowed; NULL sends an empty object) on the daemon
 * listening at SOCKET_PATH. Connecting has ESX_CLIENT_CONNECT_TIMEOUT_MS;
 * sending the request and receiving the reply together have TIMEOUT_MS.
 *
 * Returns 0 with the whole reply object in *REPLY (caller puts it), which is
 * either {"parameters": {...}} or {"error": NAME, "parameters": {...}}.
 * On failure returns a negative errno, *REPLY is NULL, and ERRBUF holds one
 * line for the user, without a trailing newline:
 *   -ENOENT, -ECONNREFUSED  the daemon is not running
 *   -EACCES                 the socket is not ours to use
 *   -ETIMEDOUT              no connection or no reply in time
 *   -EMSGSIZE               the reply is larger than ESX_MAX_REPLY
 *   -E2BIG                  the request is larger than ESX_MAX_REQUEST
 *   -EPROTO                 the reply is not a JSON object
 *   -ECONNRESET             the daemon closed the connection first
 *   -EINTR                  a signal (Ctrl-C in the interactive shell)
 */
int client_call(const char *socket_path, const char *method, struct json_object *params,
		int timeout_ms, struct json_object **reply, char *errbuf, size_t errlen);

#endif
