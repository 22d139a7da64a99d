/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desired network state as typed data: standard vSwitches, portgroups,
 * failover policies, vmkernel interfaces and static routes, loaded from and
 * saved to the store's "network" section; and the software iSCSI adapter
 * (its name, bindings and targets), the store's "iscsi" section. Knows
 * nothing of the kernel or of open-iscsi.
 *
 * A change is a transaction: copy the model (model_clone), change the copy,
 * then hand it to model_apply() (daemon/transaction.h) which makes Linux
 * match it and commits the store, or leaves both as they were.
 */
#ifndef ESXD_MODEL_H
#define ESXD_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iqn.h"
#include "iscsi_params.h"
#include "nmp_model.h"
#include "strv.h"

struct json_object;

#define MODEL_NAME_MAX 64        /* vSwitch and portgroup names */
#define MODEL_IFNAME_MAX 16      /* Linux interface names, NUL included */
#define MODEL_MAC_MAX 18         /* "aa:bb:cc:dd:ee:ff" */
#define MODEL_ADDR_MAX 46        /* INET6_ADDRSTRLEN: an address in text */

enum lb_policy { LB_PORTID = 0, LB_IPHASH, LB_MAC, LB_EXPLICIT };
enum failure_detection { FD_LINK = 0, FD_BEACON };

/* A failover (teaming) policy. On a vSwitch every field is set. On a
 * portgroup, a field with its has_ flag false is inherited from the vSwitch
 * (ESXi's "Override Vswitch ..." flags). Active and standby are set and
 * inherited together, as ESXi's "uplinks" override. */
struct failover_policy {
	bool has_uplinks, has_load_balancing, has_failure_detection, has_notify, has_failback;
	struct esx_strv active;
	struct esx_strv standby;
	enum lb_policy load_balancing;
	enum failure_detection failure_detection;
	bool notify_switches;
	bool failback;
};

struct vswitch {
	char name[MODEL_NAME_MAX];
	unsigned ports;               /* ESXi's -P; accepted and stored */
	unsigned mtu;
	char cdp_status[12];          /* down|listen|advertise|both; stored */
	struct esx_strv uplinks;      /* NIC names, in the order added */
	struct failover_policy policy;
};

struct portgroup {
	char name[MODEL_NAME_MAX];
	char vswitch[MODEL_NAME_MAX];
	unsigned vlan_id;             /* 0: untagged; 1..4094: 802.1Q; 4095: trunk */
	struct failover_policy policy;  /* overrides only */
};

enum ipv4_type { IPV4_NONE = 0, IPV4_STATIC, IPV4_DHCP };

struct vmk {
	char name[MODEL_IFNAME_MAX];  /* vmkN */
	char portgroup[MODEL_NAME_MAX];
	char mac[MODEL_MAC_MAX];      /* generated once and kept */
	unsigned mtu;
	bool enabled;
	enum ipv4_type ipv4_type;
	char ipv4_address[MODEL_ADDR_MAX];
	unsigned ipv4_prefix;         /* from the netmask */
	char ipv4_gateway[MODEL_ADDR_MAX];   /* per-vmk gateway, "" when none */
	struct esx_strv ipv6;         /* "addr/prefix" */
	unsigned table;               /* its routing table, fixed at creation */
};

struct static_route {
	char network[MODEL_ADDR_MAX]; /* "10.1.0.0/16" or "default" */
	char gateway[MODEL_ADDR_MAX];
	bool ipv6;
};

/* ---- The software iSCSI adapter: the store's "iscsi" section ---- */

#define MODEL_ADAPTER_MAX 16         /* "vmhba64" */
#define MODEL_ISCSI_ADAPTER_DEFAULT "vmhba64"
#define MODEL_ISCSI_PORT_DEFAULT 3260

/* ---- Settings at the three levels: adapter, sendtarget, target portal ----
 * At the adapter a value not set is ESXi's default; below it, a value not
 * set is inherited from the parent (ESXi's "Inherit true"): a target portal
 * inherits from the sendtarget that discovered it, or from the adapter. */

