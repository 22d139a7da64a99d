# SPDX-License-Identifier: GPL-3.0-or-later
# The storage lab's shared topology, inside the guest (sourced by guest.sh and,
# for its names and NIC helpers, by every scenario through lib.sh).
#
#   guest (initiator side, root netns)          netns "tgt" (the storage array)
#   vmnic1 ── veth ── swp1 ─┐
#   vmnic2 ── veth ── swp2 ─┤  bridge sw0: 10.10.1.100/24, 10.10.2.100/24
#   vmnic3 ── veth ── swp3 ─┤  tgtd on 0.0.0.0:3260, targets and LUNs below
#   vmnic4 ── veth ── swp4 ─┘
#
# One L2 segment with two IPv4 subnets, so a design can put every vmk in one
# subnet (10.10.1.0/24) or each pair of NICs in its own (10.10.2.0/24 too).
# The vmnics carry no address: they are uplinks, as on ESXi. A third subnet,
# 10.10.3.0/24, is the only one that sees the CHAP-protected target (its
# ACL), so what the other scenarios discover and log in to is unchanged.

# shellcheck disable=SC2034 # names for the scripts that source this file
LAB_NS=tgt
LAB_BRIDGE=sw0
LAB_SUBNETS="10.10.1 10.10.2 10.10.3"
LAB_PORTAL1=10.10.1.100
LAB_PORTAL2=10.10.2.100
LAB_PORTAL3=10.10.3.100
LAB_PORTALS="$LAB_PORTAL1 $LAB_PORTAL2"
LAB_TARGET1=iqn.2024-01.lab.esxcli:array1
LAB_TARGET2=iqn.2024-01.lab.esxcli:array2
# CHAP: the initiator must log in as LAB_CHAP_USER; with mutual CHAP the
# array answers as LAB_CHAP_ARRAY_USER. Lab secrets, not real ones.
LAB_TARGET3=iqn.2024-01.lab.esxcli:chap
LAB_CHAP_USER=esxlab-chap
LAB_CHAP_SECRET=lab-CHAP-s3cret-1
LAB_CHAP_ARRAY_USER=esxlab-array
LAB_CHAP_ARRAY_SECRET=lab-Array-s3cret-2
LAB_INITIATOR=iqn.1998-01.com.vmware:esxlab-01
LAB_LUN_DIR=/var/lib/esxcli-lab/luns
LAB_RUN=/run/esxcli-lab
: "${LAB_NICS:=4}"
: "${LAB_LOGS:=/lab/logs}"

# Every module the storage stack and the scenarios use. crc32c first: the
# iSCSI initiator refuses logins ("crc32c loading error") without it.
LAB_MODULES="crc32c_generic libcrc32c veth macvlan bridge bonding 8021q
	iscsi_tcp dm_multipath dm_round_robin dm_service_time dm_queue_length
	sd_mod sg scsi_dh_alua sch_tbf"

lab_say() {
	printf 'lab: %s\n' "$*"
}

# lab_nics: the initiator-side NIC names, one per line.
lab_nics() {
	local i

	for ((i = 1; i <= LAB_NICS; i++)); do
		echo "vmnic$i"
	done
}

# lab_nic_peer NIC: the switch port (in netns tgt) a vmnic is plugged into.
lab_nic_peer() {
	case "$1" in
	vmnic[0-9]*) echo "swp${1#vmnic}" ;;
	*) echo "lab_nic_peer: not a lab NIC: $1" >&2; return 1 ;;
	esac
}

# lab_nic_down NIC: pull the NIC's cable (its switch port goes down), so the
# NIC stays administratively up and loses carrier, as a real one would.
lab_nic_down() {
	local peer

	peer=$(lab_nic_peer "$1") || return 1
	ip -n "$LAB_NS" link set "$peer" down
}

# lab_nic_up NIC: plug the cable back in.
lab_nic_up() {
	local peer

	peer=$(lab_nic_peer "$1") || return 1
	ip -n "$LAB_NS" link set "$peer" up
}

