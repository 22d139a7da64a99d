/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daemon's single event loop: epoll over file descriptors plus one-shot
 * timers on the monotonic clock. Callbacks must not block.
 */
#ifndef ESXD_LOOP_H
#define ESXD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct esx_loop;

typedef void (*loop_fd_fn)(struct esx_loop *loop, int fd, uint32_t events, void *data);
typedef void (*loop_timer_fn)(struct esx_loop *loop, void *data);

/* Embedded in its owner; armed at most once at a time. */
struct loop_timer {
	uint64_t when_ms;
	loop_timer_fn fn;
	void *data;
	bool armed;
	struct loop_timer *prev, *next;
};

int loop_new(struct esx_loop **out);
void loop_free(struct esx_loop *loop);

/* Watch fd for events (EPOLLIN...). Returns 0 or a negative errno. */
int loop_add_fd(struct esx_loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *data);
int loop_mod_fd(struct esx_loop *loop, int fd, uint32_t events);
/* Stop watching fd; safe from inside any callback. The caller closes fd. */
void loop_del_fd(struct esx_loop *loop, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *data);
void loop_timer_arm(struct esx_loop *loop, struct loop_timer *t, uint64_t when_ms);
void loop_timer_disarm(struct esx_loop *loop, struct loop_timer *t);

/* Milliseconds on the monotonic clock. */
uint64_t loop_now_ms(void);

/* Dispatch until loop_quit. Returns the status given to loop_quit, or a
 * negative errno if epoll itself fails. */
int loop_run(struct esx_loop *loop);
void loop_quit(struct esx_loop *loop, int status);

#endif
