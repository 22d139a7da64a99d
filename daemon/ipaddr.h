/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Address text as esxcli users type it: IPv4 addresses, dotted netmasks and
 * prefixes, "network/len" and "default", IPv6 "addr/prefix", and MAC
 * addresses. Pure parsing and arithmetic, no I/O; every parser refuses what
 * the kernel would refuse or silently change.
 */
#ifndef ESXD_IPADDR_H
#define ESXD_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPADDR_V4_TEXT_MAX 16    /* "255.255.255.255" */
#define IPADDR_MAC_TEXT_MAX 18   /* "aa:bb:cc:dd:ee:ff" */

/* A dotted quad (exactly four decimal parts) into host byte order. 0 or
 * -EINVAL. */
int ipv4_parse(const char *text, uint32_t *out);
/* Host byte order to dotted quad; out has IPADDR_V4_TEXT_MAX bytes. */
void ipv4_format(uint32_t addr, char *out, size_t len);

/* The mask of a prefix length 0..32. */
uint32_t ipv4_prefix_mask(unsigned prefix);
/* A dotted netmask to its prefix length: -EINVAL when not a dotted quad or
 * when its one bits are not contiguous (255.0.255.0). */
int ipv4_netmask_to_prefix(const char *netmask, unsigned *prefix);
bool ipv4_in_subnet(uint32_t addr, uint32_t subnet_addr, unsigned prefix);
/* An address fit for an interface: not 0.0.0.0, loopback, multicast,
 * class E or the limited broadcast. */
bool ipv4_is_unicast(uint32_t addr);

/* "a.b.c.d/len" (len 0..32) or "default" (= 0.0.0.0/0). The network must
 * have no host bits set: -ERANGE when it has (*net and *prefix are then the
 * network the address is in), -EINVAL for bad text. */
int ipv4_parse_network(const char *text, uint32_t *net, unsigned *prefix);

/* An IPv6 address without prefix into its canonical text. 0 or -EINVAL. */
int ipv6_parse(const char *text, char *canonical, size_t len);
/* "addr/len", len 1..128, into its canonical text (inet_ntop) and prefix.
 * canonical has at least 46 bytes. 0 or -EINVAL. */
int ipv6_parse_prefixed(const char *text, char *canonical, size_t len, unsigned *prefix);
/* Like ipv6_parse_prefixed, and the address is one an interface may hold:
 * not ::, ::1, or multicast. */
int ipv6_parse_interface_address(const char *text, char *canonical, size_t len,
				 unsigned *prefix);

/* "aa:bb:cc:dd:ee:ff" (hex, either case) into six bytes. 0 or -EINVAL. */
int mac_parse(const char *text, uint8_t out[6]);
/* Lower-case colon form; out has IPADDR_MAC_TEXT_MAX bytes. */
void mac_format(const uint8_t mac[6], char *out, size_t len);
/* Neither all zeroes nor a group (multicast, broadcast) address. */
bool mac_is_unicast(const uint8_t mac[6]);

#endif
