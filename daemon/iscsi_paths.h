/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The software adapter's storage paths as ESXi counts them: one path per
 * SCSI device (LUN) of every iSCSI session, read from sysfs; and two pure
 * functions over such a list: a bound vmk's Path Status (notUsed, active,
 * lastActive) and the impact of taking a set of vmks away (which device
 * loses how many paths, which one its last), with the text a refusal
 * shows.
 */
#ifndef ESXD_ISCSI_PATHS_H
#define ESXD_ISCSI_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iqn.h"
#include "iscsi_state.h"
#include "strv.h"

#define ISCSI_PATHS_SYSFS "/sys"
#define ISCSI_PATH_DEVICE_MAX 256      /* naa.<32 hex>, t10.<vendor model serial>... */
#define ISCSI_PATH_PORTAL_MAX (ISCSI_STATE_ADDR_MAX + 8)
#define ISCSI_PATH_HCTL_MAX 48
#define ISCSI_PATH_BLOCK_MAX 32

struct iscsi_path {
	unsigned sid;                           /* the session: /sys/class/iscsi_session/sessionN */
	char iface[ISCSI_STATE_IFACE_MAX];      /* open-iscsi's iface: the vmk, or "default" */
	char target[ISCSI_NAME_MAX];
	char portal[ISCSI_PATH_PORTAL_MAX];     /* "10.0.0.1:3260", "[fd00::1]:3260"; "" unknown */
	char hctl[ISCSI_PATH_HCTL_MAX];         /* "2:0:0:1" */
	char block[ISCSI_PATH_BLOCK_MAX];       /* "sdb" */
	char device[ISCSI_PATH_DEVICE_MAX];     /* the LUN's identity, shared by its paths */
	char session_state[32];                 /* LOGGED_IN, FAILED, FREE */
	char scsi_state[32];                    /* running, blocked, offline, transport-offline */
	bool working;                           /* logged in and running */
	char vendor[32], model[32];             /* INQUIRY's, without their padding */
};

/* Every path under the sysfs tree at root ("/sys", or a test's fake tree):
 * each SCSI device with a block device under each iSCSI session. The
 * device's identity is its `wwid` attribute, else the best designator of
 * its `vpd_pg83`, else t10.VENDOR_MODEL_SERIAL from vendor, model and
 * `vpd_pg80`, else the block device's name. *out is allocated (free() it);
 * no session, or no iSCSI in the kernel, is no path and not an error. */
int iscsi_paths_read(const char *root, struct iscsi_path **out, size_t *count,
		     struct esx_err *err);

/* The device identity the way the kernel's `wwid` attribute spells it, from
 * the raw Device Identification VPD page (83h): naa./eui./t10. or a SCSI
 * name string; false when the page has no usable LUN designator. */
bool iscsi_paths_vpd83_id(const unsigned char *page, size_t len, char *out, size_t outlen);

/* ESXi's IscsiPortInfoPathStatus, without standBy (that needs the
 * multipath layer's path groups). */
enum iscsi_path_status {
	ISCSI_PATH_STATUS_NOT_USED,     /* no working path goes through the vmk */
	ISCSI_PATH_STATUS_ACTIVE,       /* working paths go through it */
	ISCSI_PATH_STATUS_LAST_ACTIVE,  /* ...the last working one of some device among them */
};

enum iscsi_path_status iscsi_path_status(const struct iscsi_path *paths, size_t n,
					 const char *vmk);
/* ESXi's API spelling: "notUsed", "active", "lastActive". */
const char *iscsi_path_status_name(enum iscsi_path_status status);

/* What one device would lose. */
struct iscsi_device_impact {
	char device[ISCSI_PATH_DEVICE_MAX];
	char blocks[160];        /* its block devices, "sdb, sdd" */
	unsigned paths;          /* all it has now */
	unsigned lost;           /* those through the vmks that go away */
	unsigned working;        /* working now */
	unsigned working_left;   /* working after */
	bool last;               /* it has a working path now and none after */
};

enum iscsi_impact_severity {
	ISCSI_IMPACT_NONE,       /* no path goes away */
	ISCSI_IMPACT_IMPORTANT,  /* paths go away, every device keeps a working one */
	ISCSI_IMPACT_CRITICAL,   /* some device loses its last working path */
};

struct iscsi_impact {
	struct iscsi_device_impact *devices;  /* only those that lose paths; the
					       * critical first, then by name */
	size_t ndevices;
	unsigned lost;                        /* paths lost in all */
	enum iscsi_impact_severity severity;
};

/* The impact of taking away every path through the vmks named in gone.
 * 0 or -ENOMEM; free out with iscsi_impact_free(). */
int iscsi_impact(const struct iscsi_path *paths, size_t n, const struct esx_strv *gone,
		 struct iscsi_impact *out);
void iscsi_impact_free(struct iscsi_impact *im);
/* One paragraph: "Impact: device naa.6... (sdb, sdd) loses 1 of 2 paths;
 * device naa.6... (sdc) loses its last path and becomes inaccessible." or
 * "No impact on storage paths." Devices that do not fit in len are
 * summed up at the end ("... and 3 more devices lose paths"). Returns out. */
const char *iscsi_impact_text(const struct iscsi_impact *im, char *out, size_t len);

#endif