# lab_nic_carrier NIC: 0 when the NIC has carrier.
lab_nic_carrier() {
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

# lab_nic_bytes NIC rx|tx: the NIC's byte counter (what went through it,
# the traffic of the vmks on it included).
lab_nic_bytes() {
	case "$2" in
	rx | tx) cat "/sys/class/net/$1/statistics/$2_bytes" ;;
	*) echo "lab_nic_bytes: rx or tx, not '$2'" >&2; return 1 ;;
	esac
}

# lab_shape NIC RATE: limit what the array sends to NIC (reads) to RATE
# (tc syntax, e.g. 200mbit); lab_unshape NIC removes the limit.
lab_shape() {
	local peer

	peer=$(lab_nic_peer "$1") || return 1
	ip netns exec "$LAB_NS" tc qdisc replace dev "$peer" root tbf \
		rate "$2" burst 64kb latency 50ms
}

lab_unshape() {
	local peer

	peer=$(lab_nic_peer "$1") || return 1
	ip netns exec "$LAB_NS" tc qdisc del dev "$peer" root 2>/dev/null || true
}

lab_tgtadm() {
	ip netns exec "$LAB_NS" tgtadm --lld iscsi "$@"
}

# lab_portal_vlan VID CIDR: the array also on VLAN VID, at CIDR (e.g.
# 10.10.100.100/24): an 802.1Q sub-interface sw0.VID of its bridge. The
# bridge does no VLAN filtering, so tagged frames from any vmnic reach it and
# only frames tagged VID reach that address; tgtd listens there too. Removed
# by lab_reset.
lab_portal_vlan() {
	local link="$LAB_BRIDGE.$1"

	ip -n "$LAB_NS" link add link "$LAB_BRIDGE" name "$link" type vlan id "$1" &&
		ip -n "$LAB_NS" addr add "$2" dev "$link" &&
		ip -n "$LAB_NS" link set "$link" up
}

# The array's links that a scenario added (lab_portal_vlan): all but the
# bridge, its ports and lo.
lab_array_extra_links() {
	ip -n "$LAB_NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		grep -vE "^(lo|$LAB_BRIDGE|swp[0-9]+)\$"
}

# ---- setting the lab up (guest.sh, once per boot) -------------------------

lab_modules_load() {
	local module

	for module in $LAB_MODULES; do
		modprobe "$module" || { lab_say "modprobe $module failed"; return 1; }
	done
}

# A pristine initiator: nothing of the host's open-iscsi, multipath or esxclid
# state (all of it is in the overlay, so the host is untouched).
lab_clean_host_state() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces \
		/etc/iscsi/isns /etc/iscsi/static /etc/iscsi/fw \
		/var/lib/iscsi /etc/multipath /etc/multipath.conf /var/lib/esxclid
	mkdir -p /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces \
		/var/lib/iscsi /run/lock/iscsi /etc/multipath/conf.d "$LAB_RUN"
	echo "InitiatorName=$LAB_INITIATOR" >/etc/iscsi/initiatorname.iscsi
	lab_multipath_base_conf
}

# What a Debian admin would start from: no overrides, so the defaults and the
# drop-ins in /etc/multipath/conf.d decide. find_multipaths greedy, because
# the lab has no local disk and a new LUN must not wait for its WWID.
lab_multipath_base_conf() {
	cat >/etc/multipath.conf <<-EOF
		# esxcli storage lab
		defaults {
		        user_friendly_names no
		        find_multipaths greedy
		}
	EOF
}

lab_network_up() {
	local nic peer i subnet

	ip link set lo up
	ip netns add "$LAB_NS" || return 1
	ip -n "$LAB_NS" link set lo up
	ip -n "$LAB_NS" link add "$LAB_BRIDGE" type bridge stp_state 0 forward_delay 0 || return 1
	for ((i = 1; i <= LAB_NICS; i++)); do
		nic=vmnic$i
		peer=swp$i
		# Stable MACs make logs comparable from run to run.
		ip link add "$nic" address "02:00:00:00:01:0$i" type veth \
			peer name "$peer" netns "$LAB_NS" || return 1
		ip -n "$LAB_NS" link set "$peer" master "$LAB_BRIDGE" up || return 1
		ip link set "$nic" up || return 1
	done
	ip -n "$LAB_NS" link set "$LAB_BRIDGE" address 02:00:00:00:02:00 up
	for subnet in $LAB_SUBNETS; do
		ip -n "$LAB_NS" addr add "$subnet.100/24" dev "$LAB_BRIDGE" || return 1
	done
}

