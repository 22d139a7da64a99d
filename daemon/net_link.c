/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Network interfaces as the kernel sees them: a libnl link cache kept current
 * by a cache manager, requests on a separate libnl socket, and driver facts
 * from the ethtool ioctl and sysfs. See net_link.h.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if.h>         /* IFF_LOWER_UP; after <net/if.h> */
#include <linux/sockios.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/utils.h>
#include <netlink/route/link.h>

#include "log.h"
#include "net_link.h"
#include "net_nl.h"

/* Room for kernel events between two turns of the event loop; beyond it the
 * kernel drops events (ENOBUFS) and the cache is refilled. */
#define NET_EVENT_RCVBUF (1024 * 1024)
/* A dump interrupted by link changes is retried this often. */
#define DUMP_TRIES 5
/* link_mode_masks_nwords is an __s8 in the ethtool ABI. */
#define ETHTOOL_MASK_NU32_MAX 127

struct esx_net {
	struct nl_sock *sock;          /* requests: changes, fresh reads, refills */
	struct nl_sock *event_sock;    /* the cache manager's, events only */
	struct nl_cache_mngr *mngr;
	struct nl_cache *links;        /* owned by mngr once added */
	int ioctl_fd;                  /* any datagram socket, for SIOCETHTOOL */
	net_link_event_fn on_link;
	void *on_link_user;
	struct esx_strv mode_names;    /* ethtool link mode names, index = bit */
};

struct link_settings {
	struct ethtool_link_settings base;
	uint32_t masks[3 * ETHTOOL_MASK_NU32_MAX];
};

/* ---- the daemon's own interfaces ---------------------------------------- */

bool net_link_is_managed(const char *name, const char *kind, const char *ifalias)
{
	const char *digits;

	if (ifalias && strncmp(ifalias, NET_MANAGED_ALIAS_PREFIX,
			       strlen(NET_MANAGED_ALIAS_PREFIX)) == 0)
		return true;
	if (!name || !kind || (strcmp(kind, "macvlan") != 0 && strcmp(kind, "ipvlan") != 0))
		return false;
	if (strncmp(name, "vmk", 3) != 0)
		return false;
	digits = name + 3;
	if (*digits == '\0')
		return false;
	for (; *digits; digits++)
		if (!isdigit((unsigned char)*digits))
			return false;
	return true;
}

int net_check_name(const char *name, struct esx_err *err)
{
	size_t len;

	if (!name || name[0] == '\0')
		return err_set(err, EINVAL, "Invalid NIC name '': a name is required");
	len = strlen(name);
	if (len >= IFNAMSIZ)
		return err_set(err, EINVAL, "Invalid NIC name '%s': longer than %d characters",
			       name, IFNAMSIZ - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return err_set(err, EINVAL, "Invalid NIC name '%s'", name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || isspace(c) || iscntrl(c))
			return err_set(err, EINVAL,
				       "Invalid NIC name '%s': '/', ':' and white space are not allowed",
				       name);
	}
	return 0;
}

/* ---- the cache and its events -------------------------------------------- */

static bool link_admin_up(struct rtnl_link *link)
{
	return (rtnl_link_get_flags(link) & IFF_UP) != 0;
}

static bool link_carrier(struct rtnl_link *link)
{
	return (rtnl_link_get_flags(link) & IFF_LOWER_UP) != 0;
}

static bool link_is_managed(struct rtnl_link *link)
{
	return net_link_is_managed(rtnl_link_get_name(link), rtnl_link_get_type(link),
				   rtnl_link_get_ifalias(link));
}

static bool link_is_nic(struct rtnl_link *link)
{
	return !(rtnl_link_get_flags(link) & IFF_LOOPBACK) && !link_is_managed(link);
}

/* The bridge also sends AF_BRIDGE copies of its ports (and of itself) on the
 * link group; libnl caches them as objects of their own. They are views of a
 * bridge port, not links. libnl files a link whose kind names an address
 * family ("bridge") under that family: that one is the link. */
static bool is_link_view(struct rtnl_link *link)
{
	int family = rtnl_link_get_family(link);
	const char *kind = rtnl_link_get_type(link);

	return family == AF_UNSPEC || (kind && nl_str2af(kind) == family);
}

static void deliver(struct esx_net *n, const struct net_link_event *ev)
{
	if (n->on_link)
		n->on_link(ev, n->on_link_user);
}

