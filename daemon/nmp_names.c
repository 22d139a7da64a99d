/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's names for devices and paths, from WWIDs, iSCSI sessions and
 * H:C:T:L (rules in nmp_names.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmp_names.h"

static int put(char *out, size_t len, const char *prefix, const char *body, bool lower,
	       bool underscores)
{
	size_t used = (size_t)snprintf(out, len, "%s", prefix);

	if (used >= len)
		return -ENAMETOOLONG;
	for (const char *c = body; *c; c++) {
		char ch = *c;

		if (used + 1 >= len)
			return -ENAMETOOLONG;
		if (lower)
			ch = (char)tolower((unsigned char)ch);
		if (underscores && isspace((unsigned char)ch))
			ch = '_';
		out[used++] = ch;
	}
	out[used] = '\0';
	return 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int nmp_device_id(const char *wwid, char *out, size_t len)
{
	if (!wwid[0])
		return -EINVAL;
	if (has_prefix(wwid, "naa.") || has_prefix(wwid, "eui."))
		return put(out, len, "", wwid, true, false);
	if (has_prefix(wwid, "t10."))
		return put(out, len, "", wwid, false, true);
	switch (wwid[0]) {
	case '3':
		return put(out, len, "naa.", wwid + 1, true, false);
	case '2':
		return put(out, len, "eui.", wwid + 1, true, false);
	case '1':
		return put(out, len, "t10.", wwid + 1, false, true);
	case '8':
		if (wwid[1])
			return put(out, len, "", wwid + 1, false, true);
		break;
	default:
		break;
	}
	return put(out, len, "mpx.", wwid, false, true);
}

int nmp_runtime_name(const char *adapter, unsigned channel, unsigned target,
		     unsigned long long lun, char *out, size_t len)
{
	int n = snprintf(out, len, "%s:C%u:T%u:L%llu", adapter, channel, target, lun);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* One ":X<digits>" field; advances *s. */
static bool field(const char **s, char letter, unsigned long long *v)
{
	char *end;

	if ((*s)[0] != ':' || (*s)[1] != letter || !isdigit((unsigned char)(*s)[2]))
		return false;
	errno = 0;
	*v = strtoull(*s + 2, &end, 10);
	if (errno)
		return false;
	*s = end;
	return true;
}

bool nmp_runtime_parse(const char *name, char *adapter, size_t adapter_len,
		       unsigned *channel, unsigned *target, unsigned long long *lun)
{
	const char *colon = strchr(name, ':'), *s = colon;
	unsigned long long c, t;

	if (!colon || colon == name || (size_t)(colon - name) >= adapter_len)
		return false;
	if (!field(&s, 'C', &c) || !field(&s, 'T', &t) || !field(&s, 'L', lun) || *s)
		return false;
	if (c > 0xffffffffULL || t > 0xffffffffULL)
		return false;
	snprintf(adapter, adapter_len, "%.*s", (int)(colon - name), name);
	*channel = (unsigned)c;
	*target = (unsigned)t;
	return true;
}

unsigned nmp_channel(const struct esx_strv *bindings, const char *iface)
{
	for (size_t i = 0; i < bindings->len; i++)
		if (!strcmp(bindings->items[i], iface))
			return (unsigned)i;
	return (unsigned)bindings->len;
}

bool nmp_hctl_lun(const char *hctl, unsigned long long *lun)
{
	unsigned h, c, t;
	int end = 0;

	if (sscanf(hctl, "%u:%u:%u:%llu%n", &h, &c, &t, lun, &end) != 4)
		return false;
	return hctl[end] == '\0';
}

static int cmp_target_portal(const struct iscsi_path *a, const struct iscsi_path *b)
{
	int c = strcmp(a->target, b->target);

	return c ? c : strcmp(a->portal, b->portal);
}

static int cmp_index(const void *x, const void *y, void *base)
{
	const struct iscsi_path *paths = base;

	return cmp_target_portal(&paths[*(const size_t *)x], &paths[*(const size_t *)y]);
}

int nmp_target_numbers(const struct iscsi_path *paths, size_t n, unsigned *targets)
{
	size_t *order = NULL;
	unsigned number = 0;
	int ret = 0;

	if (!n)
		goto out;
	order = calloc(n, sizeof(*order));
	if (!order) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_index, (void *)paths);
	for (size_t i = 0; i < n; i++) {
		if (i && cmp_target_portal(&paths[order[i - 1]], &paths[order[i]]))
			number++;
		targets[order[i]] = number;
	}
out:
	free(order);
	return ret;
}

int nmp_path_uid(const char *initiator, const char *isid, const char *target, int tpgt,
		 const char *device_id, char *out, size_t len)
{
	int n = snprintf(out, len, "%s-%s,%s,t,%d-%s", initiator, isid, target, tpgt, device_id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
