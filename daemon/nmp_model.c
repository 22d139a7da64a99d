/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The NMP section's rules: value checks, Round Robin option parsing,
 * device name to WWID, and the lookups commands share. Every string the
 * drop-in will carry is checked here, so the renderer never has to refuse.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "iqn.h"
#include "nmp_catalog.h"
#include "nmp_model.h"

void nmp_config_free(struct nmp_config *c)
{
	free(c->rules);
	free(c->satp_defaults);
	free(c->devices);
	free(c->paths_off);
	memset(c, 0, sizeof(*c));
}

bool nmp_config_empty(const struct nmp_config *c)
{
	return c->nrules == 0 && c->nsatp_defaults == 0 && c->ndevices == 0 &&
	       c->npaths_off == 0;
}

void nmp_rr_defaults(struct nmp_rr_config *rr)
{
	rr->type = NMP_RR_DEFAULT;
	rr->iops = NMP_RR_IOPS_DEFAULT;
	rr->bytes = NMP_RR_BYTES_DEFAULT;
	rr->useano = false;
	rr->sampling_cycles = NMP_RR_SAMPLING_DEFAULT;
	rr->latency_eval_ms = NMP_RR_EVAL_TIME_DEFAULT;
}

static const char *const rr_type_names[] = { "default", "iops", "bytes", "latency" };

const char *nmp_rr_type_name(enum nmp_rr_type t)
{
	return (unsigned)t < 4 ? rr_type_names[t] : "default";
}

int nmp_rr_type_parse(const char *word, enum nmp_rr_type *out)
{
	for (unsigned i = 0; i < 4; i++) {
		if (strcasecmp(word, rr_type_names[i]) == 0) {
			*out = (enum nmp_rr_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- checks ---- */

int nmp_check_satp(const char *name, struct esx_err *err)
{
	if (!nmp_satp_lookup(name))
		return err_set(err, EINVAL, "Invalid SATP name: %s", name);
	return 0;
}

int nmp_check_psp(const char *name, struct esx_err *err)
{
	if (!nmp_psp_lookup(name))
		return err_set(err, EINVAL, "Invalid PSP name: %s", name);
	return 0;
}

/* Printable ASCII without '"' and '\\': what may stand inside one of
 * multipath's double-quoted strings without ending or escaping it. */
static bool quotable(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
			return false;
	}
	return true;
}

static int check_inquiry_text(const char *what, const char *s, size_t max, struct esx_err *err)
{
	size_t len = strlen(s);

	if (len == 0)
		return 0;
	/* Characters first: the other messages quote the value. */
	if (!quotable(s))
		return err_set(err, EINVAL,
			       "%s contains a character that is not allowed (only printable "
			       "ASCII, no quotes or backslashes)", what);
	if (len > max)
		return err_set(err, EINVAL, "%s '%s' is longer than %zu characters", what, s, max);
	if (s[0] == ' ' || s[len - 1] == ' ')
		return err_set(err, EINVAL, "%s '%s' must not begin or end with a blank", what, s);
	return 0;
}

int nmp_check_vendor(const char *vendor, struct esx_err *err)
{
	return check_inquiry_text("Vendor", vendor, NMP_VENDOR_MAX - 1, err);
}

int nmp_check_model(const char *model, struct esx_err *err)
{
	return check_inquiry_text("Model", model, NMP_MODEL_MAX - 1, err);
}

static bool lower_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	}
	return true;
}

int nmp_check_device(const char *device, struct esx_err *err)
{
	bool ok = false;

	if (strncmp(device, "naa.", 4) == 0)
		ok = lower_hex(device + 4, 16) || lower_hex(device + 4, 32);
	else if (strncmp(device, "eui.", 4) == 0)
		ok = lower_hex(device + 4, 16);
	if (!ok)
		return err_set(err, EINVAL, "Unable to find device %s: not a valid device name "
			       "(naa. or eui. followed by hexadecimal digits)",
			       quotable(device) ? device : "(unprintable)");
	return 0;
}

static bool word_chars(const char *s, const char *extra)
{
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && !strchr(extra, *s))
			return false;
	}
	return true;
}