static void master_name(struct esx_net *n, struct rtnl_link *link, char *out, size_t len)
{
	int master = rtnl_link_get_master(link);

	out[0] = '\0';
	if (master > 0 && !rtnl_link_i2name(n->links, master, out, len))
		out[0] = '\0';
}

static void on_cache_change(struct nl_cache *cache, struct nl_object *old_obj,
			    struct nl_object *new_obj, uint64_t diff, int action, void *data)
{
	struct esx_net *n = data;
	struct rtnl_link *now = (struct rtnl_link *)(new_obj ? new_obj : old_obj);
	struct rtnl_link *before = (struct rtnl_link *)(old_obj ? old_obj : new_obj);
	struct net_link_event ev = { 0 };
	const char *name;

	if (!now || !is_link_view(now))
		return;
	switch (action) {
	case NL_ACT_NEW:
		ev.kind = NET_LINK_ADDED;
		break;
	case NL_ACT_DEL:
		ev.kind = NET_LINK_REMOVED;
		break;
	case NL_ACT_CHANGE:
		ev.kind = NET_LINK_CHANGED;
		break;
	default:
		return;
	}
	ev.ifindex = rtnl_link_get_ifindex(now);
	name = rtnl_link_get_name(now);
	snprintf(ev.name, sizeof(ev.name), "%s", name ? name : "");
	ev.managed = link_is_managed(now);
	ev.admin_up = link_admin_up(now);
	ev.carrier = link_carrier(now);
	ev.was_admin_up = link_admin_up(before);
	ev.was_carrier = link_carrier(before);
	master_name(n, now, ev.master, sizeof(ev.master));
	master_name(n, before, ev.was_master, sizeof(ev.was_master));
	log_debug("netlink: link %s (%d) %s: admin %s, carrier %s", ev.name, ev.ifindex,
		  ev.kind == NET_LINK_ADDED ? "added" :
		  ev.kind == NET_LINK_REMOVED ? "removed" : "changed",
		  ev.admin_up ? "up" : "down", ev.carrier ? "up" : "down");
	deliver(n, &ev);
}

/* Throw away queued events: they are older than the refill that follows and
 * would otherwise be applied on top of it. */
static void discard_queued_events(struct esx_net *n)
{
	char buf[8192];
	int fd = nl_socket_get_fd(n->event_sock);

	for (int i = 0; i < 100000; i++) {
		ssize_t got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == ENOBUFS)
			continue;
		if (got <= 0)
			break;
	}
}

static int resync(struct esx_net *n)
{
	struct net_link_event ev = { .kind = NET_LINK_RESYNCED };
	int ret;

	log_warn("netlink: kernel link events were lost (receive buffer overrun); re-reading every link");
	discard_queued_events(n);
	ret = -NLE_DUMP_INTR;
	for (int attempt = 0; attempt < DUMP_TRIES && ret == -NLE_DUMP_INTR; attempt++)
		ret = nl_cache_refill(n->sock, n->links);
	if (ret < 0) {
		log_err("netlink: re-reading the links failed: %s", nl_geterror(ret));
		return -net_nl_errno(ret);
	}
	deliver(n, &ev);
	return 0;
}

int net_process_events(struct esx_net *n)
{
	int ret = nl_cache_mngr_data_ready(n->mngr);

	if (ret == -NLE_NOMEM)
		return resync(n);
	if (ret < 0) {
		log_err("netlink: reading kernel events failed: %s", nl_geterror(ret));
		return -net_nl_errno(ret);
	}
	return ret;
}

int net_event_fd(struct esx_net *n)
{
	return nl_cache_mngr_get_fd(n->mngr);
}

void net_set_link_event_handler(struct esx_net *n, net_link_event_fn fn, void *user)
{
	n->on_link = fn;
	n->on_link_user = user;
}

int net_link_cached_state(struct esx_net *n, const char *name, struct net_link_state *out)
{
	for (struct nl_object *obj = nl_cache_get_first(n->links); obj;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;
		const char *link_name = rtnl_link_get_name(link);

		if (!is_link_view(link) || !link_name || strcmp(link_name, name) != 0)
			continue;
		out->ifindex = rtnl_link_get_ifindex(link);
		out->admin_up = link_admin_up(link);
		out->carrier = link_carrier(link);
		out->managed = link_is_managed(link);
		return 0;
	}
	return -ENOENT;
}

/* Read one link fresh from the kernel, by name or (name NULL) by index. */
static int read_link(struct esx_net *n, int ifindex, const char *name, struct rtnl_link **out)
{
	int ret = rtnl_link_get_kernel(n->sock, ifindex, name, out);

	if (ret < 0)
		return ret;
	return *out ? 0 : -NLE_OBJ_NOTFOUND;
}

