/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registry of every esxcli namespace file's command and namespace tables.
 * Adding a namespace file means adding its two tables here and in commands.c.
 */
#ifndef ESXD_COMMANDS_H
#define ESXD_COMMANDS_H

#include "command.h"

/* Each namespace file (ns_*.c) exports a command table and a namespace table,
 * both terminated by an all-zero entry. */
extern const struct esx_command esxcli_commands[];
extern const struct esx_namespace esxcli_namespaces[];
extern const struct esx_command network_nic_commands[];
extern const struct esx_namespace network_nic_namespaces[];
extern const struct esx_command network_vswitch_commands[];
extern const struct esx_namespace network_vswitch_namespaces[];
extern const struct esx_command network_ip_commands[];
extern const struct esx_namespace network_ip_namespaces[];
extern const struct esx_command network_neighbor_commands[];
extern const struct esx_namespace network_neighbor_namespaces[];
extern const struct esx_command network_diag_commands[];
extern const struct esx_namespace network_diag_namespaces[];
extern const struct esx_command system_commands[];
extern const struct esx_namespace system_namespaces[];
extern const struct esx_command iscsi_software_commands[];
extern const struct esx_namespace iscsi_software_namespaces[];
extern const struct esx_command iscsi_adapter_commands[];
extern const struct esx_namespace iscsi_adapter_namespaces[];
extern const struct esx_command iscsi_discovery_commands[];
extern const struct esx_namespace iscsi_discovery_namespaces[];
extern const struct esx_command iscsi_networkportal_commands[];
extern const struct esx_namespace iscsi_networkportal_namespaces[];
extern const struct esx_command iscsi_session_commands[];
extern const struct esx_namespace iscsi_session_namespaces[];
extern const struct esx_command iscsi_param_commands[];
extern const struct esx_namespace iscsi_param_namespaces[];
extern const struct esx_command iscsi_chap_commands[];
extern const struct esx_namespace iscsi_chap_namespaces[];
extern const struct esx_command storage_nmp_commands[];
extern const struct esx_namespace storage_nmp_namespaces[];
extern const struct esx_command storage_paths_commands[];
extern const struct esx_namespace storage_paths_namespaces[];
extern const struct esx_command storage_device_commands[];
/* Completers of SATP and PSP names (ns_storage_nmp.c). */
int nmp_complete_satp(struct esxd *d, const char *prefix, struct esx_strv *out);
int nmp_complete_psp(struct esxd *d, const char *prefix, struct esx_strv *out);
extern const struct esx_namespace storage_device_namespaces[];
extern const struct esx_command storage_path_set_commands[];

struct esx_command_set {
	const struct esx_command *commands;
	const struct esx_namespace *namespaces;
};

/* All tables, terminated by {NULL, NULL}. */
extern const struct esx_command_set esx_command_sets[];

#endif
