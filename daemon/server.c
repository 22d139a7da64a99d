/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Unix socket server and its per-client state machine. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "esxcli/frame.h"
#include "esxcli/protocol.h"
#include "auth.h"
#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "server.h"
#include "varlink.h"

enum client_state {
	CLIENT_READING,
	CLIENT_BUSY,       /* a command is running; its reply comes later */
	CLIENT_WRITING,
};

struct client {
	struct esx_server *server;
	int fd;
	enum client_state state;
	struct esx_caller caller;
	struct esx_frame in;
	char *out;               /* reply under way, NUL included */
	size_t out_len, out_sent;
	bool close_after_write;
	bool dispatching;        /* inside process_requests() */
	struct esx_call *pending;
	struct loop_timer deadline;
	struct client *prev, *next;
};

struct esx_server {
	struct esxd *d;
	int listen_fd;
	int lock_fd;
	char *path;
	char *lock_path;
	struct client *clients;
	unsigned nclients;
};

static void client_close(struct client *c, const char *why)
{
	struct esx_server *s = c->server;

	if (why)
		log_debug("client uid %u pid %d: %s", (unsigned)c->caller.uid, (int)c->caller.pid, why);
	if (c->pending)
		varlink_cancel(c->pending);
	loop_timer_disarm(s->d->loop, &c->deadline);
	loop_del_fd(s->d->loop, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nclients--;
	frame_free(&c->in);
	free(c->out);
	free(c);
}

static void client_deadline(struct esx_loop *loop, void *data)
{
	struct client *c = data;

	(void)loop;
	client_close(c, c->state == CLIENT_WRITING ? "did not take its reply in time"
						     : frame_partial(&c->in) ? "request not finished in time"
									     : "idle");
}

static void arm_deadline(struct client *c)
{
	const struct esxd_config *cfg = &c->server->d->cfg;
	unsigned ms;

	if (c->state == CLIENT_BUSY) {
		/* The command bounds its own time. */
		loop_timer_disarm(c->server->d->loop, &c->deadline);
		return;
	}
	if (c->state == CLIENT_WRITING)
		ms = cfg->write_deadline_ms;
	else if (frame_partial(&c->in))
		ms = cfg->read_deadline_ms;
	else
		ms = cfg->idle_timeout_ms;
	loop_timer_arm(c->server->d->loop, &c->deadline, loop_now_ms() + ms);
}

static void client_io(struct esx_loop *loop, int fd, uint32_t events, void *data);

/* Queue a reply (NULL: none) and switch to writing. Takes ownership. */
static void queue_reply(struct client *c, char *reply)
{
	if (!reply)
		return;
	c->out = reply;
	c->out_len = strlen(reply) + 1;   /* the NUL frames it */
	c->out_sent = 0;
	c->state = CLIENT_WRITING;
	loop_mod_fd(c->server->d->loop, c->fd, EPOLLOUT);
}

static void process_requests(struct client *c);

/* A request's answer, now or later. */
static void on_reply(char *reply, void *data)
{
	struct client *c = data;

	c->pending = NULL;
	if (reply) {
		queue_reply(c, reply);
	} else {
		/* varlink "oneway": nothing to send, read on. */
		c->state = CLIENT_READING;
		loop_mod_fd(c->server->d->loop, c->fd, EPOLLIN);
		if (!c->dispatching)
			process_requests(c);
	}
	arm_deadline(c);
}

/* Answer complete requests one at a time, in order. */
static void process_requests(struct client *c)
{
	c->dispatching = true;
	while (c->state == CLIENT_READING && !c->close_after_write) {
		char *msg = NULL;
		struct esx_call *pending;
		int ret = frame_next(&c->in, &msg);

		if (ret == 0)
			break;
		if (ret < 0) {
			c->close_after_write = true;
			queue_reply(c, varlink_error_reply(ESX_ERR_PROTOCOL, "request too large"));
			break;
		}
		/* Until the answer: no reading (hang-ups are still reported). */
		c->state = CLIENT_BUSY;
		loop_mod_fd(c->server->d->loop, c->fd, 0);
		pending = varlink_handle(c->server->d, &c->caller, msg, on_reply, c);
		free(msg);
		if (pending)
			c->pending = pending;
	}
	c->dispatching = false;
}

static void client_write(struct client *c)
{
	while (c->out_sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			client_close(c, "write failed");
			return;
		}
		c->out_sent += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	if (c->close_after_write) {
		client_close(c, "closed after an error");
		return;
	}
	c->state = CLIENT_READING;
	loop_mod_fd(c->server->d->loop, c->fd, EPOLLIN);
	process_requests(c);
	arm_deadline(c);
}

static void client_read(struct client *c)
{
	for (;;) {
		ssize_t n = frame_read(&c->in, c->fd);

		if (n == -EAGAIN)
			break;
		if (n == -EMSGSIZE) {
			log_warn("uid %u pid %d sent a request over %d bytes: refused",
				 (unsigned)c->caller.uid, (int)c->caller.pid, ESX_MAX_REQUEST);
			c->close_after_write = true;
			queue_reply(c, varlink_error_reply(ESX_ERR_PROTOCOL,
							   "request larger than 65536 bytes"));
			arm_deadline(c);
			return;
		}
		if (n <= 0) {
			client_close(c, n == 0 ? "disconnected" : "read failed");
			return;
		}
		/* Stop reading while a reply is pending: a client that only sends
		 * cannot make us buffer without end. */
		if (memchr(c->in.buf, '\0', c->in.len))
			break;
	}
	process_requests(c);
	arm_deadline(c);
}

static void client_io(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct client *c = data;

	(void)loop;
	(void)fd;
	if (c->state == CLIENT_WRITING && (events & EPOLLOUT)) {
		client_write(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->state == CLIENT_READING)
			client_read(c);
		else if (events & (EPOLLHUP | EPOLLERR))
			client_close(c, c->pending ? "hung up: its command was cancelled" : "hung up");
	}
}

static unsigned clients_of_uid(const struct esx_server *s, uid_t uid)
{
	unsigned n = 0;

	for (const struct client *c = s->clients; c; c = c->next) {
		if (c->caller.uid == uid)
			n++;
	}
	return n;
}

/* Tell a refused client why, without waiting for it. */
static void refuse(int fd, const char *message)
{
	char *reply = varlink_error_reply(ESX_ERR_BUSY, message);

	if (reply) {
		if (send(fd, reply, strlen(reply) + 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("could not tell a refused client why");
		free(reply);
	}
	close(fd);
}

static void accept_clients(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct esx_server *s = data;

	(void)events;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct esx_caller caller;
		struct client *c;
		int ret;

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("accept failed: %s", strerror(errno));
			return;
		}
		ret = auth_identify(s->d, cfd, &caller);
		if (ret < 0) {
			log_warn("could not read a client's credentials: %s", strerror(-ret));
			close(cfd);
			continue;
		}
		if (s->nclients >= s->d->cfg.max_clients) {
			log_warn("refused uid %u: %u clients connected", (unsigned)caller.uid, s->nclients);
			refuse(cfd, "esxclid is serving too many clients; try again");
			continue;
		}
		if (caller.uid != 0 && clients_of_uid(s, caller.uid) >= s->d->cfg.max_clients_per_uid) {
			log_warn("refused uid %u: too many connections from that uid", (unsigned)caller.uid);
			refuse(cfd, "too many connections from your user; try again");
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->server = s;
		c->fd = cfd;
		c->caller = caller;
		c->state = CLIENT_READING;
		frame_init(&c->in, ESX_MAX_REQUEST);
		loop_timer_init(&c->deadline, client_deadline, c);
		if (loop_add_fd(loop, cfd, EPOLLIN, client_io, c) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		c->next = s->clients;
		if (s->clients)
			s->clients->prev = c;
		s->clients = c;
		s->nclients++;
		arm_deadline(c);
	}
}

unsigned server_client_count(const struct esx_server *s)
{
	return s->nclients;
}

/* Is a daemon answering on this path now? */
static bool socket_in_use(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool in_use;

	if (fd < 0)
		return false;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	in_use = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return in_use;
}

static int make_parent_dir(const char *path, struct esx_err *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

int server_start(struct esxd *d, struct esx_server **out, struct esx_err *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct esx_server *s = NULL;
	struct stat st;
	int ret;

	*out = NULL;
	if (strlen(d->cfg.socket_path) >= sizeof(addr.sun_path))
		return err_set(err, ENAMETOOLONG, "socket path %s is too long", d->cfg.socket_path);
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(err, ENOMEM, "out of memory");
	s->d = d;
	s->listen_fd = -1;
	s->lock_fd = -1;
	s->path = strdup(d->cfg.socket_path);
	if (!s->path || asprintf(&s->lock_path, "%s.lock", d->cfg.socket_path) < 0) {
		s->lock_path = NULL;
		ret = err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	ret = make_parent_dir(s->path, err);
	if (ret < 0)
		goto fail;

	/* The lock makes the check-then-bind below safe against a second daemon
	 * starting at the same moment. */
	s->lock_fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0) {
		ret = err_set(err, errno, "cannot open %s: %s", s->lock_path, strerror(errno));
		goto fail;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		ret = err_set(err, EADDRINUSE, "another esxclid is already serving %s", s->path);
		goto fail;
	}
	if (lstat(s->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			ret = err_set(err, EEXIST, "%s exists and is not a socket; not touching it",
				      s->path);
			goto fail;
		}
		if (socket_in_use(s->path)) {
			ret = err_set(err, EADDRINUSE, "another esxclid is already serving %s", s->path);
			goto fail;
		}
		unlink(s->path);   /* a stale socket from a daemon that died */
	}

	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		ret = err_set(err, errno, "cannot create a socket: %s", strerror(errno));
		goto fail;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", s->path);
	if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = err_set(err, errno, "cannot bind %s: %s", s->path, strerror(errno));
		goto fail;
	}
	if (chmod(s->path, 0666) < 0 || listen(s->listen_fd, 64) < 0) {
		ret = err_set(err, errno, "cannot listen on %s: %s", s->path, strerror(errno));
		unlink(s->path);
		goto fail;
	}
	ret = loop_add_fd(d->loop, s->listen_fd, EPOLLIN, accept_clients, s);
	if (ret < 0) {
		err_set(err, ret, "cannot watch the socket: %s", strerror(-ret));
		unlink(s->path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->lock_path);
	free(s->path);
	free(s);
	return ret;
}

void server_stop(struct esx_server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_close(s->clients, NULL);
	if (s->listen_fd >= 0) {
		loop_del_fd(s->d->loop, s->listen_fd);
		close(s->listen_fd);
		unlink(s->path);
	}
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->lock_path);
	free(s->path);
	free(s);
}
