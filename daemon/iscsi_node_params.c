/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's iSCSI parameters as open-iscsi node record keys and values
 * (iscsi_node_params.h). The keys are those of open-iscsi's usr/idbm.c
 * (idbm_recinfo_node); a session has one connection, conn[0].
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsi_node_params.h"

static const char *const keys[ISCSI_PARAM_COUNT] = {
	[ISCSI_P_ERROR_RECOVERY_LEVEL] = "node.session.iscsi.ERL",
	[ISCSI_P_INITIAL_LOGIN_RETRY_MAX] = "node.session.initial_login_retry_max",
	[ISCSI_P_INITIAL_R2T] = "node.session.iscsi.InitialR2T",
	[ISCSI_P_FIRST_BURST_LENGTH] = "node.session.iscsi.FirstBurstLength",
	[ISCSI_P_MAX_BURST_LENGTH] = "node.session.iscsi.MaxBurstLength",
	[ISCSI_P_MAX_RECV_DATA_SEGMENT] = "node.conn[0].iscsi.MaxRecvDataSegmentLength",
	[ISCSI_P_MAX_OUTSTANDING_R2T] = "node.session.iscsi.MaxOutstandingR2T",
	[ISCSI_P_MAX_CMDS] = "node.session.cmds_max",
	[ISCSI_P_IMMEDIATE_DATA] = "node.session.iscsi.ImmediateData",
	[ISCSI_P_DEFAULT_TIME2RETAIN] = "node.session.iscsi.DefaultTime2Retain",
	[ISCSI_P_DEFAULT_TIME2WAIT] = "node.session.iscsi.DefaultTime2Wait",
	[ISCSI_P_LOGIN_TIMEOUT] = "node.conn[0].timeo.login_timeout",
	[ISCSI_P_LOGOUT_TIMEOUT] = "node.conn[0].timeo.logout_timeout",
	[ISCSI_P_NOOP_OUT_INTERVAL] = "node.conn[0].timeo.noop_out_interval",
	[ISCSI_P_NOOP_OUT_TIMEOUT] = "node.conn[0].timeo.noop_out_timeout",
	[ISCSI_P_RECOVERY_TIMEOUT] = "node.session.timeo.replacement_timeout",
	[ISCSI_P_DELAYED_ACK] = NULL,
	[ISCSI_P_HEADER_DIGEST] = "node.conn[0].iscsi.HeaderDigest",
	[ISCSI_P_DATA_DIGEST] = "node.conn[0].iscsi.DataDigest",
};

/* Indexed by enum iscsi_digest: open-iscsi lists what it offers, in order
 * of preference. */
static const char *const digests[] = { "None", "None,CRC32C", "CRC32C,None", "CRC32C" };

const char *iscsi_node_key(enum iscsi_param p)
{
	return (unsigned)p < ISCSI_PARAM_COUNT ? keys[p] : NULL;
}

int iscsi_node_format(enum iscsi_param p, long long value, char *out, size_t len)
{
	const struct iscsi_param_def *def = iscsi_param_def(p);

	out[0] = '\0';
	if (!def || !iscsi_node_key(p))
		return -EINVAL;
	switch (def->type) {
	case ISCSI_PT_BOOL:
		if (value != 0 && value != 1)
			return -EINVAL;
		snprintf(out, len, "%s", value ? "Yes" : "No");
		return 0;
	case ISCSI_PT_DIGEST:
		if (value < 0 || value > ISCSI_DIGEST_REQUIRED)
			return -EINVAL;
		snprintf(out, len, "%s", digests[value]);
		return 0;
	case ISCSI_PT_INT:
		break;
	}
	snprintf(out, len, "%lld", value);
	return 0;
}

int iscsi_node_parse(enum iscsi_param p, const char *text, long long *value)
{
	const struct iscsi_param_def *def = iscsi_param_def(p);
	char *end;
	long long v;

	if (!def || !iscsi_node_key(p) || !text || !text[0])
		return -EINVAL;
	switch (def->type) {
	case ISCSI_PT_BOOL:
		if (strcasecmp(text, "Yes") == 0 || strcasecmp(text, "No") == 0) {
			*value = strcasecmp(text, "Yes") == 0;
			return 0;
		}
		return -EINVAL;
	case ISCSI_PT_DIGEST:
		for (int d = 0; d <= ISCSI_DIGEST_REQUIRED; d++) {
			if (strcasecmp(text, digests[d]) == 0) {
				*value = d;
				return 0;
			}
		}
		return -EINVAL;
	case ISCSI_PT_INT:
		break;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end)
		return -EINVAL;
	*value = v;
	return 0;
}
