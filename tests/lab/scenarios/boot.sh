#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab itself works: Debian's kernel with the storage modules, the NICs
# with carrier, the array (tgtd) with its targets and LUNs (the CHAP one
# hidden from 10.10.1.0/24), udevd, iscsid and
# multipathd answering, SendTargets discovery through a NIC, and the freshly
# built esxclid and esxcli seeing the NICs.

. "$(dirname "$0")/../lib.sh"

for module in iscsi_tcp dm_multipath dm_round_robin macvlan bonding 8021q sch_tbf crc32c_generic; do
	check "module $module is loaded" grep -q "^$module " /proc/modules
done

while read -r nic; do
	check "$nic exists" test -d "/sys/class/net/$nic"
	check "$nic has carrier" lab_nic_carrier "$nic"
done < <(lab_nics)

targets=$(lab_tgtadm --op show --mode target)
check_contains "the array exports $LAB_TARGET1" "Target 1: $LAB_TARGET1" "$targets"
check_contains "the array exports $LAB_TARGET2" "Target 2: $LAB_TARGET2" "$targets"
check_contains "the array exports $LAB_TARGET3" "Target 3: $LAB_TARGET3" "$targets"
check_eq "four data LUNs" 4 "$(grep -c 'Type: disk' <<<"$targets")"
check_contains "$LAB_TARGET3 requires CHAP as $LAB_CHAP_USER" "$LAB_CHAP_USER" \
	"$(sed -n '/^Target 3:/,/^Target 4:/p' <<<"$targets" | sed -n '/Account information:/,/ACL information:/p')"

check "udevd answers" udevadm control --ping
check "multipathd answers" multipathd show daemon
rc=0
out=$(iscsiadm -m session 2>&1) || rc=$?
check_eq "iscsid answers, no session yet (iscsiadm exit 21)" 21 "$rc"

# The array is reachable from an address on a NIC (the NIC as a plain host
# interface, for this check only).
ip addr add 10.10.1.50/24 dev vmnic1
check "ping $LAB_PORTAL1 from vmnic1" ping -c 1 -W 5 -I vmnic1 "$LAB_PORTAL1"
out=$(iscsiadm -m discovery -t sendtargets -p "$LAB_PORTAL1" -o nonpersistent 2>&1)
check_contains "SendTargets discovery lists $LAB_TARGET1" "$LAB_PORTAL1:3260,1 $LAB_TARGET1" "$out"
check_contains "SendTargets discovery lists $LAB_TARGET2" "$LAB_PORTAL1:3260,1 $LAB_TARGET2" "$out"
check_not_contains "... not $LAB_TARGET3 (only 10.10.3.0/24 sees it)" "$LAB_TARGET3" "$out"
check_eq "nonpersistent discovery wrote no node record" "" "$(ls /etc/iscsi/nodes)"
ip addr del 10.10.1.50/24 dev vmnic1

# The project's own programs, freshly built, run here.
lab_start_daemon
out=$(esx network nic list 2>&1)
while read -r nic; do
	check_contains "esxcli network nic list shows $nic" "$nic" "$out"
done < <(lab_nics)

finish
