/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's "nmp" section: user SATP rules, SATP default PSPs and device
 * settings, loaded as strictly as the network and iSCSI sections (unknown
 * keys, wrong types and values the commands would refuse are all errors
 * naming their path) and saved in a fixed order.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "model.h"
#include "nmp_catalog.h"
#include "nmp_model.h"

#define PATH_LEN 96

/* Errors name the path, as the other sections' do (model.h). */
#define corrupt model_json_corrupt

/* A check's own message, moved behind the path of the stored value. */
static int refused(struct esx_err *err, const char *path, int ret, const struct esx_err *why)
{
	if (ret == 0)
		return 0;
	return corrupt(err, path, "%s", why->text[0] ? why->text : "not valid");
}

static int check_keys(struct json_object *obj, const char *path, const char *const *allowed,
		      struct esx_err *err)
{
	json_object_object_foreach(obj, key, value) {
		size_t i;

		(void)value;
		for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
			;
		if (!allowed[i])
			return corrupt(err, path, "unknown key '%s'", key);
	}
	return 0;
}

/* An optional string member ("" when absent) that fits size. */
static int read_text(struct json_object *obj, const char *path, const char *key, char *buf,
		     size_t size, struct esx_err *err)
{
	struct json_object *v;
	const char *s;

	buf[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return corrupt(err, path, "%s must be a string", key);
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return corrupt(err, path, "%s contains a NUL character", key);
	if (strlen(s) >= size)
		return corrupt(err, path, "%s is longer than %zu characters", key, size - 1);
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

static int read_uint(struct json_object *obj, const char *path, const char *key,
		     unsigned long long max, unsigned long long *out, struct esx_err *err)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return corrupt(err, path, "%s is missing", key);
	if (!json_object_is_type(v, json_type_int))
		return corrupt(err, path, "%s must be an integer", key);
	n = json_object_get_int64(v);
	if (n < 1 || (unsigned long long)n > max)
		return corrupt(err, path, "%s: %lld is not in 1..%llu", key, (long long)n, max);
	*out = (unsigned long long)n;
	return 0;
}

typedef int (*load_fn)(struct json_object *obj, const char *path, struct nmp_config *c,
		       struct esx_err *err);

static int load_array(struct json_object *section, const char *key, load_fn load,
		      struct nmp_config *c, struct esx_err *err)
{
	struct json_object *array;
	char path[PATH_LEN];
	int ret = 0;

	if (!json_object_object_get_ex(section, key, &array) || !array)
		return 0;
	if (!json_object_is_type(array, json_type_array))
		return corrupt(err, "nmp", "%s must be an array", key);
	for (size_t i = 0; ret == 0 && i < json_object_array_length(array); i++) {
		struct json_object *item = json_object_array_get_idx(array, i);

		snprintf(path, sizeof(path), "nmp.%s[%zu]", key, i);
		if (!json_object_is_type(item, json_type_object))
			return corrupt(err, path, "must be an object");
		ret = load(item, path, c, err);
	}
	return ret;
}

static const char *const rule_keys[] = { "satp", "vendor", "model", "device", "driver",
					  "transport", "options", "claim_options", "psp",
					  "psp_options", "description", NULL };

static int load_rule(struct json_object *obj, const char *path, struct nmp_config *c,
		     struct esx_err *err)
{
	struct nmp_satp_rule r = { 0 }, *added;
	struct esx_err why = { 0 };
	int ret = check_keys(obj, path, rule_keys, err);

	if (ret == 0)
		ret = read_text(obj, path, "satp", r.satp, sizeof(r.satp), err);
	if (ret == 0)
		ret = read_text(obj, path, "vendor", r.vendor, sizeof(r.vendor), err);
	if (ret == 0)
		ret = read_text(obj, path, "model", r.model, sizeof(r.model), err);
	if (ret == 0)
		ret = read_text(obj, path, "device", r.device, sizeof(r.device), err);
	if (ret == 0)
		ret = read_text(obj, path, "driver", r.driver, sizeof(r.driver), err);
	if (ret == 0)
		ret = read_text(obj, path, "transport", r.transport, sizeof(r.transport), err);
	if (ret == 0)
		ret = read_text(obj, path, "options", r.options, sizeof(r.options), err);
	if (ret == 0)
		ret = read_text(obj, path, "claim_options", r.claim_options,
				sizeof(r.claim_options), err);
	if (ret == 0)
		ret = read_text(obj, path, "psp", r.psp, sizeof(r.psp), err);
	if (ret == 0)
		ret = read_text(obj, path, "psp_options", r.psp_options, sizeof(r.psp_options),
				err);
	if (ret == 0)
		ret = read_text(obj, path, "description", r.description, sizeof(r.description),
				err);
	if (ret == 0)
		ret = refused(err, path, nmp_check_rule(&r, &why), &why);
	if (ret == 0 && nmp_find_rule(c, &r))
		ret = corrupt(err, path, "the same rule is stored twice");
	if (ret < 0)
		return ret;
	added = nmp_add_rule(c);
	if (!added)
		return err_set(err, ENOMEM, "out of memory");
	*added = r;
	return 0;
}

static const char *const default_keys[] = { "satp", "psp", NULL };

static int load_satp_default(struct json_object *obj, const char *path, struct nmp_config *c,
			     struct esx_err *err)
{
	struct nmp_satp_default d = { 0 };
	struct esx_err why = { 0 };
	int ret = check_keys(obj, path, default_keys, err);

	if (ret == 0)
		ret = read_text(obj, path, "satp", d.satp, sizeof(d.satp), err);
	if (ret == 0)
		ret = read_text(obj, path, "psp", d.psp, sizeof(d.psp), err);
	if (ret == 0)
		ret = refused(err, path, nmp_check_satp(d.satp, &why), &why);
	if (ret == 0)
		ret = refused(err, path, nmp_check_psp(d.psp, &why), &why);
	for (size_t i = 0; ret == 0 && i < c->nsatp_defaults; i++) {
		if (strcmp(c->satp_defaults[i].satp, d.satp) == 0)
			ret = corrupt(err, path, "%s is stored twice", d.satp);
	}
	if (ret == 0 && nmp_set_satp_default(c, d.satp, d.psp) < 0)
		ret = err_set(err, ENOMEM, "out of memory");
	return ret;
}

static const char *const device_keys[] = { "device", "psp", "rr", NULL };
static const char *const rr_keys[] = { "type", "iops", "bytes", "useano", "sampling_cycles",
				       "latency_eval_time", NULL };

static int load_rr(struct json_object *obj, const char *path, struct nmp_rr_config *rr,
		   struct esx_err *err)
{
	struct json_object *rro, *useano;
	struct esx_err why = { 0 };
	unsigned long long n;
	char where[PATH_LEN], type[16];
	int ret;

	nmp_rr_defaults(rr);
	if (!json_object_object_get_ex(obj, "rr", &rro) || !rro)
		return 0;
	snprintf(where, sizeof(where), "%s.rr", path);
	if (!json_object_is_type(rro, json_type_object))
		return corrupt(err, where, "must be an object");
	ret = check_keys(rro, where, rr_keys, err);
	if (ret == 0)
		ret = read_text(rro, where, "type", type, sizeof(type), err);
	if (ret == 0 && nmp_rr_type_parse(type, &rr->type) < 0)
		ret = corrupt(err, where, "type '%s' is not one of default, iops, latency", type);
	if (ret == 0 && (ret = read_uint(rro, where, "iops", INT32_MAX, &n, err)) == 0)
		rr->iops = (unsigned)n;
	if (ret == 0 && (ret = read_uint(rro, where, "bytes", INT64_MAX, &n, err)) == 0)
		rr->bytes = n;
	if (ret == 0 && (ret = read_uint(rro, where, "sampling_cycles", INT32_MAX, &n, err)) == 0)
		rr->sampling_cycles = (unsigned)n;
	if (ret == 0 &&
	    (ret = read_uint(rro, where, "latency_eval_time", INT32_MAX, &n, err)) == 0)
		rr->latency_eval_ms = (unsigned)n;
	if (ret == 0) {
		if (!json_object_object_get_ex(rro, "useano", &useano) || !useano ||
		    !json_object_is_type(useano, json_type_boolean))
			return corrupt(err, where, "useano must be a boolean");
		rr->useano = json_object_get_boolean(useano);
	}
	if (ret == 0)
		ret = refused(err, where, nmp_check_rr(rr, &why), &why);
	return ret;
}

static int load_device(struct json_object *obj, const char *path, struct nmp_config *c,
		       struct esx_err *err)
{
	struct nmp_device_config d = { 0 }, *added;
	struct esx_err why = { 0 };
	int ret = check_keys(obj, path, device_keys, err);

	if (ret == 0)
		ret = read_text(obj, path, "device", d.device, sizeof(d.device), err);
	if (ret == 0)
		ret = refused(err, path, nmp_check_device(d.device, &why), &why);
	if (ret == 0)
		ret = read_text(obj, path, "psp", d.psp, sizeof(d.psp), err);
	if (ret == 0 && d.psp[0])
		ret = refused(err, path, nmp_check_psp(d.psp, &why), &why);
	if (ret == 0)
		ret = load_rr(obj, path, &d.rr, err);
	if (ret == 0 && nmp_device(c, d.device))
		ret = corrupt(err, path, "%s is stored twice", d.device);
	if (ret < 0)
		return ret;
	added = nmp_device_get_or_add(c, d.device);
	if (!added)
		return err_set(err, ENOMEM, "out of memory");
	*added = d;
	return 0;
}

static const char *const path_off_keys[] = { "iface", "target", "portal", "lun", NULL };

static int load_path_off(struct json_object *obj, const char *path, struct nmp_config *c,
			 struct esx_err *err)
{
	struct nmp_path_off p = { 0 };
	struct esx_err why = { 0 };
	struct json_object *lun;
	int ret = check_keys(obj, path, path_off_keys, err);

	if (ret == 0)
		ret = read_text(obj, path, "iface", p.iface, sizeof(p.iface), err);
	if (ret == 0)
		ret = read_text(obj, path, "target", p.target, sizeof(p.target), err);
	if (ret == 0)
		ret = read_text(obj, path, "portal", p.portal, sizeof(p.portal), err);
	if (ret < 0)
		return ret;
	/* LUN 0 is a LUN: read_uint() starts at 1. */
	if (!json_object_object_get_ex(obj, "lun", &lun) || !lun ||
	    !json_object_is_type(lun, json_type_int) || json_object_get_int64(lun) < 0)
		return corrupt(err, path, "lun must be an integer from 0");
	p.lun = (unsigned long long)json_object_get_int64(lun);
	ret = refused(err, path, nmp_check_path_off(&p, &why), &why);
	if (ret == 0 && nmp_find_path_off(c, &p))
		ret = corrupt(err, path, "the same path is stored twice");
	if (ret == 0 && nmp_add_path_off(c, &p) < 0)
		ret = err_set(err, ENOMEM, "out of memory");
	return ret;
}

static const char *const nmp_keys[] = { "rules", "satp_defaults", "devices", "paths_off",
					NULL };

int nmp_load(struct json_object *section, struct nmp_config *out, struct esx_err *err)
{
	struct nmp_config c = { 0 };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!section)
		return 0;
	if (!json_object_is_type(section, json_type_object))
		return corrupt(err, "nmp", "must be an object");
	ret = check_keys(section, "nmp", nmp_keys, err);
	if (ret == 0)
		ret = load_array(section, "rules", load_rule, &c, err);
	if (ret == 0)
		ret = load_array(section, "satp_defaults", load_satp_default, &c, err);
	if (ret == 0)
		ret = load_array(section, "devices", load_device, &c, err);
	if (ret == 0)
		ret = load_array(section, "paths_off", load_path_off, &c, err);
	if (ret < 0) {
		nmp_config_free(&c);
		return ret;
	}
	*out = c;
	return 0;
}

