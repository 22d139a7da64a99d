/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open-iscsi's node records with their parameters (iscsi_node_records.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libopeniscsiusr.h>

#include "iscsi_node_records.h"
#include "model.h"

void iscsi_node_record_parse_dump(const char *dump, struct iscsi_node_record *rec)
{
	char port[16], type[32];

	iscsi_state_record_value(dump, "node.discovery_address", rec->discovery_address,
				 sizeof(rec->discovery_address));
	iscsi_state_record_value(dump, "node.discovery_port", port, sizeof(port));
	iscsi_state_record_value(dump, "node.discovery_type", type, sizeof(type));
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		const char *key = iscsi_node_key(p);

		rec->values[p][0] = '\0';
		if (key)
			iscsi_state_record_value(dump, key, rec->values[p], sizeof(rec->values[p]));
	}
	rec->discovery_port = (unsigned)strtoul(port, NULL, 10);
	/* A record made by hand or from firmware has no parent sendtarget,
	 * whatever address it carries. */
	if (strcmp(type, "send_targets") != 0) {
		rec->discovery_address[0] = '\0';
		rec->discovery_port = 0;
	}
}

/* IPv6 addresses are written as given: compare them as the model does. */
static void canonical(char *address, size_t len)
{
	char canon[MODEL_ADDR_MAX];
	unsigned port;

	if (address[0] && model_portal_parse(address, 1, canon, &port) == 0 &&
	    strchr(address, ']') == NULL)
		snprintf(address, len, "%s", canon);
}

static int fill(struct iscsi_node *node, struct iscsi_node_record *rec, struct esx_err *err)
{
	const char *dump;

	memset(rec, 0, sizeof(*rec));
	snprintf(rec->target, sizeof(rec->target), "%s",
		 iscsi_node_target_name_get(node) ? iscsi_node_target_name_get(node) : "");
	snprintf(rec->address, sizeof(rec->address), "%s",
		 iscsi_node_conn_address_get(node) ? iscsi_node_conn_address_get(node) : "");
	rec->port = iscsi_node_conn_port_get(node);
	snprintf(rec->iface, sizeof(rec->iface), "%s",
		 iscsi_node_iface_name_get(node) ? iscsi_node_iface_name_get(node) : "");
	/* Without secrets: the dump masks them. */
	dump = iscsi_node_dump_config(node, false);
	if (!dump)
		return err_set(err, ENOMEM, "out of memory");
	iscsi_node_record_parse_dump(dump, rec);
	free((char *)dump);
	canonical(rec->address, sizeof(rec->address));
	canonical(rec->discovery_address, sizeof(rec->discovery_address));
	return 0;
}

int iscsi_node_records_read(struct iscsi_node_record **out, size_t *count, struct esx_err *err)
{
	struct iscsi_state_node_set set;
	struct iscsi_node_record *list = NULL;
	int ret = iscsi_state_node_set_read(&set, err);

	*out = NULL;
	*count = 0;
	if (ret < 0 || set.n == 0)
		goto out;
	list = calloc(set.n, sizeof(*list));
	if (!list) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; ret == 0 && i < set.n; i++)
		ret = fill(set.nodes[i], &list[i], err);
	if (ret < 0)
		goto out;
	*out = list;
	*count = set.n;
	list = NULL;
out:
	free(list);
	iscsi_state_node_set_free(&set);
	return ret;
}
