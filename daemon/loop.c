/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event loop: epoll over file descriptors, timers on the monotonic clock. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_MAX_EVENTS 32

struct source {
	int fd;
	loop_fd_fn fn;
	void *data;
	bool dead;              /* deleted during dispatch: freed after the batch */
	struct source *next;
};

struct esx_loop {
	int epfd;
	struct source *sources;
	struct loop_timer *timers;  /* unsorted; there are few */
	bool quit;
	int status;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int loop_new(struct esx_loop **out)
{
	struct esx_loop *loop = calloc(1, sizeof(*loop));

	*out = NULL;
	if (!loop)
		return -ENOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int ret = -errno;

		free(loop);
		return ret;
	}
	*out = loop;
	return 0;
}

static void reap_dead(struct esx_loop *loop)
{
	struct source **pp = &loop->sources;

	while (*pp) {
		struct source *s = *pp;

		if (s->dead) {
			*pp = s->next;
			free(s);
		} else {
			pp = &s->next;
		}
	}
}

void loop_free(struct esx_loop *loop)
{
	if (!loop)
		return;
	for (struct source *s = loop->sources; s; s = s->next)
		s->dead = true;
	reap_dead(loop);
	close(loop->epfd);
	free(loop);
}

static struct source *find_source(struct esx_loop *loop, int fd)
{
	for (struct source *s = loop->sources; s; s = s->next) {
		if (s->fd == fd && !s->dead)
			return s;
	}
	return NULL;
}

int loop_add_fd(struct esx_loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *data)
{
	struct epoll_event ev = { .events = events };
	struct source *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->fn = fn;
	s->data = data;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int ret = -errno;

		free(s);
		return ret;
	}
	s->next = loop->sources;
	loop->sources = s;
	return 0;
}

int loop_mod_fd(struct esx_loop *loop, int fd, uint32_t events)
{
	struct source *s = find_source(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!s)
		return -ENOENT;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void loop_del_fd(struct esx_loop *loop, int fd)
{
	struct source *s = find_source(loop, fd);

	if (!s)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	s->dead = true;
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *data)
{
	t->when_ms = 0;
	t->fn = fn;
	t->data = data;
	t->armed = false;
	t->prev = t->next = NULL;
}

void loop_timer_disarm(struct esx_loop *loop, struct loop_timer *t)
{
	if (!t->armed)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		loop->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	t->armed = false;
}

void loop_timer_arm(struct esx_loop *loop, struct loop_timer *t, uint64_t when_ms)
{
	loop_timer_disarm(loop, t);
	t->when_ms = when_ms;
	t->armed = true;
	t->prev = NULL;
	t->next = loop->timers;
	if (loop->timers)
		loop->timers->prev = t;
	loop->timers = t;
}

static int next_timeout(struct esx_loop *loop)
{
	uint64_t now = loop_now_ms(), soonest = UINT64_MAX;

	for (struct loop_timer *t = loop->timers; t; t = t->next) {
		if (t->when_ms < soonest)
			soonest = t->when_ms;
	}
	if (soonest == UINT64_MAX)
		return -1;
	if (soonest <= now)
		return 0;
	return soonest - now > 60000 ? 60000 : (int)(soonest - now);
}

/* Fire expired timers one at a time: a callback may disarm or free others. */
static void run_timers(struct esx_loop *loop)
{
	uint64_t now = loop_now_ms();
	struct loop_timer *t;

	do {
		for (t = loop->timers; t; t = t->next) {
			if (t->when_ms <= now)
				break;
		}
		if (t) {
			loop_timer_disarm(loop, t);
			t->fn(loop, t->data);
		}
	} while (t && !loop->quit);
}

int loop_run(struct esx_loop *loop)
{
	struct epoll_event events[LOOP_MAX_EVENTS];

	loop->quit = false;
	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, events, LOOP_MAX_EVENTS, next_timeout(loop));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !loop->quit; i++) {
			struct source *s = events[i].data.ptr;

			if (!s->dead)
				s->fn(loop, s->fd, events[i].events, s->data);
		}
		reap_dead(loop);
		if (!loop->quit)
			run_timers(loop);
	}
	return loop->status;
}

void loop_quit(struct esx_loop *loop, int status)
{
	loop->quit = true;
	loop->status = status;
}
