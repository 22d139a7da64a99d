/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * iSCSI names (RFC 3720 §3.2.6, RFC 3980): checking an initiator or target
 * name given by a client before it reaches a file or an iscsiadm argument
 * list, checking an initiator alias, and making a fresh initiator name.
 * Pure: no I/O.
 */
#ifndef ESXD_IQN_H
#define ESXD_IQN_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 3720: an iSCSI name is at most 223 bytes. */
#define ISCSI_NAME_MAX 224      /* with its NUL */
#define ISCSI_ALIAS_MAX 256     /* with its NUL */

/* NULL when name is a valid iSCSI name, else why not (a constant phrase
 * that fits "Invalid iSCSI name '%s': %s"). Accepted:
 *   iqn.YYYY-MM.reversed.domain[:anything]  (letters, digits, '-', '.', ':')
 *   eui.<16 hex digits>
 *   naa.<16 or 32 hex digits>
 * Upper-case letters are accepted (ESXi's own default names carry the host
 * name as it is; RFC 3722 compares names without case). */
const char *iqn_invalid_reason(const char *name);
bool iqn_valid(const char *name);

/* NULL when alias is a valid initiator alias, else why not: printable ASCII
 * without spaces (open-iscsi cuts InitiatorAlias at the first blank), at
 * most ISCSI_ALIAS_MAX - 1 bytes. "" is valid: no alias. */
const char *iqn_alias_invalid_reason(const char *alias);

/* The name open-iscsi's iscsi-iname would make on Debian:
 * "iqn.2005-03.org.open-iscsi:" followed by the 6 random bytes in hex
 * (12 digits). out must hold ISCSI_NAME_MAX bytes. */
void iqn_generate(const unsigned char random[6], char *out, size_t len);

#endif