int nmp_check_driver(const char *driver, struct esx_err *err)
{
	if (strlen(driver) >= NMP_DRIVER_MAX || !word_chars(driver, "-"))
		return err_set(err, EINVAL, "Invalid driver name: %s",
			       quotable(driver) ? driver : "(unprintable)");
	return 0;
}

static const char *const transports[] = { "block", "fc", "iscsi", "iscsivendor", "ide",
					  "parallel", "sas", "sata", "usb", "unknown", NULL };

int nmp_check_transport(const char *transport, struct esx_err *err)
{
	if (!transport[0])
		return 0;
	for (size_t i = 0; transports[i]; i++) {
		if (strcmp(transport, transports[i]) == 0)
			return 0;
	}
	return err_set(err, EINVAL, "'%s' is not a valid transport: must be one of "
		       "[block|fc|iscsi|iscsivendor|ide|parallel|sas|sata|usb|unknown]",
		       quotable(transport) ? transport : "(unprintable)");
}

int nmp_check_option_text(const char *what, const char *text, struct esx_err *err)
{
	if (strlen(text) >= NMP_OPTION_MAX)
		return err_set(err, EINVAL, "%s is longer than %d characters", what,
			       NMP_OPTION_MAX - 1);
	if (!word_chars(text, ";, =."))
		return err_set(err, EINVAL, "%s '%s' contains a character that is not allowed",
			       what, quotable(text) ? text : "(unprintable)");
	return 0;
}

int nmp_check_description(const char *text, struct esx_err *err)
{
	if (strlen(text) >= NMP_DESCRIPTION_MAX)
		return err_set(err, EINVAL, "Description is longer than %d characters",
			       NMP_DESCRIPTION_MAX - 1);
	if (!quotable(text))
		return err_set(err, EINVAL, "Description contains a character that is not allowed "
			       "(only printable ASCII, no quotes or backslashes)");
	return 0;
}

int nmp_check_rule(const struct nmp_satp_rule *r, struct esx_err *err)
{
	struct nmp_rr_config rr;
	int ret = nmp_check_satp(r->satp, err);

	if (ret == 0 && r->psp[0])
		ret = nmp_check_psp(r->psp, err);
	if (ret == 0)
		ret = nmp_check_vendor(r->vendor, err);
	if (ret == 0)
		ret = nmp_check_model(r->model, err);
	if (ret == 0 && r->device[0])
		ret = nmp_check_device(r->device, err);
	if (ret == 0 && r->driver[0])
		ret = nmp_check_driver(r->driver, err);
	if (ret == 0)
		ret = nmp_check_transport(r->transport, err);
	if (ret == 0)
		ret = nmp_check_option_text("Option", r->options, err);
	if (ret == 0)
		ret = nmp_check_option_text("Claim option", r->claim_options, err);
	if (ret == 0)
		ret = nmp_check_description(r->description, err);
	if (ret < 0)
		return ret;
	if ((r->vendor[0] || r->model[0]) && r->driver[0])
		return err_set(err, EINVAL, "Vendor/model and driver are mutually exclusive");
	if (r->device[0] && (r->vendor[0] || r->model[0] || r->driver[0]))
		return err_set(err, EINVAL,
			       "A device rule cannot also name a vendor, model or driver");
	if (!r->vendor[0] && !r->model[0] && !r->device[0] && !r->driver[0] &&
	    !r->transport[0] && !r->claim_options[0])
		return err_set(err, EINVAL, "A rule must match on at least one of device, vendor, "
			       "model, driver, transport or claim option");
	/* Options belong to one PSP: without it they would break as soon as
	 * `satp set --default-psp` changed the SATP's default. */
	if (r->psp_options[0] && !r->psp[0])
		return err_set(err, EINVAL, "PSP options need a PSP (-P|--psp)");
	nmp_rr_defaults(&rr);
	return nmp_parse_psp_options(r->psp[0] ? r->psp : NMP_PSP_RR, r->psp_options, &rr, err);
}

