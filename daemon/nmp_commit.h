/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Committing a change of the NMP settings (`storage nmp ...`) all or
 * nothing, store and dm-multipath alike: the drop-in rendered from the new
 * settings replaces the file when its text differs, then the store is
 * committed; a failed commit puts the old file back. Only a drop-in whose
 * text really changed makes multipathd reconfigure (repeated reconfigures
 * cause uevent storms), and the command ends once it has.
 */
#ifndef ESXD_NMP_COMMIT_H
#define ESXD_NMP_COMMIT_H

struct esx_call;
struct model;

/* Takes *next (model_apply's rules). Returns 0 (done), ESX_PENDING (ends
 * in call_finish() once multipathd has reconfigured), or a negative errno
 * with call->err set and nothing changed. A multipathd that is not running
 * is not an error: the reply says the settings apply when it starts. */
int nmp_commit(struct esx_call *call, struct model *next);

#endif
