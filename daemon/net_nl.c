/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel primitives' shared netlink socket: requests, the kernel's errno
 * for each, cache-less dumps and IP address text. See net_nl.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "net_nl.h"

/* A dump that objects changed under (NLE_DUMP_INTR) is asked for again. */
#define DUMP_TRIES 5

struct net_nl {
	struct nl_sock *sock;
	int kernel_errno;    /* positive errno of the last error answer, 0 when none */
};

struct dump_state {
	net_nl_each_fn each;
	void *arg;
	int parse_error;     /* libnl error of the first object that could not be read */
};

/* libnl turns the kernel's errno into its own codes and loses some on the
 * way (ENETDOWN, EHOSTUNREACH become "unspecific failure"); keep it. */
static int on_error_answer(struct sockaddr_nl *who, struct nlmsgerr *answer, void *arg)
{
	struct net_nl *nl = arg;

	nl->kernel_errno = abs(answer->error);
	return NL_STOP;    /* and let libnl fail the request as it would */
}

int net_nl_errno(int nlerr)
{
	switch (abs(nlerr)) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_EXIST:
		return EEXIST;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
		return EINVAL;
	case NLE_RANGE:
		return ERANGE;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_NODEV:
		return ENODEV;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_BUSY:
		return EBUSY;
	case NLE_PERM:
	case NLE_NOACCESS:
		return EPERM;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_INTR:
		return EINTR;
	case NLE_DUMP_INTR:
		return EAGAIN;    /* the kernel kept changing the objects: try later */
	default:
		return EIO;
	}
}

int net_nl_result(struct net_nl *nl, int nlret)
{
	int kernel_errno = nl->kernel_errno;

	nl->kernel_errno = 0;
	if (nlret >= 0)
		return 0;
	return -(kernel_errno ? kernel_errno : net_nl_errno(nlret));
}

struct nl_sock *net_nl_sock(struct net_nl *nl)
{
	return nl->sock;
}

int net_nl_open(struct net_nl **out, struct esx_err *err)
{
	struct net_nl *nl = NULL;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		ret = err_set(err, ENOMEM, "Out of memory opening netlink");
		goto out;
	}
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		ret = err_set(err, ENOMEM, "Out of memory opening netlink");
		goto out;
	}
	ret = nl_connect(nl->sock, NETLINK_ROUTE);
	if (ret < 0) {
		ret = net_nl_result(nl, ret);
		ret = err_set(err, ret, "Unable to open a netlink socket: %s", strerror(-ret));
		goto out;
	}
	ret = nl_socket_modify_err_cb(nl->sock, NL_CB_CUSTOM, on_error_answer, nl);
	if (ret < 0) {
		ret = err_set(err, ENOMEM, "Out of memory opening netlink");
		goto out;
	}
	*out = nl;
	nl = NULL;
	ret = 0;
out:
	net_nl_close(nl);
	return ret;
}

void net_nl_close(struct net_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		nl_socket_free(nl->sock);
	free(nl);
}

/* ---- dumps --------------------------------------------------------------- */

static int on_dump_message(struct nl_msg *msg, void *arg)
{
	struct dump_state *state = arg;
	int ret = nl_msg_parse(msg, state->each, state->arg);

	/* An object libnl cannot read (a family it does not know) is skipped;
	 * running out of memory is not. */
	if (ret == -NLE_NOMEM && state->parse_error == 0)
		state->parse_error = ret;
	return NL_OK;
}

static int send_dump_request(struct net_nl *nl, int request, int family)
{
	union {
		struct ifinfomsg link;
		struct ifaddrmsg addr;
		struct rtmsg route;
		struct fib_rule_hdr rule;
	} hdr;
	size_t size;

	memset(&hdr, 0, sizeof(hdr));
	switch (request) {
	case RTM_GETLINK:
		hdr.link.ifi_family = (unsigned char)family;
		size = sizeof(hdr.link);
		break;
	case RTM_GETADDR:
		hdr.addr.ifa_family = (unsigned char)family;
		size = sizeof(hdr.addr);
		break;
	case RTM_GETROUTE:
		hdr.route.rtm_family = (unsigned char)family;
		size = sizeof(hdr.route);
		break;
	case RTM_GETRULE:
		hdr.rule.family = (unsigned char)family;
		size = sizeof(hdr.rule);
		break;
	default:
		return -NLE_INVAL;
	}
	return nl_send_simple(nl->sock, request, NLM_F_DUMP, &hdr, size);
}

int net_nl_dump(struct net_nl *nl, int request, int family, net_nl_each_fn each,
		net_nl_restart_fn restart, void *arg)
{
	struct dump_state state = { .each = each, .arg = arg };
	struct nl_cb *sock_cb = NULL, *cb = NULL;
	int ret = -NLE_DUMP_INTR;

	sock_cb = nl_socket_get_cb(nl->sock);
	cb = sock_cb ? nl_cb_clone(sock_cb) : NULL;
	if (!cb) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_dump_message, &state);
	if (ret < 0) {
		ret = net_nl_result(nl, ret);
		goto out;
	}
	ret = -NLE_DUMP_INTR;
	for (int attempt = 0; attempt < DUMP_TRIES && ret == -NLE_DUMP_INTR; attempt++) {
		if (attempt > 0 && restart)
			restart(arg);
		state.parse_error = 0;
		nl->kernel_errno = 0;
		ret = send_dump_request(nl, request, family);
		if (ret >= 0)
			ret = nl_recvmsgs(nl->sock, cb);
		if (ret >= 0 && state.parse_error < 0)
			ret = state.parse_error;
	}
	ret = net_nl_result(nl, ret);
