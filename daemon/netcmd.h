/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the network namespaces that change the model share: reaching the
 * committed model, starting a change on a copy of it, the kernel backend
 * when a check needs it, list fields, and completers of model names.
 */
#ifndef ESXD_NETCMD_H
#define ESXD_NETCMD_H

#include <stddef.h>

#include "command.h"
#include "model.h"

struct esx_net;

/* The committed model, or an error when the daemon has none loaded. */
int netcmd_model(struct esx_call *call, const struct model **out);
/* A copy of the committed model to change and hand to model_apply(). */
int netcmd_begin(struct esx_call *call, struct model *next);
/* Abandon a change: free next, return ret (a handler's one-line exit). */
int netcmd_abandon(struct model *next, int ret);
/* The kernel backend, or an error saying it is unavailable. */
int netcmd_need_net(struct esx_call *call, struct esx_net **out);

/* A list field from a string vector (an empty list is valid). */
void netcmd_rec_list(struct esx_record *rec, const char *field, const struct esx_strv *items);
/* "a, b, c" into buf (cut with "..." when too long); returns buf. */
const char *netcmd_join(const struct esx_strv *items, char *buf, size_t len);

/* Completers of names the model has. */
int netcmd_complete_vswitch(struct esxd *d, const char *prefix, struct esx_strv *out);
int netcmd_complete_portgroup(struct esxd *d, const char *prefix, struct esx_strv *out);
int netcmd_complete_vmk(struct esxd *d, const char *prefix, struct esx_strv *out);

#endif
