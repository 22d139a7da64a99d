/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One multipathd command at a time per connection, driven by the event loop
 * (why the framing is done here and not by libmpathcmd: mpath_client.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>   /* mpath_cmd.h uses ssize_t without it */
#include <mpath_cmd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "loop.h"
#include "mpath_client.h"

struct mpath_request {
	struct esx_loop *loop;
	int fd;
	struct loop_timer deadline;
	mpath_reply_fn fn;
	void *data;
	uint64_t start_ms;
	unsigned timeout_ms;
	char cmd[MPATH_CLIENT_CMD_MAX];
	/* Outgoing: the length, then the command and its NUL. */
	unsigned char *frame;
	size_t frame_len, frame_sent;
	/* Incoming. */
	unsigned char header[sizeof(size_t)];
	size_t header_got;
	char *reply;
	size_t reply_len, reply_got;
	struct esx_err err;
};

static void request_free(struct mpath_request *req)
{
	loop_timer_disarm(req->loop, &req->deadline);
	if (req->fd >= 0) {
		loop_del_fd(req->loop, req->fd);
		close(req->fd);
	}
	free(req->frame);
	free(req->reply);
	free(req);
}

void mpath_request_cancel(struct mpath_request *req)
{
	if (req)
		request_free(req);
}

static void finish(struct mpath_request *req, int status)
{
	struct mpath_reply reply = {
		.status = status,
		.text = "",
		.err = &req->err,
		.elapsed_ms = (unsigned)(loop_now_ms() - req->start_ms),
	};

	if (status == 0) {
		req->reply[req->reply_len] = '\0';
		reply.text = req->reply;
		reply.len = strlen(req->reply);
	}
	req->fn(&reply, req->data);
	request_free(req);
}

static void fail(struct mpath_request *req, int errnum, const char *what)
{
	err_set(&req->err, errnum, "multipathd %s while running \"%s\"", what, req->cmd);
	finish(req, -errnum);
}

static void on_deadline(struct esx_loop *loop, void *data)
{
	struct mpath_request *req = data;

	(void)loop;
	err_set(&req->err, ETIMEDOUT, "multipathd did not answer \"%s\" within %u ms",
		req->cmd, req->timeout_ms);
	finish(req, -ETIMEDOUT);
}

/* false: the request finished (and is gone) or must wait for the socket. */
static bool send_some(struct mpath_request *req)
{
	while (req->frame_sent < req->frame_len) {
		ssize_t n = send(req->fd, req->frame + req->frame_sent,
				 req->frame_len - req->frame_sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n <= 0) {
			fail(req, ECONNRESET, "closed the connection");
			return false;
		}
		req->frame_sent += (size_t)n;
	}
	return true;
}

/* Read what the socket has; finishes the request at the end of the reply
 * or on a failure. */
static void receive_some(struct mpath_request *req)
{
	for (;;) {
		unsigned char *dst;
		size_t want;
		ssize_t n;

		if (req->header_got < sizeof(req->header)) {
			dst = req->header + req->header_got;
			want = sizeof(req->header) - req->header_got;
		} else {
			dst = (unsigned char *)req->reply + req->reply_got;
			want = req->reply_len - req->reply_got;
		}
		n = recv(req->fd, dst, want, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			fail(req, ECONNRESET, "closed the connection before its reply was complete");
			return;
		}
		if (req->header_got < sizeof(req->header)) {
			size_t len;

			req->header_got += (size_t)n;
			if (req->header_got < sizeof(req->header))
				continue;
			memcpy(&len, req->header, sizeof(len));
			if (len == 0 || len >= MAX_REPLY_LEN) {
				fail(req, EPROTO, "sent a reply of impossible length");
				return;
			}
			req->reply = malloc(len + 1);
			if (!req->reply) {
				err_set(&req->err, ENOMEM, "Out of memory");
				finish(req, -ENOMEM);
				return;
			}
			req->reply_len = len;
			continue;
		}
		req->reply_got += (size_t)n;
		if (req->reply_got == req->reply_len) {
			finish(req, 0);
			return;
		}
	}
}

static void on_socket(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct mpath_request *req = data;

	(void)fd;
	if (req->frame_sent < req->frame_len) {
		if (!send_some(req))
			return;
		if (loop_mod_fd(loop, req->fd, EPOLLIN) < 0) {
			fail(req, EIO, "could not be watched");
			return;
		}
		return;   /* the reply comes later: EPOLLIN */
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		receive_some(req);
}

static int connect_path(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *name = path[0] == '@' ? path + 1 : path;
	size_t len = strlen(name);
	socklen_t addr_len;
	int fd, saved;

	if (len + 1 > sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	if (path[0] == '@') {
		memcpy(addr.sun_path + 1, name, len);
		addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
	} else {
		memcpy(addr.sun_path, name, len + 1);
		addr_len = (socklen_t)sizeof(addr);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, addr_len) < 0) {
		saved = errno;
		close(fd);
		return -saved;
	}
	return fd;
}

/* libmpathcmd's socket: a non-blocking connect (a full backlog gives
 * EAGAIN at once), then non-blocking and close-on-exec for good. */
static int connect_default(void)
{
	int fd = __mpath_connect(1), flags, saved;

	if (fd < 0)
		return -errno;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		saved = errno;
		mpath_disconnect(fd);
		return -saved;
	}
	return fd;
}

static int connect_error(int ret, struct esx_err *err)
{
	switch (-ret) {
	case ECONNREFUSED:
	case ENOENT:
		return err_set(err, ECONNREFUSED,
			       "Unable to reach multipathd: the multipath daemon is not running "
			       "(start multipathd.service)");
	case EAGAIN:
		return err_set(err, EAGAIN,
			       "multipathd is busy and accepts no more connections; try again");
	default:
		return err_set(err, ret, "Unable to connect to multipathd: %s", strerror(-ret));
	}
}

int mpath_request(struct esx_loop *loop, const char *socket_path, const char *cmd,
		  unsigned timeout_ms, mpath_reply_fn fn, void *data,
		  struct mpath_request **out, struct esx_err *err)
{
	struct mpath_request *req = NULL;
	size_t len = strlen(cmd) + 1;
	int ret;

	if (out)
		*out = NULL;
	if (len > MPATH_CLIENT_CMD_MAX || len == 1) {
		ret = err_set(err, EINVAL, "A multipathd command must be 1 to %u bytes long",
			      MPATH_CLIENT_CMD_MAX - 1);
		goto out;
	}
	req = calloc(1, sizeof(*req));
	if (!req) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	req->fd = -1;
	req->loop = loop;
	req->fn = fn;
	req->data = data;
	req->timeout_ms = timeout_ms ? timeout_ms : MPATH_CLIENT_TIMEOUT_MS;
	req->start_ms = loop_now_ms();
	memcpy(req->cmd, cmd, len);
	loop_timer_init(&req->deadline, on_deadline, req);
	req->frame_len = sizeof(len) + len;
	req->frame = malloc(req->frame_len);
	if (!req->frame) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	memcpy(req->frame, &len, sizeof(len));
	memcpy(req->frame + sizeof(len), cmd, len);

	ret = socket_path ? connect_path(socket_path) : connect_default();
	if (ret < 0) {
		ret = connect_error(ret, err);
		goto out;
	}
	req->fd = ret;
	/* The first send happens in the callback: every failure after the
	 * connect reaches the caller the same way, through fn. */
	ret = loop_add_fd(loop, req->fd, EPOLLOUT, on_socket, req);
	if (ret < 0) {
		close(req->fd);
		req->fd = -1;
		ret = err_set(err, ret, "Unable to watch the multipathd connection");
		goto out;
	}
	loop_timer_arm(loop, &req->deadline, req->start_ms + req->timeout_ms);
	if (out)
		*out = req;
	req = NULL;
	ret = 0;
out:
	if (req)
		request_free(req);
	return ret;
}
