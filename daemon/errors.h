/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daemon's one way of reporting failure: a function returns a negative
 * errno and, through a struct esx_err, a message for the client written in
 * ESXi's style. The error's stable name (see protocol.h) follows from the errno
 * unless set explicitly.
 *
 * Cleanup convention used everywhere: one exit label ("out:") per function that
 * owns resources; resources start as NULL/-1 and are released there.
 */
#ifndef ESXD_ERRORS_H
#define ESXD_ERRORS_H

#include <stddef.h>

#define ESX_ERR_TEXT_MAX 1024

struct esx_err {
	int code;           /* positive errno, 0 when unset */
	const char *name;   /* ESX_ERR_* or NULL: derived from code */
	char text[ESX_ERR_TEXT_MAX];
};

/* Record an error and return -errnum (errnum may be given positive or negative).
 * A message already set is kept: the first, most specific failure wins. */
int err_set(struct esx_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with an explicit stable error name. */
int err_set_named(struct esx_err *err, int errnum, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Overwrite whatever was recorded. */
void err_reset(struct esx_err *err);
/* The stable name for this error (explicit, or derived from its errno). */
const char *err_name(const struct esx_err *err);
/* Map an errno to a stable name. */
const char *err_name_for_errno(int errnum);

#endif
