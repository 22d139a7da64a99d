/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Gratuitous ARP (an AF_PACKET datagram socket) and unsolicited IPv6
 * neighbour advertisements (a raw ICMPv6 socket). See net_announce.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "net_announce.h"
#include "net_link.h"

#define MAC_LEN 6
#define NDP_HOP_LIMIT 255     /* RFC 4861: receivers drop anything else */

/* The packet socket for gratuitous ARP stays open for the daemon's life:
 * closing one waits for an RCU grace period (measured 8-18 ms), which would
 * delay every failover pass that announces a move. */
static int packet_fd = -1;

/* Check the request, open the sending socket (non-blocking; with AF_PACKET
 * the shared one) and read the link's index and Ethernet address through
 * it. family: of addr. */
static int open_announcer(const char *ifname, int family, const char *addr, void *ip,
			  int domain, int type, int protocol, int *fd, int *ifindex,
			  unsigned char mac[MAC_LEN], struct esx_err *err)
{
	struct ifreq ifr;
	int ret;

	ret = net_check_name(ifname, err);
	if (ret < 0)
		return ret;
	if (!addr || inet_pton(family, addr, ip) != 1)
		return err_set(err, EINVAL, "Invalid %s address '%s'",
			       family == AF_INET ? "IPv4" : "IPv6", addr ? addr : "");
	if (domain == AF_PACKET && packet_fd >= 0)
		*fd = packet_fd;
	else
		*fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (domain == AF_PACKET && *fd >= 0)
		packet_fd = *fd;
	if (*fd < 0)
		return err_set(err, errno, "Unable to open a socket to announce %s: %s", addr,
			       strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(*fd, SIOCGIFINDEX, &ifr) < 0) {
		if (errno == ENODEV)
			return err_set(err, ENOENT, "Unable to find network interface %s", ifname);
		return err_set(err, errno, "Unable to read network interface %s: %s", ifname,
			       strerror(errno));
	}
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(*fd, SIOCGIFHWADDR, &ifr) < 0)
		return err_set(err, errno, "Unable to read the MAC address of %s: %s", ifname,
			       strerror(errno));
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return err_set(err, EOPNOTSUPP,
			       "Unable to announce addresses on %s: it is not an Ethernet interface",
			       ifname);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, MAC_LEN);
	return 0;
}

static int send_failed(const char *what, const char *addr, const char *ifname, int errnum,
		       struct esx_err *err)
{
	if (errnum == ENETDOWN)
		return err_set(err, ENETDOWN, "Unable to send %s for %s on %s: the interface is down",
			       what, addr, ifname);
	return err_set(err, errnum, "Unable to send %s for %s on %s: %s", what, addr, ifname,
		       strerror(errnum));
}

int net_announce_ipv4(const char *ifname, const char *addr, struct esx_err *err)
{
	struct ether_arp arp;
	struct sockaddr_ll to;
	struct in_addr ip;
	unsigned char mac[MAC_LEN];
	int fd = -1, ifindex = 0;
	int ret;

	/* Protocol 0: the socket only sends, and receives nothing. */
	ret = open_announcer(ifname, AF_INET, addr, &ip, AF_PACKET, SOCK_DGRAM, 0, &fd, &ifindex,
			     mac, err);
	if (ret < 0)
		goto out;

	memset(&arp, 0, sizeof(arp));
	arp.arp_hrd = htons(ARPHRD_ETHER);
	arp.arp_pro = htons(ETHERTYPE_IP);
	arp.arp_hln = MAC_LEN;
	arp.arp_pln = sizeof(ip);
	arp.arp_op = htons(ARPOP_REQUEST);
	memcpy(arp.arp_sha, mac, MAC_LEN);
	memcpy(arp.arp_spa, &ip, sizeof(ip));
	memcpy(arp.arp_tpa, &ip, sizeof(ip));    /* RFC 5227 announcement: target = sender */

	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_ARP);
	to.sll_ifindex = ifindex;
	to.sll_halen = MAC_LEN;
	memset(to.sll_addr, 0xff, MAC_LEN);
	if (sendto(fd, &arp, sizeof(arp), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		ret = send_failed("a gratuitous ARP", addr, ifname, errno, err);
		goto out;
	}
	ret = 0;
out:
	/* fd is the shared packet socket: kept open. */
	return ret;
}

static int set_int_option(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

int net_announce_ipv6(const char *ifname, const char *addr, struct esx_err *err)
{
	unsigned char packet[sizeof(struct nd_neighbor_advert) + sizeof(struct nd_opt_hdr) +
			     MAC_LEN];
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	struct sockaddr_in6 from, to;
	struct in6_addr ip;
	unsigned char mac[MAC_LEN];
	int fd = -1, ifindex = 0;
	int ret;

	ret = open_announcer(ifname, AF_INET6, addr, &ip, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, &fd,
			     &ifindex, mac, err);
	if (ret < 0)
		goto out;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		ret = -errno;
	if (ret == 0)
		ret = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
	if (ret == 0)
		ret = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, NDP_HOP_LIMIT);
	if (ret == 0)
		ret = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to prepare an ICMPv6 socket on %s: %s", ifname,
			      strerror(-ret));
		goto out;
	}
	/* The source is the address announced; one still tentative (added
	 * without NODAD) may be used too. Kernels before 4.15 lack the option:
	 * then a tentative address fails at bind(). */
	(void)set_int_option(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
	memset(&from, 0, sizeof(from));
	from.sin6_family = AF_INET6;
	from.sin6_addr = ip;
	if (IN6_IS_ADDR_LINKLOCAL(&ip))
		from.sin6_scope_id = (uint32_t)ifindex;
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0) {
		ret = err_set(err, errno, "Unable to send a neighbour advertisement from %s on %s: %s",
			      addr, ifname, strerror(errno));
		goto out;
	}

	memset(&na, 0, sizeof(na));
	na.nd_na_type = ND_NEIGHBOR_ADVERT;
	na.nd_na_code = 0;
	na.nd_na_cksum = 0;           /* the kernel computes ICMPv6 checksums */
	na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	na.nd_na_target = ip;
	opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	opt.nd_opt_len = (sizeof(opt) + MAC_LEN) / 8;    /* in units of 8 bytes */
	memcpy(packet, &na, sizeof(na));
	memcpy(packet + sizeof(na), &opt, sizeof(opt));
	memcpy(packet + sizeof(na) + sizeof(opt), mac, MAC_LEN);

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = (uint32_t)ifindex;
	if (sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		ret = send_failed("a neighbour advertisement", addr, ifname, errno, err);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}