/* The NIC called name, read fresh from the kernel (caller puts it), after
 * checking the name. */
static int find_nic(struct esx_net *n, const char *name, struct rtnl_link **out,
		    struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret;

	ret = net_check_name(name, err);
	if (ret < 0)
		goto out;
	ret = read_link(n, 0, name, &link);
	if (ret == -NLE_OBJ_NOTFOUND || ret == -NLE_NODEV) {
		ret = err_set(err, ENOENT, "Unable to find NIC %s", name);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to read NIC %s: %s", name,
			      nl_geterror(ret));
		goto out;
	}
	if (!link_is_nic(link)) {
		ret = err_set(err, EINVAL, "%s is not a NIC: it is %s", name,
			      (rtnl_link_get_flags(link) & IFF_LOOPBACK) ?
			      "the loopback interface" :
			      "an interface esxclid manages (a VMkernel NIC or its VLAN)");
		goto out;
	}
	*out = link;
	link = NULL;
	ret = 0;
out:
	if (link)
		rtnl_link_put(link);
	return ret;
}

/* Every link, fresh from the kernel: one dump, one object per interface. A
 * dump that links changed under (NLE_DUMP_INTR) is asked for again. */
static int dump_links(struct esx_net *n, struct nl_cache **out, struct esx_err *err)
{
	int ret = -NLE_DUMP_INTR;

	for (int attempt = 0; attempt < DUMP_TRIES && ret == -NLE_DUMP_INTR; attempt++)
		ret = rtnl_link_alloc_cache(n->sock, AF_UNSPEC, out);
	if (ret < 0)
		return err_set(err, net_nl_errno(ret), "Unable to read the network interfaces: %s",
			       nl_geterror(ret));
	return 0;
}

/* ---- ethtool ------------------------------------------------------------- */

static int ethtool(struct esx_net *n, const char *name, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if ((size_t)snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name) >=
	    sizeof(ifr.ifr_name))
		return -EINVAL;
	ifr.ifr_data = data;
	if (ioctl(n->ioctl_fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	return 0;
}

static int ethtool_value(struct esx_net *n, const char *name, uint32_t cmd, uint32_t *value)
{
	struct ethtool_value v = { .cmd = cmd };
	int ret = ethtool(n, name, &v);

	if (ret == 0)
		*value = v.data;
	return ret;
}

/* ETHTOOL_GLINKSETTINGS: the first call tells the size of the mode masks. */
static int get_link_settings(struct esx_net *n, const char *name, struct link_settings *ls,
			     int *nwords)
{
	int words, ret;

	memset(ls, 0, sizeof(*ls));
	ls->base.cmd = ETHTOOL_GLINKSETTINGS;
	ret = ethtool(n, name, ls);
	if (ret < 0)
		return ret;
	if (ls->base.cmd != ETHTOOL_GLINKSETTINGS || ls->base.link_mode_masks_nwords >= 0)
		return -EOPNOTSUPP;
	words = -ls->base.link_mode_masks_nwords;

	memset(ls, 0, sizeof(*ls));
	ls->base.cmd = ETHTOOL_GLINKSETTINGS;
	ls->base.link_mode_masks_nwords = (int8_t)words;
	ret = ethtool(n, name, ls);
	if (ret < 0)
		return ret;
	if (ls->base.link_mode_masks_nwords != words)
		return -EPROTO;
	*nwords = words;
	return 0;
}

static bool mask_has(const uint32_t *mask, int nwords, unsigned bit)
{
	return bit / 32 < (unsigned)nwords && (mask[bit / 32] >> (bit % 32)) & 1u;
}

/* The kernel's own names of the link modes ("1000baseT/Full"), read once. */
static int load_mode_names(struct esx_net *n, const char *name)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t count;
	} sset;
	struct ethtool_gstrings *strings = NULL;
	uint32_t count;
	int ret;

	if (n->mode_names.len > 0)
		return 0;
	memset(&sset, 0, sizeof(sset));
	sset.hdr.cmd = ETHTOOL_GSSET_INFO;
	sset.hdr.sset_mask = 1ull << ETH_SS_LINK_MODES;
	ret = ethtool(n, name, &sset);
	if (ret < 0)
		goto out;
	if (!(sset.hdr.sset_mask & (1ull << ETH_SS_LINK_MODES)) || sset.count == 0 ||
	    sset.count > 32 * ETHTOOL_MASK_NU32_MAX) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	count = sset.count;
	strings = calloc(1, sizeof(*strings) + (size_t)count * ETH_GSTRING_LEN);
	if (!strings) {
		ret = -ENOMEM;
		goto out;
	}
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_LINK_MODES;
	strings->len = count;
	ret = ethtool(n, name, strings);
	if (ret < 0)
		goto out;
	for (uint32_t i = 0; i < strings->len && i < count; i++) {
		char mode[ETH_GSTRING_LEN + 1];

		snprintf(mode, sizeof(mode), "%.*s", ETH_GSTRING_LEN,
			 (const char *)strings->data + (size_t)i * ETH_GSTRING_LEN);
		ret = strv_add(&n->mode_names, mode);
		if (ret < 0) {
			strv_free(&n->mode_names);
			goto out;
		}
	}
	ret = 0;
