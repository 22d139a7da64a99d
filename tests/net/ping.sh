#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `esxcli network diag ping`, vmkping and `esxcli network ip neighbor list`
# end to end: the real esxclid in a private network namespace with a vmknic
# (vmk1, a macvlan on the veth vmnic1) whose peer answers in a second
# namespace. Every count is checked against the peer's own ICMP counters
# (/proc/net/snmp, snmp6), the neighbour entry against the peer's MAC, and
# the daemon's open files before and after a client hangs up mid-ping.
. "$(dirname "$0")/lib.sh"

net_require
: "${VMKPING:=$(dirname "$ESXCLI")/vmkping}"
[ -x "$VMKPING" ] || skip "no vmkping at $VMKPING"

NS=esxt-ping-$$
PEER=esxt-ppeer-$$
net_setup_ns "$NS"
net_setup_ns "$PEER"

ADDR=10.99.0.1
PEER_ADDR=10.99.0.2
NOBODY=10.99.0.99          # on the link, but nobody answers
ADDR6=fd00:99::1
PEER_ADDR6=fd00:99::2

ip -n "$NS" link add vmnic1 type veth peer name pvmnic1 netns "$PEER" ||
	{ echo "Bail out! cannot create the veth pair"; exit 99; }
ip -n "$NS" link set vmnic1 up
ip -n "$PEER" link set pvmnic1 up
ip -n "$PEER" addr add "$PEER_ADDR/24" dev pvmnic1
ip -n "$PEER" addr add "$PEER_ADDR6/64" dev pvmnic1 nodad

# --debug: the log then says when a hung-up client's command was cancelled.
start_daemon "$NS" --debug

# The vmknic: made by the daemon when its network commands are there, else
# by hand as the daemon names it. A hand-made one carries no "esxclid:" alias:
# the reconciler removes tagged vmknics that are not in its configuration, and
# a macvlan named vmkN is a vmknic either way (net_link_is_managed()).
make_vmk_with_daemon() {
	esx network vswitch standard add -v vSwitch1 &&
		esx network vswitch standard uplink add -u vmnic1 -v vSwitch1 &&
		esx network vswitch standard portgroup add -p Ping -v vSwitch1 &&
		esx network ip interface add -i vmk1 -p Ping &&
		esx network ip interface ipv4 set -i vmk1 -t static -I "$ADDR" -N 255.255.255.0 &&
		esx network ip interface ipv6 address add -i vmk1 -I "$ADDR6/64"
}
make_vmk_by_hand() {
	ip -n "$NS" link del vmk1 2>/dev/null
	ip -n "$NS" link add link vmnic1 name vmk1 type macvlan mode bridge &&
		ip -n "$NS" addr add "$ADDR/24" dev vmk1 &&
		ip -n "$NS" addr add "$ADDR6/64" dev vmk1 nodad &&
		ip -n "$NS" link set vmk1 up &&
		# As the daemon sets them (PITFALLS.md): only vmk1 answers ARP for
		# its address, so replies come back to vmk1, not to the uplink.
		for dev in vmnic1 vmk1; do
			ip netns exec "$NS" sysctl -qw net.ipv4.conf.$dev.arp_ignore=1 \
				net.ipv4.conf.$dev.arp_announce=2 || return 1
		done
}
if make_vmk_with_daemon >"$TEST_TMP/vmk.log" 2>&1; then
	echo "# vmk1 made by esxclid"
else
	echo "# vmk1 made by hand (the daemon could not: $(tail -1 "$TEST_TMP/vmk.log"))"
	make_vmk_by_hand || { echo "Bail out! cannot create vmk1"; exit 99; }
fi
wait_until 30 ip netns exec "$NS" ping -c 1 -W 1 -I vmk1 "$PEER_ADDR" ||
	{ echo "Bail out! the peer does not answer vmk1"; exit 99; }
wait_until 30 ip netns exec "$NS" ping -6 -c 1 -W 1 -I vmk1 "$PEER_ADDR6" ||
	{ echo "Bail out! the peer does not answer vmk1 over IPv6"; exit 99; }

# ---- helpers ----

