# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the storage lab's scenarios (tests/lab/scenarios/*.sh), which run
# as root inside the guest with the lab already up (see topology.sh: NICs
# vmnic1..vmnicN, the array in netns "tgt", udevd, iscsid, multipathd).
#
# Source it first:  . "$(dirname "$0")/../lib.sh"
#
# From tests/net/lib.sh (the same checks as the namespace tests):
#   ok/fail/check/check_eq/check_contains/check_not_contains TEXT ...
#   wait_until TRIES CMD...        finish  ("N passed, N failed"; exit status)
#   skip TEXT                      exit 77
#   esx ARGS...                    the esxcli client against lab_start_daemon's
# From topology.sh (names and the network):
#   LAB_NICS LAB_NS LAB_PORTAL1 LAB_PORTAL2 LAB_TARGET1 LAB_TARGET2 ...
#   lab_nics                       vmnic1..vmnicN, one a line
#   lab_nic_down NIC / lab_nic_up NIC    pull / plug the NIC's cable
#   lab_nic_bytes NIC rx|tx        the NIC's byte counter
#   lab_shape NIC RATE / lab_unshape NIC  limit the array's sending to NIC
#   lab_wait_for SECONDS CMD...    retry CMD until it succeeds, or fail
#   lab_tgtadm ARGS...             tgtadm --lld iscsi inside the array
# Here:
#   lab_require_nics N             skip unless the lab has N NICs
#   lab_start_daemon [ARGS...]     esxclid on the default socket and state,
#                                  stopped when the scenario ends
#   lab_restart_daemon [ARGS...]   stop that esxclid (SIGTERM) and start it
#                                  again; it reconciles before it listens
#   lab_sessions_via IFACE         how many sessions go through iface IFACE
#   lab_mpath_paths                one line per path of every multipath map:
#                                  "MAP LUN DEV DM_STATE CHECKER_STATE SOURCE"
#                                  (SOURCE: the session's initiator address)
#   lab_mpath_map LUN              the name of the (first) map with a path
#                                  to LUN
#   lab_check_share TEXT PART TOTAL LOW HIGH
#                                  passes when LOW <= 100*PART/TOTAL <= HIGH
#   lab_link_lower LINK            the link LINK sits on (vmk1 -> vmnic1)
#   lab_link_alias LINK            its alias (esxclid:vmk, esxclid:vlan)
#   lab_link_ifindex LINK          its interface index
#   lab_link_details LINK          `ip -d link show` on one line
#   lab_vlan_id LINK               the 802.1Q ID of a VLAN link
#   lab_check_arp_sysctls TEXT IF  passes when IF has arp_ignore=1,
#                                  arp_announce=2, rp_filter=2 (esxclid's)
#   lab_esx_field FIELD ARGS...    the value of "FIELD: value" in the
#                                  output of esxcli ARGS
#   lab_ping_vmk VMK HOST          esxcli network diag ping, one echo;
#                                  0 when the reply came
#   lab_iface_bind IFACE NETDEV    an open-iscsi iface bound to NETDEV
#                                  (iface.net_ifacename)
#   lab_mpath_round_robin          the array's LUNs: one path group, Round
#                                  Robin, one I/O per path (a drop-in)
#   lab_mpath_active_paths LUN     how many paths to LUN are active/ready
#   lab_esx_each NS CMD...         esxcli NS CMD for each CMD (quotes in CMD
#                                  work); bails out at the first that fails
#   lab_pinned_vmks [IPV4_OPTS]    vSwitch1 on vmnic1+vmnic2, portgroups
#                                  iSCSI-1/-2 pinned to one uplink each, vmk1
#                                  10.10.1.11 and vmk2 10.10.1.12 (IPV4_OPTS
#                                  added to both, e.g. "-g GW"), both checked
#                                  to reach LAB_PORTAL1: the usual start of a
#                                  port-binding scenario
#   lab_bound_rescanned            then software iSCSI on, vmk1 and vmk2
#                                  bound to vmhba64, LAB_PORTAL1 as a
#                                  sendtarget and a rescan (2 x 1 sessions
#                                  per target); bails out if one fails
#   lab_read_split MAP NIC1 NIC2   four direct readers of 25 MiB each on
#                                  MAP with both NICs shaped to 200 Mbit/s;
#                                  sets LAB_SPLIT_OK (true/false),
#                                  LAB_SPLIT_RX1, LAB_SPLIT_RX2 (bytes in
#                                  over each NIC) and LAB_SPLIT_MS
#
# What a scenario leaves (sessions, records, maps, links, rules, sysctls,
# the daemon's state) is undone by the lab between scenarios, but a scenario
# must not rely on running first: each starts from the state after boot.

_lab_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/topology.sh
. "$_lab_lib_dir/topology.sh"
# shellcheck source=tests/net/lib.sh
. "${LAB_NET_LIB:-$_lab_lib_dir/../net/lib.sh}"

