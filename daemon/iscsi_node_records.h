/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's node records as the iSCSI parameters see them: which target,
 * portal and iface each is for, which SendTargets address discovered it
 * (its parent, in ESXi's inheritance), and the text it holds for each of
 * ESXi's parameters. Read through libopeniscsiusr's dump of a record (it has
 * no getter for single keys); secrets are never asked for.
 */
#ifndef ESXD_ISCSI_NODE_RECORDS_H
#define ESXD_ISCSI_NODE_RECORDS_H

#include <stddef.h>

#include "errors.h"
#include "iscsi_node_params.h"
#include "iscsi_state.h"

struct iscsi_node_record {
	char target[ISCSI_NAME_MAX];
	char address[ISCSI_STATE_ADDR_MAX];    /* canonical text when it is an address */
	unsigned port;
	char iface[ISCSI_STATE_IFACE_MAX];
	/* The SendTargets address that made it; "" for a static record. */
	char discovery_address[ISCSI_STATE_ADDR_MAX];
	unsigned discovery_port;
	/* What the record holds for each parameter with a node key; "" when
	 * the dump does not have it. */
	char values[ISCSI_PARAM_COUNT][ISCSI_NODE_VALUE_MAX];
};

/* Every node record. *out is allocated (free() it), NULL when there are
 * none. */
int iscsi_node_records_read(struct iscsi_node_record **out, size_t *count, struct esx_err *err);

/* Take the discovery address and port and the parameter values from a
 * record's dump ("key = value" lines; "<empty>" is empty). Pure. */
void iscsi_node_record_parse_dump(const char *dump, struct iscsi_node_record *rec);

#endif
