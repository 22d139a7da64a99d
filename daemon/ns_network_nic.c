/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli network nic` namespace: list, get, up, down and stats get of
 * the host's NICs. The facts come from the kernel backend (net_link.h); this
 * file only shapes them as ESXi prints them.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "net_link.h"
#include "strv.h"

/* ---- schemas, in ESXi's field order ---- */

static const struct esx_field_def nic_list_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "PCI Device", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ "Admin Status", VT_STRING, NULL },
	{ "Link Status", VT_STRING, NULL },
	{ "Speed", VT_INT, NULL },
	{ "Duplex", VT_STRING, NULL },
	{ "MAC Address", VT_STRING, NULL },
	{ "MTU", VT_INT, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema nic_list_schema = { "NIC", nic_list_fields };

static const struct esx_field_def driver_info_fields[] = {
	{ "Bus Info", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ "Firmware Version", VT_STRING, NULL },
	{ "Version", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema driver_info_schema = { "DriverInfo", driver_info_fields };

static const struct esx_field_def nic_get_fields[] = {
	{ "Advertised Auto Negotiation", VT_BOOL, NULL },
	{ "Advertised Link Modes", VT_LIST, NULL },
	{ "Auto Negotiation", VT_BOOL, NULL },
	{ "Cable Type", VT_STRING, NULL },
	{ "Current Message Level", VT_INT, NULL },
	{ "Driver Info", VT_STRUCT, &driver_info_schema },
	{ "Link Detected", VT_BOOL, NULL },
	{ "Link Status", VT_STRING, NULL },
	{ "Name", VT_STRING, NULL },
	{ "PHYAddress", VT_INT, NULL },
	{ "Pause Autonegotiate", VT_BOOL, NULL },
	{ "Pause RX", VT_BOOL, NULL },
	{ "Pause TX", VT_BOOL, NULL },
	{ "Supported Ports", VT_LIST, NULL },
	{ "Supports Auto Negotiation", VT_BOOL, NULL },
	{ "Supports Pause", VT_BOOL, NULL },
	{ "Supports Wakeon", VT_BOOL, NULL },
	{ "Transceiver", VT_STRING, NULL },
	{ "Virtual Address", VT_STRING, NULL },
	{ "Wakeon", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema nic_get_schema = { "NICInfo", nic_get_fields };

/* ESXi's list also has broadcast counters and multicast sent: Linux does
 * not count those per interface, so they are left out rather than shown as
 * a made-up 0. */
static const struct esx_field_def nic_stats_fields[] = {
	{ "NIC Name", VT_STRING, NULL },
	{ "Packets received", VT_INT, NULL },
	{ "Packets sent", VT_INT, NULL },
	{ "Bytes received", VT_INT, NULL },
	{ "Bytes sent", VT_INT, NULL },
	{ "Receive packets dropped", VT_INT, NULL },
	{ "Transmit packets dropped", VT_INT, NULL },
	{ "Multicast packets received", VT_INT, NULL },
	{ "Total receive errors", VT_INT, NULL },
	{ "Receive length errors", VT_INT, NULL },
	{ "Receive over errors", VT_INT, NULL },
	{ "Receive CRC errors", VT_INT, NULL },
	{ "Receive frame errors", VT_INT, NULL },
	{ "Receive FIFO errors", VT_INT, NULL },
	{ "Receive missed errors", VT_INT, NULL },
	{ "Total transmit errors", VT_INT, NULL },
	{ "Transmit aborted errors", VT_INT, NULL },
	{ "Transmit carrier errors", VT_INT, NULL },
	{ "Transmit FIFO errors", VT_INT, NULL },
	{ "Transmit heartbeat errors", VT_INT, NULL },
	{ "Transmit window errors", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema nic_stats_schema = { "NICStats", nic_stats_fields };

/* ---- options ---- */

static int nic_name_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	if (!d->net)
		return 0;
	return net_nic_names(d->net, prefix, out);
}

static const struct esx_option no_options[] = {
	{ NULL },
};

/* Every command takes the NIC the same way; only the help's first sentence
 * differs. */
#define NIC_NAME_OPTION(purpose)                                                       \
	{ "nic-name", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                   \
	  "The name of the NIC to " purpose                                              \
	  ". This must be one of the cards listed in the nic list command.",             \
	  nic_name_completer }

static const struct esx_option nic_get_options[] = {
	NIC_NAME_OPTION("get the information for"),
	{ NULL },
};

static const struct esx_option nic_change_options[] = {
	NIC_NAME_OPTION("configure"),
	{ NULL },
};

static const struct esx_option nic_stats_options[] = {
	NIC_NAME_OPTION("get statistics for"),
	{ NULL },
};

/* ---- handlers ---- */

static int need_net(struct esx_call *call, struct esx_net **net)
{
	*net = call->daemon->net;
	if (!*net)
		return err_set(&call->err, EHOSTDOWN,
			       "Unable to reach the kernel's network interfaces: netlink could not be opened when esxclid started");
	return 0;
}

static const char *up_down(bool up)
{
	return up ? "Up" : "Down";
}

static int nic_list(struct esx_call *call)
{
	struct esx_net *net;
	struct net_link *nics = NULL;
	size_t count = 0;
	int ret;

	ret = need_net(call, &net);
	if (ret < 0)
		goto out;
	ret = net_nic_list(net, &nics, &count, &call->err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		const struct net_link *nic = &nics[i];
		struct esx_record *rec = result_record(call->result, NULL);

		rec_str(rec, "Name", nic->name);
		rec_str(rec, "PCI Device", nic->pci_device);
		rec_str(rec, "Driver", nic->driver);
		rec_str(rec, "Admin Status", up_down(nic->admin_up));
		rec_str(rec, "Link Status", up_down(nic->admin_up && nic->carrier));
		rec_int(rec, "Speed", nic->speed);
		rec_str(rec, "Duplex", nic->duplex);
		rec_str(rec, "MAC Address", nic->mac);
		rec_int(rec, "MTU", nic->mtu);
		rec_str(rec, "Description", nic->description);
	}
out:
	free(nics);
	return ret;
}

static void add_list(struct esx_record *rec, const char *field, const struct esx_strv *items)
{
	rec_list_begin(rec, field);
	for (size_t i = 0; i < items->len; i++)
		rec_list_add(rec, field, items->items[i]);
}

static int nic_get(struct esx_call *call)
{
	const char *name = args_str(&call->args, "nic-name");
	struct net_link_details details = { 0 };
	struct esx_record *rec, *driver;
	struct esx_net *net;
	struct net_link nic;
	int ret;

	ret = need_net(call, &net);
	if (ret < 0)
		goto out;
	ret = net_nic_get(net, name, &nic, &call->err);
	if (ret < 0)
		goto out;
	ret = net_nic_details(net, name, &details, &call->err);
	if (ret < 0)
		goto out;

	rec = result_record(call->result, NULL);
	rec_bool(rec, "Advertised Auto Negotiation", details.autoneg_advertised);
	add_list(rec, "Advertised Link Modes", &details.advertised_modes);
	rec_bool(rec, "Auto Negotiation", details.autoneg);
	rec_str(rec, "Cable Type", details.cable_type);
	rec_int(rec, "Current Message Level", details.msg_level);
	driver = rec_struct(rec, "Driver Info");
	rec_str(driver, "Bus Info", nic.bus_info);
	rec_str(driver, "Driver", nic.driver);
	rec_str(driver, "Firmware Version", nic.firmware_version);
	rec_str(driver, "Version", nic.driver_version);
	rec_bool(rec, "Link Detected", details.link_detected);
	rec_str(rec, "Link Status", up_down(nic.admin_up && nic.carrier));
	rec_str(rec, "Name", nic.name);
	rec_int(rec, "PHYAddress", details.phy_address);
	rec_bool(rec, "Pause Autonegotiate", details.pause_autoneg);
	rec_bool(rec, "Pause RX", details.pause_rx);
	rec_bool(rec, "Pause TX", details.pause_tx);
	add_list(rec, "Supported Ports", &details.supported_ports);
	rec_bool(rec, "Supports Auto Negotiation", details.autoneg_supported);
	rec_bool(rec, "Supports Pause", details.pause_supported);
	rec_bool(rec, "Supports Wakeon", details.wol_supported);
	rec_str(rec, "Transceiver", details.transceiver);
	rec_str(rec, "Virtual Address", nic.mac);
	rec_str(rec, "Wakeon", details.wakeon);
out:
	net_link_details_free(&details);
	return ret;
}

static int nic_set_admin(struct esx_call *call, bool up)
{
	struct esx_net *net;
	int ret = need_net(call, &net);

	if (ret < 0)
		return ret;
	return net_nic_set_admin(net, args_str(&call->args, "nic-name"), up, &call->err);
}

static int nic_up(struct esx_call *call)
{
	return nic_set_admin(call, true);
}

static int nic_down(struct esx_call *call)
{
	return nic_set_admin(call, false);
}

/* Kernel counters are unsigned 64-bit; a result integer is signed. */
static long long counter(uint64_t value)
{
	return value > (uint64_t)LLONG_MAX ? LLONG_MAX : (long long)value;
}

static int nic_stats_get(struct esx_call *call)
{
	const char *name = args_str(&call->args, "nic-name");
	struct net_link_stats s;
	struct esx_record *rec;
	struct esx_net *net;
	int ret;

	ret = need_net(call, &net);
	if (ret < 0)
		return ret;
	ret = net_nic_stats(net, name, &s, &call->err);
	if (ret < 0)
		return ret;
	rec = result_record(call->result, NULL);
	rec_str(rec, "NIC Name", name);
	rec_int(rec, "Packets received", counter(s.rx_packets));
	rec_int(rec, "Packets sent", counter(s.tx_packets));
	rec_int(rec, "Bytes received", counter(s.rx_bytes));
	rec_int(rec, "Bytes sent", counter(s.tx_bytes));
	rec_int(rec, "Receive packets dropped", counter(s.rx_dropped));
	rec_int(rec, "Transmit packets dropped", counter(s.tx_dropped));
	rec_int(rec, "Multicast packets received", counter(s.multicast));
	rec_int(rec, "Total receive errors", counter(s.rx_errors));
	rec_int(rec, "Receive length errors", counter(s.rx_length_errors));
	rec_int(rec, "Receive over errors", counter(s.rx_over_errors));
	rec_int(rec, "Receive CRC errors", counter(s.rx_crc_errors));
	rec_int(rec, "Receive frame errors", counter(s.rx_frame_errors));
	rec_int(rec, "Receive FIFO errors", counter(s.rx_fifo_errors));
	rec_int(rec, "Receive missed errors", counter(s.rx_missed_errors));
	rec_int(rec, "Total transmit errors", counter(s.tx_errors));
	rec_int(rec, "Transmit aborted errors", counter(s.tx_aborted_errors));
	rec_int(rec, "Transmit carrier errors", counter(s.tx_carrier_errors));
	rec_int(rec, "Transmit FIFO errors", counter(s.tx_fifo_errors));
	rec_int(rec, "Transmit heartbeat errors", counter(s.tx_heartbeat_errors));
	rec_int(rec, "Transmit window errors", counter(s.tx_window_errors));
	return 0;
}

/* ---- tables ---- */

const struct esx_command network_nic_commands[] = {
	{ "network nic list",
	  "This command will list the Physical NICs currently installed and loaded on the system.",
	  no_options, nic_list, SHAPE_TABLE, &nic_list_schema, VT_STRING, CMD_READONLY },
	{ "network nic get", "Get the generic configuration of a network device.",
	  nic_get_options, nic_get, SHAPE_STRUCT, &nic_get_schema, VT_STRING, CMD_READONLY },
	{ "network nic up", "Bring up the specified network device.",
	  nic_change_options, nic_up, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network nic down", "Bring down the specified network device.",
	  nic_change_options, nic_down, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network nic stats get", "Get NIC statistics for a given interface.",
	  nic_stats_options, nic_stats_get, SHAPE_STRUCT, &nic_stats_schema, VT_STRING,
	  CMD_READONLY },
	{ NULL },
};

const struct esx_namespace network_nic_namespaces[] = {
	{ "network", "Operations that pertain to the maintenance of networking on an ESX host." },
	{ "network nic",
	  "Operations having to do with the configuration of Network Interface Card and getting and updating its information." },
	{ "network nic stats", "Operations having to do with the statistics of a Network Interface Card." },
	{ NULL, NULL },
};
