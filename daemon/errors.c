/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recording errors for the client: negative errno plus an ESXi-style message. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esxcli/protocol.h"
#include "errors.h"

static int set_v(struct esx_err *err, int errnum, const char *name, const char *fmt, va_list ap)
{
	int code = abs(errnum);

	if (code == 0)
		code = EIO;
	if (err && err->code == 0) {
		err->code = code;
		err->name = name;
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
	}
	return -code;
}

int err_set(struct esx_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = set_v(err, errnum, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int err_set_named(struct esx_err *err, int errnum, const char *name, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = set_v(err, errnum, name, fmt, ap);
	va_end(ap);
	return ret;
}

void err_reset(struct esx_err *err)
{
	err->code = 0;
	err->name = NULL;
	err->text[0] = '\0';
}

const char *err_name_for_errno(int errnum)
{
	switch (abs(errnum)) {
	case ENOENT:
	case ENODEV:
	case ESRCH:
		return ESX_ERR_NOT_FOUND;
	case EEXIST:
		return ESX_ERR_ALREADY_EXISTS;
	case EBUSY:
		return ESX_ERR_IN_USE;
	case EPERM:
	case EACCES:
		return ESX_ERR_PERMISSION_DENIED;
	case EINVAL:
	case ERANGE:
	case E2BIG:
		return ESX_ERR_INVALID_VALUE;
	case EOPNOTSUPP:
	case ENOSYS:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return ESX_ERR_NOT_SUPPORTED;
	case EHOSTDOWN:
	case ECONNREFUSED:
	case ENOTCONN:
	case EHOSTUNREACH:
		return ESX_ERR_UNAVAILABLE;
	case EAGAIN:
	case EALREADY:
	case EINPROGRESS:
		return ESX_ERR_BUSY;
	case ETIMEDOUT:
		return ESX_ERR_TIMEOUT;
	case EPROTO:
	case EBADMSG:
	case EMSGSIZE:
		return ESX_ERR_PROTOCOL;
	default:
		return ESX_ERR_RUNTIME;
	}
}

const char *err_name(const struct esx_err *err)
{
	if (err->name)
		return err->name;
	return err_name_for_errno(err->code);
}
