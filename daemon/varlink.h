/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The varlink methods esxclid answers: io.esxcli.Shell.Execute, Complete and
 * Help, and org.varlink.service.GetInfo / GetInterfaceDescription. Turns one
 * request message into one reply message; knows nothing of sockets.
 */
#ifndef ESXD_VARLINK_H
#define ESXD_VARLINK_H

#include "command.h"

struct esxd;

struct esx_call;

/* Receives the reply text (the callee frees it), or NULL when the request
 * asked for no reply (varlink "oneway") or memory ran out. */
typedef void (*varlink_reply_fn)(char *reply, void *data);

/* Answer one request through reply, exactly once, possibly before this
 * returns. Returns NULL when answered, or the pending call when the answer
 * comes later; varlink_cancel() abandons it. */
struct esx_call *varlink_handle(struct esxd *d, const struct esx_caller *caller,
				const char *request, varlink_reply_fn reply, void *data);
void varlink_cancel(struct esx_call *pending);

/* A ready-made error reply (for oversize or refused connections). */
char *varlink_error_reply(const char *name, const char *message);

#endif
