/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node records the iSCSI parameters govern (iscsi_apply.h). */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "iscsi_apply.h"

#define DEFAULT_IFACE "default"

const struct iscsi_sendtarget *iscsi_apply_parent(const struct model *m,
						  const struct iscsi_node_record *rec)
{
	return iscsi_settings_parent(m, rec->discovery_address, rec->discovery_port);
}

const struct iscsi_target_portal *iscsi_apply_portal(const struct model *m,
						     const struct iscsi_node_record *rec)
{
	return model_iscsi_portal(m, rec->address, rec->port, rec->target);
}

bool iscsi_apply_owned(const struct model *m, const struct iscsi_node_record *rec)
{
	if (m->iscsi.nbindings)
		return model_iscsi_binding(m, rec->iface) != NULL;
	if (strcmp(rec->iface, DEFAULT_IFACE) != 0)
		return false;
	return iscsi_apply_parent(m, rec) != NULL ||
	       model_iscsi_static(m, rec->address, rec->port, rec->target) != NULL;
}

void iscsi_apply_resolve(const struct model *m, const struct iscsi_node_record *rec,
			 struct iscsi_effective *out)
{
	iscsi_settings_resolve(m, iscsi_apply_parent(m, rec), iscsi_apply_portal(m, rec), out);
}

void iscsi_apply_wipe(struct iscsi_effective *e)
{
	explicit_bzero(e->chap, sizeof(e->chap));
}

bool iscsi_apply_in_scope(const struct model *m, const struct iscsi_level_ref *at,
			  const struct iscsi_node_record *rec)
{
	const struct iscsi_sendtarget *st;

	switch (at->level) {
	case ISCSI_FROM_ADAPTER:
		return true;
	case ISCSI_FROM_SENDTARGET:
		st = iscsi_apply_parent(m, rec);
		return st && strcmp(st->address, at->address) == 0 && st->port == at->port;
	case ISCSI_FROM_PORTAL:
		return strcasecmp(rec->target, at->name) == 0 &&
		       strcmp(rec->address, at->address) == 0 && rec->port == at->port;
	case ISCSI_FROM_DEFAULT:
		break;
	}
	return false;
}

static bool sets(const struct iscsi_settings *s, enum iscsi_param p)
{
	return s && s->params[p].set;
}

bool iscsi_apply_reaches(const struct model *m, const struct iscsi_level_ref *at,
			 enum iscsi_param p, const struct iscsi_node_record *rec)
{
	const struct iscsi_sendtarget *st;
	const struct iscsi_target_portal *tp;

	if ((unsigned)p >= ISCSI_PARAM_COUNT || !iscsi_apply_owned(m, rec) ||
	    !iscsi_apply_in_scope(m, at, rec))
		return false;
	st = iscsi_apply_parent(m, rec);
	tp = iscsi_apply_portal(m, rec);
	switch (at->level) {
	case ISCSI_FROM_ADAPTER:
		return !sets(st ? &st->settings : NULL, p) && !sets(tp ? &tp->settings : NULL, p);
	case ISCSI_FROM_SENDTARGET:
		return !sets(tp ? &tp->settings : NULL, p);
	case ISCSI_FROM_PORTAL:
		return true;
	case ISCSI_FROM_DEFAULT:
		break;
	}
	return false;
}

size_t iscsi_apply_updates(const struct model *m, const struct iscsi_node_record *rec, unsigned mask,
			   bool force, struct iscsi_node_update out[ISCSI_PARAM_COUNT])
{
	struct iscsi_effective eff;
	size_t n = 0;

	iscsi_apply_resolve(m, rec, &eff);
	iscsi_apply_wipe(&eff);
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		const char *key = iscsi_node_key(p);
		long long held;

		if (!(mask & ISCSI_APPLY_ONE(p)) || !key || !iscsi_param_def(p)->settable)
			continue;
		if (!force && iscsi_node_parse(p, rec->values[p], &held) == 0 &&
		    held == eff.params[p])
			continue;
		if (iscsi_node_format(p, eff.params[p], out[n].value, sizeof(out[n].value)) < 0)
			continue;
		out[n].param = p;
		out[n].key = key;
		n++;
	}
	return n;
}
