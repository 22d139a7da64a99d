#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `esxcli network nic` end to end: the real esxclid in a private network
# namespace with veth NICs whose peers sit in a second "switch" namespace,
# driven through the real esxcli client, every answer compared with what the
# kernel says independently (ip -j, sysfs).
. "$(dirname "$0")/lib.sh"

net_require

NS=esxt-nic-$$
SW=esxt-nsw-$$
net_setup_ns "$NS"
net_setup_ns "$SW"

# No IPv6 autoconfiguration chatter: the counters move only with our traffic.
for ns in "$NS" "$SW"; do
	ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6;
		echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6' 2>/dev/null
done

# add_nic NAME MAC MTU: a veth NIC in $NS whose peer p<NAME> is in $SW.
add_nic() {
	ip -n "$NS" link add "$1" address "$2" mtu "$3" type veth peer name "p$1" netns "$SW" ||
		{ echo "Bail out! cannot create veth $1"; exit 99; }
}

add_nic vmnic1 aa:bb:cc:00:00:01 9000
add_nic vmnic2 aa:bb:cc:00:00:02 1500
add_nic vmnic3 aa:bb:cc:00:00:03 1500
add_nic vmnic10 aa:bb:cc:00:00:10 1500
ip -n "$NS" link set vmnic1 up
ip -n "$NS" link set vmnic2 up
ip -n "$NS" link set vmnic10 up                 # admin up, but its peer stays down: no carrier
ip -n "$NS" link set vmnic10 alias "Storage uplink A"
ip -n "$SW" link set pvmnic1 up
ip -n "$SW" link set pvmnic2 up
ip -n "$SW" link set pvmnic3 up
# The daemon's own interfaces: a VMkernel NIC and a tagged VLAN-style link.
ip -n "$NS" link add vmk1 link vmnic1 type macvlan mode bridge
ip -n "$NS" link set vmk1 up
add_nic vmnic2.100 aa:bb:cc:00:01:00 1500
ip -n "$NS" link set vmnic2.100 alias "esxclid:vlan 100 on vmnic2"

start_daemon "$NS"

# ---- the kernel's own view ----

# kern NAME KEY: address, mtu or ifalias from `ip -j link`, or up / lower_up
# as 1 or 0 from its flags.
kern() {
	ip -j -n "$NS" link show dev "$1" | python3 -c '
import json, sys
link = json.load(sys.stdin)[0]
key = sys.argv[1]
if key in ("up", "lower_up"):
    print(1 if key.upper() in link.get("flags", []) else 0)
else:
    print(link.get(key, ""))
' "$2"
}

kern_is() {
	[ "$(kern "$1" "$2")" = "$3" ]
}

sysfs_stat() {
	ip netns exec "$NS" cat "/sys/class/net/$1/statistics/$2"
}

up_down() {
	if [ "$1" = 1 ]; then echo Up; else echo Down; fi
}

# ---- the daemon's view ----

# nic_rows: one line per NIC of `network nic list`, fields joined by '|':
# name|pci|driver|admin|link|speed|duplex|mac|mtu|description
nic_rows() {
	esx --formatter=json network nic list | python3 -c '
import json, sys
doc = json.load(sys.stdin)
rows = doc["result"] if isinstance(doc, dict) else doc
fields = ["Name", "PCI Device", "Driver", "Admin Status", "Link Status", "Speed",
          "Duplex", "MAC Address", "MTU", "Description"]
for row in rows:
    print("|".join(str(row.get(f.replace(" ", ""), row.get(f, "?"))) for f in fields))
'
}

# nic_field NAME N: field N (1-based, as in nic_rows) of NIC NAME.
nic_field() {
	nic_rows | awk -F'|' -v name="$1" -v n="$2" '$1 == name { print $n }'
}

# get_value TEXT KEY: the value of "   KEY: value" in esxcli's text output.
get_value() {
	printf '%s\n' "$1" | sed -n "s/^ *$2: //p" | head -1
}

# complete WORD ARGV...: the daemon's Tab completion candidates, sorted.
complete() {
	python3 - "$DAEMON_SOCKET" "$@" <<'EOF'
import json, socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1])
request = {"method": "io.esxcli.Shell.Complete",
           "parameters": {"word": sys.argv[2], "argv": sys.argv[3:]}}
sock.sendall(json.dumps(request).encode() + b"\0")
reply = b""
while not reply.endswith(b"\0"):
    chunk = sock.recv(65536)
    if not chunk:
        break
    reply += chunk
print(" ".join(sorted(json.loads(reply.rstrip(b"\0"))["parameters"]["candidates"])))
EOF
}

# ---- network nic list ----

