/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-interface network sysctls as /proc/sys files. See net_sysctl.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net_link.h"
#include "net_sysctl.h"

#define VALUE_TEXT_MAX 32

struct sysctl_def {
	const char *family;           /* "ipv4" or "ipv6" */
	const char *name;
	int min, max;
	bool max_with_all;            /* the kernel uses max(all, interface) */
};

static const struct sysctl_def sysctls[] = {
	[NET_SYSCTL_ARP_IGNORE] = { "ipv4", "arp_ignore", 0, 8, true },
	[NET_SYSCTL_ARP_ANNOUNCE] = { "ipv4", "arp_announce", 0, 2, true },
	[NET_SYSCTL_RP_FILTER] = { "ipv4", "rp_filter", 0, 2, true },
	[NET_SYSCTL_DISABLE_IPV6] = { "ipv6", "disable_ipv6", 0, 1, false },
};

static const struct sysctl_def *find_def(enum net_sysctl key)
{
	if ((unsigned)key >= sizeof(sysctls) / sizeof(sysctls[0]))
		return NULL;
	return &sysctls[key];
}

const char *net_sysctl_name(enum net_sysctl key)
{
	const struct sysctl_def *def = find_def(key);

	return def ? def->name : "?";
}

static int sysctl_path(const char *ifname, const struct sysctl_def *def, char *path,
		       size_t len, struct esx_err *err)
{
	int ret = net_check_name(ifname, err);
	int used;

	if (ret < 0)
		return ret;
	used = snprintf(path, len, "/proc/sys/net/%s/conf/%s/%s", def->family, ifname,
			def->name);
	if (used < 0 || (size_t)used >= len)
		return err_set(err, EINVAL, "Invalid NIC name '%s'", ifname);
	return 0;
}

static int open_failed(const char *ifname, const char *path, int errnum, struct esx_err *err)
{
	if (errnum == ENOENT)
		return err_set(err, ENOENT, "Unable to find network interface %s (no %s)", ifname,
			       path);
	return err_set(err, errnum, "Unable to open %s: %s", path, strerror(errnum));
}

static int parse_value(const char *text, int *value)
{
	char *end;
	long parsed;

	errno = 0;
	parsed = strtol(text, &end, 10);
	if (errno || end == text || (*end != '\0' && *end != '\n') || parsed < INT_MIN ||
	    parsed > INT_MAX)
		return -EINVAL;
	*value = (int)parsed;
	return 0;
}

static int read_value(const char *ifname, const struct sysctl_def *def, int *value,
		      struct esx_err *err)
{
	char path[PATH_MAX], text[VALUE_TEXT_MAX];
	ssize_t got;
	int fd = -1;
	int ret;

	ret = sysctl_path(ifname, def, path, sizeof(path), err);
	if (ret < 0)
		goto out;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = open_failed(ifname, path, errno, err);
		goto out;
	}
	do {
		got = read(fd, text, sizeof(text) - 1);
	} while (got < 0 && errno == EINTR);
	if (got < 0) {
		ret = err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
		goto out;
	}
	text[got] = '\0';
	if (parse_value(text, value) < 0) {
		ret = err_set(err, EIO, "Unable to read %s: unexpected content", path);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int write_value(const char *ifname, const struct sysctl_def *def, int value,
		       struct esx_err *err)
{
	char path[PATH_MAX], text[VALUE_TEXT_MAX];
	ssize_t written;
	int fd = -1;
	int len, ret;

	ret = sysctl_path(ifname, def, path, sizeof(path), err);
	if (ret < 0)
		goto out;
	len = snprintf(text, sizeof(text), "%d\n", value);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = open_failed(ifname, path, errno, err);
		goto out;
	}
	do {
		written = write(fd, text, (size_t)len);
	} while (written < 0 && errno == EINTR);
	if (written < 0) {
		ret = err_set(err, errno, "Unable to set %s of %s to %d: %s", def->name, ifname,
			      value, strerror(errno));
		goto out;
	}
	if (written != len) {
		ret = err_set(err, EIO, "Unable to set %s of %s to %d: short write", def->name,
			      ifname, value);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int unknown_key(enum net_sysctl key, struct esx_err *err)
{
	return err_set(err, EINVAL, "Unknown network sysctl %d", (int)key);
}

int net_sysctl_get(const char *ifname, enum net_sysctl key, int *value, struct esx_err *err)
{
	const struct sysctl_def *def = find_def(key);

	if (!def)
		return unknown_key(key, err);
	return read_value(ifname, def, value, err);
}

int net_sysctl_set(const char *ifname, enum net_sysctl key, int value, int *old,
		   struct esx_err *err)
{
	const struct sysctl_def *def = find_def(key);
	int before, ret;

	if (!def)
		return unknown_key(key, err);
	if (value < def->min || value > def->max)
		return err_set(err, EINVAL, "Invalid value %d for %s: expected %d..%d", value,
			       def->name, def->min, def->max);
	ret = read_value(ifname, def, &before, err);
	if (ret < 0)
		return ret;
	if (old)
		*old = before;
	if (before == value)
		return 0;
	return write_value(ifname, def, value, err);
}

int net_sysctl_effective(const char *ifname, enum net_sysctl key, int *value,
			 struct esx_err *err)
{
	const struct sysctl_def *def = find_def(key);
	int own, all, ret;

	if (!def)
		return unknown_key(key, err);
	ret = read_value(ifname, def, &own, err);
	if (ret < 0)
		return ret;
	if (!def->max_with_all) {
		*value = own;
		return 0;
	}
	ret = read_value("all", def, &all, err);
	if (ret < 0)
		return ret;
	*value = own > all ? own : all;
	return 0;
}

int net_sysctl_all_defeats(enum net_sysctl key, int wanted, int *all, struct esx_err *err)
{
	const struct sysctl_def *def = find_def(key);
	int value, ret;

	if (!def)
		return unknown_key(key, err);
	ret = read_value("all", def, &value, err);
	if (ret < 0)
		return ret;
	if (all)
		*all = value;
	return def->max_with_all && value > wanted ? 1 : 0;
}