# peer_echos [6]: echo requests the peer has received so far.
peer_echos() {
	if [ "${1:-4}" = 6 ]; then
		ip netns exec "$PEER" awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6
	else
		# Two "Icmp:" lines: the counters' names, then their values.
		ip netns exec "$PEER" awk '$1 == "Icmp:" && !named { for (i = 2; i <= NF; i++) col[$i] = i;
				named = 1; next }
			$1 == "Icmp:" { print $(col["InEchos"]) }' /proc/net/snmp
	fi
}

# ping_json ARGS...: `network diag ping ARGS` as one line:
# transmitted|received|duplicated|lost|trace entries|hosts of the replies|seqs|dups
ping_json() {
	esx --formatter=json network diag ping "$@" | python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
s, t = r["Summary"], r["Trace"]
print("|".join(str(x) for x in (s["Transmitted"], s["Received"], s["Duplicated"],
      s["PacketLost"], len(t), ",".join(sorted({e["Host"] for e in t})),
      ",".join(str(e["ICMPSeq"]) for e in t), ",".join(str(e["Dup"]) for e in t))))
'
}

now_ms() {
	date +%s%3N
}

# daemon_fds: what the daemon's file descriptors point to, sorted.
daemon_fds() {
	ls -l "/proc/$DAEMON_PID/fd" 2>/dev/null | awk 'NR > 1 { print $NF }' | sort
}

daemon_raw_sockets() {
	ip netns exec "$NS" awk 'NR > 1' /proc/net/raw | wc -l
}

# ---- replies counted against the peer ----

before=$(peer_echos)
out=$(ping_json --host "$PEER_ADDR" --interface vmk1 --count 3)
check_eq "ping -c 3 through vmk1: 3 sent, 3 received, none lost, three replies from the peer, seq 0-2" \
	"3|3|0|0|3|$PEER_ADDR|0,1,2|False,False,False" "$out"
check_eq "the peer received exactly the 3 echo requests the result counts" 3 \
	$(($(peer_echos) - before))

text=$(esx network diag ping -H "$PEER_ADDR" -I vmk1 -c 2 | sed -E 's/: [0-9]+ us$/: N us/')
expected="   Trace: 
         Received Bytes: 64
         Host: $PEER_ADDR
         ICMP Seq: 0
         TTL: 64
         Round-trip Time: N us
         Dup: false
         Detail: 
      
         Received Bytes: 64
         Host: $PEER_ADDR
         ICMP Seq: 1
         TTL: 64
         Round-trip Time: N us
         Dup: false
         Detail: 
   Summary: 
         Host Addr: $PEER_ADDR
         Transmitted: 2
         Received: 2
         Duplicated: 0
         Packet Lost: 0
         Round-trip Min: N us
         Round-trip Avg: N us
         Round-trip Max: N us"
check_eq "text output: ESXi's layout, times in microseconds (\"182 us\")" "$expected" "$text"

before=$(peer_echos)
out=$(ping_json --host "$PEER_ADDR" --count 2 --size 1000)
check_eq "without --interface the routing table picks vmk1; 1000 data bytes make 1008-byte replies" \
	"2|2|0|0|2|$PEER_ADDR|0,1|False,False" "$out"
check_eq "the peer received those 2 requests" 2 $(($(peer_echos) - before))
check_eq "Received Bytes counts the ICMP header and data" "1008" \
	"$(esx --formatter=json network diag ping -H "$PEER_ADDR" -c 1 -s 1000 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["Trace"][0]["ReceivedBytes"])')"

# Two runs at once: each takes only its own replies (one ICMP id per run).
before=$(peer_echos)
ping_json -H "$PEER_ADDR" -I vmk1 -c 3 >"$TEST_TMP/a.out" &
a=$!
ping_json -H "$PEER_ADDR" -I vmk1 -c 3 >"$TEST_TMP/b.out" &
b=$!
wait $a $b
check_eq "two pings at the same time each count their own 3 replies, no duplicates" \
	"3|3|0|0|3|$PEER_ADDR|0,1,2|False,False,False 3|3|0|0|3|$PEER_ADDR|0,1,2|False,False,False" \
	"$(cat "$TEST_TMP/a.out") $(cat "$TEST_TMP/b.out")"
