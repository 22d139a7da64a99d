/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel network backend: network interfaces ("links") as the kernel sees
 * them, through libnl (rtnetlink) for state and changes and the ethtool ioctl
 * for driver facts. It keeps a link cache that follows kernel events (a libnl
 * cache manager whose socket the daemon's event loop watches) and tells the
 * daemon when a link changes; the net_nic_* queries ask the kernel afresh. It
 * knows nothing of commands or results: the esxcli namespaces turn its plain
 * structs into records.
 *
 * What counts as a NIC: every link except loopback and the daemon's own
 * interfaces (net_link_is_managed()).
 */
#ifndef ESXD_NET_LINK_H
#define ESXD_NET_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "strv.h"

struct esx_net;

#define NET_NAME_MAX 16    /* IFNAMSIZ, with the NUL */
#define NET_ADDR_MAX 96    /* "aa:bb:..." for up to 32 address bytes */

/* One link as `network nic list` needs it. Plain data, no ownership. */
struct net_link {
	char name[NET_NAME_MAX];
	int ifindex;
	char mac[NET_ADDR_MAX];           /* current address, "" when none */
	char perm_mac[NET_ADDR_MAX];      /* permanent (burnt-in) address, "" when unknown */
	unsigned mtu;
	bool admin_up;                    /* IFF_UP */
	bool carrier;                     /* IFF_LOWER_UP: carrier while running */
	char operstate[24];               /* RFC 2863 name as libnl spells it: "up", "down", ... */
	char kind[24];                    /* rtnetlink kind: "veth", "bond", ...; "" for hardware */
	char driver[32];                  /* ethtool driver info; "" when the driver gives none */
	char driver_version[32];
	char firmware_version[32];
	char bus_info[32];
	char pci_device[32];              /* "0000:09:00.0" when backed by a PCI function, else "" */
	unsigned speed;                   /* Mb/s; 0 when the link is down or the speed unknown */
	char duplex[8];                   /* "Full", "Half"; "" when down or unknown */
	char description[256];            /* ifalias, else a text from the kind or driver */
	char master[NET_NAME_MAX];        /* bond/bridge this link is enslaved to, or "" */
};

/* Link settings, pause and wake-on-LAN as `network nic get` reports them. A
 * driver that does not support a query (veth: pause, wake-on-LAN, message
 * level) leaves the matching fields false/0/empty. */
struct net_link_details {
	bool link_detected;               /* ETHTOOL_GLINK, else carrier */
	bool autoneg_supported;
	bool autoneg_advertised;
	bool autoneg;                     /* autonegotiation enabled */
	struct esx_strv advertised_modes; /* "1000BaseT/Full", ... */
	struct esx_strv supported_ports;  /* "TP", "FIBRE", ... */
	char cable_type[24];              /* connector now in use: "Twisted Pair", "FIBRE", ... */
	unsigned phy_address;
	char transceiver[16];             /* always "": the kernel no longer reports it */
	unsigned msg_level;               /* ETHTOOL_GMSGLVL */
	bool pause_supported;
	bool pause_autoneg, pause_rx, pause_tx;
	bool wol_supported;
	char wakeon[128];                 /* "None", "MagicPacket(tm)", ... */
};

/* Counters read from the kernel at the time of the call (never cached). */
struct net_link_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_dropped, tx_dropped, multicast;
	uint64_t rx_errors, rx_length_errors, rx_over_errors, rx_crc_errors;
	uint64_t rx_frame_errors, rx_fifo_errors, rx_missed_errors;
	uint64_t tx_errors, tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
	uint64_t tx_heartbeat_errors, tx_window_errors;
};

/* A change to a link seen in a kernel event (or a resync of everything). */
enum net_link_event_kind {
	NET_LINK_ADDED,
	NET_LINK_CHANGED,
	NET_LINK_REMOVED,
	NET_LINK_RESYNCED,   /* events were lost; the cache was refilled: re-check every link */
};

struct net_link_event {
	enum net_link_event_kind kind;
	int ifindex;                      /* 0 for NET_LINK_RESYNCED */
	char name[NET_NAME_MAX];
	bool managed;                     /* one of the daemon's own interfaces */
	bool admin_up, carrier;           /* now; last known for NET_LINK_REMOVED */
	bool was_admin_up, was_carrier;   /* before, for NET_LINK_CHANGED; else = now */
	/* The bond, team or bridge it is a port of, now and before ("" for
	 * none): a bond gaining a member changes nothing on the bond itself. */
	char master[NET_NAME_MAX], was_master[NET_NAME_MAX];
};

/* Called from net_process_events() only (queries read the kernel directly and
 * deliver nothing). It runs while the cache is being updated: it must not call
 * back into the backend; record the event and schedule the work. */
typedef void (*net_link_event_fn)(const struct net_link_event *ev, void *user);

/* Open the request socket and the cache manager, and fill the link cache. */
int net_open(struct esx_net **out, struct esx_err *err);
void net_close(struct esx_net *n);

/* The cache manager's socket, for the event loop (EPOLLIN). */
int net_event_fd(struct esx_net *n);
/* Read every pending kernel event and update the cache. On lost events
 * (ENOBUFS) the cache is refilled and a NET_LINK_RESYNCED event delivered.
 * Returns the number of messages read, or a negative errno. */
int net_process_events(struct esx_net *n);
/* Set (or clear, with fn NULL) the link change hook. */
void net_set_link_event_handler(struct esx_net *n, net_link_event_fn fn, void *user);

/* A link's state as the event-driven cache knows it (no kernel request):
 * cheap, for the reconciler and failover. -ENOENT when there is no such link. */
struct net_link_state {
	int ifindex;
	bool admin_up;
	bool carrier;
	bool managed;
};
int net_link_cached_state(struct esx_net *n, const char *name, struct net_link_state *out);

/* The one rule for the daemon's own interfaces, which are not NICs: a
 * macvlan or ipvlan named vmk<N>, or any link whose alias starts with
 * "esxclid:" (the VLAN sub-interfaces it creates). kind and ifalias may be
 * NULL. */
bool net_link_is_managed(const char *name, const char *kind, const char *ifalias);
#define NET_MANAGED_ALIAS_PREFIX "esxclid:"

/* Check an interface name as the kernel would accept it: 1..15 bytes, no '/',
 * ':' or white space, not "." or "..". 0 or -EINVAL with a message. */
int net_check_name(const char *name, struct esx_err *err);

/* Every NIC, sorted by name (numbers compared as numbers: vmnic2 < vmnic10).
 * *out is allocated (free() it), *count may be 0. */
int net_nic_list(struct esx_net *n, struct net_link **out, size_t *count, struct esx_err *err);
/* One NIC by name: -EINVAL for a bad name or one of the daemon's own
 * interfaces, -ENOENT for no such NIC. */
int net_nic_get(struct esx_net *n, const char *name, struct net_link *out, struct esx_err *err);
/* Settings from ethtool; free with net_link_details_free(). */
int net_nic_details(struct esx_net *n, const char *name, struct net_link_details *out,
		    struct esx_err *err);
void net_link_details_free(struct net_link_details *d);
/* Counters fresh from the kernel. */
int net_nic_stats(struct esx_net *n, const char *name, struct net_link_stats *out,
		  struct esx_err *err);
/* Bring a NIC administratively up or down (IFF_UP). */
int net_nic_set_admin(struct esx_net *n, const char *name, bool up, struct esx_err *err);
/* Append the names of the NICs starting with prefix (for Tab completion). */
int net_nic_names(struct esx_net *n, const char *prefix, struct esx_strv *out);

#endif
