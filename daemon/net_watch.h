/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Watching the kernel for deletions that may undo the daemon's work: routes
 * and rules with its protocol number, and addresses. A network manager that
 * cleans up "foreign" routes is the usual culprit; the reconciler puts them
 * back. Lost events (ENOBUFS) are reported the same way, since anything may
 * have happened.
 */
#ifndef ESXD_NET_WATCH_H
#define ESXD_NET_WATCH_H

#include "errors.h"

struct esx_loop;
struct net_watch;

typedef void (*net_watch_fn)(void *data);

int net_watch_open(struct esx_loop *loop, net_watch_fn changed, void *data,
		   struct net_watch **out, struct esx_err *err);
void net_watch_close(struct net_watch *w);

#endif