out=$(esx network nic list 2>&1)
check_eq "nic list exits 0" 0 "$?"
header=$(printf '%s\n' "$out" | head -1)
if [[ $header =~ ^Name\ +PCI\ Device\ +Driver\ +Admin\ Status\ +Link\ Status\ +Speed\ +Duplex\ +MAC\ Address\ +MTU\ +Description$ ]]; then
	ok "nic list has ESXi's columns in ESXi's order"
else
	fail "nic list has ESXi's columns in ESXi's order" "$header"
fi

names=$(nic_rows | cut -d'|' -f1 | tr '\n' ' ')
check_eq "nic list shows exactly the NICs, sorted by name (vmk1, the esxclid-tagged link and lo left out)" \
	"vmnic1 vmnic2 vmnic3 vmnic10 " "$names"

for nic in vmnic1 vmnic2 vmnic3 vmnic10; do
	row=$(nic_rows | awk -F'|' -v name="$nic" '$1 == name')
	expected="$nic||veth|$(up_down "$(kern $nic up)")|$(up_down "$(kern $nic lower_up)")"
	check_eq "$nic: name, PCI device, driver, admin and link status match the kernel" \
		"$expected" "$(printf '%s' "$row" | cut -d'|' -f1-5)"
	check_eq "$nic: MAC address matches the kernel" "$(kern $nic address)" \
		"$(printf '%s' "$row" | cut -d'|' -f8)"
	check_eq "$nic: MTU matches the kernel" "$(kern $nic mtu)" \
		"$(printf '%s' "$row" | cut -d'|' -f9)"
done
check_eq "vmnic1 has the MAC and MTU it was given" "aa:bb:cc:00:00:01 9000" \
	"$(nic_field vmnic1 8) $(nic_field vmnic1 9)"
check_eq "vmnic1 (carrier) reports veth's 10000 Mb/s full duplex" "10000 Full" \
	"$(nic_field vmnic1 6) $(nic_field vmnic1 7)"
check_eq "vmnic3 (admin down) is Down/Down with speed 0 and no duplex" "Down Down 0 " \
	"$(nic_field vmnic3 4) $(nic_field vmnic3 5) $(nic_field vmnic3 6) $(nic_field vmnic3 7)"
check_eq "vmnic10 (admin up, peer down) is Up/Down with speed 0" "Up Down 0" \
	"$(nic_field vmnic10 4) $(nic_field vmnic10 5) $(nic_field vmnic10 6)"
check_eq "vmnic10's description is its alias" "Storage uplink A" "$(nic_field vmnic10 10)"
check_eq "vmnic1's description names the kind" "Virtual Ethernet (veth)" "$(nic_field vmnic1 10)"
check_eq "vmk1 still exists in the kernel (so leaving it out is a choice)" 1 "$(kern vmk1 up)"

ip -n "$NS" link add vmnic4 address aa:bb:cc:00:00:04 type veth peer name pvmnic4 netns "$SW"
check_eq "a NIC added while the daemon runs is listed at once" "aa:bb:cc:00:00:04" \
	"$(nic_field vmnic4 8)"
ip -n "$NS" link del vmnic4
check_eq "a NIC deleted while the daemon runs is gone at once" "" "$(nic_field vmnic4 1)"

# ---- network nic down / up ----

out=$(esx network nic down -n vmnic2 2>&1)
check_eq "nic down exits 0" 0 "$?"
check_eq "nic down prints nothing" "" "$out"
check_eq "nic down took vmnic2 down in the kernel (no UP flag)" 0 "$(kern vmnic2 up)"
check_eq "nic list shows vmnic2 Down/Down" "Down Down" "$(nic_field vmnic2 4) $(nic_field vmnic2 5)"

out=$(esx network nic up --nic-name=vmnic2 2>&1)
check_eq "nic up exits 0 and prints nothing" "0:" "$?:$out"
check_eq "nic up brought vmnic2 up in the kernel (UP flag)" 1 "$(kern vmnic2 up)"
wait_until 30 kern_is vmnic2 lower_up 1
check_eq "vmnic2 has carrier again" 1 "$(kern vmnic2 lower_up)"
check_eq "nic list shows vmnic2 Up/Up" "Up Up" "$(nic_field vmnic2 4) $(nic_field vmnic2 5)"

# ---- network nic get ----

