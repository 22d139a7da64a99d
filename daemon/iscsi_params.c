/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The table of ESXi's iSCSI parameters (ESXCLI.md §3.6: keys, row order,
 * defaults, ranges and the Settable column of a software adapter) and the
 * text forms of their values.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsi_params.h"

/* MaxRecvDataSegment: ESXi 5.1 showed 131072, 6.x and later 65536 (the
 * host-profile code): the newer value. */
static const struct iscsi_param_def defs[ISCSI_PARAM_COUNT] = {
	[ISCSI_P_ERROR_RECOVERY_LEVEL] = { "ErrorRecoveryLevel", ISCSI_PT_INT, 0, 0, 2, false },
	[ISCSI_P_INITIAL_LOGIN_RETRY_MAX] = { "InitialLoginRetryMax", ISCSI_PT_INT, 4, 0, 64,
					      false },
	[ISCSI_P_INITIAL_R2T] = { "InitialR2T", ISCSI_PT_BOOL, 0, 0, 1, false },
	[ISCSI_P_FIRST_BURST_LENGTH] = { "FirstBurstLength", ISCSI_PT_INT, 262144, 512, 16777215,
					 true },
	[ISCSI_P_MAX_BURST_LENGTH] = { "MaxBurstLength", ISCSI_PT_INT, 262144, 512, 16777215,
				       true },
	[ISCSI_P_MAX_RECV_DATA_SEGMENT] = { "MaxRecvDataSegment", ISCSI_PT_INT, 65536, 512,
					    16777215, true },
	[ISCSI_P_MAX_OUTSTANDING_R2T] = { "MaxOutstandingR2T", ISCSI_PT_INT, 1, 1, 8, true },
	[ISCSI_P_MAX_CMDS] = { "MaxCmds", ISCSI_PT_INT, 128, 2, 2048, false },
	[ISCSI_P_IMMEDIATE_DATA] = { "ImmediateData", ISCSI_PT_BOOL, 1, 0, 1, false },
	[ISCSI_P_DEFAULT_TIME2RETAIN] = { "DefaultTime2Retain", ISCSI_PT_INT, 0, 0, 60, false },
	[ISCSI_P_DEFAULT_TIME2WAIT] = { "DefaultTime2Wait", ISCSI_PT_INT, 2, 0, 60, false },
	[ISCSI_P_LOGIN_TIMEOUT] = { "LoginTimeout", ISCSI_PT_INT, 5, 1, 60, true },
	[ISCSI_P_LOGOUT_TIMEOUT] = { "LogoutTimeout", ISCSI_PT_INT, 15, 0, 60, false },
	[ISCSI_P_NOOP_OUT_INTERVAL] = { "NoopOutInterval", ISCSI_PT_INT, 15, 1, 60, true },
	[ISCSI_P_NOOP_OUT_TIMEOUT] = { "NoopOutTimeout", ISCSI_PT_INT, 10, 10, 30, true },
	[ISCSI_P_RECOVERY_TIMEOUT] = { "RecoveryTimeout", ISCSI_PT_INT, 10, 1, 120, true },
	[ISCSI_P_DELAYED_ACK] = { "DelayedAck", ISCSI_PT_BOOL, 1, 0, 1, true },
	[ISCSI_P_HEADER_DIGEST] = { "HeaderDigest", ISCSI_PT_DIGEST, ISCSI_DIGEST_PROHIBITED, 0, 3,
				    true },
	[ISCSI_P_DATA_DIGEST] = { "DataDigest", ISCSI_PT_DIGEST, ISCSI_DIGEST_PROHIBITED, 0, 3,
				  true },
};

static const char *const digest_names[] = { "prohibited", "discouraged", "preferred", "required" };

const struct iscsi_param_def *iscsi_param_def(enum iscsi_param p)
{
	return (unsigned)p < ISCSI_PARAM_COUNT ? &defs[p] : NULL;
}

int iscsi_param_lookup(const char *key)
{
	for (int i = 0; i < ISCSI_PARAM_COUNT; i++) {
		if (strcasecmp(defs[i].key, key) == 0)
			return i;
	}
	return -1;
}

const char *iscsi_digest_name(long long d)
{
	return d >= 0 && d <= ISCSI_DIGEST_REQUIRED ? digest_names[d] : NULL;
}

int iscsi_param_parse(enum iscsi_param p, const char *text, long long *value, const char **why)
{
	const struct iscsi_param_def *def = iscsi_param_def(p);
	static char range[64];
	char *end;
	long long v;

	*why = NULL;
	if (!def)
		return -EINVAL;
	switch (def->type) {
	case ISCSI_PT_BOOL:
		if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0) {
			*value = 1;
			return 0;
		}
		if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0) {
			*value = 0;
			return 0;
		}
		*why = "must be true or false";
		return -EINVAL;
	case ISCSI_PT_DIGEST:
		for (int i = 0; i <= ISCSI_DIGEST_REQUIRED; i++) {
			if (strcasecmp(text, digest_names[i]) == 0) {
				*value = i;
				return 0;
			}
		}
		*why = "must be one of prohibited, discouraged, preferred, required";
		return -EINVAL;
	case ISCSI_PT_INT:
		break;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < def->min || v > def->max) {
		/* One thread: the static buffer lives until the next call. */
		snprintf(range, sizeof(range), "must be a number between %lld and %lld",
			 def->min, def->max);
		*why = range;
		return -EINVAL;
	}
	*value = v;
	return 0;
}

void iscsi_param_format(enum iscsi_param p, long long value, char *out, size_t len)
{
	const struct iscsi_param_def *def = iscsi_param_def(p);

	if (!def) {
		snprintf(out, len, "?");
		return;
	}
	switch (def->type) {
	case ISCSI_PT_BOOL:
		snprintf(out, len, "%s", value ? "true" : "false");
		return;
	case ISCSI_PT_DIGEST:
		snprintf(out, len, "%s", iscsi_digest_name(value) ? iscsi_digest_name(value) : "?");
		return;
	case ISCSI_PT_INT:
		break;
	}
	snprintf(out, len, "%lld", value);
}
