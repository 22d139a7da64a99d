/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ICMP echo ("ping") run inside the daemon's event loop: one raw ICMP or
 * ICMPv6 socket per run, non-blocking, optionally bound to an interface,
 * requests sent by loop timers, replies read when the loop says the socket is
 * readable. Nothing here blocks and nothing knows about commands: the caller
 * gets plain replies and counters when the run ends.
 *
 * Replies are matched by ICMP identifier (one per run, so concurrent runs and
 * other programs' pings are told apart on raw sockets, which see every ICMP
 * packet) and by an 8-byte random cookie at the start of the payload.
 */
#ifndef ESXD_NET_PING_H
#define ESXD_NET_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "errors.h"

struct esx_loop;
struct net_ping;

#define NET_PING_HOST_MAX 46      /* INET6_ADDRSTRLEN */
#define NET_PING_DETAIL_MAX 96

/* What to send. */
struct net_ping_config {
	struct sockaddr_storage dest;  /* AF_INET or AF_INET6, from net_ping_address() */
	const char *ifname;            /* SO_BINDTODEVICE to this link, or NULL: the
					* routing table picks the way out */
	unsigned payload;              /* ICMP data bytes, after the 8-byte header */
	bool dont_fragment;            /* IPv4: DF set; IPv6: no local fragmenting */
	unsigned count;                /* echo requests, at least 1 */
	unsigned interval_ms;          /* between requests */
	unsigned wait_ms;              /* after the last request, for late replies */
	unsigned ttl;                  /* IPv4 TTL / IPv6 hop limit; 0: the system's */
};

/* One packet the run received (an echo reply, or an ICMP error about one of
 * its requests), or one request it could not send. */
struct net_ping_event {
	unsigned bytes;                /* ICMP bytes received (header and data); 0 for a send failure */
	char from[NET_PING_HOST_MAX];  /* who sent it ("" for a send failure) */
	unsigned seq;                  /* the request's ICMP sequence number, from 0 */
	unsigned ttl;                  /* of the received packet; 0 when unknown */
	uint64_t rtt_us;               /* from sending the request to receiving this */
	bool dup;                      /* a second reply to the same request */
	bool reply;                    /* an echo reply (else detail says what it is) */
	char detail[NET_PING_DETAIL_MAX]; /* "" for a reply, else "Destination Host
					   * Unreachable", "sendto() failed (...)", ... */
};

struct net_ping_summary {
	char host[NET_PING_HOST_MAX];  /* the destination as text */
	unsigned transmitted;          /* requests sent (send failures included, as BSD ping) */
	unsigned received;             /* requests answered (duplicates not counted) */
	unsigned duplicated;
	unsigned loss_percent;         /* (transmitted - received) * 100 / transmitted */
	uint64_t rtt_min_us, rtt_avg_us, rtt_max_us;   /* 0 when nothing was received */
};

/* Called once, from a loop callback (never from net_ping_start), when every
 * request is answered or the wait after the last one is over. The run's
 * events and summary stay readable until net_ping_free(), which the callback
 * may call itself (and must not touch p afterwards). */
typedef void (*net_ping_done_fn)(struct net_ping *p, void *data);

/* Parse a literal IPv4 or IPv6 address (never a name: a name lookup could
 * block the loop). family: AF_UNSPEC for either, or the family it must be.
 * A link-local IPv6 address gets scope_ifindex as its scope. 0, -EINVAL
 * (not an address) or -EAFNOSUPPORT (an address of the other family). */
int net_ping_address(const char *text, int family, unsigned scope_ifindex,
		     struct sockaddr_storage *out);

/* Open the socket, send the first request at once and schedule the rest.
 * A failure to send that first request (EMSGSIZE when dont_fragment and the
 * packet does not fit the MTU, ENETUNREACH, ...) fails the start, with a
 * message in err; later ones become events. *out is the run; free it with
 * net_ping_free() (after done, or to cancel it). */
int net_ping_start(struct esx_loop *loop, const struct net_ping_config *cfg,
		   net_ping_done_fn done, void *data, struct net_ping **out, struct esx_err *err);

/* Cancel a run that has not finished (no callback follows) or release a
 * finished one: closes the socket, disarms the timers. NULL is ignored. */
void net_ping_free(struct net_ping *p);

/* The events in the order they happened, and the counters. */
const struct net_ping_event *net_ping_events(const struct net_ping *p, size_t *count);
void net_ping_get_summary(const struct net_ping *p, struct net_ping_summary *out);

#endif