# lab_lun TID LUN SIZE: a sparse file as a LUN of target TID.
lab_lun() {
	local file="$LAB_LUN_DIR/t$1-lun$2.img"

	truncate -s "$3" "$file" || return 1
	lab_tgtadm --op new --mode logicalunit --tid "$1" --lun "$2" -b "$file" \
		--device-type disk
}

lab_target_up() {
	local pid

	mkdir -p "$LAB_LUN_DIR"
	# setsid and `ip netns exec` exec (no fork): $! is the daemon.
	setsid ip netns exec "$LAB_NS" tgtd -f >>"$LAB_LOGS/tgtd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$LAB_RUN/tgtd.pid"
	lab_wait_for 10 lab_tgtadm --op show --mode sys || {
		lab_say "tgtd did not answer within 10 s"
		return 1
	}
	lab_tgtadm --op new --mode target --tid 1 -T "$LAB_TARGET1" &&
		lab_lun 1 1 512M && lab_lun 1 2 256M &&
		lab_tgtadm --op bind --mode target --tid 1 -I ALL &&
		lab_tgtadm --op new --mode target --tid 2 -T "$LAB_TARGET2" &&
		lab_lun 2 1 128M &&
		lab_tgtadm --op bind --mode target --tid 2 -I ALL &&
		lab_chap_target_up
}

# Target 3 requires CHAP (an incoming account bound to it) and can answer
# mutual CHAP (an outgoing one); only initiators in 10.10.3.0/24 may see it.
lab_chap_target_up() {
	lab_tgtadm --op new --mode target --tid 3 -T "$LAB_TARGET3" &&
		lab_lun 3 1 64M &&
		lab_tgtadm --op bind --mode target --tid 3 -I 10.10.3.0/24 &&
		lab_tgtadm --op new --mode account --user "$LAB_CHAP_USER" \
			--password "$LAB_CHAP_SECRET" &&
		lab_tgtadm --op bind --mode account --tid 3 --user "$LAB_CHAP_USER" &&
		lab_tgtadm --op new --mode account --user "$LAB_CHAP_ARRAY_USER" \
			--password "$LAB_CHAP_ARRAY_SECRET" &&
		lab_tgtadm --op bind --mode account --tid 3 --user "$LAB_CHAP_ARRAY_USER" \
			--outgoing
}

# udevd, iscsid, multipathd: each in the foreground of a background job so
# the lab knows its pid and keeps its output, and in a session of its own:
# iscsid -f signals its whole process group when it stops.
lab_services_up() {
	export SYSTEMD_IGNORE_CHROOT=1

	setsid /lib/systemd/systemd-udevd >>"$LAB_LOGS/udevd.log" 2>&1 &
	echo $! >"$LAB_RUN/udevd.pid"
	lab_wait_for 10 udevadm control --ping || { lab_say "udevd did not start"; return 1; }
	udevadm trigger --action=add >/dev/null 2>&1
	udevadm settle --timeout=30 || lab_say "udevadm settle timed out"

	setsid iscsid -f >>"$LAB_LOGS/iscsid.log" 2>&1 &
	echo $! >"$LAB_RUN/iscsid.pid"
	# iscsiadm exits 21 ("no active sessions") once it reached iscsid.
	lab_wait_for 10 lab_iscsid_answers || { lab_say "iscsid did not start"; return 1; }

	setsid multipathd -d -s >>"$LAB_LOGS/multipathd.log" 2>&1 &
	echo $! >"$LAB_RUN/multipathd.pid"
	lab_wait_for 20 multipathd show daemon || { lab_say "multipathd did not start"; return 1; }
}

lab_iscsid_answers() {
	local rc=0

	iscsiadm -m session >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 21 ]
}