out:
	if (cb)
		nl_cb_put(cb);
	if (sock_cb)
		nl_cb_put(sock_cb);
	return ret;
}

void *net_nl_list_push(struct net_nl_list *list)
{
	char *slot;

	if (list->error)
		return NULL;
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		void *items = reallocarray(list->items, cap, list->item_size);

		if (!items) {
			list->error = -ENOMEM;
			return NULL;
		}
		list->items = items;
		list->cap = cap;
	}
	slot = (char *)list->items + list->len++ * list->item_size;
	memset(slot, 0, list->item_size);
	return slot;
}

static void restart_list(void *arg)
{
	struct net_nl_list *list = arg;

	list->len = 0;
	list->error = 0;
}

int net_nl_dump_list(struct net_nl *nl, int request, int family, net_nl_each_fn each,
		     struct net_nl_list *list)
{
	int ret;

	restart_list(list);
	ret = net_nl_dump(nl, request, family, each, restart_list, list);
	if (ret == 0)
		ret = list->error;
	if (ret < 0) {
		free(list->items);
		list->items = NULL;
		list->len = list->cap = 0;
	}
	return ret;
}

/* ---- addresses as text --------------------------------------------------- */

static int parse_prefix(const char *text, unsigned max, unsigned *out)
{
	unsigned value = 0;

	if (*text == '\0' || strlen(text) > 3)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		value = value * 10 + (unsigned)(*p - '0');
	}
	if (value > max || (text[0] == '0' && text[1] != '\0'))
		return -EINVAL;
	*out = value;
	return 0;
}

int net_nl_parse_ip(const char *text, int *family, bool need_prefix, bool allow_default,
		    struct nl_addr **out)
{
	unsigned char bytes[16];
	char host[NET_IP_MAX];
	const char *slash;
	struct nl_addr *addr = NULL;
	unsigned prefix, max;
	size_t host_len;
	int fam;

	if (!text)
		return -EINVAL;
	if (allow_default && strcmp(text, "default") == 0) {
		if (*family != AF_INET && *family != AF_INET6)
			return -EINVAL;
		memset(bytes, 0, sizeof(bytes));
		addr = nl_addr_build(*family, bytes, *family == AF_INET ? 4 : 16);
		if (!addr)
			return -ENOMEM;
		nl_addr_set_prefixlen(addr, 0);
		*out = addr;
		return 0;
	}
	slash = strchr(text, '/');
	host_len = slash ? (size_t)(slash - text) : strlen(text);
	if (host_len == 0 || host_len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (inet_pton(AF_INET, host, bytes) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, host, bytes) == 1)
		fam = AF_INET6;
	else
		return -EINVAL;
	if (*family != AF_UNSPEC && *family != fam)
		return -EINVAL;
	max = fam == AF_INET ? 32 : 128;
	prefix = max;
	if (slash) {
		if (parse_prefix(slash + 1, max, &prefix) < 0)
			return -EINVAL;
	} else if (need_prefix) {
		return -EINVAL;
	}
	addr = nl_addr_build(fam, bytes, fam == AF_INET ? 4 : 16);
	if (!addr)
		return -ENOMEM;
	nl_addr_set_prefixlen(addr, (int)prefix);
	*family = fam;
	*out = addr;
	return 0;
}

void net_nl_format_ip(struct nl_addr *addr, char *out, size_t len)
{
	unsigned char bytes[16];
	unsigned n_bytes;
	int family;

	out[0] = '\0';
	if (!addr)
		return;
	family = nl_addr_get_family(addr);
	if (family != AF_INET && family != AF_INET6)
		return;
	/* libnl gives the default route a zero-length destination. */
	memset(bytes, 0, sizeof(bytes));
	n_bytes = nl_addr_get_len(addr);
	if (n_bytes > sizeof(bytes))
		return;
	memcpy(bytes, nl_addr_get_binary_addr(addr), n_bytes);
	if (!inet_ntop(family, bytes, out, (socklen_t)len))
		out[0] = '\0';
}

void net_nl_format_cidr(struct nl_addr *addr, bool allow_default, char *out, size_t len)
{
	char host[NET_IP_MAX];
	unsigned prefix;

	out[0] = '\0';
	if (!addr)
		return;
	prefix = nl_addr_get_prefixlen(addr);
	if (allow_default && prefix == 0) {
		snprintf(out, len, "default");
		return;
	}
	net_nl_format_ip(addr, host, sizeof(host));
	if (host[0])
		snprintf(out, len, "%s/%u", host, prefix);
}
