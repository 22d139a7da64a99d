/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which node records are esxclid's, and which of them go. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "iscsi_reach.h"
#include "iscsi_ownership.h"

#define DEFAULT_IFACE "default"

bool iscsi_ownership_owned(const struct model *m, const char *iface)
{
	if (m->iscsi.nbindings)
		return model_iscsi_binding(m, iface) != NULL;
	return strcmp(iface, DEFAULT_IFACE) == 0;
}

bool iscsi_ownership_of_sendtarget(const struct model *m, const char *address, unsigned port,
				 const struct iscsi_node_info *node)
{
	if (!iscsi_ownership_owned(m, node->iface) ||
	    strcmp(node->discovery_type, "send_targets") != 0 ||
	    strcmp(node->discovery_address, address) != 0 || node->discovery_port != port)
		return false;
	for (size_t i = 0; i < m->iscsi.nsendtargets; i++) {
		const struct iscsi_sendtarget *st = &m->iscsi.sendtargets[i];

		if (strcmp(st->address, address) == 0 && st->port == port)
			continue;
		if (strcmp(st->address, node->address) == 0 && st->port == node->port)
			return false;
	}
	return !model_iscsi_static(m, node->address, node->port, node->target);
}

bool iscsi_ownership_of_static(const char *name, const char *address, unsigned port,
			     const struct model *m, const struct iscsi_node_info *node)
{
	return iscsi_ownership_owned(m, node->iface) && strcmp(node->discovery_type, "static") == 0 &&
	       strcasecmp(node->target, name) == 0 && strcmp(node->address, address) == 0 &&
	       node->port == port;
}

bool iscsi_ownership_unreachable(const struct model *m, const struct iscsi_node_info *node)
{
	return model_iscsi_binding(m, node->iface) &&
	       iscsi_reach(m, node->iface, node->address) == ISCSI_REACH_NO_ROUTE;
}

bool iscsi_ownership_session_of(const struct iscsi_session_info *s,
			      const struct iscsi_node_info *node)
{
	return strcasecmp(s->target, node->target) == 0 && strcmp(s->address, node->address) == 0 &&
	       (unsigned)s->port == node->port && strcmp(s->iface, node->iface) == 0;
}
