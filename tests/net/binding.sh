#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# iSCSI port binding's network shape on the real kernel: two vmks in ONE
# subnet, each bound to its own uplink by a portgroup failover override
# (vmk1 -> vmnic1 only, vmk2 -> vmnic2 only). What matters is on the wire, so
# it is checked from the switch's side: a bridge in a second namespace whose
# ports pvmnic1 and pvmnic2 are the veth peers of vmnic1 and vmnic2.
#  - traffic from vmk1's address enters the switch on pvmnic1 only, from
#    vmk2's on pvmnic2 only, and traffic to each address leaves the switch on
#    that vmk's port only (the ports' own counters);
#  - an ARP request for a vmk's address gets exactly one reply, with that
#    vmk's MAC, through that vmk's port.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-bind-$$
SW=esxt-bsw-$$
net_setup_ns "$NS"
net_setup_ns "$SW"

# No IPv6 chatter (router solicitations, MLD): the ports' counters then move
# with the test's own traffic only.
for ns in "$NS" "$SW"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
NICS=(vmnic1 vmnic2)
plug_nics_into_switch "$NS" "$SW" NICS 10.0.0.1/24

start_daemon "$NS"

for cmd in "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard uplink add -u vmnic2 -v vSwitch1" \
	"vswitch standard portgroup add -p iSCSI1 -v vSwitch1" \
	"vswitch standard portgroup add -p iSCSI2 -v vSwitch1" \
	"vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic1" \
	"vswitch standard portgroup policy failover set -p iSCSI2 -a vmnic2" \
	"ip interface add -i vmk1 -p iSCSI1" \
	"ip interface add -i vmk2 -p iSCSI2" \
	"ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0" \
	"ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12 -N 255.255.255.0"; do
	# shellcheck disable=SC2086
	out=$(esx network $cmd 2>&1) || { echo "Bail out! esxcli network $cmd: $out"; exit 99; }
done

check_eq "vmk1 sits on vmnic1, vmk2 on vmnic2" "vmnic1 vmnic2" \
	"$(link_field vmk1 'l["link"]') $(link_field vmk2 'l["link"]')"
MAC1=$(link_field vmk1 'l["address"]')
MAC2=$(link_field vmk2 'l["address"]')
for src in 10.0.0.11 10.0.0.12; do
	wait_until 30 ip netns exec "$NS" ping -c 1 -W 1 -I "$src" 10.0.0.1 ||
		{ echo "Bail out! the switch does not answer $src"; exit 99; }
done

# counter NS IF NAME: a statistics counter of IF in NS.
counter() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ports NAME: NAME (rx_packets, tx_packets) of pvmnic1 and pvmnic2.
ports() {
	echo "$(counter "$SW" pvmnic1 "$1") $(counter "$SW" pvmnic2 "$1")"
}

N=200

# ---- sending: each vmk's traffic leaves through its own NIC ----

# A listener on the switch counts what arrives from each source address.
ip netns exec "$SW" "$PYTHON" -c '
import collections, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.1", 5001))
s.settimeout(0.5)
open(sys.argv[1] + ".ready", "w").close()
seen = collections.Counter()
end = time.monotonic() + 20
while time.monotonic() < end and sum(seen.values()) < 2 * int(sys.argv[2]):
    try:
        seen[s.recvfrom(64)[1][0]] += 1
    except socket.timeout:
        pass
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(" ".join("%s=%d" % kv for kv in sorted(seen.items())))
' "$TEST_TMP/listener" "$N" &
listener=$!
wait_until 50 test -e "$TEST_TMP/listener.ready" || { echo "Bail out! no listener"; exit 99; }

# send_from ADDR: N datagrams from a socket bound to ADDR to the listener.
send_from() {
	ip netns exec "$NS" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
for _ in range(int(sys.argv[2])):
    s.sendto(b"esxcli-linux port binding", ("10.0.0.1", 5001))
' "$1" "$N"
}

# delta_check TEXT BEFORE AFTER MINE: the port MINE (1 or 2) moved by N or
# more, the other by less than a tenth of N.
delta_check() {
	local text=$1 b1 b2 a1 a2 d_mine d_other

	read -r b1 b2 <<<"$2"
	read -r a1 a2 <<<"$3"
	if [ "$4" = 1 ]; then
		d_mine=$((a1 - b1)) d_other=$((a2 - b2))
	else
		d_mine=$((a2 - b2)) d_other=$((a1 - b1))
	fi
	if [ "$d_mine" -ge "$N" ] && [ "$d_other" -lt $((N / 10)) ]; then
		ok "$text (pvmnic$4 +$d_mine, the other port +$d_other)"
	else
		fail "$text" "$N datagrams: pvmnic1 +$((a1 - b1)), pvmnic2 +$((a2 - b2))"
	fi
}