out:
	free(strings);
	return ret;
}

/* "1000baseT/Full" → "1000BaseT/Full", as ESXi spells link modes. */
static void esxi_mode_name(const char *kernel_name, char *out, size_t len)
{
	char *base;

	snprintf(out, len, "%s", kernel_name);
	base = strstr(out, "base");
	if (base)
		base[0] = 'B';
}

static const char *port_name(uint8_t port)
{
	switch (port) {
	case PORT_TP:
		return "Twisted Pair";
	case PORT_AUI:
		return "AUI";
	case PORT_MII:
		return "MII";
	case PORT_FIBRE:
		return "FIBRE";
	case PORT_BNC:
		return "BNC";
	case PORT_DA:
		return "DA";
	case PORT_NONE:
		return "";
	default:
		return "Other";
	}
}

static int fill_supported_ports(struct net_link_details *d, const uint32_t *supported,
				int nwords)
{
	static const struct {
		unsigned bit;
		const char *name;
	} ports[] = {
		{ ETHTOOL_LINK_MODE_TP_BIT, "TP" },
		{ ETHTOOL_LINK_MODE_AUI_BIT, "AUI" },
		{ ETHTOOL_LINK_MODE_BNC_BIT, "BNC" },
		{ ETHTOOL_LINK_MODE_MII_BIT, "MII" },
		{ ETHTOOL_LINK_MODE_FIBRE_BIT, "FIBRE" },
		{ ETHTOOL_LINK_MODE_Backplane_BIT, "Backplane" },
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (mask_has(supported, nwords, ports[i].bit)) {
			int ret = strv_add(&d->supported_ports, ports[i].name);

			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int fill_advertised_modes(struct esx_net *n, struct net_link_details *d,
				 const uint32_t *advertising, int nwords)
{
	for (size_t bit = 0; bit < n->mode_names.len && bit < (size_t)nwords * 32; bit++) {
		char mode[ETH_GSTRING_LEN + 1];
		int ret;

		/* Speed/duplex modes only: the other bits are ports, pause, FEC. */
		if (!mask_has(advertising, nwords, (unsigned)bit) ||
		    !strchr(n->mode_names.items[bit], '/'))
			continue;
		esxi_mode_name(n->mode_names.items[bit], mode, sizeof(mode));
		ret = strv_add(&d->advertised_modes, mode);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void fill_wakeon(struct net_link_details *d, uint32_t wolopts)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} modes[] = {
		{ WAKE_PHY, "PHY" },
		{ WAKE_UCAST, "Unicast" },
		{ WAKE_MCAST, "Multicast" },
		{ WAKE_BCAST, "Broadcast" },
		{ WAKE_ARP, "ARP" },
		{ WAKE_MAGIC, "MagicPacket(tm)" },
		{ WAKE_MAGICSECURE, "SecureOn" },
		{ WAKE_FILTER, "Filter" },
	};
	size_t used = 0;

	d->wakeon[0] = '\0';
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int len;

		if (!(wolopts & modes[i].flag))
			continue;
		len = snprintf(d->wakeon + used, sizeof(d->wakeon) - used, "%s%s",
			       used ? ", " : "", modes[i].name);
		if (len < 0 || (size_t)len >= sizeof(d->wakeon) - used)
			break;
		used += (size_t)len;
	}
	if (used == 0)
		snprintf(d->wakeon, sizeof(d->wakeon), "None");
}

/* ---- one link's facts ---------------------------------------------------- */

static void format_addr(struct nl_addr *addr, char *out, size_t len)
{
	const unsigned char *bytes;
	unsigned n_bytes;
	size_t used = 0;

	out[0] = '\0';
	if (!addr)
		return;
	bytes = nl_addr_get_binary_addr(addr);
	n_bytes = nl_addr_get_len(addr);
	for (unsigned i = 0; i < n_bytes && used + 3 < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%02x", i ? ":" : "",
					 bytes[i]);
}

static void read_perm_addr(struct esx_net *n, const char *name, char *out, size_t len)
{
	struct {
		struct ethtool_perm_addr hdr;
		uint8_t data[32];
	} perm;
	bool all_zero = true;
	size_t used = 0;

	out[0] = '\0';
	memset(&perm, 0, sizeof(perm));
	perm.hdr.cmd = ETHTOOL_GPERMADDR;
	perm.hdr.size = sizeof(perm.data);
	if (ethtool(n, name, &perm) < 0 || perm.hdr.size > sizeof(perm.data))
		return;
	for (unsigned i = 0; i < perm.hdr.size; i++)
		if (perm.data[i])
			all_zero = false;
	if (all_zero)
		return;
	for (unsigned i = 0; i < perm.hdr.size && used + 3 < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%02x", i ? ":" : "",
					 perm.data[i]);
}

static bool read_small_file(const char *path, char *buf, size_t len)
{
	int fd = -1;
	ssize_t got;
	bool ok = false;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	got = read(fd, buf, len - 1);
	if (got < 0)
		goto out;
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Is the sysfs device at path (a resolved directory) on this bus? */
static bool device_on_bus(const char *device, const char *bus)
{
	char link[PATH_MAX];
	char *target = NULL;
	const char *last;
	bool on_bus = false;

	if ((size_t)snprintf(link, sizeof(link), "%s/subsystem", device) >= sizeof(link))
		goto out;
	target = realpath(link, NULL);
	if (!target)
		goto out;
	last = strrchr(target, '/');
	on_bus = last && strcmp(last + 1, bus) == 0 && last - target >= 4 &&
		 strncmp(last - 4, "/bus", 4) == 0;
out:
	free(target);
	return on_bus;
}

/* The PCI function behind a NIC: its own device, or the PCI parent of a
 * virtio device (virtio-net). /sys/class/net shows the network namespace that
 * mounted /sys: check the ifindex so another namespace's twin is not used. */
static void read_pci_device(const char *name, int ifindex, char *out, size_t len)
{
	char path[PATH_MAX];
	char value[32];
	char *device = NULL;
	char *slash;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name) >=
	    sizeof(path))
		goto out;
	if (!read_small_file(path, value, sizeof(value)) || atoi(value) != ifindex)
		goto out;
	if ((size_t)snprintf(path, sizeof(path), "/sys/class/net/%s/device", name) >=
	    sizeof(path))
		goto out;
	device = realpath(path, NULL);
	if (!device)
		goto out;
	if (!device_on_bus(device, "pci")) {
		if (!device_on_bus(device, "virtio"))
			goto out;
		slash = strrchr(device, '/');
		if (!slash || slash == device)
			goto out;
		*slash = '\0';
		if (!device_on_bus(device, "pci"))
			goto out;
	}
	slash = strrchr(device, '/');
	snprintf(out, len, "%s", slash ? slash + 1 : device);
out:
	free(device);
}

static void describe(struct net_link *l, const char *ifalias)
{
	static const struct {
		const char *kind;
		const char *text;
	} kinds[] = {
		{ "veth", "Virtual Ethernet" },
		{ "macvlan", "MAC-VLAN interface" },
		{ "macvtap", "MAC-VTAP interface" },
		{ "ipvlan", "IP-VLAN interface" },
		{ "vlan", "802.1Q VLAN interface" },
		{ "bond", "Bonded interface" },
		{ "team", "Team interface" },
		{ "bridge", "Bridge" },
		{ "dummy", "Dummy interface" },
		{ "tun", "TUN/TAP interface" },
		{ "vxlan", "VXLAN tunnel" },
		{ "geneve", "GENEVE tunnel" },
		{ "ifb", "Intermediate functional block" },
		{ "wireguard", "WireGuard tunnel" },
	};

	if (ifalias && ifalias[0]) {
		snprintf(l->description, sizeof(l->description), "%s", ifalias);
		return;
	}
	if (l->kind[0]) {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (strcmp(kinds[i].kind, l->kind) == 0) {
				snprintf(l->description, sizeof(l->description), "%s (%s)",
					 kinds[i].text, l->kind);
				return;
			}
		}
		snprintf(l->description, sizeof(l->description), "Virtual interface (%s)",
			 l->kind);
		return;
	}
	if (l->driver[0])
		snprintf(l->description, sizeof(l->description), "Network adapter (%s)",
			 l->driver);
	else
		snprintf(l->description, sizeof(l->description), "Network interface");
}

