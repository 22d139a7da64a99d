/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ICMP echo runs in the event loop (see net_ping.h): a non-blocking raw
 * socket, a timer per request and one for the final wait, replies matched by
 * identifier and cookie.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <linux/icmp.h>

#include "log.h"
#include "loop.h"
#include "net_ping.h"

#define ICMP_HEADER_LEN 8
#define COOKIE_LEN 8
#define IPV4_HEADER_MAX 60
/* Room for an ICMP error quoting a request: the quote is at most 576 bytes. */
#define RECV_MIN 1024
/* Replies beyond this many events are counted but not kept (a host may
 * answer one request any number of times). */
#define EVENTS_PER_REQUEST 4

struct net_ping {
	struct esx_loop *loop;
	int fd;
	bool watching;                 /* fd is registered with the loop */
	bool finished;
	struct sockaddr_storage dest;
	socklen_t dest_len;
	int family;
	char host[NET_PING_HOST_MAX];
	char ifname[IF_NAMESIZE];
	uint16_t id;
	unsigned char cookie[COOKIE_LEN];
	unsigned payload, count, interval_ms, wait_ms;

	unsigned char *packet;         /* the request being sent: header and payload */
	size_t packet_len;
	unsigned char *buf;            /* receive buffer */
	size_t buf_len;

	uint64_t start_ms;
	unsigned sent;                 /* requests handed to sendto(), failed ones too */
	uint64_t *sent_at_us;          /* per sequence number */
	unsigned char *answered;       /* per sequence number: a reply came */
	unsigned received, duplicated;
	uint64_t rtt_sum_us, rtt_min_us, rtt_max_us;

	struct net_ping_event *events;
	size_t nevents, events_cap;

