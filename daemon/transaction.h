/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Changing the desired network state all or nothing: the new model is
 * realised in the kernel (reconcile), then committed to the store; if either
 * step fails, the kernel is reconciled back to the old model and the store
 * keeps the old document.
 */
#ifndef ESXD_TRANSACTION_H
#define ESXD_TRANSACTION_H

#include "errors.h"
#include "model.h"

struct esxd;

/* The committed model (never NULL once the daemon has started). */
const struct model *model_current(const struct esxd *d);

/* Make Linux match *next and commit it. Takes ownership of *next's contents
 * on every path (they become current, or are freed). */
int model_apply(struct esxd *d, struct model *next, struct esx_err *err);

/* Load the model from the store at start-up. */
int model_init(struct esxd *d, struct esx_err *err);
void model_exit(struct esxd *d);

#endif
