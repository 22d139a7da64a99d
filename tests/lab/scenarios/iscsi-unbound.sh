#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The software iSCSI adapter without port binding, as ESXi behaves without
# it (Broadcom KB 323116): two vmks in one subnet, none bound; a rescan logs
# in once per target portal through open-iscsi's default iface, so the
# routing table picks the vmk and all iSCSI traffic leaves through it while
# the other vmk's NIC carries none. Then binding both vmks adds 2 x 1
# sessions per target at the next rescan; the default iface's running
# sessions are not torn down, and nothing new logs in through it.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
PORTAL=$LAB_PORTAL1:3260

lab_start_daemon
lab_pinned_vmks
lab_esx_each iscsi "software set --enabled true" \
	"adapter discovery sendtarget add -A $A -a $PORTAL"

out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check "the rescan without bindings succeeds" test $? -eq 0
echo "$out" | sed 's/^/# /'
for target in "$LAB_TARGET1" "$LAB_TARGET2"; do
	check_contains "it logs in to $target through the default iface" \
		"Login to $target at $PORTAL through default: successful" "$out"
done
check_eq "one session per target portal: 2 in all" 2 "$(iscsiadm -m session 2>/dev/null | wc -l)"
check_eq "both through the default iface" 2 "$(lab_sessions_via default)"
check_eq "none through vmk1's or vmk2's iface" 0 \
	$(($(lab_sessions_via vmk1) + $(lab_sessions_via vmk2)))

# The kernel's routing picks the source: the main table's route to the
# portal's subnet, through whichever vmk it names.
src=$(ip -4 route get "$LAB_PORTAL1" | sed -n 's/.* src \([0-9.]*\).*/\1/p')
dev=$(ip -4 route get "$LAB_PORTAL1" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
check_contains "the routing table sends $LAB_PORTAL1 through a vmk" "vmk" "$dev"
locals=$(esx iscsi session connection list | sed -n 's/^   LocalAddress: //p' | sort -u | xargs)
check_eq "every connection comes from that vmk's address ($src)" "$src" "$locals"
sessions=$(iscsiadm -m session -P 3 2>/dev/null)
check_contains "open-iscsi agrees" "Iface IPaddress: $src" "$sessions"

# All reads leave through that vmk's NIC; the other NIC waits for a failure.
busy=$(lab_link_lower "$dev")
if [ "$busy" = vmnic1 ]; then idle=vmnic2; else idle=vmnic1; fi
disk=$(lsblk -dnpo NAME,TRAN | awk '$2 == "iscsi" { print $1; exit }')
rx_busy=$(lab_nic_bytes "$busy" rx)
rx_idle=$(lab_nic_bytes "$idle" rx)
check "16 MiB read from $disk" timeout 60 dd if="$disk" of=/dev/null bs=1M count=16 \
	iflag=direct status=none
check "they came in over $busy" test $(($(lab_nic_bytes "$busy" rx) - rx_busy)) -gt 16000000
check "nothing of them over $idle" test $(($(lab_nic_bytes "$idle" rx) - rx_idle)) -lt 1000000

# Binding both: the next rescan logs in through each vmk as well.
lab_esx_each iscsi "networkportal add -A $A -n vmk1" "networkportal add -A $A -n vmk2"
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check "the rescan with two bindings succeeds" test $? -eq 0
check_eq "2 sessions through vmk1 (one per target)" 2 "$(lab_sessions_via vmk1)"
check_eq "2 sessions through vmk2" 2 "$(lab_sessions_via vmk2)"
check_not_contains "no new login through the default iface" "through default" "$out"
check_eq "the default iface's sessions stay up" 2 "$(lab_sessions_via default)"

finish