check_eq "the peer received the 6 requests of both" 6 $(($(peer_echos) - before))

# ---- IPv6 ----

before=$(peer_echos 6)
out=$(ping_json -H "$PEER_ADDR6" -I vmk1 -c 2)
check_eq "IPv6 ping: 2 sent, 2 received" "2|2|0|0|2|$PEER_ADDR6|0,1|False,False" "$out"
check_eq "the peer received exactly 2 ICMPv6 echo requests" 2 $(($(peer_echos 6) - before))
peer_ll=$(ip -n "$PEER" -6 -o addr show dev pvmnic1 scope link | awk '{ sub("/.*", "", $4); print $4 }')
out=$(ping_json -H "$peer_ll" -I vmk1 -c 1)
check_eq "a link-local IPv6 address is reached through --interface" "1|1|0|0|1|$peer_ll|0|False" "$out"
out=$(esx network diag ping -H "$peer_ll" -c 1 2>&1)
check_contains "a link-local address without --interface is refused" \
	"is a link-local address: give the interface to reach it with --interface" "$out"
out=$(esx network diag ping -H "$PEER_ADDR6" --ipv4 2>&1)
check_contains "--ipv4 with an IPv6 address is refused" "is not an IPv4 address" "$out"

# ---- refusals ----

out=$(esx network diag ping -H peer.example.com 2>&1)
check_eq "a host name is refused (exit 1)" 1 "$?"
check_contains "and the message says why" \
	"--host takes an IP address; name lookup would block the daemon" "$out"
out=$(esx network diag ping -H "$PEER_ADDR" -I vmnic1 2>&1)
check_contains "--interface must be a vmknic, not an uplink" "--interface takes a VMkernel NIC" "$out"
out=$(esx network diag ping -H "$PEER_ADDR" -I vmk9 2>&1)
check_eq "an unknown vmknic is refused" "Error: Unable to find vmknic vmk9" "$(printf '%s' "$out" | head -1)"
out=$(esx network diag ping -H "$PEER_ADDR" -c 100 -i 2 2>&1)
check_contains "a run longer than a client waits for is refused" \
	"longer than the 110 s a client waits for it" "$out"

# ---- don't fragment ----

