/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsing and arithmetic of IPv4, IPv6 and MAC address text. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipaddr.h"

int ipv4_parse(const char *text, uint32_t *out)
{
	struct in_addr a;

	/* inet_pton takes exactly a.b.c.d in decimal: no "10.1", no hex, no
	 * octal, unlike inet_aton. */
	if (!text || inet_pton(AF_INET, text, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

void ipv4_format(uint32_t addr, char *out, size_t len)
{
	snprintf(out, len, "%u.%u.%u.%u", (addr >> 24) & 0xff, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
}

uint32_t ipv4_prefix_mask(unsigned prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return 0xffffffffu << (32 - prefix);
}

int ipv4_netmask_to_prefix(const char *netmask, unsigned *prefix)
{
	uint32_t mask, host;
	unsigned n = 0;

	if (ipv4_parse(netmask, &mask) < 0)
		return -EINVAL;
	host = ~mask;
	/* The host part must be 2^k - 1: ones only at the bottom. */
	if (host & (host + 1))
		return -EINVAL;
	for (uint32_t m = mask; m; m <<= 1)
		n++;
	*prefix = n;
	return 0;
}

bool ipv4_in_subnet(uint32_t addr, uint32_t subnet_addr, unsigned prefix)
{
	uint32_t mask = ipv4_prefix_mask(prefix);

	return (addr & mask) == (subnet_addr & mask);
}

bool ipv4_is_unicast(uint32_t addr)
{
	unsigned first = addr >> 24;

	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 class E
	 * with the limited broadcast. */
	return first != 0 && first != 127 && first < 224;
}

/* A decimal number without sign, spaces or leading zeros, at most max. */
static int parse_small_number(const char *text, unsigned max, unsigned *out)
{
	unsigned value = 0;

	if (!isdigit((unsigned char)text[0]) || (text[0] == '0' && text[1] != '\0'))
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		value = value * 10 + (unsigned)(*p - '0');
		if (value > max)
			return -EINVAL;
	}
	*out = value;
	return 0;
}

/* Split "addr/len" into addr (into buf) and the text after the slash. */
static int split_prefixed(const char *text, char *buf, size_t len, const char **prefix_text)
{
	const char *slash = text ? strchr(text, '/') : NULL;
	size_t n;

	if (!slash)
		return -EINVAL;
	n = (size_t)(slash - text);
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(buf, text, n);
	buf[n] = '\0';
	*prefix_text = slash + 1;
	return 0;
}

int ipv4_parse_network(const char *text, uint32_t *net, unsigned *prefix)
{
	char addr_text[IPADDR_V4_TEXT_MAX];
	const char *prefix_text;
	uint32_t addr;
	unsigned len;

	if (text && strcmp(text, "default") == 0) {
		*net = 0;
		*prefix = 0;
		return 0;
	}
	if (split_prefixed(text, addr_text, sizeof(addr_text), &prefix_text) < 0 ||
	    ipv4_parse(addr_text, &addr) < 0 || parse_small_number(prefix_text, 32, &len) < 0)
		return -EINVAL;
	*net = addr & ipv4_prefix_mask(len);
	*prefix = len;
	return addr == *net ? 0 : -ERANGE;
}

int ipv6_parse(const char *text, char *canonical, size_t len)
{
	struct in6_addr a;

	if (!text || inet_pton(AF_INET6, text, &a) != 1 ||
	    !inet_ntop(AF_INET6, &a, canonical, (socklen_t)len))
		return -EINVAL;
	return 0;
}

int ipv6_parse_prefixed(const char *text, char *canonical, size_t len, unsigned *prefix)
{
	char addr_text[INET6_ADDRSTRLEN];
	const char *prefix_text;
	struct in6_addr a;
	unsigned plen;

	if (split_prefixed(text, addr_text, sizeof(addr_text), &prefix_text) < 0 ||
	    inet_pton(AF_INET6, addr_text, &a) != 1 ||
	    parse_small_number(prefix_text, 128, &plen) < 0 || plen == 0)
		return -EINVAL;
	if (!inet_ntop(AF_INET6, &a, canonical, (socklen_t)len))
		return -EINVAL;
	*prefix = plen;
	return 0;
}

int ipv6_parse_interface_address(const char *text, char *canonical, size_t len,
				 unsigned *prefix)
{
	struct in6_addr a;
	int ret = ipv6_parse_prefixed(text, canonical, len, prefix);

	if (ret < 0)
		return ret;
	if (inet_pton(AF_INET6, canonical, &a) != 1)
		return -EINVAL;
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_MULTICAST(&a))
		return -EINVAL;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mac_parse(const char *text, uint8_t out[6])
{
	if (!text || strlen(text) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = text + 3 * i;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void mac_format(const uint8_t mac[6], char *out, size_t len)
{
	snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

bool mac_is_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 0x01) && memcmp(mac, zero, sizeof(zero)) != 0;
}
