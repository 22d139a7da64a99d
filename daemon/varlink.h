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

/* Answer one request. Returns the reply text (caller frees), or NULL when
 * the request asked for no reply (varlink "oneway") or memory ran out. */
char *varlink_handle(struct esxd *d, const struct esx_caller *caller, const char *request);

/* A ready-made error reply (for oversize or refused connections). */
char *varlink_error_reply(const char *name, const char *message);

#endif
