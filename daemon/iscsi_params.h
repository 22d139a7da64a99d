/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The iSCSI parameters ESXi shows in `iscsi adapter param get` and its
 * sendtarget and target-portal variants: their keys, in ESXi's row order,
 * types, defaults, ranges and whether esxcli may set them, and their text
 * forms. Pure data and text; what each means to open-iscsi is decided where
 * records are written.
 */
#ifndef ESXD_ISCSI_PARAMS_H
#define ESXD_ISCSI_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

/* In ESXi's row order. */
enum iscsi_param {
	ISCSI_P_ERROR_RECOVERY_LEVEL = 0,
	ISCSI_P_INITIAL_LOGIN_RETRY_MAX,
	ISCSI_P_INITIAL_R2T,
	ISCSI_P_FIRST_BURST_LENGTH,
	ISCSI_P_MAX_BURST_LENGTH,
	ISCSI_P_MAX_RECV_DATA_SEGMENT,
	ISCSI_P_MAX_OUTSTANDING_R2T,
	ISCSI_P_MAX_CMDS,
	ISCSI_P_IMMEDIATE_DATA,
	ISCSI_P_DEFAULT_TIME2RETAIN,
	ISCSI_P_DEFAULT_TIME2WAIT,
	ISCSI_P_LOGIN_TIMEOUT,
	ISCSI_P_LOGOUT_TIMEOUT,
	ISCSI_P_NOOP_OUT_INTERVAL,
	ISCSI_P_NOOP_OUT_TIMEOUT,
	ISCSI_P_RECOVERY_TIMEOUT,
	ISCSI_P_DELAYED_ACK,
	ISCSI_P_HEADER_DIGEST,
	ISCSI_P_DATA_DIGEST,
	ISCSI_PARAM_COUNT
};

enum iscsi_param_type {
	ISCSI_PT_INT = 0,
	ISCSI_PT_BOOL,      /* 0 false, 1 true */
	ISCSI_PT_DIGEST,    /* an enum iscsi_digest */
};

/* Digest levels, as ESXi names them. */
enum iscsi_digest {
	ISCSI_DIGEST_PROHIBITED = 0,
	ISCSI_DIGEST_DISCOURAGED,
	ISCSI_DIGEST_PREFERRED,
	ISCSI_DIGEST_REQUIRED,
};

struct iscsi_param_def {
	const char *key;            /* "LoginTimeout" */
	enum iscsi_param_type type;
	long long def, min, max;    /* min/max only for ISCSI_PT_INT */
	bool settable;
};

const struct iscsi_param_def *iscsi_param_def(enum iscsi_param p);
/* The parameter with this key (ESXi's spelling, compared without case), or
 * -1. */
int iscsi_param_lookup(const char *key);
/* Parse a value typed for p ("30", "true", "required"): 0, or -EINVAL with
 * why set to a reason fit for the user ("must be between 1 and 60"). */
int iscsi_param_parse(enum iscsi_param p, const char *text, long long *value, const char **why);
/* The value as ESXi prints it: "30", "true", "prohibited". */
void iscsi_param_format(enum iscsi_param p, long long value, char *out, size_t len);
/* "prohibited" ... "required", or NULL. */
const char *iscsi_digest_name(long long d);

#endif
