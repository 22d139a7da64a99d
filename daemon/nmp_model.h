/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Native Multipathing Plugin's desired state, the store's "nmp"
 * section: user SATP rules, per-SATP default PSPs and per-device PSP and
 * Round Robin settings, with the checks every value passes before it is
 * stored (ESXi-style messages). Pure data: no multipathd, no files.
 */
#ifndef ESXD_NMP_MODEL_H
#define ESXD_NMP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct json_object;

#define NMP_NAME_MAX 32          /* "VMW_SATP_DEFAULT_AA", "VMW_PSP_FIXED" */
#define NMP_VENDOR_MAX 9         /* SCSI INQUIRY vendor: 8 bytes */
#define NMP_MODEL_MAX 17         /* SCSI INQUIRY product: 16 bytes */
#define NMP_DEVICE_MAX 40        /* "naa." + 32 hex digits */
#define NMP_WWID_MAX 40          /* multipath's "3" + 32 hex digits */
#define NMP_DRIVER_MAX 32
#define NMP_TRANSPORT_MAX 16
#define NMP_OPTION_MAX 64        /* -o, -c, -O */
#define NMP_DESCRIPTION_MAX 256
#define NMP_IFACE_MAX 65         /* open-iscsi's iface name (ISCSI_MAX_IFACE_LEN) */
#define NMP_TARGET_MAX 224       /* an iSCSI name and its NUL */
#define NMP_PORTAL_MAX 72        /* "10.0.0.1:3260", "[fd00::1]:3260" */

/* ESXi's Round Robin defaults (deviceconfig get on a fresh device). */
#define NMP_RR_IOPS_DEFAULT 1000u
#define NMP_RR_BYTES_DEFAULT 10485760ull
#define NMP_RR_SAMPLING_DEFAULT 16u
#define NMP_RR_EVAL_TIME_DEFAULT 180000u   /* milliseconds */

enum nmp_rr_type { NMP_RR_DEFAULT = 0, NMP_RR_IOPS, NMP_RR_BYTES, NMP_RR_LATENCY };

struct nmp_rr_config {
	enum nmp_rr_type type;
	unsigned iops;
	unsigned long long bytes;    /* kept for display; never used (no dm form) */
	bool useano;
	unsigned sampling_cycles;
	unsigned latency_eval_ms;
};

/* A SATP claim rule. Empty strings are "not given". */
struct nmp_satp_rule {
	char satp[NMP_NAME_MAX];
	char vendor[NMP_VENDOR_MAX];
	char model[NMP_MODEL_MAX];
	char device[NMP_DEVICE_MAX];
	char driver[NMP_DRIVER_MAX];
	char transport[NMP_TRANSPORT_MAX];
	char options[NMP_OPTION_MAX];
	char claim_options[NMP_OPTION_MAX];
	char psp[NMP_NAME_MAX];          /* "": the SATP's default PSP */
	char psp_options[NMP_OPTION_MAX];
	char description[NMP_DESCRIPTION_MAX];
};

/* `satp set --default-psp`. */
struct nmp_satp_default {
	char satp[NMP_NAME_MAX];
	char psp[NMP_NAME_MAX];
};

/* `device set -P` and `psp roundrobin deviceconfig set` for one device. */
struct nmp_device_config {
	char device[NMP_DEVICE_MAX];     /* naa.<hex> or eui.<hex> */
	char psp[NMP_NAME_MAX];          /* "": the SATP's default (device set -E) */
	struct nmp_rr_config rr;         /* meaningful when psp is VMW_PSP_RR */
};

/* A path set off (`storage core path set --state off`), named by what
 * survives re-logins, rescans and restarts: the open-iscsi iface (the
 * bound vmk, or "default"), the target, the portal and the LUN. Not the
 * runtime name (its channel follows the binding order) nor the UID (it
 * carries the session's ISID and the device id). */
struct nmp_path_off {
	char iface[NMP_IFACE_MAX];
	char target[NMP_TARGET_MAX];
	char portal[NMP_PORTAL_MAX];     /* address:port, IPv6 in brackets */
	unsigned long long lun;
};

struct nmp_config {
	struct nmp_satp_rule *rules;     /* user rules, in the order added */
	size_t nrules;
	struct nmp_satp_default *satp_defaults;
	size_t nsatp_defaults;
	struct nmp_device_config *devices;
	size_t ndevices;
	struct nmp_path_off *paths_off;  /* in the order set off */
	size_t npaths_off;
};

/* Its entries own nothing: model_clone() copies the arrays flat. */
void nmp_config_free(struct nmp_config *c);
bool nmp_config_empty(const struct nmp_config *c);