struct iscsi_param_setting {
	bool set;
	long long value;             /* typed as iscsi_params.h says */
};

enum chap_level {
	CHAP_PROHIBITED = 0,
	CHAP_DISCOURAGED,
	CHAP_PREFERRED,
	CHAP_REQUIRED,
};
enum chap_direction { CHAP_UNI = 0, CHAP_MUTUAL, CHAP_DIRECTIONS };

#define MODEL_CHAP_NAME_MAX 256      /* open-iscsi's AUTH_STR_MAX_LEN */
#define MODEL_CHAP_SECRET_MAX 256

/* One direction of CHAP. The secret is kept only in the store (mode 0600)
 * and in the records the daemon owns; it is never returned to a client. */
struct iscsi_chap_setting {
	bool set;
	enum chap_level level;
	char name[MODEL_CHAP_NAME_MAX];
	char secret[MODEL_CHAP_SECRET_MAX];
};

struct iscsi_settings {
	struct iscsi_param_setting params[ISCSI_PARAM_COUNT];
	struct iscsi_chap_setting chap[CHAP_DIRECTIONS];
};

/* A target portal with settings of its own. */
struct iscsi_target_portal {
	char address[MODEL_ADDR_MAX];
	unsigned port;
	char name[ISCSI_NAME_MAX];
	struct iscsi_settings settings;
};

/* A vmk bound to the adapter (a network portal): realised as the open-iscsi
 * iface record named as the vmk. */
struct iscsi_binding {
	char vmk[MODEL_IFNAME_MAX];
	char uplink[MODEL_IFNAME_MAX];  /* its one active uplink when bound; "" if none */
	bool forced;                    /* bound with --force although not compliant */
};

/* A SendTargets discovery address. */
struct iscsi_sendtarget {
	char address[MODEL_ADDR_MAX];   /* canonical IPv4 or IPv6 text */
	unsigned port;
	struct iscsi_settings settings;
};

/* A static target: one portal of one target. */
struct iscsi_static_target {
	char address[MODEL_ADDR_MAX];
	unsigned port;
	char name[ISCSI_NAME_MAX];
};

struct iscsi_config {
	bool enabled;
	char adapter[MODEL_ADAPTER_MAX];
	char iqn[ISCSI_NAME_MAX];       /* "" until software iSCSI is first enabled */
	char alias[ISCSI_ALIAS_MAX];
	struct iscsi_binding *bindings;
	size_t nbindings;
	struct iscsi_sendtarget *sendtargets;
	size_t nsendtargets;
	struct iscsi_static_target *statics;
	size_t nstatics;
	struct iscsi_settings settings;          /* the adapter's own */
	struct iscsi_target_portal *portals;     /* only those with settings */
	size_t nportals;
};

struct model {
	struct vswitch *vswitches;
	size_t nvswitches;
	struct portgroup *portgroups;
	size_t nportgroups;
	struct vmk *vmks;
	size_t nvmks;
	struct static_route *routes;
	size_t nroutes;
	struct iscsi_config iscsi;
	struct nmp_config nmp;         /* the store's "nmp" section (nmp_model.h) */
};

/* The JSON form (model_json.c). */

/* Read the store's "network" and "iscsi" sections (absent: an empty model,
 * software iSCSI disabled on adapter vmhba64). A section that does not
 * parse is -EBADMSG with a message naming what is wrong. */
int model_load(struct json_object *root, struct model *out, struct esx_err *err);
/* Write the model as the "network" and "iscsi" sections of root (replacing
 * them; an iSCSI configuration still at its defaults has no section). */
int model_save(const struct model *m, struct json_object *root, struct esx_err *err);
int model_clone(const struct model *m, struct model *out);
/* For the section loaders: -EBADMSG with "The stored SECTION configuration
 * is invalid: PATH: what", SECTION named by PATH's first word. */