/* Fill l from link; all is the dump link came from, to name its master, or
 * NULL to ask the kernel. */
static void fill_link(struct esx_net *n, struct nl_cache *all, struct rtnl_link *link,
		      struct net_link *l)
{
	struct ethtool_drvinfo info;
	struct link_settings ls;
	const char *name = rtnl_link_get_name(link);
	const char *kind = rtnl_link_get_type(link);
	int master, nwords;

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name ? name : "");
	l->ifindex = rtnl_link_get_ifindex(link);
	format_addr(rtnl_link_get_addr(link), l->mac, sizeof(l->mac));
	read_perm_addr(n, l->name, l->perm_mac, sizeof(l->perm_mac));
	l->mtu = rtnl_link_get_mtu(link);
	l->admin_up = link_admin_up(link);
	l->carrier = link_carrier(link);
	rtnl_link_operstate2str(rtnl_link_get_operstate(link), l->operstate,
				sizeof(l->operstate));
	snprintf(l->kind, sizeof(l->kind), "%s", kind ? kind : "");

	memset(&info, 0, sizeof(info));
	info.cmd = ETHTOOL_GDRVINFO;
	if (ethtool(n, l->name, &info) == 0) {
		snprintf(l->driver, sizeof(l->driver), "%.*s", (int)sizeof(info.driver),
			 info.driver);
		snprintf(l->driver_version, sizeof(l->driver_version), "%.*s",
			 (int)sizeof(info.version), info.version);
		snprintf(l->firmware_version, sizeof(l->firmware_version), "%.*s",
			 (int)sizeof(info.fw_version), info.fw_version);
		snprintf(l->bus_info, sizeof(l->bus_info), "%.*s", (int)sizeof(info.bus_info),
			 info.bus_info);
	}
	read_pci_device(l->name, l->ifindex, l->pci_device, sizeof(l->pci_device));

	/* ESXi reports speed 0 for a link without carrier; so do we, and no
	 * duplex, rather than a value no cable negotiated. */
	if (l->carrier && get_link_settings(n, l->name, &ls, &nwords) == 0) {
		if (ls.base.speed != 0 && ls.base.speed != (uint32_t)SPEED_UNKNOWN)
			l->speed = ls.base.speed;
		if (ls.base.duplex == DUPLEX_FULL)
			snprintf(l->duplex, sizeof(l->duplex), "Full");
		else if (ls.base.duplex == DUPLEX_HALF)
			snprintf(l->duplex, sizeof(l->duplex), "Half");
	}

	master = rtnl_link_get_master(link);
	if (master > 0) {
		struct rtnl_link *m = NULL;

		if (all)
			m = rtnl_link_get(all, master);
		else if (read_link(n, master, NULL, &m) < 0)
			m = NULL;
		if (m && rtnl_link_get_name(m))
			snprintf(l->master, sizeof(l->master), "%s", rtnl_link_get_name(m));
		if (m)
			rtnl_link_put(m);
	}
	describe(l, rtnl_link_get_ifalias(link));
}