int nmp_check_rr(const struct nmp_rr_config *rr, struct esx_err *err)
{
	if (rr->type == NMP_RR_BYTES)
		return err_set(err, EINVAL,
			       "Limit type bytes is not supported: dm-multipath cannot "
			       "switch paths after a number of bytes (use iops or latency)");
	if ((unsigned)rr->type > NMP_RR_LATENCY)
		return err_set(err, EINVAL, "Invalid limit type");
	if (rr->iops < 1 || rr->iops > INT32_MAX)
		return err_set(err, EINVAL, "IOOperation Limit must be between 1 and %d",
			       INT32_MAX);
	/* The kernel's round-robin selector forces its repeat count to 1
	 * ("repeat_count > 1 is deprecated, using 1 instead", Linux 4.x on):
	 * a larger limit would be stored and never honoured. The default type
	 * keeps ESXi's 1000 for display only. */
	if (rr->type == NMP_RR_IOPS && rr->iops != 1)
		return err_set(err, EINVAL,
			       "IOOperation Limit %u is not supported: Linux's dm-multipath round-robin "
			       "sends each I/O down the next path (it ignores a repeat count above 1); "
			       "use an IOOperation Limit of 1, the default type or the latency type",
			       rr->iops);
	if (rr->sampling_cycles < 1 || rr->sampling_cycles > INT32_MAX)
		return err_set(err, EINVAL, "Number of sampling cycles must be between 1 and %d",
			       INT32_MAX);
	if (rr->latency_eval_ms < 1 || rr->latency_eval_ms > INT32_MAX)
		return err_set(err, EINVAL, "Latency evaluation time must be between 1 and %d "
			       "milliseconds", INT32_MAX);
	return 0;
}

/* A whole decimal number in 1..INT32_MAX. */
static bool parse_count(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > INT32_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

static int parse_rr_option(const char *key, const char *value, struct nmp_rr_config *rr,
			   struct esx_err *err)
{
	enum nmp_rr_type t;

	if (strcasecmp(key, "policy") == 0) {
		/* "rr" is how ESXi prints the default policy. */
		if (strcasecmp(value, "rr") == 0)
			t = NMP_RR_DEFAULT;
		else if (nmp_rr_type_parse(value, &t) < 0)
			return err_set(err, EINVAL, "Invalid PSP option policy=%s", value);
		rr->type = t;
		return 0;
	}
	if (strcasecmp(key, "iops") == 0 && parse_count(value, &rr->iops)) {
		if (rr->type == NMP_RR_DEFAULT)
			rr->type = NMP_RR_IOPS;
		return 0;
	}
	if (strcasecmp(key, "bytes") == 0)
		return nmp_check_rr(&(struct nmp_rr_config){ .type = NMP_RR_BYTES }, err);
	if (strcasecmp(key, "useANO") == 0 && (!strcmp(value, "0") || !strcmp(value, "1"))) {
		rr->useano = value[0] == '1';
		return 0;
	}
	if (strcasecmp(key, "samplingCycles") == 0 && parse_count(value, &rr->sampling_cycles))
		return 0;
	if (strcasecmp(key, "latencyEvalTime") == 0 && parse_count(value, &rr->latency_eval_ms))
		return 0;
	return err_set(err, EINVAL, "Invalid PSP option %s=%s", key, value);
}

int nmp_parse_psp_options(const char *psp, const char *text, struct nmp_rr_config *rr,
			  struct esx_err *err)
{
	char buf[NMP_OPTION_MAX], *save = NULL;
	int ret = nmp_check_option_text("PSP option", text, err);

	if (ret < 0 || !text[0])
		return ret;
	if (strcmp(psp, NMP_PSP_RR) != 0)
		return err_set(err, EINVAL, "PSP %s does not take options", psp);
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *w = strtok_r(buf, ";, ", &save); w; w = strtok_r(NULL, ";, ", &save)) {
		char *eq = strchr(w, '=');

		if (!eq || eq == w || !eq[1])
			return err_set(err, EINVAL, "Invalid PSP option %s: expected key=value", w);
		*eq = '\0';
		ret = parse_rr_option(w, eq + 1, rr, err);
		if (ret < 0)
			return ret;
	}
	return nmp_check_rr(rr, err);
}