/* ---- saving ---- */

/* json-c's adders fail only when out of memory: one flag collects them. */
static void put(bool *failed, struct json_object *obj, const char *key, struct json_object *v)
{
	if (!v || json_object_object_add(obj, key, v) < 0) {
		json_object_put(v);
		*failed = true;
	}
}

static void put_text(bool *failed, struct json_object *obj, const char *key, const char *s)
{
	if (s[0])
		put(failed, obj, key, json_object_new_string(s));
}

static void push(bool *failed, struct json_object *array, struct json_object *v)
{
	if (!v || json_object_array_add(array, v) < 0) {
		json_object_put(v);
		*failed = true;
	}
}

static struct json_object *rule_json(bool *failed, const struct nmp_satp_rule *r)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		*failed = true;
		return NULL;
	}
	put(failed, o, "satp", json_object_new_string(r->satp));
	put_text(failed, o, "vendor", r->vendor);
	put_text(failed, o, "model", r->model);
	put_text(failed, o, "device", r->device);
	put_text(failed, o, "driver", r->driver);
	put_text(failed, o, "transport", r->transport);
	put_text(failed, o, "options", r->options);
	put_text(failed, o, "claim_options", r->claim_options);
	put_text(failed, o, "psp", r->psp);
	put_text(failed, o, "psp_options", r->psp_options);
	put_text(failed, o, "description", r->description);
	return o;
}

