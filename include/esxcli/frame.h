/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Varlink framing shared by daemon and shell: a byte buffer that collects
 * what arrives on a socket and hands out complete NUL-terminated messages,
 * refusing any message longer than its limit.
 */
#ifndef ESXCLI_FRAME_H
#define ESXCLI_FRAME_H

#include <stddef.h>
#include <sys/types.h>

struct esx_frame {
	char *buf;
	size_t len;      /* bytes held */
	size_t cap;
	size_t limit;    /* longest message accepted, NUL excluded */
	size_t scanned;  /* bytes already searched for a NUL, none found */
};

void frame_init(struct esx_frame *f, size_t limit);
void frame_free(struct esx_frame *f);

/* Read what the (non-blocking) socket has. Returns bytes read (>0), 0 on EOF,
 * or a negative errno (-EAGAIN when nothing is there, -EMSGSIZE when the
 * message under way exceeds the limit). */
ssize_t frame_read(struct esx_frame *f, int fd);

/* Take the next complete message: returns a malloc'd NUL-terminated string in
 * *msg (caller frees) and 1, or 0 when no complete message is held yet, or
 * -EMSGSIZE / -ENOMEM. */
int frame_next(struct esx_frame *f, char **msg);

/* True when part of a message has arrived but not its end. */
int frame_partial(const struct esx_frame *f);

#endif
