/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which node records the adapter's iSCSI parameters govern, and what they
 * must hold: the records the adapter owns, the level (adapter, sendtarget,
 * target portal) a record inherits each value from, which records a change
 * at one level reaches, and the node keys and values a record needs to hold
 * its effective values. Pure: records come in, already read.
 */
#ifndef ESXD_ISCSI_APPLY_H
#define ESXD_ISCSI_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsi_node_records.h"
#include "iscsi_settings.h"
#include "model.h"

/* A record the adapter owns: one through the iface of one of its bindings
 * or, when it has none, through open-iscsi's default iface and made from
 * one of its sendtargets or static targets (a record someone made by hand
 * for some other target is left alone). */
bool iscsi_apply_owned(const struct model *m, const struct iscsi_node_record *rec);

/* The sendtarget that discovered rec (NULL: static, or a sendtarget since
 * removed) and the target portal settings of its own (NULL: none). */
const struct iscsi_sendtarget *iscsi_apply_parent(const struct model *m,
						  const struct iscsi_node_record *rec);
const struct iscsi_target_portal *iscsi_apply_portal(const struct model *m,
						     const struct iscsi_node_record *rec);
/* rec's effective settings. Wipe out's CHAP part when done (it may hold
 * secrets): iscsi_apply_wipe. */
void iscsi_apply_resolve(const struct model *m, const struct iscsi_node_record *rec,
			 struct iscsi_effective *out);
void iscsi_apply_wipe(struct iscsi_effective *e);

/* A level where settings are kept. */
struct iscsi_level_ref {
	enum iscsi_level level;           /* ISCSI_FROM_ADAPTER, _SENDTARGET or _PORTAL */
	char address[MODEL_ADDR_MAX];     /* sendtarget or portal */
	unsigned port;
	char name[ISCSI_NAME_MAX];        /* the portal's target */
};

/* Whether rec is under the level: the adapter has every record, a
 * sendtarget those it discovered, a target portal those of its target at its
 * address and port (through any iface). */
bool iscsi_apply_in_scope(const struct model *m, const struct iscsi_level_ref *at,
			  const struct iscsi_node_record *rec);

/* Whether a change of p at `at` reaches rec: an owned record under `at`
 * with no level between `at` and itself setting p. m is the model after the
 * change. */
bool iscsi_apply_reaches(const struct model *m, const struct iscsi_level_ref *at,
			 enum iscsi_param p, const struct iscsi_node_record *rec);

/* Parameters to look at: a bit per enum iscsi_param. */
#define ISCSI_APPLY_ALL (~0u)
#define ISCSI_APPLY_ONE(p) (1u << (p))

struct iscsi_node_update {
	enum iscsi_param param;
	const char *key;                        /* iscsi_node_key(param) */
	char value[ISCSI_NODE_VALUE_MAX];
};

/* The updates rec needs to hold its effective values for the settable
 * parameters in mask that have a node key: those whose value differs from
 * what rec holds (or that it holds nothing readable for), or all of them
 * when force. Returns how many were written to out. */
size_t iscsi_apply_updates(const struct model *m, const struct iscsi_node_record *rec, unsigned mask,
			   bool force, struct iscsi_node_update out[ISCSI_PARAM_COUNT]);

#endif
