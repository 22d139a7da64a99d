/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The multipath configuration drop-in esxclid owns under
 * /etc/multipath/conf.d/: SATP rules as `devices` entries, device PSP
 * settings as `multipaths` entries, and for every iSCSI array behind the
 * software adapter an entry that keeps multipathd's fast_io_fail_tmo off
 * the sessions' recovery_tmo (RecoveryTimeout owns it: the node records'
 * replacement_timeout). Rendering is pure (NMP configuration
 * in, text out); writing and comparing the file is in mpath_dropin.h.
 */
#ifndef ESXD_MPATH_CONF_H
#define ESXD_MPATH_CONF_H

#include <stddef.h>

#include "errors.h"
#include "nmp_model.h"

/* A literal string as an anchored POSIX extended regular expression:
 * "^" + every metacharacter backslash-escaped + "$". -ENAMETOOLONG when
 * out (size bytes) is too small. */
int mpath_regex_literal(const char *literal, char *out, size_t size);

/* An array: the INQUIRY vendor and product of a SCSI disk, padding cut. */
struct mpath_array {
	char vendor[NMP_VENDOR_MAX];
	char model[NMP_MODEL_MAX];
};

/* The drop-in's whole text for c: a header comment, the system rules that
 * name a vendor or model, then c's user rules (later entries win in
 * multipath-tools, so user rules beat system ones), then one entry per
 * array with `fast_io_fail_tmo off` (a rule entry for exactly that vendor
 * and model carries the line itself: multipath warns about two entries
 * with the same strings), then one multipaths entry per device with a PSP
 * of its own. Same input, same bytes. *out is malloc'd. 0, -EINVAL (a
 * value that fails the nmp_check_* rules) or -ENOMEM, with err set. */
int mpath_conf_render(const struct nmp_config *c, const struct mpath_array *arrays,
		      size_t narrays, char **out, struct esx_err *err);

#endif