lab_esx_each() {
	local ns=$1 cmd out
	shift
	for cmd in "$@"; do
		out=$(eval "esx $ns $cmd" 2>&1) || { echo "Bail out! esxcli $ns $cmd: $out"; exit 99; }
	done
}

lab_pinned_vmks() {
	local opts=${1:-} vmk
	lab_esx_each network "vswitch standard add -v vSwitch1" \
		"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
		"vswitch standard uplink add -u vmnic2 -v vSwitch1" \
		"vswitch standard portgroup add -p iSCSI-1 -v vSwitch1" \
		"vswitch standard portgroup add -p iSCSI-2 -v vSwitch1" \
		"vswitch standard portgroup policy failover set -p iSCSI-1 -a vmnic1 -s \"\"" \
		"vswitch standard portgroup policy failover set -p iSCSI-2 -a vmnic2 -s \"\"" \
		"ip interface add -i vmk1 -p iSCSI-1" \
		"ip interface add -i vmk2 -p iSCSI-2" \
		"ip interface ipv4 set -i vmk1 -t static -I 10.10.1.11 -N 255.255.255.0 $opts" \
		"ip interface ipv4 set -i vmk2 -t static -I 10.10.1.12 -N 255.255.255.0 $opts"
	for vmk in vmk1 vmk2; do
		check "$vmk reaches $LAB_PORTAL1" lab_wait_for 20 ping -c 1 -W 2 -I "$vmk" "$LAB_PORTAL1"
	done
}

lab_bound_rescanned() {
	local out
	lab_esx_each iscsi "software set --enabled true" \
		"networkportal add -A vmhba64 -n vmk1" \
		"networkportal add -A vmhba64 -n vmk2" \
		"adapter discovery sendtarget add -A vmhba64 -a $LAB_PORTAL1:3260"
	out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan \
		-A vmhba64 2>&1) ||
		{ echo "Bail out! the rescan failed:"; sed 's/^/# /' <<<"$out"; exit 99; }
}

lab_require_nics() {
	[ "$LAB_NICS" -ge "$1" ] || skip "needs $1 NICs, the lab has $LAB_NICS"
}

# lab_start_daemon [ARGS...]: esxclid as it runs on a real host (default
# socket and state file), its log in the job's logs; tests/net/lib.sh's exit
# trap stops it.
lab_start_daemon() {
	DAEMON_SOCKET=/run/esxclid/esxclid.sock
	DAEMON_LOG=$LAB_LOGS/esxclid-$TEST_NAME.log
	"$ESXCLID" -f --debug "$@" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	echo "$DAEMON_PID" >"$LAB_RUN/esxclid.pid"
	if ! lab_wait_for 10 test -S "$DAEMON_SOCKET"; then
		echo "Bail out! esxclid did not open $DAEMON_SOCKET; its log:"
		sed 's/^/# /' "$DAEMON_LOG"
		exit 99
	fi
}

lab_restart_daemon() {
	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null
		lab_wait_for 10 sh -c "! kill -0 $DAEMON_PID" || kill -9 "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		DAEMON_PID=
	fi
	# Its socket opens only after the first reconcile: wait for the new one.
	rm -f "$DAEMON_SOCKET"
	echo "==== restarted by the scenario ====" >>"$DAEMON_LOG"
	lab_start_daemon "$@"
}

# lab_sessions_via IFACE: the number of iSCSI sessions bound to iface IFACE.
lab_sessions_via() {
	iscsiadm -m session -P 1 2>/dev/null | grep -c "Iface Name: $1\$"
}

# From multipathd's own JSON: what the daemon has, not what was configured.
lab_mpath_paths() {
	multipathd show maps json 2>/dev/null | python3 -c '
import json, sys
for m in json.load(sys.stdin).get("maps", []):
    for group in m.get("path_groups", []):
        for p in group.get("paths", []):
            lun = int(p.get("lun_hex", "0x0")[2:6], 16)
            print(m["name"], lun, p["dev"], p["dm_st"], p["chk_st"], p["host_adapter"])
'
}

# lab_all_mapped: at least four SCSI disks of iSCSI sessions, every one in a
# multipathd map, and every map with exactly two paths (one per bound vmk).
lab_all_mapped() {
	local n
	n=$(find /sys/class/iscsi_session/session*/device/target*/ -maxdepth 2 \
		-path '*:*:*:*/block' 2>/dev/null | wc -l)
	[ "$n" -ge 4 ] && [ "$(lab_mpath_paths | wc -l)" -eq "$n" ] &&
		[ -z "$(lab_mpath_paths | awk '{ print $1 }' | sort | uniq -c | awk '$1 != 2')" ]
}

