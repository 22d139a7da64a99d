/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers the iSCSI namespaces share. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "daemon.h"
#include "iqn.h"
#include "iscsi_adm.h"
#include "iscsi_initiator.h"
#include "iscsi_runtime.h"
#include "log.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"
#include "transaction.h"

int iscsi_cmd_enabled(struct esx_call *call, const char *given, const struct model **out)
{
	const struct model *m;
	int ret = netcmd_model(call, &m);

	*out = NULL;
	if (ret < 0)
		return ret;
	if (given && !model_adapter_name_valid(given))
		return err_set(&call->err, EINVAL,
			       "Invalid adapter name '%s': iSCSI adapters are named vmhbaN", given);
	if (!m->iscsi.enabled)
		return err_set(&call->err, ENOENT,
			       "Software iSCSI is not enabled: esxcli iscsi software set --enabled=true enables it");
	if (given && strcmp(given, m->iscsi.adapter) != 0)
		return err_set(&call->err, ENOENT,
			       "Unable to find adapter %s: the software iSCSI adapter is %s", given,
			       m->iscsi.adapter);
	*out = m;
	return 0;
}

int iscsi_cmd_listing(struct esx_call *call, const struct model **out)
{
	const char *given = args_str(&call->args, "adapter");
	int ret = netcmd_model(call, out);

	if (ret < 0)
		return ret;
	if (!(*out)->iscsi.enabled && !given)
		return 1;
	return iscsi_cmd_enabled(call, given, out);
}

int iscsi_cmd_runtime(struct esx_call *call, struct iscsi_runtime **out)
{
	*out = call->daemon->iscsi;
	if (!*out)
		return err_set(&call->err, EHOSTDOWN,
			       "The iSCSI service of esxclid did not start; see its log");
	return 0;
}

int iscsi_cmd_portal(struct esx_call *call, const char *text, char *address, unsigned *port)
{
	if (model_portal_parse(text, MODEL_ISCSI_PORT_DEFAULT, address, port) < 0)
		return err_set(&call->err, EINVAL,
			       "Invalid address '%s': give an IP address with an optional port (10.0.0.1:3260, [fd00::1]:3260); host names are not resolved",
			       text);
	return 0;
}

int iscsi_cmd_target_name(struct esx_call *call, const char *name)
{
	const char *why = iqn_invalid_reason(name);

	if (why)
		return err_set(&call->err, EINVAL, "Invalid iSCSI name '%s': %s", name, why);
	return 0;
}

int iscsi_cmd_commit(struct esxd *d, iscsi_change_fn change, void *data, struct esx_err *err)
{
	const struct model *now = model_current(d);
	struct model next;
	int ret;

	if (!now)
		return err_set(err, EHOSTDOWN, "The configuration is not loaded");
	if (model_clone(now, &next) < 0)
		return err_set(err, ENOMEM, "out of memory");
	ret = change(&next, data, err);
	if (ret < 0) {
		model_free(&next);
		return ret;
	}
	return model_apply(d, &next, err);
}

/* ---- flows ---- */

static void flow_cancel(struct esx_call *call)
{
	struct iscsi_flow *flow = call->handler_data;

	/* Stopping half-way would leave open-iscsi and the store apart:
	 * the work goes on without its client. */
	log_info("The client of %s hung up; finishing it without it", flow->what);
	flow->call = NULL;
}

/* The daemon stops with the flow still running. */
static void flow_free_adopted(void *work)
{
	struct iscsi_flow *flow = work;

	iscsi_batch_free(flow->batch);
	flow->batch = NULL;
	flow->free_fn(flow);
}