	struct loop_timer send_timer;  /* the next request */
	struct loop_timer end_timer;   /* the wait after the last one */
	net_ping_done_fn done;
	void *data;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A fresh identifier per run, so that runs at the same time never take each
 * other's replies. The start is random: other hosts' pingers pick theirs too. */
static uint16_t next_id(void)
{
	static uint16_t id;
	static bool seeded;

	if (!seeded) {
		if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
			id = (uint16_t)(getpid() ^ (pid_t)now_us());
		seeded = true;
	}
	return id++;
}

static void make_cookie(unsigned char *cookie)
{
	uint64_t fallback;

	if (getrandom(cookie, COOKIE_LEN, GRND_NONBLOCK) == COOKIE_LEN)
		return;
	fallback = now_us() ^ ((uint64_t)getpid() << 32);
	memcpy(cookie, &fallback, COOKIE_LEN);
}

/* The Internet checksum (RFC 1071); the kernel computes ICMPv6's itself. */
static uint16_t inet_checksum(const unsigned char *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(data[i] << 8 | data[i + 1]);
	if (len & 1)
		sum += (uint32_t)(data[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

int net_ping_address(const char *text, int family, unsigned scope_ifindex,
		     struct sockaddr_storage *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		if (family == AF_INET6)
			return -EAFNOSUPPORT;
		sin->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		if (family == AF_INET)
			return -EAFNOSUPPORT;
		sin6->sin6_family = AF_INET6;
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) ||
		    IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = scope_ifindex;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

/* ---- events ---------------------------------------------------------------- */

static struct net_ping_event *add_event(struct net_ping *p, unsigned seq)
{
	struct net_ping_event *ev;

	if (p->nevents >= (size_t)p->count * EVENTS_PER_REQUEST)
		return NULL;
	if (p->nevents == p->events_cap) {
		size_t cap = p->events_cap ? p->events_cap * 2 : 8;
		struct net_ping_event *events = reallocarray(p->events, cap, sizeof(*events));

		if (!events)
			return NULL;
		p->events = events;
		p->events_cap = cap;
	}
	ev = &p->events[p->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	return ev;
}

static void add_send_failure(struct net_ping *p, unsigned seq, int errnum)
{
	struct net_ping_event *ev = add_event(p, seq);

	if (ev)
		snprintf(ev->detail, sizeof(ev->detail), "sendto() failed (%s)", strerror(errnum));
}

static void add_received(struct net_ping *p, unsigned seq, unsigned bytes, const char *from,
			 unsigned ttl, bool reply, const char *detail)
{
	uint64_t rtt = now_us() - p->sent_at_us[seq];
	struct net_ping_event *ev;
	bool dup = false;

	if (reply) {
		dup = p->answered[seq];
		if (dup) {
			p->duplicated++;
		} else {
			p->answered[seq] = 1;
			p->received++;
		}
		if (p->received + p->duplicated == 1 || rtt < p->rtt_min_us)
			p->rtt_min_us = rtt;
		if (rtt > p->rtt_max_us)
			p->rtt_max_us = rtt;
		p->rtt_sum_us += rtt;
	}
	ev = add_event(p, seq);
	if (!ev)
		return;
	ev->bytes = bytes;
	snprintf(ev->from, sizeof(ev->from), "%s", from);
	ev->ttl = ttl;
	ev->rtt_us = rtt;
	ev->dup = dup;
	ev->reply = reply;
	snprintf(ev->detail, sizeof(ev->detail), "%s", detail);
}

/* ---- the end of a run ------------------------------------------------------ */

static void release_io(struct net_ping *p)
{
	loop_timer_disarm(p->loop, &p->send_timer);
	loop_timer_disarm(p->loop, &p->end_timer);
	if (p->watching) {
		loop_del_fd(p->loop, p->fd);
		p->watching = false;
	}
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
}

/* Hand the run to its owner; the owner may free p, so this is the last thing
 * any callback does. */
static void finish(struct net_ping *p)
{
	release_io(p);
	p->finished = true;
	p->done(p, p->data);
}

static bool all_answered(const struct net_ping *p)
{
	return p->sent == p->count && p->received == p->count;
}

/* ---- sending --------------------------------------------------------------- */

static int send_request(struct net_ping *p, unsigned seq)
{
	struct icmphdr *icmp = (struct icmphdr *)p->packet;
	struct icmp6_hdr *icmp6 = (struct icmp6_hdr *)p->packet;
	ssize_t n;

	if (p->family == AF_INET) {
		icmp->type = ICMP_ECHO;
		icmp->code = 0;
		icmp->un.echo.id = htons(p->id);
		icmp->un.echo.sequence = htons((uint16_t)seq);
		icmp->checksum = 0;
		icmp->checksum = inet_checksum(p->packet, p->packet_len);
	} else {
		icmp6->icmp6_type = ICMP6_ECHO_REQUEST;
		icmp6->icmp6_code = 0;
		icmp6->icmp6_cksum = 0;
		icmp6->icmp6_id = htons(p->id);
		icmp6->icmp6_seq = htons((uint16_t)seq);
	}
	p->sent_at_us[seq] = now_us();
	p->sent++;
	n = sendto(p->fd, p->packet, p->packet_len, 0, (struct sockaddr *)&p->dest, p->dest_len);
	if (n < 0)
		return -errno;
	if ((size_t)n != p->packet_len)
		return -EMSGSIZE;
	return 0;
}

static void on_end_timer(struct esx_loop *loop, void *data)
{
	(void)loop;
	finish(data);
}

static void schedule_next(struct net_ping *p)
{
	if (p->sent < p->count)
		loop_timer_arm(p->loop, &p->send_timer,
			       p->start_ms + (uint64_t)p->sent * p->interval_ms);
	else
		loop_timer_arm(p->loop, &p->end_timer, loop_now_ms() + p->wait_ms);
}

static void on_send_timer(struct esx_loop *loop, void *data)
{
	struct net_ping *p = data;
	unsigned seq = p->sent;
	int ret;

	(void)loop;
	ret = send_request(p, seq);
	if (ret < 0)
		add_send_failure(p, seq, -ret);
	schedule_next(p);
}

/* ---- receiving ------------------------------------------------------------- */

static bool cookie_matches(const struct net_ping *p, const unsigned char *data, size_t len)
{
	size_t n = p->payload < COOKIE_LEN ? p->payload : COOKIE_LEN;

	return len >= n && memcmp(data, p->cookie, n) == 0;
}

/* How an ICMP error reads, as BSD ping words it. */
enum error_value {
	VALUE_NONE,
	VALUE_MTU,        /* the next hop's MTU */
	VALUE_POINTER,    /* where the parameter problem is */
	VALUE_CODE,       /* an unknown code */
};

struct error_name {
	unsigned type;
	int code;               /* -1: any */
	const char *text;
	enum error_value value;
};

static const struct error_name icmp4_errors[] = {
	{ ICMP_DEST_UNREACH, ICMP_NET_UNREACH, "Destination Net Unreachable", VALUE_NONE },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, "Destination Host Unreachable", VALUE_NONE },
	{ ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, "Destination Protocol Unreachable", VALUE_NONE },
	{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, "Destination Port Unreachable", VALUE_NONE },
	{ ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, "frag needed and DF set", VALUE_MTU },
	{ ICMP_DEST_UNREACH, ICMP_SR_FAILED, "Source Route Failed", VALUE_NONE },
	{ ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, "Communication prohibited by filter", VALUE_NONE },
	{ ICMP_DEST_UNREACH, -1, "Dest Unreachable, Bad Code", VALUE_CODE },
	{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, "Time to live exceeded", VALUE_NONE },
	{ ICMP_TIME_EXCEEDED, -1, "Frag reassembly time exceeded", VALUE_NONE },
	{ ICMP_PARAMETERPROB, -1, "Parameter problem", VALUE_POINTER },
};

static const struct error_name icmp6_errors[] = {
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE, "Destination Net Unreachable", VALUE_NONE },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN, "Communication prohibited by filter",
	  VALUE_NONE },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR, "Destination Host Unreachable", VALUE_NONE },
	{ ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, "Destination Port Unreachable", VALUE_NONE },
	{ ICMP6_DST_UNREACH, -1, "Dest Unreachable, Bad Code", VALUE_CODE },
	{ ICMP6_PACKET_TOO_BIG, -1, "Packet too big", VALUE_MTU },
	{ ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT, "Time to live exceeded", VALUE_NONE },
	{ ICMP6_TIME_EXCEEDED, -1, "Frag reassembly time exceeded", VALUE_NONE },
	{ ICMP6_PARAM_PROB, -1, "Parameter problem", VALUE_POINTER },
};

/* value: the MTU or pointer the message carries, for the errors that have one. */
static void error_text(const struct error_name *names, size_t n, unsigned type, unsigned code,
		       unsigned value, char *out, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct error_name *e = &names[i];

		if (e->type != type || (e->code >= 0 && (unsigned)e->code != code))
			continue;
		switch (e->value) {
		case VALUE_NONE:
			snprintf(out, len, "%s", e->text);
			break;
		case VALUE_MTU:
			snprintf(out, len, "%s (MTU %u)", e->text, value);
			break;
		case VALUE_POINTER:
			snprintf(out, len, "%s: pointer = %u", e->text, value);
			break;
		case VALUE_CODE:
			snprintf(out, len, "%s: %u", e->text, code);
			break;
		}
		return;
	}
	snprintf(out, len, "ICMP type %u, code %u", type, code);
}

