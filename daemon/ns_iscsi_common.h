/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the iSCSI namespaces share: checking the -A adapter against the one
 * software adapter, portal and name options, committing a change of the
 * iSCSI section on the model as it is at commit time, completers, and
 * flows: a command's work that waits for iscsiadm (ESX_PENDING), holds the
 * runtime's claim, and is finished even when its client hangs up (a
 * half-made binding helps nobody).
 */
#ifndef ESXD_NS_ISCSI_COMMON_H
#define ESXD_NS_ISCSI_COMMON_H

#include <stdbool.h>

#include "command.h"
#include "iscsi_batch.h"
#include "model.h"

struct iscsi_runtime;

/* The committed model with software iSCSI enabled and, when given is not
 * NULL, given naming its adapter. Errors in ESXi's terms otherwise. */
int iscsi_cmd_enabled(struct esx_call *call, const char *given, const struct model **out);
/* For lists: as iscsi_cmd_enabled with the optional -A, but 1 (an empty
 * list, no error) when software iSCSI is off and no adapter was named. */
int iscsi_cmd_listing(struct esx_call *call, const struct model **out);
/* The runtime, or an error when it could not be set up. */
int iscsi_cmd_runtime(struct esx_call *call, struct iscsi_runtime **out);
/* An -a/--address option into a canonical address and a port (3260 by
 * default). */
int iscsi_cmd_portal(struct esx_call *call, const char *text, char *address, unsigned *port);
/* A target name option, checked. */
int iscsi_cmd_target_name(struct esx_call *call, const char *name);

/* Apply change to a copy of the model committed now (not the one the
 * command started from: a command that waited for iscsiadm must not undo
 * what others committed meanwhile) and commit it with model_apply. change
 * returns 0 or a negative errno with err set. */
typedef int (*iscsi_change_fn)(struct model *next, void *data, struct esx_err *err);
int iscsi_cmd_commit(struct esxd *d, iscsi_change_fn change, void *data, struct esx_err *err);

/* ---- flows ---- */

struct iscsi_flow;
typedef void (*iscsi_flow_free_fn)(struct iscsi_flow *flow);
typedef void (*iscsi_flow_step_fn)(struct iscsi_flow *flow, struct iscsi_batch *b);

/* Embedded first in a command's own flow structure. */
struct iscsi_flow {
	struct esx_call *call;       /* NULL once the client has gone */
	struct esxd *d;
	struct iscsi_runtime *rt;
	struct esx_err err;          /* the outcome once the client has gone */
	struct iscsi_batch *batch;   /* running now */
	iscsi_flow_step_fn step;     /* told when it is over */
	iscsi_flow_free_fn free_fn;  /* frees the whole structure */
	char what[96];               /* "binding vmk1 to vmhba64", for the log */
};

/* Set up flow for call, claiming the runtime for what. 0, or a negative
 * errno with call->err set (flow untouched, nothing to free). */
int iscsi_flow_begin(struct iscsi_flow *flow, struct esx_call *call, const char *what,
		     iscsi_flow_free_fn free_fn);
/* Where errors go: the call's, or the flow's own once it has gone. */
struct esx_err *iscsi_flow_err(struct iscsi_flow *flow);
/* Run b (the flow takes it); step is called with it when it is over, and
 * frees nothing: the flow frees b after step returns. 0 or a negative errno
 * (b freed, error set). */
int iscsi_flow_run(struct iscsi_flow *flow, struct iscsi_batch *b, iscsi_flow_step_fn step);
/* A new batch on the daemon's loop (NULL: out of memory, error set). */
struct iscsi_batch *iscsi_flow_batch(struct iscsi_flow *flow, unsigned parallel,
				     bool stop_on_failure);
/* The end: finish the call (ret 0: its result is filled), or log the
 * outcome when its client has gone; release the claim; free the flow. */
void iscsi_flow_end(struct iscsi_flow *flow, int ret);
/* For a handler whose flow failed to start before ESX_PENDING: release
 * and free, return ret. */
int iscsi_flow_abort(struct iscsi_flow *flow, int ret);

/* Enable software iSCSI and/or name the initiator, as one flow:
 * - probe: load iscsi_tcp (modprobe) and check that iscsid answers first;
 * - name: the new InitiatorName; NULL keeps the adapter's, or on a first
 *   enable takes initiatorname.iscsi's, or makes one (iqn_generate);
 * - alias: the new InitiatorAlias, NULL keeps it;
 * the file is written (and put back on failure), every binding's iface
 * record gets iface.initiatorname (iscsid reads the file only at start),
 * then the model is committed with software iSCSI enabled. message: printed
 * on success, or NULL. Returns ESX_PENDING or a negative errno. */
int iscsi_cmd_start_naming(struct esx_call *call, const char *what, bool probe,
			   const char *name, const char *alias, const char *message);

/* Completers. */
int iscsi_cmd_complete_adapter(struct esxd *d, const char *prefix, struct esx_strv *out);
int iscsi_cmd_complete_bound(struct esxd *d, const char *prefix, struct esx_strv *out);
int iscsi_cmd_complete_sendtarget(struct esxd *d, const char *prefix, struct esx_strv *out);

#endif