void nmp_rr_defaults(struct nmp_rr_config *rr);
const char *nmp_rr_type_name(enum nmp_rr_type t);          /* default, iops, bytes, latency */
int nmp_rr_type_parse(const char *word, enum nmp_rr_type *out);

/* ---- checks: 0, or -EINVAL with an ESXi-style message ---- */

int nmp_check_satp(const char *name, struct esx_err *err);   /* a SATP ESXi knows */
int nmp_check_psp(const char *name, struct esx_err *err);    /* MRU, RR or FIXED */
/* -V and -M are literal strings: printable ASCII, no quotes or backslashes
 * (they would end or escape multipath's quoted string), no blank at either
 * end (multipath compares the INQUIRY text without its padding), at most 8
 * and 16 bytes. "" passes (not given). */
int nmp_check_vendor(const char *vendor, struct esx_err *err);
int nmp_check_model(const char *model, struct esx_err *err);
/* naa.<16 or 32 lowercase hex> or eui.<16 hex>. */
int nmp_check_device(const char *device, struct esx_err *err);
int nmp_check_driver(const char *driver, struct esx_err *err);
int nmp_check_transport(const char *transport, struct esx_err *err);
/* -o and -c: words of letters, digits and _ separated by ';', ',' or ' '. */
int nmp_check_option_text(const char *what, const char *text, struct esx_err *err);
int nmp_check_description(const char *text, struct esx_err *err);
/* Every field of a rule, and the combinations ESXi forbids (vendor/model
 * with driver, device with either). */
int nmp_check_rule(const struct nmp_satp_rule *r, struct esx_err *err);
/* Round Robin settings as deviceconfig set would store them: bytes refused
 * (dm-multipath cannot switch paths by byte count), iops 1..2^31-1,
 * sampling cycles and evaluation time > 0. */
int nmp_check_rr(const struct nmp_rr_config *rr, struct esx_err *err);
/* A PSP option string (-O) for psp into rr (which starts at ESXi's
 * defaults): "iops=1", "policy=latency", "policy=iops;iops=5;useANO=1"...
 * Only Round Robin takes options; "" is no options. */
int nmp_parse_psp_options(const char *psp, const char *text, struct nmp_rr_config *rr,
			  struct esx_err *err);

/* multipath's WWID for an ESXi device name: naa.X → 3X, eui.X → 2X (the
 * identifier type prefix scsi_id/udev put in front of VPD 0x83 ids). */
int nmp_device_wwid(const char *device, char out[NMP_WWID_MAX]);

/* ---- lookups and changes ---- */

/* The user rule with all of r's identifying fields (every field but the
 * description), or NULL. */
struct nmp_satp_rule *nmp_find_rule(const struct nmp_config *c, const struct nmp_satp_rule *r);
struct nmp_satp_rule *nmp_add_rule(struct nmp_config *c);   /* zeroed; NULL on ENOMEM */
void nmp_remove_rule(struct nmp_config *c, const struct nmp_satp_rule *r);

/* The PSP a SATP gives devices: its `satp set` override, or its catalog
 * default; NULL for an unknown SATP. */
const char *nmp_satp_default_psp(const struct nmp_config *c, const char *satp);
/* Set (psp non-NULL) or drop (NULL) a SATP's override. 0 or -ENOMEM. */
int nmp_set_satp_default(struct nmp_config *c, const char *satp, const char *psp);

struct nmp_device_config *nmp_device(const struct nmp_config *c, const char *device);
/* The device's entry, made with psp "" and RR defaults when missing. */
struct nmp_device_config *nmp_device_get_or_add(struct nmp_config *c, const char *device);
void nmp_remove_device(struct nmp_config *c, const char *device);

/* A path identity as stored: an iface name of letters, digits, '.', '-',
 * '_', ':'; a valid iSCSI name; a portal "IPv4:port" or "[IPv6]:port" with
 * a port 1..65535; a LUN below 2^63. */
int nmp_check_path_off(const struct nmp_path_off *p, struct esx_err *err);
struct nmp_path_off *nmp_find_path_off(const struct nmp_config *c, const struct nmp_path_off *p);
/* Append p (not checked for duplicates). 0 or -ENOMEM. */
int nmp_add_path_off(struct nmp_config *c, const struct nmp_path_off *p);
void nmp_remove_path_off(struct nmp_config *c, const struct nmp_path_off *p);

/* ---- JSON (nmp_json.c): the store's "nmp" section ---- */

/* Absent: an empty configuration. -EBADMSG naming the bad value. */
int nmp_load(struct json_object *section, struct nmp_config *out, struct esx_err *err);
/* Replace root's "nmp" section; an empty configuration removes it. */
int nmp_save(const struct nmp_config *c, struct json_object *root, struct esx_err *err);

#endif
