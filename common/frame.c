/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Varlink framing: collect socket bytes, hand out NUL-terminated messages. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esxcli/frame.h"

#define FRAME_READ_CHUNK 16384

void frame_init(struct esx_frame *f, size_t limit)
{
	f->buf = NULL;
	f->len = 0;
	f->cap = 0;
	f->limit = limit;
	f->scanned = 0;
}

void frame_free(struct esx_frame *f)
{
	free(f->buf);
	frame_init(f, f->limit);
}

int frame_partial(const struct esx_frame *f)
{
	return f->len > 0;
}

/* Where the first message ends, or NULL. Remembers how far it looked, so
 * a large message arriving in pieces is scanned once. */
static char *find_end(struct esx_frame *f)
{
	char *nul = memchr(f->buf + f->scanned, '\0', f->len - f->scanned);

	f->scanned = nul ? 0 : f->len;
	return nul;
}

/* Without a NUL in the buffer, the message under way is all of it. */
static int over_limit(struct esx_frame *f)
{
	const char *nul = find_end(f);
	size_t pending = nul ? (size_t)(nul - f->buf) : f->len;

	return pending > f->limit;
}

ssize_t frame_read(struct esx_frame *f, int fd)
{
	ssize_t n;

	if (f->cap - f->len < FRAME_READ_CHUNK) {
		/* Grow geometrically: large replies arrive in many reads. */
		size_t cap = f->cap * 2 > f->len + FRAME_READ_CHUNK ? f->cap * 2
								    : f->len + FRAME_READ_CHUNK;
		char *buf = realloc(f->buf, cap);

		if (!buf)
			return -ENOMEM;
		f->buf = buf;
		f->cap = cap;
	}
	n = read(fd, f->buf + f->len, f->cap - f->len);
	if (n < 0)
		return -errno;
	f->len += (size_t)n;
	if (f->len > 0 && over_limit(f))
		return -EMSGSIZE;
	return n;
}

int frame_next(struct esx_frame *f, char **msg)
{
	char *nul, *copy;
	size_t mlen;

	*msg = NULL;
	if (f->len == 0)
		return 0;
	nul = find_end(f);
	if (!nul)
		return f->len > f->limit ? -EMSGSIZE : 0;
	mlen = (size_t)(nul - f->buf);
	if (mlen > f->limit)
		return -EMSGSIZE;
	copy = malloc(mlen + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, f->buf, mlen + 1);
	f->len -= mlen + 1;
	memmove(f->buf, nul + 1, f->len);
	f->scanned = 0;
	*msg = copy;
	return 1;
}
