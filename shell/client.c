/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One varlink call to esxclid over its Unix socket. Every wait (connect,
 * send, receive) is a poll() against a deadline on a non-blocking socket, so
 * a daemon that is stuck, gone or flooding us costs at most the deadline.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxcli/frame.h"
#include "esxcli/protocol.h"
#include "client.h"

/* A full listen backlog makes a non-blocking AF_UNIX connect() fail with
 * EAGAIN instead of waiting: retry at this pace until the deadline. */
#define CONNECT_RETRY_MS 20
/* ESXCLI_TIMEOUT above a day is surely a typo. */
#define MAX_TIMEOUT_S 86400.0

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_left(long long deadline)
{
	long long left = deadline - now_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

int client_reply_timeout_ms(void)
{
	const char *env = getenv(ESXCLI_TIMEOUT_ENV);
	char *end;
	double seconds;
	int ms;

	if (!env || !*env)
		return ESX_CLIENT_REPLY_TIMEOUT_MS;
	errno = 0;
	seconds = strtod(env, &end);
	/* "!(x > 0)" also refuses NaN. */
	if (errno || *end || !(seconds > 0) || seconds > MAX_TIMEOUT_S)
		return ESX_CLIENT_REPLY_TIMEOUT_MS;
	ms = (int)(seconds * 1000);
	return ms > 0 ? ms : 1;
}

/* Wait until FD is ready for EVENTS. A signal ends the wait: in the
 * interactive shell that is Ctrl-C, meant to abandon the command. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		int left = ms_left(deadline);

		if (left == 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left);
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

static void describe_failure(int err, const char *path, int timeout_ms, char *errbuf,
			     size_t errlen)
{
	switch (err) {
	case -ENOENT:
	case -ECONNREFUSED:
		snprintf(errbuf, errlen,
			 "cannot connect to esxclid at %s: %s; start it with "
			 "'systemctl start esxclid' or 'esxclid -f'",
			 path, strerror(-err));
		break;
	case -EACCES:
	case -EPERM:
		snprintf(errbuf, errlen,
			 "cannot connect to esxclid at %s: %s; the socket is open only to root "
			 "and to the groups esxclid is configured to allow",
			 path, strerror(-err));
		break;
	case -ETIMEDOUT:
		snprintf(errbuf, errlen, "esxclid at %s did not answer within %g s", path,
			 timeout_ms / 1000.0);
		break;
	case -ECONNRESET:
		snprintf(errbuf, errlen, "esxclid at %s closed the connection without answering",
			 path);
		break;
	case -EMSGSIZE:
		snprintf(errbuf, errlen, "esxclid at %s sent a reply larger than %d bytes; ignored",
			 path, ESX_MAX_REPLY);
		break;
	case -EPROTO:
		snprintf(errbuf, errlen, "esxclid at %s sent a reply that is not a varlink message",
			 path);
		break;
	case -E2BIG:
		snprintf(errbuf, errlen,
			 "the command is too long: a request may have at most %d bytes",
			 ESX_MAX_REQUEST);
		break;
	case -ENAMETOOLONG:
		snprintf(errbuf, errlen, "socket path too long: %s", path);
		break;
	case -EINTR:
		snprintf(errbuf, errlen, "interrupted");
		break;
	default:
		snprintf(errbuf, errlen, "talking to esxclid at %s: %s", path, strerror(-err));
		break;
	}
}

/* Returns a connected non-blocking socket, or a negative errno. */
static int connect_daemon(const char *path, long long deadline)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd = -1, ret;

	if (len == 0)
		return -ENOENT;
	if (len >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, len + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		int left;

		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			break;
		ret = -errno;
		if (ret == -EAGAIN) {
			left = ms_left(deadline);
			if (left == 0) {
				ret = -ETIMEDOUT;
				goto out;
			}
			if (poll(NULL, 0, left < CONNECT_RETRY_MS ? left : CONNECT_RETRY_MS) < 0) {
				ret = -errno;
				goto out;
			}
			continue;
		}
		if (ret == -EINPROGRESS) {
			int soerr = 0;
			socklen_t slen = sizeof(soerr);

			ret = wait_fd(fd, POLLOUT, deadline);
			if (ret < 0)
				goto out;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0) {
				ret = -errno;
				goto out;
			}
			if (soerr) {
				ret = -soerr;
				goto out;
			}
			break;
		}
		goto out;
	}
	ret = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		int ret;

		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET)
			return -ECONNRESET;
		if (errno != EAGAIN)
			return -errno;
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Read one NUL-terminated message into *MSG (caller frees). */
static int receive_message(int fd, long long deadline, char **msg)
{
	struct esx_frame frame;
	int ret;

	frame_init(&frame, ESX_MAX_REPLY);
	for (;;) {
		ssize_t n;

		ret = frame_next(&frame, msg);
		if (ret != 0)
			break;
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret < 0)
			break;
		n = frame_read(&frame, fd);
		if (n == -EAGAIN)
			continue;
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (n == 0) {
			ret = -ECONNRESET;
			break;
		}
	}
	frame_free(&frame);
	return ret < 0 ? ret : 0;
}