/* ---- public queries and changes ----------------------------------------- */

static int compare_links(const void *a, const void *b)
{
	return strverscmp(((const struct net_link *)a)->name, ((const struct net_link *)b)->name);
}

int net_nic_list(struct esx_net *n, struct net_link **out, size_t *count, struct esx_err *err)
{
	struct nl_cache *all = NULL;
	struct net_link *links = NULL;
	size_t len = 0, cap;
	int ret;

	ret = dump_links(n, &all, err);
	if (ret < 0)
		goto out;
	cap = (size_t)nl_cache_nitems(all);
	links = calloc(cap ? cap : 1, sizeof(*links));
	if (!links) {
		ret = err_set(err, ENOMEM, "Out of memory listing NICs");
		goto out;
	}
	for (struct nl_object *obj = nl_cache_get_first(all); obj && len < cap;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;

		if (link_is_nic(link))
			fill_link(n, all, link, &links[len++]);
	}
	qsort(links, len, sizeof(*links), compare_links);
	*out = links;
	*count = len;
	links = NULL;
	ret = 0;
out:
	free(links);
	if (all)
		nl_cache_free(all);
	return ret;
}

int net_nic_get(struct esx_net *n, const char *name, struct net_link *out, struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret = find_nic(n, name, &link, err);

	if (ret < 0)
		return ret;
	fill_link(n, NULL, link, out);
	rtnl_link_put(link);
	return 0;
}

