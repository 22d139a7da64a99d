/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Linux topology port-binding compliance is judged against. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsi_topology.h"
#include "net_link.h"

/* Add name to the snapshot once. */
static int want(struct topology *t, size_t *cap, const char *name)
{
	struct topo_uplink *list = (struct topo_uplink *)t->uplinks;

	if (!name[0])
		return 0;
	for (size_t i = 0; i < t->nuplinks; i++) {
		if (strcmp(list[i].name, name) == 0)
			return 0;
	}
	if (t->nuplinks == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 8;
		struct topo_uplink *grown = realloc(list, grown_cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list = grown;
		t->uplinks = grown;
		*cap = grown_cap;
	}
	memset(&list[t->nuplinks], 0, sizeof(list[0]));
	snprintf(list[t->nuplinks].name, sizeof(list[0].name), "%s", name);
	t->nuplinks++;
	return 0;
}

int iscsi_topology_take(struct esx_net *net, const struct model *m, struct topology *t,
			struct esx_err *err)
{
	struct net_link *links = NULL;
	struct topo_uplink *list;
	size_t cap = 0, nlinks = 0;
	int ret = 0;

	t->uplinks = NULL;
	t->nuplinks = 0;
	for (size_t i = 0; ret == 0 && i < m->nvswitches; i++) {
		for (size_t u = 0; ret == 0 && u < m->vswitches[i].uplinks.len; u++)
			ret = want(t, &cap, m->vswitches[i].uplinks.items[u]);
	}
	for (size_t i = 0; ret == 0 && i < m->iscsi.nbindings; i++)
		ret = want(t, &cap, m->iscsi.bindings[i].uplink);
	if (ret < 0) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (!net) {
		ret = err_set(err, EHOSTDOWN,
			      "Unable to reach the kernel's network interfaces: netlink could not be opened when esxclid started");
		goto out;
	}
	ret = net_nic_list(net, &links, &nlinks, err);
	if (ret < 0)
		goto out;
	list = (struct topo_uplink *)t->uplinks;
	for (size_t i = 0; i < t->nuplinks; i++) {
		for (size_t l = 0; l < nlinks; l++) {
			if (strcmp(links[l].name, list[i].name) == 0) {
				list[i].exists = true;
				snprintf(list[i].kind, sizeof(list[i].kind), "%.15s", links[l].kind);
			}
			if (strcmp(links[l].master, list[i].name) == 0)
				list[i].members++;
		}
	}
out:
	free(links);
	if (ret < 0)
		iscsi_topology_free(t);
	return ret;
}

void iscsi_topology_free(struct topology *t)
{
	free((void *)t->uplinks);
	t->uplinks = NULL;
	t->nuplinks = 0;
}

int iscsi_compliance_now(struct esx_net *net, const struct model *m, const char *adapter,
			 const char *vmk, const char *bound_uplink, struct compliance *out,
			 struct esx_err *err)
{
	struct topology t;
	int ret = iscsi_topology_take(net, m, &t, err);

	if (ret < 0)
		return ret;
	compliance_check(m, &t, adapter, vmk, bound_uplink, out);
	iscsi_topology_free(&t);
	return 0;
}

const char *iscsi_compliance_word(const struct compliance *c)
{
	return c->fault == COMPLIANT ? "compliant" : "non-compliant";
}

/* A number from /sys/class/net/IF/WHAT; 0 when unreadable. */
static uint64_t sysfs_number(const char *ifname, const char *what, bool *found)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (found)
		*found = true;
	return strtoull(buf, NULL, 10);
}

void iscsi_vmk_facts(const char *vmk, struct iscsi_vmk_facts *out)
{
	memset(out, 0, sizeof(*out));
	out->mtu = (unsigned)sysfs_number(vmk, "mtu", &out->exists);
	if (!out->exists)
		return;
	out->carrier = sysfs_number(vmk, "carrier", NULL) == 1;
	out->rx_packets = sysfs_number(vmk, "statistics/rx_packets", NULL);
	out->tx_packets = sysfs_number(vmk, "statistics/tx_packets", NULL);
}