/* A varlink reply is an object with an optional string "error" and an
 * optional object "parameters"; the caller handles the rest. */
static int parse_reply(const char *msg, struct json_object **reply)
{
	struct json_tokener *tok = NULL;
	struct json_object *obj = NULL, *member;
	size_t len = strlen(msg), end;
	int ret = -EPROTO;

	*reply = NULL;
	tok = json_tokener_new();
	if (!tok) {
		ret = -ENOMEM;
		goto out;
	}
	obj = json_tokener_parse_ex(tok, msg, (int)len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success)
		goto out;
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", msg[end]))
			goto out;
	if (!json_object_is_type(obj, json_type_object))
		goto out;
	if (json_object_object_get_ex(obj, ESX_KEY_ERROR, &member) &&
	    !json_object_is_type(member, json_type_string))
		goto out;
	if (json_object_object_get_ex(obj, ESX_KEY_PARAMETERS, &member) &&
	    !json_object_is_type(member, json_type_object))
		goto out;
	*reply = obj;
	obj = NULL;
	ret = 0;
out:
	json_object_put(obj);
	if (tok)
		json_tokener_free(tok);
	return ret;
}

static struct json_object *build_request(const char *method, struct json_object *params)
{
	struct json_object *req = json_object_new_object(), *result = NULL;
	struct json_object *name = json_object_new_string(method);
	struct json_object *args = params ? json_object_get(params) : json_object_new_object();

	if (!req || !name || !args)
		goto out;
	if (json_object_object_add(req, ESX_KEY_METHOD, name) < 0)
		goto out;
	name = NULL;
	if (json_object_object_add(req, ESX_KEY_PARAMETERS, args) < 0)
		goto out;
	args = NULL;
	result = req;
	req = NULL;
out:
	json_object_put(name);
	json_object_put(args);
	json_object_put(req);
	return result;
}

int client_call(const char *socket_path, const char *method, struct json_object *params,
		int timeout_ms, struct json_object **reply, char *errbuf, size_t errlen)
{
	struct json_object *req = NULL;
	const char *text;
	char *msg = NULL;
	long long deadline;
	size_t len;
	int fd = -1, ret, failed_timeout = timeout_ms;

	*reply = NULL;
	if (errlen)
		errbuf[0] = '\0';
	req = build_request(method, params);
	if (!req) {
		ret = -ENOMEM;
		goto out;
	}
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	len = strlen(text);
	if (len > ESX_MAX_REQUEST) {
		ret = -E2BIG;
		goto out;
	}

	failed_timeout = ESX_CLIENT_CONNECT_TIMEOUT_MS;
	ret = connect_daemon(socket_path, now_ms() + ESX_CLIENT_CONNECT_TIMEOUT_MS);
	if (ret < 0)
		goto out;
	fd = ret;

	failed_timeout = timeout_ms;
	deadline = now_ms() + timeout_ms;
	/* The NUL that ends the message goes too. */
	ret = send_all(fd, text, len + 1, deadline);
	if (ret < 0)
		goto out;
	ret = receive_message(fd, deadline, &msg);
	if (ret < 0)
		goto out;
	ret = parse_reply(msg, reply);
out:
	if (ret < 0 && errlen)
		describe_failure(ret, socket_path, failed_timeout, errbuf, errlen);
	free(msg);
	if (fd >= 0)
		close(fd);
	json_object_put(req);
	return ret;
}