int model_json_corrupt(struct esx_err *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void model_free(struct model *m);

struct vswitch *model_vswitch(const struct model *m, const char *name);
struct portgroup *model_portgroup(const struct model *m, const char *name);
struct vmk *model_vmk(const struct model *m, const char *name);

/* Append a zeroed entry; returns it, or NULL on ENOMEM. */
struct vswitch *model_add_vswitch(struct model *m);
struct portgroup *model_add_portgroup(struct model *m);
struct vmk *model_add_vmk(struct model *m);
struct static_route *model_add_route(struct model *m);
void model_remove_vswitch(struct model *m, const char *name);
void model_remove_portgroup(struct model *m, const char *name);
void model_remove_vmk(struct model *m, const char *name);
void model_remove_route(struct model *m, const struct static_route *r);

/* The effective policy of a portgroup: its overrides over its vSwitch's
 * policy; active/standby keep only uplinks the vSwitch has. out is
 * initialised here; free it with policy_free(). Its has_ flags say which
 * values the portgroup overrides. -ENOENT when its vSwitch is missing. */
int policy_effective(const struct model *m, const struct portgroup *pg,
		     struct failover_policy *out);
int policy_copy(const struct failover_policy *from, struct failover_policy *to);
void policy_free(struct failover_policy *p);
/* Uplinks of the vSwitch in neither list: "Unused Adapters". */
int policy_unused(const struct vswitch *vs, const struct failover_policy *eff,
		  struct esx_strv *out);

const char *lb_policy_name(enum lb_policy lb);          /* srcport, iphash, srcmac, explicit */
int lb_policy_parse(const char *word, enum lb_policy *out); /* portid|iphash|mac|explicit */

/* ---- Limits, defaults and the rules commands and reconciler share ---- */

#define MODEL_MTU_MIN 1280
#define MODEL_MTU_MAX 9000
#define MODEL_MTU_DEFAULT 1500
#define MODEL_PORTS_MIN 8
#define MODEL_PORTS_MAX 4088
#define MODEL_PORTS_DEFAULT 128
#define MODEL_VLAN_MAX 4095
#define MODEL_TABLE_FIRST 10000  /* a vmk's routing table: one of these */
#define MODEL_TABLE_LAST 10999

/* A vSwitch name or portgroup name: 1..MODEL_NAME_MAX-1 bytes, no control
 * characters, no commas (they separate lists). */
bool model_name_valid(const char *name);
/* vmk followed by 1 to 5 digits. */
bool model_vmk_name_valid(const char *name);

/* ESXi's settings for a new vSwitch: 128 ports, MTU 1500, CDP listen, and
 * the default policy (portid, link, notify, failback, no uplinks yet). The
 * name is set by the caller. */
void model_vswitch_defaults(struct vswitch *vs);

/* The vSwitch that has nic as an uplink, or NULL. */
struct vswitch *model_uplink_owner(const struct model *m, const char *nic);
/* Add nic to vs's uplinks and, as ESXi does, at the end of its active list.
 * 0 or -ENOMEM. */
int model_add_uplink(struct vswitch *vs, const char *nic);
/* Take nic off vs and out of the failover lists of vs and its portgroups. */
void model_remove_uplink(struct model *m, struct vswitch *vs, const char *nic);

/* The vmk on a portgroup (ESXi allows one per standard portgroup), or NULL. */
struct vmk *model_portgroup_vmk(const struct model *m, const char *portgroup);
/* The vSwitch a vmk hangs from, or NULL. */
struct vswitch *model_vmk_vswitch(const struct model *m, const struct vmk *vmk);
/* The vmks whose portgroup's effective failover order (active or standby)
 * names nic, appended to out. 0 or -ENOMEM. */
int model_uplink_users(const struct model *m, const char *nic, struct esx_strv *out);

/* The lowest routing table in MODEL_TABLE_FIRST..LAST no vmk has: 0 or
 * -ENOSPC. */
int model_free_table(const struct model *m, unsigned *out);
/* A locally administered unicast MAC, 02:50:56:r0:r1:r2, from three random
 * bytes the caller draws (the model does no I/O). */
void model_make_mac(const unsigned char random[3], char out[MODEL_MAC_MAX]);
/* The vmk holding this MAC (compared without case), or NULL. */
struct vmk *model_vmk_by_mac(const struct model *m, const char *mac);
/* The vmk with this IPv4 address, or NULL. */
struct vmk *model_vmk_by_ipv4(const struct model *m, const char *addr);
/* The vmk with this IPv6 address (canonical text, no prefix), or NULL. */
struct vmk *model_vmk_by_ipv6(const struct model *m, const char *addr);
/* The first vmk (in model order) whose IPv4 subnet contains addr, or NULL:
 * the interface a static route's gateway is reached through. */
struct vmk *model_gateway_vmk(const struct model *m, const char *addr);
/* The static IPv4 routes no vmk's subnet can reach, as "network via
 * gateway", appended to out. 0 or -ENOMEM. */
int model_unreachable_routes(const struct model *m, struct esx_strv *out);

/* Change a failover order as `policy failover set -a/-s` does. active and
 * standby are ESXi's comma-separated NIC lists ("vmnic1,vmnic2"; "" is an
 * empty list), or NULL when not given. A given list replaces its side; the
 * other side keeps its order minus the NICs just named, so naming a standby
 * NIC as active moves it. Every NIC must be an uplink of vs, once. On
 * success p's lists are replaced and has_uplinks set; on failure p is
 * unchanged and err says why (-EINVAL or -ENOMEM). */
int policy_change_uplinks(const struct vswitch *vs, struct failover_policy *p,
			  const char *active, const char *standby, struct esx_err *err);

const char *failure_detection_name(enum failure_detection fd);    /* link, beacon */
int failure_detection_parse(const char *word, enum failure_detection *out);

/* ---- The iSCSI section's rules ---- */

/* Software iSCSI disabled on adapter vmhba64, nothing else: a new store's. */
void model_iscsi_defaults(struct iscsi_config *c);
/* "vmhba" followed by 1 to 3 digits. */
bool model_adapter_name_valid(const char *name);

struct iscsi_binding *model_iscsi_binding(const struct model *m, const char *vmk);
struct iscsi_sendtarget *model_iscsi_sendtarget(const struct model *m, const char *address,
						unsigned port);
struct iscsi_static_target *model_iscsi_static(const struct model *m, const char *address,
					       unsigned port, const char *name);
/* Append a zeroed entry; returns it, or NULL on ENOMEM. */
struct iscsi_binding *model_iscsi_add_binding(struct model *m);
struct iscsi_sendtarget *model_iscsi_add_sendtarget(struct model *m);
struct iscsi_static_target *model_iscsi_add_static(struct model *m);
void model_iscsi_remove_binding(struct model *m, const char *vmk);
void model_iscsi_remove_sendtarget(struct model *m, const struct iscsi_sendtarget *st);
void model_iscsi_remove_static(struct model *m, const struct iscsi_static_target *t);

/* Target portals with settings of their own (names compare without case). */
struct iscsi_target_portal *model_iscsi_portal(const struct model *m, const char *address,
					       unsigned port, const char *name);
struct iscsi_target_portal *model_iscsi_add_portal(struct model *m);
void model_iscsi_remove_portal(struct model *m, const struct iscsi_target_portal *tp);
/* Nothing set: every value inherited (or, at the adapter, the default). */
bool model_iscsi_settings_empty(const struct iscsi_settings *s);
const char *chap_level_name(enum chap_level level);  /* prohibited ... required */
int chap_level_parse(const char *word, enum chap_level *out);

#define MODEL_PORTAL_TEXT_MAX (MODEL_ADDR_MAX + 8)   /* "[addr]:65535" */
/* A portal as esxcli users type it: "ADDR", "ADDR:PORT", "[IPV6]",
 * "[IPV6]:PORT" or a bare IPv6 address (no port then). The address must be
 * a unicast IPv4 or an IPv6 address (no host names: resolving one would
 * block the daemon); the port 1..65535, default_port when not given.
 * address gets the canonical text (MODEL_ADDR_MAX bytes). 0 or -EINVAL. */
int model_portal_parse(const char *text, unsigned default_port, char *address, unsigned *port);
/* "10.0.0.1:3260", "[fd00::1]:3260": what iscsiadm's --portal takes. */
void model_portal_format(const char *address, unsigned port, char *out, size_t len);

#endif
