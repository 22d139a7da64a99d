/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Resolving iSCSI settings through ESXi's three levels (iscsi_settings.h).
 */
#include "config.h"

#include <string.h>

#include "iscsi_settings.h"

static void take(const struct iscsi_settings *s, enum iscsi_level level,
		 struct iscsi_effective *out)
{
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		if (s->params[p].set) {
			out->params[p] = s->params[p].value;
			out->param_from[p] = level;
		}
	}
	for (int d = 0; d < CHAP_DIRECTIONS; d++) {
		if (s->chap[d].set) {
			out->chap[d] = s->chap[d];
			out->chap_from[d] = level;
		}
	}
}

void iscsi_settings_resolve(const struct model *m, const struct iscsi_sendtarget *st,
			    const struct iscsi_target_portal *tp, struct iscsi_effective *out)
{
	memset(out, 0, sizeof(*out));
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++)
		out->params[p] = iscsi_param_def(p)->def;
	for (int d = 0; d < CHAP_DIRECTIONS; d++)
		out->chap[d].level = CHAP_PROHIBITED;
	/* Lowest priority first: each level overwrites what it sets. */
	take(&m->iscsi.settings, ISCSI_FROM_ADAPTER, out);
	if (st)
		take(&st->settings, ISCSI_FROM_SENDTARGET, out);
	if (tp)
		take(&tp->settings, ISCSI_FROM_PORTAL, out);
}

const struct iscsi_sendtarget *iscsi_settings_parent(const struct model *m,
						     const char *discovery_address,
						     unsigned discovery_port)
{
	char address[MODEL_ADDR_MAX];
	unsigned port;

	if (!discovery_address || !discovery_address[0] ||
	    model_portal_parse(discovery_address, discovery_port, address, &port) < 0)
		return NULL;
	return model_iscsi_sendtarget(m, address, discovery_port ? discovery_port : port);
}

const char *iscsi_level_name(enum iscsi_level level)
{
	static const char *const names[] = { "default", "adapter", "sendtarget", "portal" };

	return (unsigned)level <= ISCSI_FROM_PORTAL ? names[level] : "default";
}