int nmp_device_wwid(const char *device, char out[NMP_WWID_MAX])
{
	char prefix;

	if (nmp_check_device(device, NULL) < 0)
		return -EINVAL;
	prefix = strncmp(device, "naa.", 4) == 0 ? '3' : '2';
	snprintf(out, NMP_WWID_MAX, "%c%s", prefix, device + 4);
	return 0;
}

/* ---- lookups and changes ---- */

static bool same_identity(const struct nmp_satp_rule *a, const struct nmp_satp_rule *b)
{
	return !strcmp(a->satp, b->satp) && !strcmp(a->vendor, b->vendor) &&
	       !strcmp(a->model, b->model) && !strcmp(a->device, b->device) &&
	       !strcmp(a->driver, b->driver) && !strcmp(a->transport, b->transport) &&
	       !strcmp(a->options, b->options) && !strcmp(a->claim_options, b->claim_options) &&
	       !strcmp(a->psp, b->psp) && !strcmp(a->psp_options, b->psp_options);
}

struct nmp_satp_rule *nmp_find_rule(const struct nmp_config *c, const struct nmp_satp_rule *r)
{
	for (size_t i = 0; i < c->nrules; i++) {
		if (same_identity(&c->rules[i], r))
			return &c->rules[i];
	}
	return NULL;
}

