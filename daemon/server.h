/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Unix socket server: accepts clients, reads their credentials once,
 * and runs a per-client state machine (read a request under a deadline,
 * answer, write the reply under a deadline) with limits on message size and
 * on the number of clients in total and per uid. A slow or hostile client
 * stalls nobody else.
 */
#ifndef ESXD_SERVER_H
#define ESXD_SERVER_H

#include "errors.h"

struct esxd;
struct esx_server;

/* Create, bind and listen on d->cfg.socket_path (mode 0666: everyone may
 * connect, requests are authorised one by one). Refuses with -EADDRINUSE when
 * another daemon answers on it. */
int server_start(struct esxd *d, struct esx_server **out, struct esx_err *err);
/* Close every client and the listener, and remove the socket file. */
void server_stop(struct esx_server *s);

/* Clients connected now (for tests and logs). */
unsigned server_client_count(const struct esx_server *s);

#endif
