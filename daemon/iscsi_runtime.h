/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The software iSCSI adapter's life in the daemon, beyond any one command:
 * - at start-up, the iface records of bindings re-created when missing;
 * - the compliance of every port binding, recomputed after each reconcile
 *   pass; a binding that stops (or starts again) complying is logged and
 *   its node records' node.startup set to manual (or automatic);
 * - SendTargets rediscovery through the compliant bindings, in the
 *   background, its outcome kept for `discovery status get`;
 * - rescans (rediscovery, static targets, logins through every compliant
 *   binding: N bindings x M portals), with per-item results;
 * - one change of open-iscsi state at a time.
 * It runs iscsiadm through batches (iscsi_adm.h) and knows nothing of
 * commands or results.
 */
#ifndef ESXD_ISCSI_RUNTIME_H
#define ESXD_ISCSI_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "errors.h"
#include "model.h"

struct esxd;
struct iscsi_batch;
struct iscsi_runtime;

/* Starts judging the bindings after every reconcile pass and, in the
 * background, the start-up repairs: missing iface records of bindings
 * re-created, node.startup of the bindings that do not comply set to
 * manual. Call after the first reconcile pass. */
int iscsi_runtime_new(struct esxd *d, struct iscsi_runtime **out, struct esx_err *err);
/* fn(data) once the start-up repairs are over (at once if they are, or rt
 * is NULL): open-iscsi's boot-time logins must wait for them. */
void iscsi_runtime_when_started(struct iscsi_runtime *rt, void (*fn)(void *data), void *data);
/* Stops background work (its children are killed). NULL is allowed. */
void iscsi_runtime_free(struct iscsi_runtime *rt);

/* One change at a time: 0 and the runtime is the caller's until
 * iscsi_runtime_release, or -EBUSY with a message naming what runs. */
int iscsi_runtime_claim(struct iscsi_runtime *rt, const char *what, struct esx_err *err);
void iscsi_runtime_release(struct iscsi_runtime *rt);

/* Work that outlives the command that started it (its client hung up):
 * free_fn(work) is called by iscsi_runtime_free if it is still there. */
int iscsi_runtime_adopt(struct iscsi_runtime *rt, void *work, void (*free_fn)(void *work));
void iscsi_runtime_disown(struct iscsi_runtime *rt, void *work);

/* Run a batch nobody waits for; its failures are logged as "what: ...".
 * Takes the batch in every case. */
void iscsi_runtime_background(struct iscsi_runtime *rt, struct iscsi_batch *b,
			      const char *what);

/* The bindings that may carry new logins now: compliant, whether forced
 * or not. Appends vmk names to out. */
int iscsi_runtime_usable_bindings(struct iscsi_runtime *rt, const struct model *m,
				  struct esx_strv *out, struct esx_err *err);

/* The outcome of the last rediscovery. */
struct iscsi_discovery_line {
	char text[512];     /* "10.10.1.100:3260 through vmk1, vmk2: 2 targets" */
	bool ok;
};
struct iscsi_discovery_status {
	bool running;
	time_t started, finished;   /* 0: never */
	struct iscsi_discovery_line *lines;
	size_t nlines;
};
const struct iscsi_discovery_status *iscsi_runtime_discovery(const struct iscsi_runtime *rt);

/* Rediscover every sendtarget of m through the usable bindings (no binding
 * at all: the default iface) in the background, new records only, then set
 * node.startup of the bindings' records. -EBUSY while one runs. */
int iscsi_runtime_rediscover(struct iscsi_runtime *rt, const struct model *m,
			     struct esx_err *err);

/* A rescan: rediscovery (when discover), node records for the static
 * targets, then a login to every record of a usable binding (or, with no
 * binding, of the default iface) that has no session, only of target when
 * it is not NULL, all within deadline_ms. done is called once, from the
 * loop. The caller holds the claim. */
struct iscsi_rescan;
typedef void (*iscsi_rescan_done_fn)(struct iscsi_rescan *rs, void *data);
int iscsi_rescan_start(struct iscsi_runtime *rt, const struct model *m, bool discover,
		       const char *target, unsigned deadline_ms, iscsi_rescan_done_fn done,
		       void *data, struct iscsi_rescan **out, struct esx_err *err);
/* Per-item results, in order; failed: how many did not succeed. */
size_t iscsi_rescan_lines(const struct iscsi_rescan *rs, const struct iscsi_discovery_line **lines,
			  size_t *failed);
/* Stop (killing what runs) and free. NULL is allowed. */
void iscsi_rescan_free(struct iscsi_rescan *rs);

#endif