/* An IPv4 packet: the IP header, then ICMP. */
static void handle_icmp4(struct net_ping *p, const unsigned char *pkt, size_t len)
{
	const struct iphdr *ip = (const struct iphdr *)pkt;
	const struct icmphdr *icmp;
	char from[NET_PING_HOST_MAX], detail[NET_PING_DETAIL_MAX];
	size_t hlen;

	if (len < sizeof(*ip))
		return;
	hlen = (size_t)ip->ihl * 4;
	if (hlen < sizeof(*ip) || len < hlen + ICMP_HEADER_LEN)
		return;
	icmp = (const struct icmphdr *)(pkt + hlen);
	inet_ntop(AF_INET, &ip->saddr, from, sizeof(from));

	if (icmp->type == ICMP_ECHOREPLY) {
		unsigned seq = ntohs(icmp->un.echo.sequence);

		if (ntohs(icmp->un.echo.id) != p->id || seq >= p->sent ||
		    !cookie_matches(p, pkt + hlen + ICMP_HEADER_LEN, len - hlen - ICMP_HEADER_LEN))
			return;
		add_received(p, seq, (unsigned)(len - hlen), from, ip->ttl, true, "");
		return;
	}
	if (icmp->type == ICMP_DEST_UNREACH || icmp->type == ICMP_TIME_EXCEEDED ||
	    icmp->type == ICMP_PARAMETERPROB) {
		/* The error quotes our request: its IP header and ICMP header. */
		const unsigned char *quote = pkt + hlen + ICMP_HEADER_LEN;
		size_t qlen = len - hlen - ICMP_HEADER_LEN, qhlen;
		const struct iphdr *qip = (const struct iphdr *)quote;
		const struct icmphdr *qicmp;
		unsigned seq;

		if (qlen < sizeof(*qip))
			return;
		qhlen = (size_t)qip->ihl * 4;
		if (qhlen < sizeof(*qip) || qlen < qhlen + ICMP_HEADER_LEN ||
		    qip->protocol != IPPROTO_ICMP)
			return;
		qicmp = (const struct icmphdr *)(quote + qhlen);
		seq = ntohs(qicmp->un.echo.sequence);
		if (qicmp->type != ICMP_ECHO || ntohs(qicmp->un.echo.id) != p->id ||
		    seq >= p->sent)
			return;
		error_text(icmp4_errors, sizeof(icmp4_errors) / sizeof(icmp4_errors[0]), icmp->type,
			   icmp->code, icmp->type == ICMP_PARAMETERPROB ?
			   ntohl(icmp->un.gateway) >> 24 : ntohs(icmp->un.frag.mtu),
			   detail, sizeof(detail));
		add_received(p, seq, (unsigned)(len - hlen), from, ip->ttl, false, detail);
	}
}