static struct json_object *device_json(bool *failed, const struct nmp_device_config *d)
{
	struct json_object *o = json_object_new_object(), *rr = json_object_new_object();

	if (!o || !rr) {
		json_object_put(o);
		json_object_put(rr);
		*failed = true;
		return NULL;
	}
	put(failed, o, "device", json_object_new_string(d->device));
	put_text(failed, o, "psp", d->psp);
	put(failed, rr, "type", json_object_new_string(nmp_rr_type_name(d->rr.type)));
	put(failed, rr, "iops", json_object_new_int64(d->rr.iops));
	put(failed, rr, "bytes", json_object_new_int64((int64_t)d->rr.bytes));
	put(failed, rr, "useano", json_object_new_boolean(d->rr.useano));
	put(failed, rr, "sampling_cycles", json_object_new_int64(d->rr.sampling_cycles));
	put(failed, rr, "latency_eval_time", json_object_new_int64(d->rr.latency_eval_ms));
	put(failed, o, "rr", rr);
	return o;
}

static struct json_object *path_off_json(bool *failed, const struct nmp_path_off *p)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		*failed = true;
		return NULL;
	}
	put(failed, o, "iface", json_object_new_string(p->iface));
	put(failed, o, "target", json_object_new_string(p->target));
	put(failed, o, "portal", json_object_new_string(p->portal));
	put(failed, o, "lun", json_object_new_int64((int64_t)p->lun));
	return o;
}