# lab_check_even_split MAP: four readers read 100 MiB through MAP with both
# NICs shaped alike; each NIC must carry 35-65 % of the bytes.
lab_check_even_split() {
	lab_read_split "$1" vmnic1 vmnic2
	check_eq "four readers read 100 MiB through the map" true "$LAB_SPLIT_OK"
	lab_check_share "vmnic1 carried about half of the reads" "$LAB_SPLIT_RX1" \
		$((LAB_SPLIT_RX1 + LAB_SPLIT_RX2)) 35 65
	lab_check_share "vmnic2 carried about half of the reads" "$LAB_SPLIT_RX2" \
		$((LAB_SPLIT_RX1 + LAB_SPLIT_RX2)) 35 65
	echo "# 100 MiB in $LAB_SPLIT_MS ms: vmnic1 $((LAB_SPLIT_RX1 / 1048576)) MiB," \
		"vmnic2 $((LAB_SPLIT_RX2 / 1048576)) MiB"
}

lab_mpath_map() {
	lab_mpath_paths | awk -v lun="$1" '$2 == lun { print $1; exit }'
}

lab_check_share() {
	local text=$1 part=$2 total=$3 low=$4 high=$5 share

	if [ "$total" -le 0 ]; then
		fail "$text" "nothing was counted (total $total)"
		return
	fi
	share=$((100 * part / total))
	if [ "$share" -ge "$low" ] && [ "$share" -le "$high" ]; then
		ok "$text ($share%)"
	else
		fail "$text" "share $share% of $total bytes, expected $low%..$high%"
	fi
}

# ---- links ------------------------------------------------------------------

lab_link_lower() {
	local name

	name=$(ip -o link show dev "$1" 2>/dev/null | awk -F': ' '{ print $2; exit }')
	case "$name" in
	*@*) echo "${name#*@}" ;;
	esac
}

lab_link_alias() {
	cat "/sys/class/net/$1/ifalias" 2>/dev/null
}

lab_link_ifindex() {
	cat "/sys/class/net/$1/ifindex" 2>/dev/null
}

lab_link_details() {
	ip -d -o link show dev "$1" 2>/dev/null
}

lab_vlan_id() {
	lab_link_details "$1" | grep -o 'vlan protocol 802.1Q id [0-9]*' | awk '{ print $NF }'
}

lab_check_arp_sysctls() {
	local text=$1 conf="/proc/sys/net/ipv4/conf/$2" got

	got="arp_ignore=$(cat "$conf/arp_ignore" 2>/dev/null)"
	got="$got arp_announce=$(cat "$conf/arp_announce" 2>/dev/null)"
	got="$got rp_filter=$(cat "$conf/rp_filter" 2>/dev/null)"
	check_eq "$text" "arp_ignore=1 arp_announce=2 rp_filter=2" "$got"
}

# ---- esxcli -----------------------------------------------------------------

lab_esx_field() {
	local field=$1

	shift
	esx "$@" 2>/dev/null | awk -v f="$field" '
		{ sub(/^ +/, "") }
		substr($0, 1, length(f) + 1) == f ":" {
			v = substr($0, length(f) + 2)
			sub(/^ /, "", v)
			print v
			exit
		}'
}

lab_ping_vmk() {
	[ "$(lab_esx_field Received network diag ping -I "$1" -H "$2" -c 1 -W 2)" = 1 ]
}

# ---- open-iscsi and dm-multipath --------------------------------------------

lab_iface_bind() {
	iscsiadm -m iface -I "$1" -o new >/dev/null &&
		iscsiadm -m iface -I "$1" -o update -n iface.net_ifacename -v "$2" >/dev/null
}

lab_mpath_round_robin() {
	cat >/etc/multipath/conf.d/lab-round-robin.conf <<-EOF
		devices {
			device {
				vendor "^IET\$"
				product "^VIRTUAL-DISK\$"
				path_grouping_policy multibus
				path_selector "round-robin 0"
				rr_min_io_rq 1
			}
		}
	EOF
	udevadm settle --timeout=30
	multipathd reconfigure >/dev/null
}

lab_mpath_active_paths() {
	lab_mpath_paths | awk -v lun="$1" '$2 == lun && $4 == "active" && $5 == "ready"' | wc -l
}

# shellcheck disable=SC2034 # LAB_SPLIT_* are the scenario's to read
lab_read_split() {
	local map=$1 nic1=$2 nic2=$3 rx1 rx2 started k pid readers=()

	lab_shape "$nic1" 200mbit
	lab_shape "$nic2" 200mbit
	rx1=$(lab_nic_bytes "$nic1" rx)
	rx2=$(lab_nic_bytes "$nic2" rx)
	started=$(date +%s%N)
	for k in 0 1 2 3; do
		dd if="/dev/mapper/$map" of=/dev/null bs=1M count=25 skip=$((k * 25)) \
			iflag=direct status=none &
		readers+=($!)
	done
	LAB_SPLIT_OK=true
	for pid in "${readers[@]}"; do
		wait "$pid" || LAB_SPLIT_OK=false
	done
	LAB_SPLIT_MS=$((($(date +%s%N) - started) / 1000000))
	LAB_SPLIT_RX1=$(($(lab_nic_bytes "$nic1" rx) - rx1))
	LAB_SPLIT_RX2=$(($(lab_nic_bytes "$nic2" rx) - rx2))
	lab_unshape "$nic1"
	lab_unshape "$nic2"
}