# lab_service_alive NAME: 0 when the service started by the lab still runs.
lab_service_alive() {
	local pid

	pid=$(cat "$LAB_RUN/$1.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null
}

# ---- between scenarios: back to the state after boot ----------------------

lab_reset() {
	local link nic prio table pid

	# A daemon the scenario did not stop (it was killed, say).
	pid=$(cat "$LAB_RUN/esxclid.pid" 2>/dev/null) && kill "$pid" 2>/dev/null &&
		lab_wait_for 5 sh -c "! kill -0 $pid"
	rm -f "$LAB_RUN/esxclid.pid"
	# Sessions first: their SCSI disks go with them, then the maps.
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	lab_wait_for 30 lab_no_sessions
	rm -rf /etc/iscsi/nodes/* /etc/iscsi/send_targets/* /etc/iscsi/ifaces/*
	udevadm settle --timeout=20 >/dev/null 2>&1
	multipath -F >/dev/null 2>&1
	rm -rf /etc/multipath/conf.d/* /etc/multipath/wwids /etc/multipath/bindings
	lab_multipath_base_conf
	multipathd reconfigure >/dev/null 2>&1
	rm -rf /var/lib/esxclid /run/esxclid

	# Links the scenario made (vmks, VLANs, bonds) go; the NICs stay. On
	# the array's side too (lab_portal_vlan).
	for link in $(lab_array_extra_links); do
		ip -n "$LAB_NS" link del "$link" 2>/dev/null
	done
	# The next scenario's vmks may have the same addresses and other MACs.
	ip -n "$LAB_NS" neigh flush all 2>/dev/null
	# (A glob would keep vmnic1.100 too.)
	for link in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		[[ "$link" =~ ^(lo|vmnic[0-9]+)$ ]] || ip link del "$link" 2>/dev/null
	done
	while read -r nic; do
		ip link set "$nic" nomaster 2>/dev/null
		ip addr flush dev "$nic"
		# A bond gives its members its own MAC while they are enslaved.
		ip link set "$nic" address "02:00:00:00:01:0${nic#vmnic}" mtu 1500 up
		lab_nic_up "$nic"
		lab_unshape "$nic"
	done < <(lab_nics)
	# Policy routing: keep the kernel's three rules, drop every other table.
	for prio in $(ip -4 rule show | awk -F: '{ print $1 }'); do
		case "$prio" in
		0 | 32766 | 32767) ;;
		*) ip -4 rule del pref "$prio" 2>/dev/null ;;
		esac
	done
	for table in $(ip -4 route show table all | grep -o 'table [0-9]*' | awk '{ print $2 }' | sort -u); do
		ip -4 route flush table "$table" 2>/dev/null
	done
	lab_sysctls_restore
}

lab_no_sessions() {
	local rc=0

	iscsiadm -m session >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 21 ]
}

# The per-interface ARP and reverse-path settings scenarios change, as they
# were right after boot.
lab_sysctls_save() {
	sysctl -a 2>/dev/null |
		grep -E '^net\.ipv4\.conf\.(all|default|vmnic[0-9]+)\.(arp_ignore|arp_announce|rp_filter|arp_filter) ' \
			>"$LAB_RUN/sysctls"
}

lab_sysctls_restore() {
	sysctl -q -p "$LAB_RUN/sysctls" >/dev/null 2>&1
}

# lab_residue: what a scenario left that lab_reset could not remove; empty
# when the lab is as it was after boot.
lab_residue() {
	local links maps

	lab_no_sessions || echo "iSCSI sessions: $(iscsiadm -m session 2>&1 | tr '\n' ';')"
	maps=$(dmsetup ls --target multipath 2>/dev/null | grep -v '^No devices found')
	[ -z "$maps" ] || echo "multipath maps: $(echo "$maps" | tr '\n' ';')"
	links=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		grep -vE '^(lo|vmnic[0-9]+)$')
	[ -z "$links" ] || echo "links: $(echo "$links" | tr '\n' ' ')"
	links=$(lab_array_extra_links)
	[ -z "$links" ] || echo "the array's links: $(echo "$links" | tr '\n' ' ')"
	for name in udevd iscsid multipathd tgtd; do
		lab_service_alive "$name" || echo "service died: $name"
	done
}

# lab_wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds; 1 when
# it never did within SECONDS.
lab_wait_for() {
	local deadline=$((SECONDS + $1))

	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}
