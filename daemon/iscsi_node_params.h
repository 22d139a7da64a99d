/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What ESXi's iSCSI parameters are in open-iscsi's node records: the record
 * key of each (usr/idbm.c's names) and the text the record holds for a
 * value, both ways. DelayedAck has no key: it is the quickack attribute of
 * the vmk routes toward the portals (netplan.h). Pure.
 */
#ifndef ESXD_ISCSI_NODE_PARAMS_H
#define ESXD_ISCSI_NODE_PARAMS_H

#include <stddef.h>

#include "iscsi_params.h"

/* The longest value text: "CRC32C,None", a number up to 16777215. */
#define ISCSI_NODE_VALUE_MAX 32

/* The node record key of p ("node.conn[0].timeo.login_timeout"), or NULL
 * for DelayedAck. */
const char *iscsi_node_key(enum iscsi_param p);

/* The text iscsiadm -o update takes for value: "30", "Yes"/"No", and for
 * digests None (prohibited), "None,CRC32C" (discouraged), "CRC32C,None"
 * (preferred), CRC32C (required). 0, or -EINVAL when p has no key or the
 * value is not one of p's. */
int iscsi_node_format(enum iscsi_param p, long long value, char *out, size_t len);

/* The value of the text a record holds for p, in ESXi's terms. 0 or
 * -EINVAL. */
int iscsi_node_parse(enum iscsi_param p, const char *text, long long *value);

#endif