/* Grow an array by one zeroed entry. */
static void *append(void **array, size_t *count, size_t size)
{
	char *grown = realloc(*array, (*count + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

static void remove_at(void *array, size_t *count, size_t size, size_t i)
{
	char *base = array;

	memmove(base + i * size, base + (i + 1) * size, (*count - i - 1) * size);
	(*count)--;
}

struct nmp_satp_rule *nmp_add_rule(struct nmp_config *c)
{
	return append((void **)&c->rules, &c->nrules, sizeof(*c->rules));
}

void nmp_remove_rule(struct nmp_config *c, const struct nmp_satp_rule *r)
{
	if (r >= c->rules && r < c->rules + c->nrules)
		remove_at(c->rules, &c->nrules, sizeof(*r), (size_t)(r - c->rules));
}

static struct nmp_satp_default *satp_default(const struct nmp_config *c, const char *satp)
{
	for (size_t i = 0; i < c->nsatp_defaults; i++) {
		if (strcmp(c->satp_defaults[i].satp, satp) == 0)
			return &c->satp_defaults[i];
	}
	return NULL;
}

const char *nmp_satp_default_psp(const struct nmp_config *c, const char *satp)
{
	const struct nmp_satp_def *def = nmp_satp_lookup(satp);
	const struct nmp_satp_default *d = satp_default(c, satp);

	if (!def)
		return NULL;
	return d ? d->psp : def->default_psp;
}

int nmp_set_satp_default(struct nmp_config *c, const char *satp, const char *psp)
{
	struct nmp_satp_default *d = satp_default(c, satp);

	if (!psp) {
		if (d)
			remove_at(c->satp_defaults, &c->nsatp_defaults, sizeof(*d),
				  (size_t)(d - c->satp_defaults));
		return 0;
	}
	if (!d)
		d = append((void **)&c->satp_defaults, &c->nsatp_defaults, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->satp, sizeof(d->satp), "%s", satp);
	snprintf(d->psp, sizeof(d->psp), "%s", psp);
	return 0;
}

struct nmp_device_config *nmp_device(const struct nmp_config *c, const char *device)
{
	for (size_t i = 0; i < c->ndevices; i++) {
		if (strcmp(c->devices[i].device, device) == 0)
			return &c->devices[i];
	}
	return NULL;
}

struct nmp_device_config *nmp_device_get_or_add(struct nmp_config *c, const char *device)
{
	struct nmp_device_config *d = nmp_device(c, device);

	if (d)
		return d;
	d = append((void **)&c->devices, &c->ndevices, sizeof(*d));
	if (!d)
		return NULL;
	snprintf(d->device, sizeof(d->device), "%s", device);
	nmp_rr_defaults(&d->rr);
	return d;
}

void nmp_remove_device(struct nmp_config *c, const char *device)
{
	struct nmp_device_config *d = nmp_device(c, device);

	if (d)
		remove_at(c->devices, &c->ndevices, sizeof(*d), (size_t)(d - c->devices));
}

/* ---- paths set off ---- */

static bool iface_name_valid(const char *s)
{
	if (!s[0] || strlen(s) >= NMP_IFACE_MAX)
		return false;
	return word_chars(s, ".-:");
}

/* "a.b.c.d:port" or "[v6]:port". */
static bool portal_valid(const char *s)
{
	char addr[NMP_PORTAL_MAX];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *colon = strrchr(s, ':'), *port;
	size_t alen;
	char *end;
	unsigned long n;
	int family = AF_INET;

	if (!colon || strlen(s) >= NMP_PORTAL_MAX)
		return false;
	port = colon + 1;
	alen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (alen < 3 || s[alen - 1] != ']')
			return false;
		family = AF_INET6;
		s++;
		alen -= 2;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(family, addr, bin) != 1)
		return false;
	if (!isdigit((unsigned char)port[0]))
		return false;
	errno = 0;
	n = strtoul(port, &end, 10);
	return !*end && errno == 0 && n >= 1 && n <= 65535;
}

int nmp_check_path_off(const struct nmp_path_off *p, struct esx_err *err)
{
	if (!iface_name_valid(p->iface))
		return err_set(err, EINVAL, "Invalid iface name: %s",
			       quotable(p->iface) ? p->iface : "(unprintable)");
	if (!iqn_valid(p->target))
		return err_set(err, EINVAL, "Invalid iSCSI target name: %s",
			       quotable(p->target) ? p->target : "(unprintable)");
	if (!portal_valid(p->portal))
		return err_set(err, EINVAL, "Invalid portal: %s (address:port expected)",
			       quotable(p->portal) ? p->portal : "(unprintable)");
	if (p->lun > INT64_MAX)
		return err_set(err, EINVAL, "Invalid LUN: %llu", p->lun);
	return 0;
}

struct nmp_path_off *nmp_find_path_off(const struct nmp_config *c, const struct nmp_path_off *p)
{
	for (size_t i = 0; i < c->npaths_off; i++) {
		struct nmp_path_off *o = &c->paths_off[i];

		if (o->lun == p->lun && strcmp(o->iface, p->iface) == 0 &&
		    strcmp(o->target, p->target) == 0 && strcmp(o->portal, p->portal) == 0)
			return o;
	}
	return NULL;
}

int nmp_add_path_off(struct nmp_config *c, const struct nmp_path_off *p)
{
	struct nmp_path_off *o = append((void **)&c->paths_off, &c->npaths_off, sizeof(*o));

	if (!o)
		return -ENOMEM;
	*o = *p;
	return 0;
}

void nmp_remove_path_off(struct nmp_config *c, const struct nmp_path_off *p)
{
	struct nmp_path_off *o = nmp_find_path_off(c, p);

	if (o)
		remove_at(c->paths_off, &c->npaths_off, sizeof(*o), (size_t)(o - c->paths_off));
}
