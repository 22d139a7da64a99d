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
	char isid[16];                         /* see iscsi_state_isid */
	char tsih[16];
	char initiator[ISCSI_NAME_MAX];
	char first_burst[16], max_burst[16], max_r2t[16];
	char initial_r2t[8], immediate_data[8];
	char data_pdu_in_order[8], data_seq_in_order[8];
	char erl[8], time2wait[8], time2retain[8];
	char username[8];                      /* "" or "set": whether CHAP is used */
	char local_address[ISCSI_STATE_ADDR_MAX];  /* the initiator's, "" if unknown */
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
	/* From the record's other settings ("" when it has none): */
	char startup[16];                      /* "manual", "automatic", "onboot" */
	char discovery_type[24];               /* "send_targets", "static"... */
	char discovery_address[ISCSI_STATE_ADDR_MAX];
	unsigned discovery_port;
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

/* Whether open-iscsi has a SendTargets discovery record for address:port. */
bool iscsi_state_discovery_exists(const char *address, unsigned port);

/* One connection of a session, from /sys/class/iscsi_connection and its
 * session; "" where the kernel does not show a value. */
struct iscsi_connection_info {
	unsigned sid, cid;
	char target[ISCSI_NAME_MAX];
	char iface[ISCSI_STATE_IFACE_MAX];
	char isid[16];
	char session_state[32];                /* the session's: "LOGGED_IN"... */
	char state[16];                        /* the connection's: "up", "down"... */
	char persistent_address[ISCSI_STATE_ADDR_MAX];   /* the portal asked for */
	char address[ISCSI_STATE_ADDR_MAX];    /* the one connected to (redirects) */
	char local_address[ISCSI_STATE_ADDR_MAX];
	char header_digest[8], data_digest[8]; /* "0" / "1" */
	char max_recv_dlength[16], max_xmit_dlength[16];
};

/* Every connection of every session, by session then connection id. *out
 * is allocated (free() it). */
int iscsi_state_connections(struct iscsi_connection_info **out, size_t *count,
			    struct esx_err *err);

/* Pure helpers, for the above and their tests. */

/* The ISID open-iscsi's iscsid gives a software (tcp, iser) session: its
 * OUI-format qualifier 00023d and the session id in the low 24 bits
 * (usr/initiator.c), as 12 hex digits ("00023d000001"). iscsi_tcp does not
 * show it in sysfs. */
void iscsi_state_isid(unsigned sid, char *out, size_t len);
/* The value of "key = value" in a record as libopeniscsiusr dumps it (and
 * iscsiadm prints it), "" when absent or "<empty>". */
void iscsi_state_record_value(const char *dump, const char *key, char *out, size_t len);
/* "connection3:0" into 3 and 0. */
bool iscsi_state_connection_name(const char *name, unsigned *sid, unsigned *cid);

#endif
