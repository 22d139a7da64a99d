/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's names for Linux's storage objects, derived from facts alone (pure):
 * a device's id from its WWID, a path's runtime name vmhba64:C<c>:T<t>:L<l>
 * and its UID.
 *
 * Rules (written down here because commands and tests rely on them):
 * - Device id. multipathd's WWID (udev's ID_SERIAL, scsi_id's format) starts
 *   with the Device Identification designator type: '3' NAA, '2' EUI-64,
 *   '1' T10 vendor id, '8' SCSI name string. It becomes "naa.<hex>",
 *   "eui.<hex>", "t10.<text, spaces as '_'>" and, for '8', the name itself
 *   ("naa.x" / "eui.x" as given, anything else as-is). Hex is lower case.
 *   A WWID already in the kernel's `wwid` form (naa./eui./t10.) is kept.
 *   Anything else (no VPD page 83h: scsi_id's serial fallback) becomes
 *   "mpx.<wwid>", ESXi's prefix for devices without a unique id.
 * - Channel: the index of the session's iface among the adapter's bound
 *   vmks in binding order (C0 is the first bound vmk). A session through
 *   an unbound iface (open-iscsi's "default" without bindings) gets the
 *   channel after the last binding, so C0 when nothing is bound and never
 *   one that a bound vmk uses.
 * - Target: ESXi's target is an IQN reached at one portal group, so each
 *   distinct (target IQN, portal) pair gets a number: 0, 1, ... in order
 *   of IQN then portal (strcmp). Stable while the set of targets stays.
 * - LUN: the kernel's, the last field of H:C:T:L.
 * - Path UID: "<initiator iqn>-<isid>,<target iqn>,t,<tpgt>-<device id>"
 *   (ESXCLI.md §5.3), isid as iscsi_state_isid() spells it.
 */
#ifndef ESXD_NMP_NAMES_H
#define ESXD_NMP_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsi_paths.h"
#include "strv.h"

#define NMP_DEVICE_ID_MAX ISCSI_PATH_DEVICE_MAX
#define NMP_RUNTIME_MAX 64
#define NMP_UID_MAX (2 * ISCSI_NAME_MAX + NMP_DEVICE_ID_MAX + 32)

/* ESXi's device id for a WWID. 0, or -EINVAL (empty) / -ENAMETOOLONG. */
int nmp_device_id(const char *wwid, char *out, size_t len);

/* "vmhba64:C1:T0:L3". 0 or -ENAMETOOLONG. */
int nmp_runtime_name(const char *adapter, unsigned channel, unsigned target,
		     unsigned long long lun, char *out, size_t len);
/* The reverse, for -p arguments: false when name is not one. */
bool nmp_runtime_parse(const char *name, char *adapter, size_t adapter_len,
		       unsigned *channel, unsigned *target, unsigned long long *lun);

/* The channel of a session through iface, given the adapter's bound vmks
 * in binding order. */
unsigned nmp_channel(const struct esx_strv *bindings, const char *iface);

/* The LUN in "H:C:T:L"; false when hctl is not one. */
bool nmp_hctl_lun(const char *hctl, unsigned long long *lun);

/* Each path's target number (see above) into targets[i]. 0 or -ENOMEM. */
int nmp_target_numbers(const struct iscsi_path *paths, size_t n, unsigned *targets);

/* The path UID. 0 or -ENAMETOOLONG. */
int nmp_path_uid(const char *initiator, const char *isid, const char *target, int tpgt,
		 const char *device_id, char *out, size_t len);

#endif
