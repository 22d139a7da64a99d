#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# iSCSI port binding with the project's own daemon: esxclid makes two vmks on
# two NICs from real esxcli commands (vSwitch1 with vmnic1 and vmnic2, a
# portgroup per vmk with one active uplink and no standby, vmk1 and vmk2 in
# one subnet), and the kernel state is checked: macvlans on the right
# uplinks, addresses, a table and a rule per vmk (protocol 222), ARP
# sysctls. Then port binding with esxcli: vmk1 and vmk2 bound to the software
# adapter (iface records bound to the vmks), a sendtarget and a rescan that
# logs in through both, one multipath map per LUN with a path through each
# NIC, Round Robin, and reads split between vmnic1 and vmnic2. A pulled cable: vmk2 stays on vmnic2 (its only
# uplink: a bound vmk must not fail over), reads go on over vmnic1, and the
# path comes back with the cable.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

SUBNET=10.10.1
PORTAL=$LAB_PORTAL1:3260
TARGET=$LAB_TARGET1
VMKS=(vmk1 vmk2)

vmk_addr() { echo "$SUBNET.1${1#vmk}"; }
vmk_nic() { echo "vmnic${1#vmk}"; }
vmk_pg() { echo "iSCSI-${1#vmk}"; }

lab_start_daemon

# ---- the network, with esxcli ---------------------------------------------
check "esxcli: vSwitch1" esx network vswitch standard add -v vSwitch1
for nic in vmnic1 vmnic2; do
	check "esxcli: uplink $nic on vSwitch1" esx network vswitch standard uplink add -u "$nic" -v vSwitch1
done
for vmk in "${VMKS[@]}"; do
	pg=$(vmk_pg "$vmk")
	nic=$(vmk_nic "$vmk")
	check "esxcli: portgroup $pg" esx network vswitch standard portgroup add -p "$pg" -v vSwitch1
	# Port binding's shape: exactly one active uplink, no standby.
	check "esxcli: $pg active $nic only, no standby" \
		esx network vswitch standard portgroup policy failover set -p "$pg" -a "$nic" -s ""
	check_eq "$pg: Active Adapters: $nic" "$nic" \
		"$(lab_esx_field "Active Adapters" network vswitch standard portgroup policy failover get -p "$pg")"
	out=$(esx network vswitch standard portgroup policy failover get -p "$pg" 2>&1)
	check "$pg: no Standby Adapters" grep -qE '^ *Standby Adapters: ?$' <<<"$out"
	check "$pg: the other NIC is unused" grep -qE '^ *Unused Adapters: vmnic[12]$' <<<"$out"
	check "esxcli: $vmk on $pg" esx network ip interface add -i "$vmk" -p "$pg"
	check "esxcli: $vmk is $(vmk_addr "$vmk")/24" esx network ip interface ipv4 set -i "$vmk" \
		-t static -I "$(vmk_addr "$vmk")" -N 255.255.255.0
done