out=$(esx network nic get -n vmnic1 2>&1)
check_eq "nic get exits 0" 0 "$?"
keys=$(printf '%s\n' "$out" | sed -n 's/^   \([^ ][^:]*\):.*/\1/p' | tr '\n' ',')
check_eq "nic get has ESXi's fields, alphabetical" \
	"Advertised Auto Negotiation,Advertised Link Modes,Auto Negotiation,Cable Type,Current Message Level,Driver Info,Link Detected,Link Status,Name,PHYAddress,Pause Autonegotiate,Pause RX,Pause TX,Supported Ports,Supports Auto Negotiation,Supports Pause,Supports Wakeon,Transceiver,Virtual Address,Wakeon," \
	"$keys"
check_eq "nic get: Name" vmnic1 "$(get_value "$out" Name)"
check_eq "nic get: Virtual Address is the kernel's MAC" "$(kern vmnic1 address)" \
	"$(get_value "$out" "Virtual Address")"
check_eq "nic get: Driver Info/Driver (indented under Driver Info)" veth \
	"$(printf '%s\n' "$out" | sed -n 's/^         Driver: //p')"
check_eq "nic get: Link Status and Link Detected of a NIC with carrier" "Up true" \
	"$(get_value "$out" "Link Status") $(get_value "$out" "Link Detected")"
check_eq "nic get: veth has no wake-on-LAN" "false None" \
	"$(get_value "$out" "Supports Wakeon") $(get_value "$out" Wakeon)"
out=$(esx network nic get -n vmnic3 2>&1)
check_eq "nic get: Link Status and Link Detected of an admin-down NIC" "Down false" \
	"$(get_value "$out" "Link Status") $(get_value "$out" "Link Detected")"

# ---- network nic stats get ----

ip -n "$NS" addr add 192.0.2.1/24 dev vmnic1
ip -n "$SW" addr add 192.0.2.2/24 dev pvmnic1
stats_of() {
	esx network nic stats get -n "$1" | sed -n "s/^   $2: //p"
}
out=$(esx network nic stats get -n vmnic1 2>&1)
check_eq "stats get exits 0" 0 "$?"
check_eq "stats get starts with NIC Name" "   NIC Name: vmnic1" "$(printf '%s\n' "$out" | head -1)"
before=$(stats_of vmnic1 "Packets received")
ip netns exec "$SW" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    s.sendto(b"esxcli-linux", ("192.0.2.1", 9))
'
for counter in "Packets received:rx_packets" "Bytes received:rx_bytes" "Packets sent:tx_packets"; do
	field=${counter%%:*}
	file=${counter#*:}
	sys_before=$(sysfs_stat vmnic1 "$file")
	value=$(stats_of vmnic1 "$field")
	sys_after=$(sysfs_stat vmnic1 "$file")
	if [ -n "$value" ] && [ "$sys_before" -le "$value" ] && [ "$value" -le "$sys_after" ]; then
		ok "stats get: $field ($value) is the kernel's current $file"
	else
		fail "stats get: $field is the kernel's current $file" \
			"sysfs before $sys_before, esxcli '$value', sysfs after $sys_after"
	fi
done
after=$(stats_of vmnic1 "Packets received")
if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -ge $((before + 20)) ]; then
	ok "stats get: Packets received moved by the 20 datagrams sent ($before -> $after)"
else
	fail "stats get: Packets received moved by the 20 datagrams sent" "$before -> $after"
fi

# ---- errors ----

out=$(esx network nic get -n vmnic9 2>&1)
check_eq "an unknown NIC exits 1" 1 "$?"
check_contains "an unknown NIC is named in the error" "Error: Unable to find NIC vmnic9" "$out"
out=$(esx network nic down -n vmk1 2>&1)
check_eq "nic down of vmk1 exits 1" 1 "$?"
check_contains "vmk1 is refused as not a NIC" "vmk1 is not a NIC" "$out"
check_eq "vmk1 stayed up" 1 "$(kern vmk1 up)"
out=$(esx network nic get -n vmnic2.100 2>&1)
check_contains "the esxclid-tagged link is refused as not a NIC" "vmnic2.100 is not a NIC" "$out"
out=$(esx network nic stats get -n lo 2>&1)
check_contains "lo is refused as not a NIC" "lo is not a NIC" "$out"
out=$(esx network nic get -n 'bad/name' 2>&1)
check_eq "an invalid name exits 1" 1 "$?"
check_contains "an invalid name is explained" "Invalid NIC name 'bad/name'" "$out"
out=$(esx network nic up 2>&1)
check_eq "nic up without -n exits 1" 1 "$?"
check_contains "nic up without -n names the option" "Missing required parameter -n|--nic-name" "$out"

# ---- Tab completion of -n ----

check_eq "-n completes NIC names only" "vmnic1 vmnic10 vmnic2 vmnic3" \
	"$(complete vm network nic get -n)"
check_eq "-n completes by prefix" "vmnic1 vmnic10" "$(complete vmnic1 network nic down -n)"

finish
