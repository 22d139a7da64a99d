/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What open-iscsi has now, read without iscsiadm: sessions (libopeniscsiusr,
 * and the negotiated values libopeniscsiusr does not expose from sysfs),
 * node records and iface records. Reads only; every change goes through
 * iscsiadm (iscsi_adm.h).
 */
#ifndef ESXD_ISCSI_STATE_H
#define ESXD_ISCSI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "iqn.h"

#define ISCSI_STATE_IFACE_MAX 65       /* open-iscsi's ISCSI_MAX_IFACE_LEN */
#define ISCSI_STATE_ADDR_MAX 64

struct iscsi_session_info {
	unsigned sid;
	char target[ISCSI_NAME_MAX];
	char iface[ISCSI_STATE_IFACE_MAX];
	char address[ISCSI_STATE_ADDR_MAX];    /* the portal connected to */
	int port;
	int tpgt;
	char state[32];                        /* "LOGGED_IN", "FAILED", "FREE"... */
	/* From sysfs, "" when the kernel does not show it: */
	char isid[16];
	char tsih[16];
	char initiator[ISCSI_NAME_MAX];
	char first_burst[16], max_burst[16], max_r2t[16];
	char initial_r2t[8], immediate_data[8];
	char data_pdu_in_order[8], data_seq_in_order[8];
	char erl[8], time2wait[8], time2retain[8];
	char username[8];                      /* "" or "set": whether CHAP is used */
};

/* Every session. *out is allocated (free() it); none is not an error, nor
 * is a kernel without iSCSI. */
int iscsi_state_sessions(struct iscsi_session_info **out, size_t *count, struct esx_err *err);
/* Whether a session is logged in. */
bool iscsi_session_logged_in(const struct iscsi_session_info *s);

struct iscsi_node_info {
	char target[ISCSI_NAME_MAX];
	char address[ISCSI_STATE_ADDR_MAX];
	unsigned port;
	int tpgt;
	char iface[ISCSI_STATE_IFACE_MAX];
};

/* Every node record. *out is allocated (free() it). */
int iscsi_state_nodes(struct iscsi_node_info **out, size_t *count, struct esx_err *err);

/* libopeniscsiusr's own node objects, for readers that need more than
 * iscsi_node_info (its messages go to the daemon's log). */
struct iscsi_context;
struct iscsi_node;
struct iscsi_state_node_set {
	struct iscsi_context *ctx;
	struct iscsi_node **nodes;
	uint32_t n;
};
/* Read every node record: 0 (set->n may be 0), or an error with set
 * empty. Free with iscsi_state_node_set_free. */
int iscsi_state_node_set_read(struct iscsi_state_node_set *set, struct esx_err *err);
void iscsi_state_node_set_free(struct iscsi_state_node_set *set);

/* Whether an iface record named name exists. 0 and *exists, or an error. */
int iscsi_state_iface_exists(const char *name, bool *exists, struct esx_err *err);

#endif
