/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Telling the network that an address has moved to a link (ESXi's "Notify
 * Switches"): after a vmk is recreated on another uplink, switches must
 * learn its MAC on the new port and neighbours must refresh their caches.
 * One call sends one packet out of the named link, from its own MAC, on a
 * non-blocking socket: a full transmit queue is an -EAGAIN, never a wait.
 * Repeating the announcement is the caller's choice.
 */
#ifndef ESXD_NET_ANNOUNCE_H
#define ESXD_NET_ANNOUNCE_H

#include "errors.h"

/* A gratuitous ARP request for addr ("192.0.2.10": sender and target are
 * both addr, the target MAC zero) to the broadcast address. */
int net_announce_ipv4(const char *ifname, const char *addr, struct esx_err *err);
/* An unsolicited neighbour advertisement for addr ("2001:db8::10") to all
 * nodes (ff02::1), hop limit 255, with the override flag and the link's MAC
 * as target link-layer address option. */
int net_announce_ipv6(const char *ifname, const char *addr, struct esx_err *err);

#endif
