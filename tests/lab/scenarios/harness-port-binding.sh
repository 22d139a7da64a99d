#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ESXi-style iSCSI port binding done by hand, to prove the lab carries the
# real thing end to end: two vmks (macvlans on vmnic1 and vmnic2, one subnet)
# with per-vmk ARP settings, routing tables and rules; open-iscsi ifaces bound
# to them; SendTargets discovery and logins through both; one dm-multipath map
# per LUN with a path through each NIC, Round Robin; reads that split between
# the NICs; and I/O that survives a pulled cable. What esxclid will do later
# (network ip interface add, iscsi networkportal add...) is spelled out here
# with ip, sysctl and iscsiadm.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

SUBNET=10.10.1
PORTAL=$LAB_PORTAL1:3260
TARGET=$LAB_TARGET1
VMKS=(vmk1 vmk2)

vmk_addr() { echo "$SUBNET.1${1#vmk}"; }
vmk_mac() { echo "02:00:00:00:0a:0${1#vmk}"; }

# ---- vmks: a macvlan per NIC, its own table, rule and ARP behaviour --------
for vmk in "${VMKS[@]}"; do
	nic=vmnic${vmk#vmk}
	addr=$(vmk_addr "$vmk")
	table=$((100 + ${vmk#vmk}))
	# Only the vmk answers ARP for its address, from its own MAC (see
	# PITFALLS.md): on the uplink as well as on the vmk.
	ip link add "$vmk" link "$nic" address "$(vmk_mac "$vmk")" type macvlan mode bridge
	for dev in "$nic" "$vmk"; do
		sysctl -q -w "net.ipv4.conf.$dev.arp_ignore=1" \
			"net.ipv4.conf.$dev.arp_announce=2" "net.ipv4.conf.$dev.rp_filter=2"
	done
	ip addr add "$addr/24" dev "$vmk"
	ip link set "$vmk" up
	ip route add "$SUBNET.0/24" dev "$vmk" src "$addr" table "$table"
	ip rule add from "$addr" lookup "$table" pref $((1000 + ${vmk#vmk}))
	check "$vmk is a macvlan on $nic" sh -c "ip -d link show $vmk | grep -q 'macvlan mode bridge' &&
		ip link show $vmk | grep -q '$vmk@$nic'"
	check_contains "table $table routes the subnet through $vmk" "dev $vmk" \
		"$(ip route show table "$table")"
	check_contains "a rule sends $addr to table $table" "from $addr lookup $table" "$(ip rule show)"
	check "ping the portal from $vmk" ping -c 1 -W 5 -I "$vmk" "$LAB_PORTAL1"
done
# The array learnt each address with the MAC of its own vmk, not an uplink's
# or the other vmk's: each binding's traffic comes back on its own NIC.
for vmk in "${VMKS[@]}"; do
	check_contains "the array resolves $(vmk_addr "$vmk") to $vmk's MAC" \
		"lladdr $(vmk_mac "$vmk")" "$(ip -n "$LAB_NS" neigh show "$(vmk_addr "$vmk")")"
done

# ---- open-iscsi: one iface per vmk, bound by net_ifacename ----------------
for vmk in "${VMKS[@]}"; do
	iscsiadm -m iface -I "$vmk" -o new >/dev/null
	iscsiadm -m iface -I "$vmk" -o update -n iface.net_ifacename -v "$vmk" >/dev/null
	check_contains "iface $vmk is bound to netdev $vmk" "iface.net_ifacename = $vmk" \
		"$(iscsiadm -m iface -I "$vmk")"
done

out=$(iscsiadm -m discovery -t sendtargets -p "$LAB_PORTAL1" -I vmk1 -I vmk2 -o new 2>&1)
check_contains "SendTargets discovery finds $TARGET" "$PORTAL,1 $TARGET" "$out"
for vmk in "${VMKS[@]}"; do
	check "a node record for $TARGET through $vmk" \
		iscsiadm -m node -T "$TARGET" -p "$PORTAL" -I "$vmk"
done

for vmk in "${VMKS[@]}"; do
	check "login to $TARGET through $vmk" \
		timeout 60 iscsiadm -m node -T "$TARGET" -p "$PORTAL" -I "$vmk" --login
	check_eq "one session through $vmk" 1 "$(lab_sessions_via "$vmk")"
done
sessions=$(iscsiadm -m session -P 1)
for vmk in "${VMKS[@]}"; do
	check_contains "the $vmk session's source address is $(vmk_addr "$vmk")" \
		"Iface IPaddress: $(vmk_addr "$vmk")" "$sessions"
done
peers=$(ip netns exec "$LAB_NS" ss -Htn state established '( sport = :3260 )')
for vmk in "${VMKS[@]}"; do
	check_contains "the array has a connection from $(vmk_addr "$vmk")" \
		"$(vmk_addr "$vmk"):" "$peers"
done

# ---- dm-multipath: both paths in one group, Round Robin, one I/O each -----
lab_mpath_round_robin
two_active_paths() {
	[ "$(lab_mpath_paths | awk -v lun="$1" '$2 == lun && $4 == "active" && $5 == "ready"' | wc -l)" -eq 2 ]
}
check "LUN 1 has a map with two active paths" lab_wait_for 60 two_active_paths 1
check "LUN 2 has a map with two active paths" lab_wait_for 60 two_active_paths 2
map=$(lab_mpath_map 1)
paths=$(lab_mpath_paths)
for vmk in "${VMKS[@]}"; do
	check_contains "LUN 1 has a path from $(vmk_addr "$vmk")" \
		"$map 1 " "$(grep " $(vmk_addr "$vmk")\$" <<<"$paths")"
done
table=$(dmsetup table "$map")
check_contains "the map is one group of two paths, Round Robin, one I/O each" \
	"multipath 0 0 1 1 round-robin 0 2 1 " "$table"
check_eq "the map is 512 MiB" $((512 * 1024 * 1024)) "$(blockdev --getsize64 "/dev/mapper/$map")"

# ---- reads split between the NICs ----------------------------------------
# The NICs are the bottleneck (200 Mbit/s each, well below what the guest's
# CPU can move) and four readers keep four I/Os in flight.
for nic in vmnic1 vmnic2; do
	lab_shape "$nic" 200mbit
done
rx1=$(lab_nic_bytes vmnic1 rx)
rx2=$(lab_nic_bytes vmnic2 rx)
started=$(date +%s%N)
readers=()
for k in 0 1 2 3; do
	dd if="/dev/mapper/$map" of=/dev/null bs=1M count=25 skip=$((k * 25)) \
		iflag=direct status=none &
	readers+=($!)
done
read_ok=true
for pid in "${readers[@]}"; do
	wait "$pid" || read_ok=false
done
ms=$((($(date +%s%N) - started) / 1000000))
d1=$(($(lab_nic_bytes vmnic1 rx) - rx1))
d2=$(($(lab_nic_bytes vmnic2 rx) - rx2))
check_eq "four readers read 100 MiB through the map" true "$read_ok"
check "the NICs carried at least 100 MiB" test $((d1 + d2)) -ge $((100 * 1024 * 1024))
lab_check_share "vmnic1 carried about half of the reads" "$d1" $((d1 + d2)) 35 65
lab_check_share "vmnic2 carried about half of the reads" "$d2" $((d1 + d2)) 35 65
echo "# 100 MiB in $ms ms over two shaped NICs: vmnic1 $((d1 / 1048576)) MiB, vmnic2 $((d2 / 1048576)) MiB"

# ---- a pulled cable: the map goes on over the other NIC -------------------
# The path's SCSI disk, found while its session still tells its address.
vmk2_dev=$(lab_mpath_paths | awk -v src="$(vmk_addr vmk2)" '$2 == 1 && $6 == src { print $3 }')
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
lab_nic_up vmnic2
check "the path through vmk2 comes back" lab_wait_for 90 two_active_paths 1
check "the vmk2 session is logged in again" lab_wait_for 30 sh -c \
	"iscsiadm -m session -P 1 | grep -A 12 'Iface Name: vmk2' | grep -q 'Connection State: LOGGED IN'"

finish
