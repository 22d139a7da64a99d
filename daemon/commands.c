/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The registry of every namespace file's tables. */
#include "config.h"

#include "commands.h"

const struct esx_command_set esx_command_sets[] = {
	{ esxcli_commands, esxcli_namespaces },
	{ network_nic_commands, network_nic_namespaces },
	{ network_vswitch_commands, network_vswitch_namespaces },
	{ network_ip_commands, network_ip_namespaces },
	{ network_neighbor_commands, network_neighbor_namespaces },
	{ network_diag_commands, network_diag_namespaces },
	{ system_commands, system_namespaces },
	{ iscsi_software_commands, iscsi_software_namespaces },
	{ iscsi_adapter_commands, iscsi_adapter_namespaces },
	{ iscsi_discovery_commands, iscsi_discovery_namespaces },
	{ iscsi_networkportal_commands, iscsi_networkportal_namespaces },
	{ iscsi_session_commands, iscsi_session_namespaces },
	{ iscsi_param_commands, iscsi_param_namespaces },
	{ iscsi_chap_commands, iscsi_chap_namespaces },
	{ storage_nmp_commands, storage_nmp_namespaces },
	{ storage_paths_commands, storage_paths_namespaces },
	{ storage_device_commands, storage_device_namespaces },
	{ storage_path_set_commands, NULL },
	{ NULL, NULL },
};