void net_link_details_free(struct net_link_details *d)
{
	strv_free(&d->advertised_modes);
	strv_free(&d->supported_ports);
}

int net_nic_details(struct esx_net *n, const char *name, struct net_link_details *out,
		    struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	struct link_settings ls;
	struct ethtool_pauseparam pause;
	struct ethtool_wolinfo wol;
	uint32_t value;
	int nwords, ret;

	memset(out, 0, sizeof(*out));
	ret = find_nic(n, name, &link, err);
	if (ret < 0)
		goto out;

	/* Each query is optional: a driver without it (veth has no pause or
	 * wake-on-LAN) leaves its fields at false/0/"". */
	out->link_detected = link_carrier(link);
	if (ethtool_value(n, name, ETHTOOL_GLINK, &value) == 0)
		out->link_detected = value != 0;

	if (get_link_settings(n, name, &ls, &nwords) == 0) {
		const uint32_t *supported = ls.masks;
		const uint32_t *advertising = ls.masks + nwords;

		out->autoneg = ls.base.autoneg == AUTONEG_ENABLE;
		out->autoneg_supported = mask_has(supported, nwords, ETHTOOL_LINK_MODE_Autoneg_BIT);
		out->autoneg_advertised = mask_has(advertising, nwords,
						   ETHTOOL_LINK_MODE_Autoneg_BIT);
		out->pause_supported = mask_has(supported, nwords, ETHTOOL_LINK_MODE_Pause_BIT) ||
				       mask_has(supported, nwords, ETHTOOL_LINK_MODE_Asym_Pause_BIT);
		out->phy_address = ls.base.phy_address;
		snprintf(out->cable_type, sizeof(out->cable_type), "%s", port_name(ls.base.port));
		ret = fill_supported_ports(out, supported, nwords);
		if (ret == 0 && load_mode_names(n, name) == 0)
			ret = fill_advertised_modes(n, out, advertising, nwords);
		if (ret < 0) {
			ret = err_set(err, ret, "Out of memory reading NIC %s", name);
			goto out;
		}
	}

	if (ethtool_value(n, name, ETHTOOL_GMSGLVL, &value) == 0)
		out->msg_level = value;

	memset(&pause, 0, sizeof(pause));
	pause.cmd = ETHTOOL_GPAUSEPARAM;
	if (ethtool(n, name, &pause) == 0) {
		out->pause_autoneg = pause.autoneg != 0;
		out->pause_rx = pause.rx_pause != 0;
		out->pause_tx = pause.tx_pause != 0;
	}

	memset(&wol, 0, sizeof(wol));
	wol.cmd = ETHTOOL_GWOL;
	if (ethtool(n, name, &wol) == 0) {
		out->wol_supported = wol.supported != 0;
		fill_wakeon(out, wol.wolopts);
	} else {
		fill_wakeon(out, 0);
	}
	ret = 0;
out:
	if (ret < 0)
		net_link_details_free(out);
	if (link)
		rtnl_link_put(link);
	return ret;
}

int net_nic_stats(struct esx_net *n, const char *name, struct net_link_stats *out,
		  struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret;

	/* find_nic() asks the kernel (RTM_GETLINK): the counters are current,
	 * not those of the last event cached. */
	ret = find_nic(n, name, &link, err);
	if (ret < 0)
		return ret;
	memset(out, 0, sizeof(*out));
	out->rx_packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
	out->tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
	out->rx_bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
	out->tx_bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
	out->rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
	out->tx_dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED);
	out->multicast = rtnl_link_get_stat(link, RTNL_LINK_MULTICAST);
	out->rx_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_ERRORS);
	out->rx_length_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_LEN_ERR);
	out->rx_over_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_OVER_ERR);
	out->rx_crc_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_CRC_ERR);
	out->rx_frame_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_FRAME_ERR);
	out->rx_fifo_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_FIFO_ERR);
	out->rx_missed_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_MISSED_ERR);
	out->tx_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS);
	out->tx_aborted_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ABORT_ERR);
	out->tx_carrier_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_CARRIER_ERR);
	out->tx_fifo_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_FIFO_ERR);
	out->tx_heartbeat_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_HBEAT_ERR);
	out->tx_window_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_WIN_ERR);
	rtnl_link_put(link);
	return 0;
}