mtu=$(ip -n "$NS" -o link show vmk1 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
before=$(peer_echos)
out=$(esx network diag ping -H "$PEER_ADDR" -I vmk1 --df --size $((mtu - 27)) -c 1 2>&1)
status=$?
check_eq "--df with a packet one byte over the MTU fails (exit 1)" 1 "$status"
check_contains "with EMSGSIZE and the MTU in the message" \
	"Message too long: $((mtu - 27)) data bytes make a $((mtu + 1))-byte IP packet, larger than the MTU $mtu of vmk1" \
	"$out"
check_eq "and nothing reached the peer" 0 $(($(peer_echos) - before))
out=$(ping_json -H "$PEER_ADDR" -I vmk1 --df --size $((mtu - 28)) -c 1)
check_eq "--df with a packet of exactly the MTU gets its reply" "1|1|0|0|1|$PEER_ADDR|0|False" "$out"
out=$(ping_json -H "$PEER_ADDR" -I vmk1 --size $((mtu + 500)) -c 1)
check_eq "without --df a packet over the MTU is fragmented and answered" \
	"1|1|0|0|1|$PEER_ADDR|0|False" "$out"

# ---- an unreachable host, while other clients are served ----

start=$(now_ms)
"$VMKPING" --socket "$DAEMON_SOCKET" -I vmk1 -c 3 "$NOBODY" >"$TEST_TMP/nobody.out" 2>&1 &
pinger=$!
sleep 0.3
t0=$(now_ms)
esx network nic list >/dev/null
t1=$(now_ms)
wait $pinger
status=$?
end=$(now_ms)
if [ $((t1 - t0)) -lt 500 ]; then
	ok "network nic list answers at once while a ping runs ($((t1 - t0)) ms)"
else
	fail "network nic list answers at once while a ping runs" "took $((t1 - t0)) ms"
fi
check_eq "vmkping to a host that does not answer exits 1" 1 "$status"
check_eq "and reports 100% loss" "3 packets transmitted, 0 packets received, 100% packet loss" \
	"$(grep 'packets transmitted' "$TEST_TMP/nobody.out")"
if [ $((end - start)) -ge 2900 ] && [ $((end - start)) -lt 5000 ]; then
	ok "it ends after 3 requests and the 1 s wait ($((end - start)) ms)"
else
	fail "it ends after 3 requests and the 1 s wait" "took $((end - start)) ms"
fi

# When address resolution gives up (after about 3 s) the kernel answers the
# queued requests with "host unreachable": those come back as trace entries
# with a Detail, and count as no reply.
out=$(esx --formatter=json network diag ping -H 10.99.0.98 -I vmk1 -c 5 | python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
errors = [e for e in r["Trace"] if e["Detail"]]
print(r["Summary"]["Received"], len(errors) > 0,
      sorted({(e["Host"], e["Detail"], e["ReceivedBytes"]) for e in errors}),
      all(0 <= e["ICMPSeq"] < 5 for e in errors))
')
check_eq "unanswered requests come back as \"Destination Host Unreachable\" from the vmknic" \
	"0 True [('$ADDR', 'Destination Host Unreachable', 92)] True" "$out"

# ---- a client that hangs up mid-ping ----

raw_sockets_are() {
	[ "$(daemon_raw_sockets)" -eq "$1" ]
}
fds_are() {
	[ "$(daemon_fds)" = "$1" ]
}
wait_until 20 raw_sockets_are 0
fds_before=$(daemon_fds)
# The client itself in the background (not the esx function's subshell), so
# that killing it closes its socket.
"$ESXCLI" --socket="$DAEMON_SOCKET" network diag ping -H "$NOBODY" -I vmk1 -c 5 >/dev/null 2>&1 &
client=$!
if wait_until 20 raw_sockets_are 1; then
	ok "a running ping holds one raw socket in the daemon"
else
	fail "a running ping holds one raw socket in the daemon" "$(ip netns exec "$NS" cat /proc/net/raw)"
fi
kill "$client"
wait "$client" 2>/dev/null
if wait_until 20 fds_are "$fds_before"; then
	ok "after the client hangs up the daemon has the same open files as before"
else
	fail "after the client hangs up the daemon has the same open files as before" \
		"before: $fds_before" "after: $(daemon_fds)"
fi
check_eq "and no raw socket is left" 0 "$(daemon_raw_sockets)"
check "the daemon noted the cancelled command" grep -q "its command was cancelled" "$DAEMON_LOG"
check "and still answers" esx network nic list

# ---- vmkping ----

out=$("$VMKPING" --socket "$DAEMON_SOCKET" -I vmk1 -c 2 "$PEER_ADDR")
check_eq "vmkping -I vmk1 -c 2 exits 0" 0 "$?"
pattern="^PING $PEER_ADDR \\($PEER_ADDR\\): 56 data bytes
64 bytes from $PEER_ADDR: icmp_seq=0 ttl=64 time=[0-9]+\\.[0-9]{3} ms
64 bytes from $PEER_ADDR: icmp_seq=1 ttl=64 time=[0-9]+\\.[0-9]{3} ms

--- $PEER_ADDR ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = [0-9]+\\.[0-9]{3}/[0-9]+\\.[0-9]{3}/[0-9]+\\.[0-9]{3} ms$"
if [[ $out =~ $pattern ]]; then
	ok "vmkping prints BSD ping's layout"
else
	fail "vmkping prints BSD ping's layout" "$out"
fi
out=$(ESXCLI_SOCKET=$DAEMON_SOCKET "$VMKPING" -6 -c 1 -s 100 "$PEER_ADDR6")
check_contains "vmkping -6 (socket from \$ESXCLI_SOCKET): hop limit as hlim" \
	"108 bytes from $PEER_ADDR6: icmp_seq=0 hlim=64 time=" "$out"
out=$("$VMKPING" --socket "$DAEMON_SOCKET" -d -s $((mtu - 27)) -I vmk1 "$PEER_ADDR" 2>&1)
check_eq "vmkping -d over the MTU exits 2" 2 "$?"
check_contains "and says the message is too long" "Message too long" "$out"
out=$("$VMKPING" --socket "$DAEMON_SOCKET" -x "$PEER_ADDR" 2>&1)
check_eq "vmkping with an unknown option exits 2" 2 "$?"
check_contains "and prints its usage" "Usage: vmkping [args] [host]" "$out"
"$VMKPING" --socket "$DAEMON_SOCKET" >/dev/null 2>&1
check_eq "vmkping without a host exits 2" 2 "$?"

# ---- neighbours ----

peer_mac=$(ip -n "$PEER" -o link show pvmnic1 | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p')
# neighbors [ARGS]: "address|mac|vmknic|expiry|state|type" lines
neighbors() {
	esx --formatter=json network ip neighbor list "$@" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["result"]:
    print("|".join((r["Neighbor"], r["MacAddress"], r["Vmknic"], r["Expiry"], r["State"], r["Type"])))
'
}
esx network diag ping -H "$PEER_ADDR" -I vmk1 -c 1 >/dev/null
row=$(neighbors | grep "^$PEER_ADDR|")
check_eq "after a ping the peer is a neighbour of vmk1 with its MAC, Dynamic" \
	"$PEER_ADDR|$peer_mac|vmk1|Dynamic" "$(printf '%s' "$row" | cut -d'|' -f1-3,6)"
state=$(printf '%s' "$row" | cut -d'|' -f5)
kernel_state=$(ip -n "$NS" neigh show dev vmk1 "$PEER_ADDR" | awk '{ print $NF }')
check_eq "its State is the kernel's" "$kernel_state" "$state"
expiry=$(printf '%s' "$row" | cut -d'|' -f4)
# Right after the ping the entry is REACHABLE (expiry within the reachable
# time); on a busy machine it may already be in DELAY (expiry: the time until
# probing, delay_first_probe_time, 5 s by default). Either way the expiry is
# the kernel's clock, not a constant.
if [[ $expiry =~ ^[0-9]+\ sec$ ]] &&
	{ { [ "$state" = REACHABLE ] && [ "${expiry% sec}" -le 60 ]; } ||
	  { [ "$state" = DELAY ] && [ "${expiry% sec}" -le 5 ]; }; }; then
	ok "a fresh entry expires within its state's time ($state, $expiry)"
else
	fail "a fresh entry expires within its state's time" "$row"
fi
check_eq "the IPv6 peer is listed too" "$PEER_ADDR6|$peer_mac|vmk1" \
	"$(neighbors | grep "^$PEER_ADDR6|" | cut -d'|' -f1-3)"
check_eq "the host that never answered: (incomplete), no expiry, Invalid" \
	"$NOBODY|(incomplete)|vmk1|-1 sec|Invalid" "$(neighbors | grep "^$NOBODY|" | cut -d'|' -f1-4,6)"
ip -n "$NS" neigh replace 10.99.0.50 lladdr 02:00:00:00:00:50 dev vmk1 nud permanent
check_eq "a permanent entry is Permanent/PERMANENT" "10.99.0.50|02:00:00:00:00:50|vmk1|-1 sec|PERMANENT|Permanent" \
	"$(neighbors | grep '^10.99.0.50|')"
# An entry on the uplink itself is not a vmknic's.
ip -n "$NS" neigh replace 10.99.1.7 lladdr 02:00:00:00:01:07 dev vmnic1 nud permanent
check_eq "entries on links that are not vmknics are left out" "" "$(neighbors | grep '^10.99.1.7|')"
check_eq "-i vmk1 lists vmk1's entries" "$(neighbors | wc -l)" "$(neighbors -i vmk1 | wc -l)"
out=$(esx network ip neighbor list -i vmk9 2>&1)
check_eq "-i with an unknown vmknic is refused" "Error: Unable to find vmknic vmk9" \
	"$(printf '%s' "$out" | head -1)"
header=$(esx network ip neighbor list | head -1)
if [[ $header =~ ^Neighbor\ +Mac\ Address\ +Vmknic\ +Expiry\ +State\ +Type$ ]]; then
	ok "neighbor list has ESXi's columns"
else
	fail "neighbor list has ESXi's columns" "$header"
fi

finish
