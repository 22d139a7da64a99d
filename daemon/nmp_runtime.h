/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dm-multipath between commands: the daemon's one place that reacts when
 * the software adapter's sessions and disks may have changed (after a
 * rescan, a login, at start-up) and that keeps multipathd in line with the
 * store's NMP settings.
 */
#ifndef ESXD_NMP_RUNTIME_H
#define ESXD_NMP_RUNTIME_H

#include "errors.h"

struct esxd;
struct nmp_runtime;

int nmp_runtime_new(struct esxd *d, struct nmp_runtime **out, struct esx_err *err);
void nmp_runtime_free(struct nmp_runtime *rt);

/* Sessions or their disks may have changed: a rescan or a login ended, or
 * the daemon started. Runs in the background (nothing waits for it) and
 * logs what it could not do. */
void nmp_runtime_sessions_changed(struct esxd *d);

/* Tell multipathd to re-read its configuration and wait until it has (it
 * answers `reconfigure` at once and works afterwards: `show daemon` is
 * polled until it leaves its configure state). fn gets 0, or a negative
 * errno and why: multipathd not running (-ECONNREFUSED), refusing, or not
 * done within NMP_RECONFIGURE_TIMEOUT_MS. */
#define NMP_RECONFIGURE_TIMEOUT_MS 20000
struct nmp_reconfigure;
typedef void (*nmp_reconfigure_fn)(int ret, const char *why, void *data);
int nmp_reconfigure_start(struct esxd *d, nmp_reconfigure_fn fn, void *data,
			  struct nmp_reconfigure **out, struct esx_err *err);
/* Its fn is never called. */
void nmp_reconfigure_cancel(struct nmp_reconfigure *r);

#endif
