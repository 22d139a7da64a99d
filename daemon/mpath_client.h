/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Asking multipathd something ("show maps json", "reconfigure"...) without
 * ever blocking the event loop: one connection per request, the command
 * sent and the reply read as the socket allows, under one deadline.
 *
 * libmpathcmd connects (its socket name differs between releases: Debian
 * 12's 0.9.4 has only the abstract "@/org/kernel/linux/storage/multipathd",
 * later ones try /run/multipathd.socket first). The framing is libmpathcmd's
 * (uxsock): a native size_t length that counts the text and its NUL, then
 * the text, both ways. This file reads and writes it itself, because
 * mpath_recv_reply_data() polls inside with its own timeout until the whole
 * reply is in (a multi-megabyte JSON would hold the loop while multipathd
 * writes it) and mpath_send_cmd() spins on EAGAIN on a non-blocking socket.
 * It also lets tests talk to a fake multipathd at a path of their choosing.
 */
#ifndef ESXD_MPATH_CLIENT_H
#define ESXD_MPATH_CLIENT_H

#include <stddef.h>

#include "errors.h"

struct esx_loop;
struct mpath_request;

#define MPATH_CLIENT_TIMEOUT_MS 10000   /* multipathd's own uxsock_timeout is 4 s */
#define MPATH_CLIENT_CMD_MAX 4096

struct mpath_reply {
	int status;             /* 0, or a negative errno: -ECONNRESET (closed
				 * early), -ETIMEDOUT (deadline), -EPROTO (bad
				 * length), -ENOMEM */
	const char *text;       /* status 0: multipathd's reply, NUL-terminated,
				 * valid during the callback ("fail\n" is a reply
				 * too: the command was refused) */
	size_t len;             /* strlen(text) */
	const struct esx_err *err;  /* status < 0: the message for the client */
	unsigned elapsed_ms;
};

/* Called once with the reply or the failure, unless cancelled. The
 * request is freed when it returns: do not cancel it from here. */
typedef void (*mpath_reply_fn)(const struct mpath_reply *reply, void *data);

/* Connect and send cmd. socket_path NULL: multipathd's (through
 * libmpathcmd); otherwise a path, or "@name" for an abstract socket (tests).
 * timeout_ms 0: MPATH_CLIENT_TIMEOUT_MS. Returns 0 and *out (owned by this
 * module until done or cancelled; out may be NULL), or a negative errno
 * with a message and no callback: multipathd not running (-ECONNREFUSED),
 * busy (-EAGAIN), a command too long (-EINVAL). */
int mpath_request(struct esx_loop *loop, const char *socket_path, const char *cmd,
		  unsigned timeout_ms, mpath_reply_fn fn, void *data,
		  struct mpath_request **out, struct esx_err *err);

/* Drop a request whose callback has not run; its callback never will. */
void mpath_request_cancel(struct mpath_request *req);

#endif