int nmp_save(const struct nmp_config *c, struct json_object *root, struct esx_err *err)
{
	struct json_object *section = NULL, *rules = NULL, *defaults = NULL, *devices = NULL;
	struct json_object *paths_off = NULL;
	bool failed = false;

	if (nmp_config_empty(c)) {
		json_object_object_del(root, "nmp");
		return 0;
	}
	section = json_object_new_object();
	rules = json_object_new_array();
	defaults = json_object_new_array();
	devices = json_object_new_array();
	paths_off = json_object_new_array();
	if (!section || !rules || !defaults || !devices || !paths_off) {
		json_object_put(rules);
		json_object_put(defaults);
		json_object_put(devices);
		json_object_put(paths_off);
		failed = true;
		goto out;
	}
	for (size_t i = 0; i < c->nrules; i++)
		push(&failed, rules, rule_json(&failed, &c->rules[i]));
	for (size_t i = 0; i < c->nsatp_defaults; i++) {
		struct json_object *d = json_object_new_object();

		if (d) {
			put(&failed, d, "satp", json_object_new_string(c->satp_defaults[i].satp));
			put(&failed, d, "psp", json_object_new_string(c->satp_defaults[i].psp));
		}
		push(&failed, defaults, d);
	}
	for (size_t i = 0; i < c->ndevices; i++)
		push(&failed, devices, device_json(&failed, &c->devices[i]));
	put(&failed, section, "rules", rules);
	put(&failed, section, "satp_defaults", defaults);
	put(&failed, section, "devices", devices);
	for (size_t i = 0; i < c->npaths_off; i++)
		push(&failed, paths_off, path_off_json(&failed, &c->paths_off[i]));
	/* Only when some path is off: sections saved before it existed stay
	 * byte for byte the same. */
	if (c->npaths_off)
		put(&failed, section, "paths_off", paths_off);
	else
		json_object_put(paths_off);
out:
	if (failed || json_object_object_add(root, "nmp", section) < 0) {
		json_object_put(section);
		return err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}
