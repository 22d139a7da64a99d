/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A netlink socket subscribed to route, rule and address changes. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "log.h"
#include "loop.h"
#include "net_route.h"
#include "net_watch.h"

struct net_watch {
	struct esx_loop *loop;
	struct nl_sock *sk;
	net_watch_fn changed;
	void *data;
};

static int rule_protocol(struct nlmsghdr *nlh)
{
	struct nlattr *attrs[FRA_MAX + 1];

	if (nlmsg_parse(nlh, sizeof(struct fib_rule_hdr), attrs, FRA_MAX, NULL) < 0 ||
	    !attrs[FRA_PROTOCOL])
		return -1;
	return nla_get_u8(attrs[FRA_PROTOCOL]);
}

/* Is this a deletion that can concern us? */
static int on_message(struct nl_msg *msg, void *arg)
{
	struct net_watch *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	bool ours = false;

	switch (nlh->nlmsg_type) {
	case RTM_DELROUTE:
		if (nlmsg_datalen(nlh) >= (int)sizeof(struct rtmsg))
			ours = ((struct rtmsg *)nlmsg_data(nlh))->rtm_protocol == NET_RTPROT_ESXCLID;
		break;
	case RTM_DELRULE:
		ours = rule_protocol(nlh) == NET_RTPROT_ESXCLID;
		break;
	case RTM_DELADDR:
		/* Cheap to recheck; which link it was is the reconciler's business. */
		ours = true;
		break;
	default:
		break;
	}
	if (ours)
		w->changed(w->data);
	return NL_OK;
}

static void readable(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct net_watch *w = data;
	int ret;

	(void)loop;
	(void)fd;
	(void)events;
	ret = nl_recvmsgs_default(w->sk);
	if (ret == -NLE_NOMEM) {
		log_warn("netlink events were lost; checking the whole configuration again");
		w->changed(w->data);
	}
}

int net_watch_open(struct esx_loop *loop, net_watch_fn changed, void *data,
		   struct net_watch **out, struct esx_err *err)
{
	struct net_watch *w = calloc(1, sizeof(*w));
	int ret;

	*out = NULL;
	if (!w)
		return err_set(err, ENOMEM, "out of memory");
	w->loop = loop;
	w->changed = changed;
	w->data = data;
	w->sk = nl_socket_alloc();
	if (!w->sk) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	nl_socket_disable_seq_check(w->sk);
	nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, w);
	ret = nl_connect(w->sk, NETLINK_ROUTE);
	if (ret == 0)
		ret = nl_socket_add_memberships(w->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
						RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE,
						RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
	if (ret == 0)
		ret = nl_socket_set_nonblocking(w->sk);
	if (ret < 0) {
		ret = err_set(err, EIO, "cannot watch routes and rules: %s", nl_geterror(ret));
		goto fail;
	}
	ret = loop_add_fd(loop, nl_socket_get_fd(w->sk), EPOLLIN, readable, w);
	if (ret < 0) {
		err_set(err, ret, "cannot watch routes and rules");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	net_watch_close(w);
	return ret;
}

void net_watch_close(struct net_watch *w)
{
	if (!w)
		return;
	if (w->sk) {
		loop_del_fd(w->loop, nl_socket_get_fd(w->sk));
		nl_socket_free(w->sk);
	}
	free(w);
}
