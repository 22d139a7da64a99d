/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Keeping the paths set off off. multipathd's `fail path` alone does not
 * last (its checker reinstates the path at the next check), and a session
 * that logs in again brings a new disk, running. So the disk of every path
 * the store has off is put offline again, and multipathd told `fail path`,
 * whenever it is found running: after every rescan and login and at
 * start-up (nmp_runtime's pass), and from a timer every few seconds,
 * which reads sysfs only and writes nothing while all is as it should be.
 */
#ifndef ESXD_NMP_OFFLINE_H
#define ESXD_NMP_OFFLINE_H

#include "errors.h"

struct esxd;
struct nmp_offline;

#define NMP_OFFLINE_PERIOD_MS 3000

/* Starts the timer. sysfs_root: "/sys" (tests: a fake tree). */
int nmp_offline_new(struct esxd *d, const char *sysfs_root, struct nmp_offline **out,
		    struct esx_err *err);
/* Stops the timer and drops multipathd requests in flight. */
void nmp_offline_free(struct nmp_offline *o);

/* One pass now. Returns how many disks it put offline. */
unsigned nmp_offline_pass(struct nmp_offline *o);

/* Tell multipathd `fail path <block>` (or `reinstate path`), in the
 * background: a multipathd that is not running or refuses is logged, not
 * an error (the offline disk fails the path at its next check anyway). */
void nmp_offline_tell_multipathd(struct nmp_offline *o, const char *verb, const char *block);

#endif
