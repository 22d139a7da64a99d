#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The software iSCSI adapter's views of open-iscsi and its guard rails,
# asserted on sysfs, open-iscsi's records and the wire:
#  - target portal list: one row per target portal (not per iface);
#  - session connection list: the values sysfs has, and the ISID iscsid
#    sent in its login request (read off the wire in the array's
#    namespace); session list -s finds a session by that ISID;
#  - vmk3 in another subnet: binding it warns (subnets, a portal out of its
#    reach); adding a portal in vmk3's subnet warns for vmk1 and vmk2;
#  - a rescan discovers each portal only through the vmks that reach it,
#    deletes a record of a vmk that cannot reach its portal, and makes no
#    static record that could not work;
#  - removing a sendtarget logs out and deletes esxclid's records of it,
#    and leaves records made by hand on the default iface (and the
#    discovery record they are linked to).

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
P1=$LAB_PORTAL1:3260
P2=$LAB_PORTAL2:3260
T1=$LAB_TARGET1
T2=$LAB_TARGET2

lab_start_daemon
lab_pinned_vmks
lab_esx_each network "vswitch standard portgroup add -p iSCSI-3 -v vSwitch1" \
	"vswitch standard portgroup policy failover set -p iSCSI-3 -a vmnic2 -s \"\"" \
	"ip interface add -i vmk3 -p iSCSI-3" \
	"ip interface ipv4 set -i vmk3 -t static -I 10.10.2.13 -N 255.255.255.0"
check "vmk3 reaches $LAB_PORTAL2" lab_wait_for 20 ping -c 1 -W 2 -I vmk3 "$LAB_PORTAL2"

esx iscsi software set --enabled true >/dev/null
for vmk in vmk1 vmk2; do
	esx iscsi networkportal add -A $A -n "$vmk" >/dev/null
done
check_eq "sendtarget $P1, which vmk1 and vmk2 reach, says nothing" "" \
	"$(esx iscsi adapter discovery sendtarget add -A $A -a "$P1" 2>&1)"