/* An ICMPv6 message (raw ICMPv6 sockets get no IPv6 header). */
static void handle_icmp6(struct net_ping *p, const unsigned char *pkt, size_t len,
			 const struct sockaddr_in6 *src, unsigned hops)
{
	const struct icmp6_hdr *icmp6 = (const struct icmp6_hdr *)pkt;
	char from[NET_PING_HOST_MAX], detail[NET_PING_DETAIL_MAX];

	if (len < ICMP_HEADER_LEN)
		return;
	inet_ntop(AF_INET6, &src->sin6_addr, from, sizeof(from));
	if (icmp6->icmp6_type == ICMP6_ECHO_REPLY) {
		unsigned seq = ntohs(icmp6->icmp6_seq);

		if (ntohs(icmp6->icmp6_id) != p->id || seq >= p->sent ||
		    !cookie_matches(p, pkt + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN))
			return;
		add_received(p, seq, (unsigned)len, from, hops, true, "");
		return;
	}
	if (icmp6->icmp6_type < 128) {
		/* An error quoting our request: the IPv6 header, then (we send
		 * no extension headers) the ICMPv6 echo request. */
		const struct ip6_hdr *qip6 = (const struct ip6_hdr *)(pkt + ICMP_HEADER_LEN);
		const struct icmp6_hdr *qicmp6;
		unsigned seq;

		if (len < ICMP_HEADER_LEN + sizeof(*qip6) + ICMP_HEADER_LEN ||
		    qip6->ip6_nxt != IPPROTO_ICMPV6)
			return;
		qicmp6 = (const struct icmp6_hdr *)(pkt + ICMP_HEADER_LEN + sizeof(*qip6));
		seq = ntohs(qicmp6->icmp6_seq);
		if (qicmp6->icmp6_type != ICMP6_ECHO_REQUEST || ntohs(qicmp6->icmp6_id) != p->id ||
		    seq >= p->sent)
			return;
		error_text(icmp6_errors, sizeof(icmp6_errors) / sizeof(icmp6_errors[0]),
			   icmp6->icmp6_type, icmp6->icmp6_code, ntohl(icmp6->icmp6_mtu),
			   detail, sizeof(detail));
		add_received(p, seq, (unsigned)len, from, hops, false, detail);
	}
}

/* Read one datagram. 1: handled, 0: nothing left, <0: a socket error. */
static int receive_one(struct net_ping *p)
{
	struct sockaddr_storage src;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = p->buf, .iov_len = p->buf_len };
	struct msghdr msg = {
		.msg_name = &src,
		.msg_namelen = sizeof(src),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	unsigned hops = 0;
	ssize_t n;

	n = recvmsg(p->fd, &msg, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == EINTR)
			return 1;
		return -errno;
	}
	if (msg.msg_flags & MSG_TRUNC)
		return 1;     /* larger than anything we sent: not ours */
	if (p->family == AF_INET) {
		handle_icmp4(p, p->buf, (size_t)n);
		return 1;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int value;

		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
		    c->cmsg_len >= CMSG_LEN(sizeof(value))) {
			memcpy(&value, CMSG_DATA(c), sizeof(value));
			hops = value < 0 ? 0 : (unsigned)value;
		}
	}
	if (src.ss_family == AF_INET6)
		handle_icmp6(p, p->buf, (size_t)n, (const struct sockaddr_in6 *)&src, hops);
	return 1;
}