int net_nic_set_admin(struct esx_net *n, const char *name, bool up, struct esx_err *err)
{
	struct rtnl_link *link = NULL, *orig = NULL, *change = NULL;
	int ret;

	ret = find_nic(n, name, &link, err);
	if (ret < 0)
		goto out;
	/* Address the link by index only, so that nothing but IFF_UP is sent. */
	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (!orig || !change) {
		ret = err_set(err, ENOMEM, "Out of memory changing NIC %s", name);
		goto out;
	}
	rtnl_link_set_ifindex(orig, rtnl_link_get_ifindex(link));
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	ret = rtnl_link_change(n->sock, orig, change, 0);
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to bring NIC %s %s: %s", name,
			      up ? "up" : "down", nl_geterror(ret));
		goto out;
	}
	ret = 0;
out:
	if (change)
		rtnl_link_put(change);
	if (orig)
		rtnl_link_put(orig);
	if (link)
		rtnl_link_put(link);
	return ret;
}

int net_nic_names(struct esx_net *n, const char *prefix, struct esx_strv *out)
{
	struct nl_cache *all = NULL;
	int ret;

	ret = dump_links(n, &all, NULL);
	if (ret < 0)
		goto out;
	for (struct nl_object *obj = nl_cache_get_first(all); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;
		const char *name = rtnl_link_get_name(link);

		if (!name || !link_is_nic(link))
			continue;
		ret = strv_add_if_prefix(out, name, prefix);
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	if (all)
		nl_cache_free(all);
	return ret;
}

/* ---- open and close ------------------------------------------------------ */

static int open_ioctl_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	/* A host without IPv4 still has Unix sockets; SIOCETHTOOL works on both. */
	if (fd < 0)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int net_open(struct esx_net **out, struct esx_err *err)
{
	struct esx_net *n = NULL;
	struct nl_cache *links = NULL;
	int ret;

	n = calloc(1, sizeof(*n));
	if (!n) {
		ret = err_set(err, ENOMEM, "Out of memory opening netlink");
		goto out;
	}
	n->ioctl_fd = -1;

	n->sock = nl_socket_alloc();
	n->event_sock = nl_socket_alloc();
	if (!n->sock || !n->event_sock) {
		ret = err_set(err, ENOMEM, "Out of memory opening netlink");
		goto out;
	}
	ret = nl_connect(n->sock, NETLINK_ROUTE);
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to open a netlink socket: %s",
			      nl_geterror(ret));
		goto out;
	}
	ret = nl_cache_mngr_alloc(n->event_sock, NETLINK_ROUTE, NL_AUTO_PROVIDE, &n->mngr);
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to start the netlink cache manager: %s",
			      nl_geterror(ret));
		goto out;
	}
	ret = nl_socket_set_buffer_size(n->event_sock, NET_EVENT_RCVBUF, 0);
	if (ret < 0)
		log_warn("netlink: cannot enlarge the event socket buffer: %s", nl_geterror(ret));
	/* As root, go past net.core.rmem_max; without the right it stays as set. */
	(void)setsockopt(nl_socket_get_fd(n->event_sock), SOL_SOCKET, SO_RCVBUFFORCE,
			 &(int){ NET_EVENT_RCVBUF }, sizeof(int));

	ret = nl_cache_alloc_name("route/link", &links);
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to allocate the link cache: %s",
			      nl_geterror(ret));
		goto out;
	}
	ret = nl_cache_mngr_add_cache_v2(n->mngr, links, on_cache_change, n);
	if (ret < 0) {
		ret = err_set(err, net_nl_errno(ret), "Unable to read the network links: %s",
			      nl_geterror(ret));
		goto out;
	}
	n->links = links;
	links = NULL;

	n->ioctl_fd = open_ioctl_socket();
	if (n->ioctl_fd < 0) {
		ret = err_set(err, -n->ioctl_fd, "Unable to open a socket for ethtool: %s",
			      strerror(-n->ioctl_fd));
		goto out;
	}
	*out = n;
	n = NULL;
	ret = 0;
out:
	if (links)
		nl_cache_free(links);
	net_close(n);
	return ret;
}

void net_close(struct esx_net *n)
{
	if (!n)
		return;
	if (n->mngr)
		nl_cache_mngr_free(n->mngr);    /* frees the link cache too */
	if (n->event_sock)
		nl_socket_free(n->event_sock);
	if (n->sock)
		nl_socket_free(n->sock);
	if (n->ioctl_fd >= 0)
		close(n->ioctl_fd);
	strv_free(&n->mode_names);
	free(n);
}