int iscsi_flow_begin(struct iscsi_flow *flow, struct esx_call *call, const char *what,
		     iscsi_flow_free_fn free_fn)
{
	struct iscsi_runtime *rt;
	int ret = iscsi_cmd_runtime(call, &rt);

	if (ret < 0)
		return ret;
	ret = iscsi_runtime_claim(rt, what, &call->err);
	if (ret < 0)
		return ret;
	if (iscsi_runtime_adopt(rt, flow, flow_free_adopted) < 0) {
		iscsi_runtime_release(rt);
		return err_set(&call->err, ENOMEM, "out of memory");
	}
	flow->call = call;
	flow->d = call->daemon;
	flow->rt = rt;
	flow->free_fn = free_fn;
	snprintf(flow->what, sizeof(flow->what), "%s", what);
	call->handler_data = flow;
	call->cancel = flow_cancel;
	return 0;
}

struct esx_err *iscsi_flow_err(struct iscsi_flow *flow)
{
	return flow->call ? &flow->call->err : &flow->err;
}

static void flow_batch_done(struct iscsi_batch *b, void *data)
{
	struct iscsi_flow *flow = data;
	iscsi_flow_step_fn step = flow->step;

	flow->batch = NULL;
	flow->step = NULL;
	step(flow, b);        /* may end (free) the flow */
	iscsi_batch_free(b);
}

int iscsi_flow_run(struct iscsi_flow *flow, struct iscsi_batch *b, iscsi_flow_step_fn step)
{
	int ret = iscsi_batch_start(b, flow_batch_done, flow, iscsi_flow_err(flow));

	if (ret < 0) {
		iscsi_batch_free(b);
		return ret;
	}
	flow->batch = b;
	flow->step = step;
	return 0;
}

struct iscsi_batch *iscsi_flow_batch(struct iscsi_flow *flow, unsigned parallel,
				     bool stop_on_failure)
{
	struct iscsi_batch *b = iscsi_batch_new(flow->d->loop, parallel, stop_on_failure, 0);

	if (!b)
		err_set(iscsi_flow_err(flow), ENOMEM, "out of memory");
	return b;
}

static void flow_release(struct iscsi_flow *flow)
{
	struct esx_call *call = flow->call;

	iscsi_runtime_release(flow->rt);
	iscsi_runtime_disown(flow->rt, flow);
	if (call) {
		call->cancel = NULL;
		call->handler_data = NULL;
	}
	flow->free_fn(flow);
}

void iscsi_flow_end(struct iscsi_flow *flow, int ret)
{
	struct esx_call *call = flow->call;

	if (!call) {
		if (ret < 0)
			log_err("%s failed: %s", flow->what, flow->err.text[0] ? flow->err.text :
				strerror(-ret));
		else
			log_info("%s done", flow->what);
	}
	flow_release(flow);
	if (call)
		call_finish(call, ret);
}

int iscsi_flow_abort(struct iscsi_flow *flow, int ret)
{
	flow_release(flow);
	return ret;
}

int iscsi_cmd_complete_adapter(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	if (!m || !m->iscsi.enabled)
		return 0;
	return strv_add_if_prefix(out, m->iscsi.adapter, prefix);
}