static void on_readable(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct net_ping *p = data;
	int ret;

	(void)loop;
	(void)fd;
	(void)events;
	/* A bounded batch, so that a flood of other ICMP cannot hold the loop. */
	for (int i = 0; i < 64; i++) {
		ret = receive_one(p);
		if (ret < 0) {
			/* A pending socket error (an ICMP error the kernel also
			 * reports this way): reading clears it. */
			log_debug("ping %s: receive: %s", p->host, strerror(-ret));
			continue;
		}
		if (ret == 0)
			break;
		if (all_answered(p)) {
			finish(p);
			return;
		}
	}
}

/* ---- starting -------------------------------------------------------------- */

static int set_int_option(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

static int open_socket(struct net_ping *p, const struct net_ping_config *cfg, struct esx_err *err)
{
	int protocol = p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int ret = 0;

	p->fd = socket(p->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (p->fd < 0)
		return err_set(err, errno, "Unable to open an ICMP socket: %s%s", strerror(errno),
			       errno == EPERM ? " (esxclid needs CAP_NET_RAW)" : "");
	if (cfg->ifname &&
	    setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname,
		       (socklen_t)strlen(cfg->ifname) + 1) < 0)
		return err_set(err, errno, "Unable to send through %s: %s", cfg->ifname,
			       strerror(errno));
	if (p->family == AF_INET) {
		/* Only the types a run can use wake the loop. */
		struct icmp_filter filter = {
			.data = ~(uint32_t)((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
					    (1u << ICMP_TIME_EXCEEDED) | (1u << ICMP_PARAMETERPROB)),
		};

		if (setsockopt(p->fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)) < 0)
			ret = -errno;
		if (ret == 0)
			ret = set_int_option(p->fd, IPPROTO_IP, IP_MTU_DISCOVER,
					     cfg->dont_fragment ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT);
		if (ret == 0 && cfg->ttl)
			ret = set_int_option(p->fd, IPPROTO_IP, IP_TTL, (int)cfg->ttl);
	} else {
		struct icmp6_filter filter;

		ICMP6_FILTER_SETBLOCKALL(&filter);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
		if (setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0)
			ret = -errno;
		if (ret == 0)
			ret = set_int_option(p->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		if (ret == 0)
			ret = set_int_option(p->fd, IPPROTO_IPV6, IPV6_DONTFRAG,
					     cfg->dont_fragment ? 1 : 0);
		if (ret == 0 && cfg->ttl)
			ret = set_int_option(p->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, (int)cfg->ttl);
	}
	if (ret < 0)
		return err_set(err, ret, "Unable to set up the ICMP socket: %s", strerror(-ret));
	return 0;
}

/* The MTU of the link a request left through, for the message; 0 if unknown. */
static unsigned link_mtu(const struct net_ping *p)
{
	struct ifreq ifr;

	if (!p->ifname[0])
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
	if (ioctl(p->fd, SIOCGIFMTU, &ifr) < 0 || ifr.ifr_mtu <= 0)
		return 0;
	return (unsigned)ifr.ifr_mtu;
}

static int first_send_failed(struct net_ping *p, int ret, struct esx_err *err)
{
	unsigned mtu;

	if (ret != -EMSGSIZE)
		return err_set(err, ret, "Unable to send an ICMP echo request to %s%s%s: %s",
			       p->host, p->ifname[0] ? " through " : "", p->ifname,
			       strerror(-ret));
	mtu = link_mtu(p);
	if (mtu)
		return err_set(err, ret,
			       "Unable to send an ICMP echo request to %s through %s: %s: %u data bytes make a %zu-byte IP packet, larger than the MTU %u of %s, and fragmenting it is not allowed",
			       p->host, p->ifname, strerror(-ret), p->payload,
			       p->packet_len + (p->family == AF_INET ? 20 : 40), mtu, p->ifname);
	return err_set(err, ret,
		       "Unable to send an ICMP echo request to %s: %s: %u data bytes make a %zu-byte IP packet, larger than the path MTU, and fragmenting it is not allowed",
		       p->host, strerror(-ret), p->payload,
		       p->packet_len + (p->family == AF_INET ? 20 : 40));
}

int net_ping_start(struct esx_loop *loop, const struct net_ping_config *cfg,
		   net_ping_done_fn done, void *data, struct net_ping **out, struct esx_err *err)
{
	struct net_ping *p = NULL;
	int ret;

	*out = NULL;
	if (cfg->count == 0 || (cfg->dest.ss_family != AF_INET && cfg->dest.ss_family != AF_INET6))
		return err_set(err, EINVAL, "Invalid ping request");
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(err, ENOMEM, "out of memory");
	p->loop = loop;
	p->fd = -1;
	p->dest = cfg->dest;
	p->family = cfg->dest.ss_family;
	p->dest_len = p->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (p->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&p->dest)->sin_addr, p->host,
			  sizeof(p->host));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&p->dest)->sin6_addr, p->host,
			  sizeof(p->host));
	if (cfg->ifname)
		snprintf(p->ifname, sizeof(p->ifname), "%s", cfg->ifname);
	p->id = next_id();
	make_cookie(p->cookie);
	p->payload = cfg->payload;
	p->count = cfg->count;
	p->interval_ms = cfg->interval_ms;
	p->wait_ms = cfg->wait_ms;
	p->done = done;
	p->data = data;
	loop_timer_init(&p->send_timer, on_send_timer, p);
	loop_timer_init(&p->end_timer, on_end_timer, p);

	p->packet_len = ICMP_HEADER_LEN + (size_t)cfg->payload;
	p->buf_len = IPV4_HEADER_MAX + p->packet_len < RECV_MIN ? RECV_MIN :
		     IPV4_HEADER_MAX + p->packet_len;
	p->packet = calloc(1, p->packet_len);
	p->buf = malloc(p->buf_len);
	p->sent_at_us = calloc(cfg->count, sizeof(*p->sent_at_us));
	p->answered = calloc(cfg->count, 1);
	if (!p->packet || !p->buf || !p->sent_at_us || !p->answered) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/* The payload: the cookie, then BSD ping's counting pattern. */
	for (size_t i = 0; i < cfg->payload; i++)
		p->packet[ICMP_HEADER_LEN + i] = i < COOKIE_LEN ? p->cookie[i] : (unsigned char)i;

	ret = open_socket(p, cfg, err);
	if (ret < 0)
		goto out;
	ret = loop_add_fd(loop, p->fd, EPOLLIN, on_readable, p);
	if (ret < 0) {
		err_set(err, ret, "Unable to watch the ICMP socket: %s", strerror(-ret));
		goto out;
	}
	p->watching = true;
	p->start_ms = loop_now_ms();
	ret = send_request(p, 0);
	if (ret < 0) {
		ret = first_send_failed(p, ret, err);
		goto out;
	}
	schedule_next(p);
	*out = p;
	p = NULL;
	ret = 0;
out:
	net_ping_free(p);
	return ret;
}

void net_ping_free(struct net_ping *p)
{
	if (!p)
		return;
	release_io(p);
	free(p->packet);
	free(p->buf);
	free(p->sent_at_us);
	free(p->answered);
	free(p->events);
	free(p);
}

const struct net_ping_event *net_ping_events(const struct net_ping *p, size_t *count)
{
	*count = p->nevents;
	return p->events;
}

void net_ping_get_summary(const struct net_ping *p, struct net_ping_summary *out)
{
	unsigned replies = p->received + p->duplicated;

	memset(out, 0, sizeof(*out));
	snprintf(out->host, sizeof(out->host), "%s", p->host);
	out->transmitted = p->sent;
	out->received = p->received;
	out->duplicated = p->duplicated;
	out->loss_percent = p->sent ? (p->sent - p->received) * 100 / p->sent : 0;
	if (replies) {
		out->rtt_min_us = p->rtt_min_us;
		out->rtt_max_us = p->rtt_max_us;
		out->rtt_avg_us = p->rtt_sum_us / replies;
	}
}