before=$(ports rx_packets)
send_from 10.0.0.11
after=$(ports rx_packets)
delta_check "datagrams from vmk1's address enter the switch through pvmnic1 only" \
	"$before" "$after" 1
before=$(ports rx_packets)
send_from 10.0.0.12
after=$(ports rx_packets)
delta_check "datagrams from vmk2's address enter the switch through pvmnic2 only" \
	"$before" "$after" 2
wait "$listener"
mv "$TEST_TMP/listener.tmp" "$TEST_TMP/listener.out" 2>/dev/null
check_eq "the listener got every datagram, with its source address" \
	"10.0.0.11=$N 10.0.0.12=$N" "$(cat "$TEST_TMP/listener.out" 2>/dev/null)"

# ---- receiving: traffic to each address reaches its vmk through its NIC ----

# send_to ADDR: N datagrams from the switch to ADDR (nobody needs to listen:
# the counters are what is checked).
send_to() {
	ip netns exec "$SW" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"esxcli-linux port binding", (sys.argv[1], 9))
' "$1" "$N"
}

for i in 1 2; do
	before=$(ports tx_packets)
	vmk_before=$(counter "$NS" vmk$i rx_packets)
	send_to 10.0.0.1$i
	after=$(ports tx_packets)
	vmk_after=$(counter "$NS" vmk$i rx_packets)
	delta_check "datagrams to vmk$i's address leave the switch through pvmnic$i only" \
		"$before" "$after" $i
	check "vmk$i itself received them (rx_packets +$((vmk_after - vmk_before)))" \
		test $((vmk_after - vmk_before)) -ge "$N"
done

# ---- ARP: one answer, from the vmk that holds the address ----

# A macvlan hands broadcasts to its lower device as well, and Linux answers
# ARP for any local address on any interface by default (arp_ignore=0). With
# two vmks in one subnet, the request for vmk1's address would then also be
# answered by vmk2 with vmk2's MAC (seen with default sysctls: PITFALLS.md);
# the switch would send vmk1's traffic to vmnic2, where no socket bound to
# vmk1 ever sees it, and iSCSI port binding silently degrades to one path.
# arp_ignore=1 / arp_announce=2 on the vmks and their uplinks leave exactly
# one answer: vmk1's, through vmnic1.

# arp_replies TARGET: send one ARP request for TARGET from the switch's br0
# and print "port mac" for every reply that comes in through a port within a
# second.
arp_replies() {
	ip netns exec "$SW" "$PYTHON" -c '
import select, socket, struct, sys, time
ETH_P_ARP = 0x0806
target = socket.inet_aton(sys.argv[1])
sender = socket.inet_aton("10.0.0.1")
# ETH_P_ALL: a socket for one protocol would see the frames of a bridge
# port only after the bridge has taken them, that is never.
listen = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
send = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
send.bind(("br0", 0))
mac = send.getsockname()[4]
request = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, sender, bytes(6), target)
send.send(b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP) + request)
end = time.monotonic() + 1.0
while True:
    left = end - time.monotonic()
    if left <= 0 or not select.select([listen], [], [], left)[0]:
        break
    frame, (ifname, _, pkttype, _, _) = listen.recvfrom(2048)
    if (pkttype == socket.PACKET_OUTGOING or not ifname.startswith("pvmnic") or
            len(frame) < 42 or frame[12:14] != struct.pack("!H", ETH_P_ARP)):
        continue
    op, sha, spa, tpa = struct.unpack("!6xH6s4s6x4s", frame[14:42])
    if op == 2 and spa == target and tpa == sender:
        print(ifname, ":".join("%02x" % b for b in sha))
' "$1"
}

check_eq "ARP for vmk1's address: exactly one reply, vmk1's MAC, through pvmnic1" \
	"pvmnic1 $MAC1" "$(arp_replies 10.0.0.11)"
check_eq "ARP for vmk2's address: exactly one reply, vmk2's MAC, through pvmnic2" \
	"pvmnic2 $MAC2" "$(arp_replies 10.0.0.12)"
check_eq "the switch's neighbour entries hold each vmk's own MAC" "$MAC1 $MAC2" \
	"$(ip -n "$SW" -j neigh show dev br0 | pyq '" ".join(next((n.get("lladdr", "") for n in d if n["dst"] == a), "-") for a in ("10.0.0.11", "10.0.0.12"))')"

finish_kernel_test
