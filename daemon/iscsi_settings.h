/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's inheritance of iSCSI settings: a target portal's value is its own,
 * else that of the sendtarget that discovered it, else the adapter's, else
 * ESXi's default. Pure: the caller says which sendtarget (if any) is the
 * parent of a record, from the record's discovery address.
 */
#ifndef ESXD_ISCSI_SETTINGS_H
#define ESXD_ISCSI_SETTINGS_H

#include "model.h"

/* Where an effective value comes from. */
enum iscsi_level {
	ISCSI_FROM_DEFAULT = 0,
	ISCSI_FROM_ADAPTER,
	ISCSI_FROM_SENDTARGET,
	ISCSI_FROM_PORTAL,
};

struct iscsi_effective {
	long long params[ISCSI_PARAM_COUNT];
	enum iscsi_level param_from[ISCSI_PARAM_COUNT];
	struct iscsi_chap_setting chap[CHAP_DIRECTIONS];   /* .set: from some level */
	enum iscsi_level chap_from[CHAP_DIRECTIONS];
};

/* The effective settings at a level: the adapter (st and tp NULL), a
 * sendtarget (st, tp NULL), or a target portal (tp, possibly NULL when it
 * has no settings of its own; st its parent sendtarget or NULL for a static
 * target). A CHAP direction set nowhere is prohibited with no name. out
 * holds secrets: wipe it (explicit_bzero) when done. */
void iscsi_settings_resolve(const struct model *m, const struct iscsi_sendtarget *st,
			    const struct iscsi_target_portal *tp, struct iscsi_effective *out);

/* The sendtarget a record discovered from address:port belongs to, or NULL
 * (a static target, or a sendtarget since removed). */
const struct iscsi_sendtarget *iscsi_settings_parent(const struct model *m,
						     const char *discovery_address,
						     unsigned discovery_port);

const char *iscsi_level_name(enum iscsi_level level);  /* "default", "adapter"... */

#endif