# iscsid's login requests carry the ISID: read them off the wire, in the
# array, while the rescan logs in.
SNIFF=$(mktemp)
SNIFFED=$(mktemp)
cat >"$SNIFF" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
s.bind((sys.argv[1], 0))
s.settimeout(0.5)
print("listening", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        frame = s.recv(65535)
    except socket.timeout:
        continue
    if len(frame) < 34 or frame[12:14] != b'\x08\x00' or frame[23] != 6:
        continue
    ip = frame[14:]
    tcp = ip[(ip[0] & 15) * 4:]
    sport, dport = struct.unpack('!HH', tcp[:4])
    pdu = tcp[(tcp[12] >> 4) * 4:]
    # A Login Request (opcode 3): the ISID is bytes 8..13.
    if dport == 3260 and len(pdu) >= 48 and pdu[0] & 0x3f == 0x03:
        print(socket.inet_ntoa(ip[12:16]), sport, pdu[8:14].hex(), flush=True)
EOF
ip netns exec "$LAB_NS" python3 -u "$SNIFF" "$LAB_BRIDGE" 100 >"$SNIFFED" 2>&1 &
SNIFF_PID=$!
check "the array listens to its bridge" lab_wait_for 20 grep -q listening "$SNIFFED"
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check_eq "the rescan succeeds" 0 "$?"
echo "$out" | sed 's/^/# /'
kill "$SNIFF_PID" 2>/dev/null
wait "$SNIFF_PID" 2>/dev/null
check_eq "4 sessions: 2 vmks x 2 targets" 4 "$(iscsiadm -m session 2>/dev/null | wc -l)"

# ---- target portal list ---------------------------------------------------------
out=$(esx iscsi adapter target portal list -A $A)
check_eq "target portal list: one row per target portal, not one per iface" \
	"$A $T1 $LAB_PORTAL1 3260 1,$A $T2 $LAB_PORTAL1 3260 1" \
	"$(awk -v a=$A '$1 == a { print $1, $2, $3, $4, $5 }' <<<"$out" | sort | paste -sd,)"
check_eq "... -n filters by target" 1 \
	"$(esx iscsi adapter target portal list -A $A -n "$T2" | grep -c "^$A ")"

# ---- session connection list against sysfs and the wire -----------------------
# conn_block HEADING: the "Key: value" lines of one record of a structs list.
conn_block() {
	awk -v h="$1" '$0 == h { on = 1; next } /^[^ ]/ { on = 0 } on { sub(/^ +/, ""); print }'
}
field() {
	awk -v f="$1" 'index($0, f ": ") == 1 { print substr($0, length(f) + 3); exit }'
}
conns=$(esx iscsi session connection list -A $A)
check_eq "one connection per session" 4 "$(grep -c "^$A," <<<"$conns")"
for dir in /sys/class/iscsi_session/session*; do
	sid=${dir##*session}
	target=$(cat "$dir/targetname")
	iface=$(cat "$dir/ifacename")
	conn=/sys/class/iscsi_connection/connection$sid:0
	host=$(basename "$(dirname "$(dirname "$(dirname "$(readlink -f "$dir")")")")")
	local_ip=$(cat "/sys/class/iscsi_host/$host/ipaddress")
	isid=$(printf '00023d%06x' "$sid")
	block=$(conn_block "$A,$target,$isid,0" <<<"$conns")
	expected="ISID=$isid wire=$isid"
	expected+=" recv=$(cat "$conn/max_recv_dlength") xmit=$(cat "$conn/max_xmit_dlength")"
	expected+=" conn=$(cat "$conn/persistent_address") remote=$(cat "$conn/address")"
	expected+=" local=$(ip -4 -o addr show dev "$iface" | awk '{ sub(/\/.*/, "", $4); print $4 }')"
	expected+=" digests=NONE,NONE state=logged_in"
	actual="ISID=$(field ISID <<<"$block")"
	actual+=" wire=$(awk -v ip="$local_ip" -v port="$(cat "$conn/local_port")" \
		'$1 == ip && $2 == port { print $3; exit }' "$SNIFFED")"
	actual+=" recv=$(field MaxRecvDataSegmentLength <<<"$block")"
	actual+=" xmit=$(field MaxTransmitDataSegmentLength <<<"$block")"
	actual+=" conn=$(field ConnectionAddress <<<"$block") remote=$(field RemoteAddress <<<"$block")"
	actual+=" local=$(field LocalAddress <<<"$block")"
	actual+=" digests=$(field HeaderDigest <<<"$block"),$(field DataDigest <<<"$block")"
	actual+=" state=$(field State <<<"$block")"
	check_eq "session $sid ($target through $iface): $A,$target,$isid,0 as sysfs and the wire say" \
		"$expected" "$actual"
done
check_eq "session list -s ISID finds that one session" "$A,$target,$isid" \
	"$(esx iscsi session list -A $A -s "$isid" | grep "^$A,")"
rm -f "$SNIFF" "$SNIFFED"

# ---- guard rails: another subnet, portals out of reach ------------------------
out=$(esx iscsi networkportal add -A $A -n vmk3 2>&1)
check_eq "binding vmk3 (10.10.2.0/24) succeeds" 0 "$?"
check_contains "... warns that the bound vmks are not in one subnet" \
	"Warning: the VMkernel NICs bound to $A are not all in one IPv4 subnet (vmk1 10.10.1.0/24, vmk2 10.10.1.0/24, vmk3 10.10.2.0/24)" \
	"$out"
check_contains "... and that $P1 is out of vmk3's reach" \
	"Warning: portal $P1 is not reachable from vmk3 (10.10.2.13/24): it is outside vmk3's subnet and no route through vmk3 gets there." \
	"$out"
check_contains "the warnings are logged" "portal $P1 is not reachable from vmk3" "$(cat "$DAEMON_LOG")"
out=$(esx iscsi adapter discovery sendtarget add -A $A -a "$P2" 2>&1)
check_eq "sendtarget $P2 is added" 0 "$?"
for vmk in vmk1 vmk2; do
	check_contains "... with a warning for $vmk" "Warning: portal $P2 is not reachable from $vmk (" "$out"
done
check_not_contains "... none for vmk3" "reachable from vmk3" "$out"
out=$(esx iscsi adapter discovery statictarget add -A $A -a "$P2" -n "$T1" 2>&1)
check_contains "a static target at $P2 warns too" "Warning: portal $P2 is not reachable from vmk1 (" "$out"

# A record open-iscsi makes when discovery through vmk1 returns a portal
# vmk1 cannot reach (portal group 1, as discovery gives).
iscsiadm -m node -o new -T "$T1" -p "$P2,1" -I vmk1 >/dev/null
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check_eq "the rescan succeeds" 0 "$?"
echo "$out" | sed 's/^/# /'
check_contains "$P1 is discovered through vmk1, vmk2 only" \
	"Discovery at $P1 through vmk1, vmk2: 2 targets found" "$out"
check_contains "$P2 through vmk3 only" "Discovery at $P2 through vmk3: 2 targets found" "$out"
check_contains "the record that cannot work is deleted" \
	"Node record of $T1 at $P2 through vmk1 deleted: vmk1 cannot reach $LAB_PORTAL2" "$out"
check "... it is gone" sh -c "! iscsiadm -m node -T $T1 -p $P2 -I vmk1 >/dev/null 2>&1"
check_contains "no static record through vmk2 at $P2" \
	"No node record of $T1 at $P2 through vmk2: vmk2 cannot reach $LAB_PORTAL2" "$out"
for vmk in vmk1 vmk2; do
	check_eq "no record of $vmk at $P2" 0 \
		"$(iscsiadm -m node -I "$vmk" -o show 2>/dev/null | grep -c "^node.conn\[0\].address = $LAB_PORTAL2$")"
done
check_eq "vmk3's records: $P2 only" "$LAB_PORTAL2" \
	"$(iscsiadm -m node -I vmk3 -o show 2>/dev/null | awk '/^node.conn\[0\].address = / { print $3 }' | sort -u | xargs)"
check_eq "6 sessions: vmk1, vmk2 to $LAB_PORTAL1, vmk3 to $LAB_PORTAL2, 2 targets each" \
	"2 2 2" "$(lab_sessions_via vmk1) $(lab_sessions_via vmk2) $(lab_sessions_via vmk3)"

# ---- removing a sendtarget ------------------------------------------------------
# Records esxclid did not make: one by hand on the default iface (open-iscsi
# writes it old-style, a file named after the portal, which
# `iscsiadm -m node -I vmk1 -o delete` of the same portal would delete
# instead of vmk1's), one from a discovery through it (the same discovery
# address as esxclid's records).
iscsiadm -m node -o new -T "$T1" -p "$P1" -I default >/dev/null
iscsiadm -m discovery -t sendtargets -p "$P1" -I default -o new >/dev/null
check_eq "two records on the default iface that esxclid did not make" 2 \
	"$(iscsiadm -m node -I default -o show 2>/dev/null | grep -c '^node.name = ')"
out=$(esx iscsi adapter discovery sendtarget remove -A $A -a "$P1" 2>&1)
check_eq "sendtarget remove succeeds" 0 "$?"
check_eq "... and says what it did" \
	"Logged out 4 sessions and deleted 4 node records discovered through sendtarget $P1." "$out"
for vmk in vmk1 vmk2; do
	check_eq "no session, no record through $vmk" "0 0" \
		"$(lab_sessions_via "$vmk") $(iscsiadm -m node -I "$vmk" -o show 2>/dev/null | grep -c '^node.name = ')"
done
check_eq "the default iface's records survive" 2 \
	"$(iscsiadm -m node -I default -o show 2>/dev/null | grep -c '^node.name = ')"
check "... and the discovery record they are linked to" \
	test -d "/etc/iscsi/send_targets/$LAB_PORTAL1,3260"
check_eq "vmk3's sessions to $P2 stay" 2 "$(lab_sessions_via vmk3)"
check_not_contains "sendtarget list: $P1 is gone" "$P1" "$(esx iscsi adapter discovery sendtarget list)"
out=$(esx iscsi adapter discovery statictarget remove -A $A -a "$P2" -n "$T1" 2>&1)
check_eq "removing the static target, which made no record, says nothing" "" "$out"
iscsiadm -m node -I default -o delete >/dev/null

finish