# ---- what esxclid made in the kernel ----------------------------------------
for vmk in "${VMKS[@]}"; do
	nic=$(vmk_nic "$vmk")
	addr=$(vmk_addr "$vmk")
	table=$((10000 + ${vmk#vmk} - 1))
	prio=$((1000 + ${vmk#vmk} - 1))
	check_contains "$vmk is a macvlan in bridge mode" "macvlan mode bridge" "$(lab_link_details "$vmk")"
	check_eq "$vmk sits on $nic" "$nic" "$(lab_link_lower "$vmk")"
	check_eq "$vmk is tagged esxclid:vmk" "esxclid:vmk" "$(lab_link_alias "$vmk")"
	check_eq "$vmk's MAC is the one esxcli shows" \
		"$(lab_esx_field "MAC Address" network ip interface list -i "$vmk")" \
		"$(cat "/sys/class/net/$vmk/address")"
	check_contains "$vmk has $addr/24" "inet $addr/24 brd $SUBNET.255" \
		"$(ip -4 -o addr show dev "$vmk")"
	check_contains "table $table routes the subnet through $vmk (proto 222)" \
		"$SUBNET.0/24 dev $vmk proto 222 scope link src $addr" "$(ip route show table "$table")"
	check_contains "rule $prio: from $addr lookup $table (proto 222)" \
		"$prio:	from $addr lookup $table proto 222" "$(ip rule show)"
	lab_check_arp_sysctls "$vmk: arp_ignore, arp_announce, rp_filter" "$vmk"
	lab_check_arp_sysctls "$nic (carries $vmk): arp_ignore, arp_announce, rp_filter" "$nic"
	check "esxcli network diag ping from $vmk reaches $LAB_PORTAL1" lab_ping_vmk "$vmk" "$LAB_PORTAL1"
done
if [ "$LAB_NICS" -ge 3 ]; then
	check_eq "vmnic3 (no vmk) keeps its sysctls" \
		"$(grep -E '^net.ipv4.conf.vmnic3.(arp_ignore|arp_announce|rp_filter) ' "$LAB_RUN/sysctls" | sort)" \
		"$(sysctl net.ipv4.conf.vmnic3.arp_announce net.ipv4.conf.vmnic3.arp_ignore \
			net.ipv4.conf.vmnic3.rp_filter)"
fi
# The array learnt each address with its own vmk's MAC: replies to a vmk
# come back over its NIC.
for vmk in "${VMKS[@]}"; do
	check_contains "the array resolves $(vmk_addr "$vmk") to $vmk's MAC" \
		"lladdr $(cat "/sys/class/net/$vmk/address")" \
		"$(ip -n "$LAB_NS" neigh show "$(vmk_addr "$vmk")")"
done

# ---- port binding with esxcli ---------------------------------------------
lab_esx_each iscsi "software set --enabled true" \
	"networkportal add -A vmhba64 -n vmk1" \
	"networkportal add -A vmhba64 -n vmk2" \
	"adapter discovery sendtarget add -A vmhba64 -a $PORTAL"
for vmk in "${VMKS[@]}"; do
	check_contains "iface record $vmk is bound to netdev $vmk" "iface.net_ifacename = $vmk" \
		"$(iscsiadm -m iface -I "$vmk" 2>&1)"
done
# Discovery, then logins to array1 only: its LUNs are the ones followed below
# (array2 has a LUN 1 too).
check_eq "rediscovery starts" "Rediscovery started" \
	"$(esx iscsi adapter discovery rediscover -A vmhba64 2>&1)"
rediscovered() {
	esx iscsi adapter discovery status get -A vmhba64 | grep -q 'Discovery In Progress: false'
}
check "the rediscovery ends" lab_wait_for 60 rediscovered
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" iscsi session add -A vmhba64 -n "$TARGET" 2>&1)
check "session add logs in to $TARGET" test $? -eq 0
for vmk in "${VMKS[@]}"; do
	check_contains "... through $vmk" "Login to $TARGET at $PORTAL through $vmk: successful" "$out"
	check_eq "one session through $vmk" 1 "$(lab_sessions_via "$vmk")"
done
sessions=$(iscsiadm -m session -P 1)
for vmk in "${VMKS[@]}"; do
	check_contains "the $vmk session's source address is $(vmk_addr "$vmk")" \
		"Iface IPaddress: $(vmk_addr "$vmk")" "$sessions"
done

# ---- dm-multipath ----------------------------------------------------------
lab_mpath_round_robin
two_active_paths() { [ "$(lab_mpath_active_paths "$1")" -eq 2 ]; }
check "LUN 1: one map, two active paths" lab_wait_for 60 two_active_paths 1
check "LUN 2: one map, two active paths" lab_wait_for 60 two_active_paths 2
paths=$(lab_mpath_paths)
map=$(lab_mpath_map 1)
check_eq "LUN 1 has one map" 1 "$(awk '$2 == 1 { print $1 }' <<<"$paths" | sort -u | wc -l)"
for vmk in "${VMKS[@]}"; do
	check_contains "LUN 1 has a path from $vmk ($(vmk_addr "$vmk"))" \
		"$map 1 " "$(grep " $(vmk_addr "$vmk")\$" <<<"$paths")"
done
check_contains "the map is one group of two paths, Round Robin, one I/O each" \
	"multipath 0 0 1 1 round-robin 0 2 1 " "$(dmsetup table "$map")"

# ---- reads split between the NICs ------------------------------------------
lab_check_even_split "$map"

# ---- vmnic2's cable pulled ----------------------------------------------------
vmk2_dev=$(lab_mpath_paths | awk -v src="$(vmk_addr vmk2)" '$2 == 1 && $6 == src { print $3 }')
vmk2_index=$(lab_link_ifindex vmk2)
lab_nic_down vmnic2
check "vmnic2 lost carrier" lab_wait_for 5 sh -c '! grep -q 1 /sys/class/net/vmnic2/carrier'
rx2=$(lab_nic_bytes vmnic2 rx)
check "20 MiB read with vmnic2 unplugged" timeout 90 dd if="/dev/mapper/$map" of=/dev/null \
	bs=1M count=20 iflag=direct status=none
check "nothing came in over vmnic2 meanwhile" test $(($(lab_nic_bytes vmnic2 rx) - rx2)) -lt 65536
path_failed() {
	lab_mpath_paths | awk -v dev="$1" '$3 == dev && $4 == "failed"' | grep -q .
}
check "multipathd failed the path through vmk2 (${vmk2_dev:-none})" \
	lab_wait_for 30 path_failed "$vmk2_dev"
# iSCSI port binding relies on it: with no other uplink in its order, vmk2
# stays where it is, and vmk1 is not touched.
check_eq "vmk2 still sits on vmnic2" vmnic2 "$(lab_link_lower vmk2)"
check_eq "vmk1 still sits on vmnic1" vmnic1 "$(lab_link_lower vmk1)"
check_contains "esxclid saw the link go down" "vmnic2: link down" "$(cat "$DAEMON_LOG")"
lab_nic_up vmnic2
check "the path through vmk2 comes back" lab_wait_for 90 two_active_paths 1
check "the vmk2 session is logged in again" lab_wait_for 30 sh -c \
	"iscsiadm -m session -P 1 | grep -A 12 'Iface Name: vmk2' | grep -q 'Connection State: LOGGED IN'"
check_eq "vmk2 is the same link as before (not recreated)" "$vmk2_index" "$(lab_link_ifindex vmk2)"

finish