int iscsi_cmd_complete_bound(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->iscsi.nbindings; i++) {
		if (strv_add_if_prefix(out, m->iscsi.bindings[i].vmk, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

int iscsi_cmd_complete_sendtarget(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->iscsi.nsendtargets; i++) {
		char text[MODEL_PORTAL_TEXT_MAX];

		model_portal_format(m->iscsi.sendtargets[i].address, m->iscsi.sendtargets[i].port,
				    text, sizeof(text));
		if (strv_add_if_prefix(out, text, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- naming the initiator ---- */

struct naming_flow {
	struct iscsi_flow base;
	bool probe;
	bool name_given;
	char name[ISCSI_NAME_MAX];
	bool alias_given;
	char alias[ISCSI_ALIAS_MAX];
	char message[64];
	/* What to put back on failure. */
	bool had_file;                     /* with an InitiatorName */
	bool file_existed;
	char old_name[ISCSI_NAME_MAX];
	char old_alias[ISCSI_ALIAS_MAX];
	char model_name[ISCSI_NAME_MAX];   /* the ifaces' name before */
	bool file_written;
};

static void naming_free(struct iscsi_flow *flow)
{
	free(flow);
}

/* The name when none was given: the adapter's, else the file's, else new. */
static int choose_name(struct naming_flow *nf, const struct model *m, struct esx_err *err)
{
	unsigned char random[6];

	if (nf->name_given)
		return 0;
	if (m->iscsi.iqn[0]) {
		snprintf(nf->name, sizeof(nf->name), "%s", m->iscsi.iqn);
		return 0;
	}
	if (nf->had_file && iqn_valid(nf->old_name)) {
		snprintf(nf->name, sizeof(nf->name), "%s", nf->old_name);
		return 0;
	}
	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
		return err_set(err, EIO, "Unable to make an initiator name: getrandom failed");
	iqn_generate(random, nf->name, sizeof(nf->name));
	return 0;
}

/* Put the file and the ifaces back as they were (best effort). */
static void naming_undo(struct naming_flow *nf, const struct model *m)
{
	struct esx_err err = { 0 };
	struct iscsi_batch *b;

	if (nf->file_written) {
		if (nf->had_file) {
			if (iscsi_initiator_write(ISCSI_INITIATOR_FILE, nf->old_name, nf->old_alias,
						  &err) < 0)
				log_err("Unable to restore %s: %s", ISCSI_INITIATOR_FILE, err.text);
		} else if (!nf->file_existed && unlink(ISCSI_INITIATOR_FILE) < 0) {
			log_err("Unable to remove %s again: %s", ISCSI_INITIATOR_FILE,
				strerror(errno));
		}
	}
	if (!m || !nf->model_name[0] || m->iscsi.nbindings == 0)
		return;
	b = iscsi_batch_new(nf->base.d->loop, 1, false, 0);
	for (size_t i = 0; b && i < m->iscsi.nbindings; i++)
		iscsi_adm_iface_update(b, m->iscsi.bindings[i].vmk, "iface.initiatorname",
				       nf->model_name, NULL);
	if (b)
		iscsi_runtime_background(nf->base.rt, b, "restoring iface.initiatorname");
}

static int naming_change(struct model *next, void *data, struct esx_err *err)
{
	struct naming_flow *nf = data;

	(void)err;
	next->iscsi.enabled = true;
	snprintf(next->iscsi.iqn, sizeof(next->iscsi.iqn), "%s", nf->name);
	if (nf->alias_given)
		snprintf(next->iscsi.alias, sizeof(next->iscsi.alias), "%s", nf->alias);
	return 0;
}

static void naming_renamed(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct naming_flow *nf = (struct naming_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	char text[600];
	int ret;

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		ret = err_set(err, EIO, "Unable to give the bound iface records the name %s: %s",
			      nf->name, text);
		naming_undo(nf, model_current(flow->d));
		iscsi_flow_end(flow, ret);
		return;
	}
	ret = iscsi_cmd_commit(flow->d, naming_change, nf, err);
	if (ret < 0) {
		naming_undo(nf, model_current(flow->d));
		iscsi_flow_end(flow, ret);
		return;
	}
	if (flow->call && nf->message[0])
		result_message(flow->call->result, "%s", nf->message);
	iscsi_flow_end(flow, 0);
}

/* The file, then the ifaces. */
static int naming_apply(struct naming_flow *nf)
{
	struct iscsi_flow *flow = &nf->base;
	struct esx_err *err = iscsi_flow_err(flow);
	const struct model *m = model_current(flow->d);
	struct iscsi_batch *b;
	int ret;

	ret = iscsi_initiator_read(ISCSI_INITIATOR_FILE, nf->old_name, sizeof(nf->old_name),
				   nf->old_alias, sizeof(nf->old_alias), err);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	nf->had_file = ret == 0;
	nf->file_existed = access(ISCSI_INITIATOR_FILE, F_OK) == 0;
	if (!m)
		return err_set(err, EHOSTDOWN, "The configuration is not loaded");
	snprintf(nf->model_name, sizeof(nf->model_name), "%s", m->iscsi.iqn);
	ret = choose_name(nf, m, err);
	if (ret < 0)
		return ret;
	if (!nf->had_file || strcmp(nf->old_name, nf->name) != 0 ||
	    (nf->alias_given && strcmp(nf->old_alias, nf->alias) != 0)) {
		ret = iscsi_initiator_write(ISCSI_INITIATOR_FILE, nf->name,
					    nf->alias_given ? nf->alias : NULL, err);
		if (ret < 0)
			return ret;
		nf->file_written = true;
	}
	b = iscsi_flow_batch(flow, 1, true);
	if (!b) {
		naming_undo(nf, NULL);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->iscsi.nbindings && ret == 0; i++)
		ret = iscsi_adm_iface_update(b, m->iscsi.bindings[i].vmk, "iface.initiatorname",
					     nf->name, NULL);
	if (ret == 0)
		ret = iscsi_flow_run(flow, b, naming_renamed);
	else
		iscsi_batch_free(b);
	if (ret < 0) {
		naming_undo(nf, NULL);
		return err_set(err, ret, "out of memory");
	}
	return 0;
}

static void naming_probed(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct naming_flow *nf = (struct naming_flow *)flow;
	const struct iscsi_batch_item *modprobe = iscsi_batch_item(b, 0);
	const struct iscsi_batch_item *probe = iscsi_batch_item(b, 1);
	struct esx_err *err = iscsi_flow_err(flow);
	char text[600];
	int ret;

	if (!modprobe->ok) {
		iscsi_batch_describe(modprobe, text, sizeof(text));
		iscsi_flow_end(flow, err_set(err, EIO,
			"Unable to enable software iSCSI: the iscsi_tcp kernel module could not be loaded (%s)",
			text));
		return;
	}
	if (!probe->ok) {
		iscsi_batch_describe(probe, text, sizeof(text));
		iscsi_flow_end(flow, err_set(err, EHOSTDOWN,
			"Unable to enable software iSCSI: iscsid does not answer (%s); start it: systemctl start iscsid",
			text));
		return;
	}
	ret = naming_apply(nf);
	if (ret < 0)
		iscsi_flow_end(flow, ret);
}

int iscsi_cmd_start_naming(struct esx_call *call, const char *what, bool probe,
			   const char *name, const char *alias, const char *message)
{
	struct naming_flow *nf = calloc(1, sizeof(*nf));
	struct iscsi_batch *b;
	int ret;

	if (!nf)
		return err_set(&call->err, ENOMEM, "out of memory");
	nf->probe = probe;
	nf->name_given = name != NULL;
	snprintf(nf->name, sizeof(nf->name), "%s", name ? name : "");
	nf->alias_given = alias != NULL;
	snprintf(nf->alias, sizeof(nf->alias), "%s", alias ? alias : "");
	snprintf(nf->message, sizeof(nf->message), "%s", message ? message : "");
	ret = iscsi_flow_begin(&nf->base, call, what, naming_free);
	if (ret < 0) {
		free(nf);
		return ret;
	}
	if (!probe) {
		ret = naming_apply(nf);
		return ret < 0 ? iscsi_flow_abort(&nf->base, ret) : ESX_PENDING;
	}
	b = iscsi_flow_batch(&nf->base, 1, true);
	if (!b)
		return iscsi_flow_abort(&nf->base, -ENOMEM);
	ret = iscsi_adm_modprobe(b, "iscsi_tcp", NULL);
	if (ret == 0)
		ret = iscsi_adm_probe_iscsid(b, NULL);
	if (ret < 0) {
		iscsi_batch_free(b);
		return iscsi_flow_abort(&nf->base, err_set(&call->err, ENOMEM, "out of memory"));
	}
	ret = iscsi_flow_run(&nf->base, b, naming_probed);
	return ret < 0 ? iscsi_flow_abort(&nf->base, ret) : ESX_PENDING;
}
