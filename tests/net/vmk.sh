#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# VMkernel interfaces against the real kernel: `network ip interface` add,
# remove, set (-m, -e), ipv4 set/get, ipv6 address add/list/remove and
# `network ip route ipv4`, each checked with `ip -j` and /proc/sys read back
# independently of the daemon: the macvlan on the right uplink with the stored
# MAC and MTU, addresses (IPv6 usable at once: NODAD), the vmk's own table and
# rule with protocol 222, static routes in main, the ARP/rp_filter sysctls on
# the vmk and its uplink and their restoration, refusals (VLAN without 802.1Q,
# DHCP, bad values) that leave the state file and the kernel untouched.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-vmk-$$
SW=esxt-vmsw-$$
net_setup_ns "$NS"
net_setup_ns "$SW"

# add_nic NAME MTU: a veth NIC in $NS, up, whose peer p<NAME> is up in $SW.
add_nic() {
	ip -n "$NS" link add "$1" mtu "$2" type veth peer name "p$1" mtu "$2" netns "$SW" ||
		{ echo "Bail out! cannot create veth $1"; exit 99; }
	ip -n "$NS" link set "$1" up
	ip -n "$SW" link set "p$1" up
}
add_nic vmnic1 9000
add_nic vmnic2 1500
# Values no default has: putting them back cannot be confused with a reset.
ip netns exec "$NS" sysctl -qw net.ipv4.conf.vmnic1.arp_ignore=0 \
	net.ipv4.conf.vmnic1.arp_announce=1 net.ipv4.conf.vmnic1.rp_filter=1 ||
	{ echo "Bail out! cannot set vmnic1's sysctls"; exit 99; }

start_daemon "$NS"
STATE=$TEST_TMP/state/esx.conf

# ---- the configuration the vmks sit on ----

for cmd in "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard set -v vSwitch1 -m 9000" \
	"vswitch standard portgroup add -p Mgmt -v vSwitch1" \
	"vswitch standard portgroup add -p Storage -v vSwitch1" \
	"vswitch standard add -v vSwitch2" \
	"vswitch standard uplink add -u vmnic2 -v vSwitch2" \
	"vswitch standard portgroup add -p Other -v vSwitch2"; do
	# shellcheck disable=SC2086
	out=$(esx network $cmd 2>&1) || { echo "Bail out! esxcli network $cmd: $out"; exit 99; }
done
check_eq "no vmk yet: vmnic2's sysctls are the kernel's defaults" "0 0 0" "$(sysctls vmnic2)"

# ---- interface add ----

out=$(esx network ip interface add -i vmk1 -p Mgmt 2>&1)
check_eq "interface add -i vmk1 -p Mgmt exits 0 and prints nothing" "0:" "$?:$out"
mac1=$(list_field vmk1 MACAddress network ip interface list)
check "the generated MAC is locally administered 02:50:56:xx:xx:xx" \
	grep -Eqx '02:50:56(:[0-9a-f]{2}){3}' <<<"$mac1"
check_eq "vmk1 is a macvlan in bridge mode" "macvlan bridge" \
	"$(link_field vmk1 'l["linkinfo"]["info_kind"] + " " + l["linkinfo"]["info_data"]["mode"]')"
check_eq "vmk1 sits on vmnic1, the portgroup's uplink" vmnic1 "$(link_field vmk1 'l["link"]')"
check_eq "vmk1 carries the daemon's mark" "esxclid:vmk" "$(link_field vmk1 'l.get("ifalias")')"
check_eq "vmk1 has the MAC the daemon lists" "$mac1" "$(link_field vmk1 'l["address"]')"
check_eq "which is the MAC kept in the state file" "$mac1" \
	"$(pyq '[v["mac"] for v in d["network"]["vmks"] if v["name"] == "vmk1"]' <"$STATE")"
check_eq "vmk1 has the default MTU 1500 (the vSwitch's 9000 is larger)" 1500 \
	"$(link_field vmk1 'l["mtu"]')"
check_eq "vmk1 is up" True "$(link_field vmk1 '"UP" in l["flags"]')"
check_eq "interface list: Enabled, Portset, Portgroup, MTU" "True vSwitch1 Mgmt 1500" \
	"$(for k in Enabled Portset Portgroup MTU; do list_field vmk1 $k network ip interface list; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "sysctls arp_ignore=1 arp_announce=2 rp_filter=2 on vmk1" "1 2 2" "$(sysctls vmk1)"
check_eq "the same on vmnic1, the uplink carrying it" "1 2 2" "$(sysctls vmnic1)"
check_eq "vmnic2 carries no vmk: its sysctls are untouched" "0 0 0" "$(sysctls vmnic2)"
check_eq "vmk1 without IPv4 has no address in the kernel" "" "$(addrs vmk1)"
check_eq "ipv4 get shows NONE and 0.0.0.0" "NONE 0.0.0.0" \
	"$(list_field vmk1 AddressType network ip interface ipv4 get) $(list_field vmk1 IPv4Address network ip interface ipv4 get)"
check_eq "no rule yet for vmk1's table" "" "$(rules -4)"

out=$(esx network ip interface add -i vmk2 -p Storage -M 00:50:56:AA:BB:02 -m 9000 2>&1)
check_eq "interface add -M -m exits 0" "0:" "$?:$out"
check_eq "vmk2 has the MAC given, in lower case, in the kernel" "00:50:56:aa:bb:02" \
	"$(link_field vmk2 'l["address"]')"
check_eq "vmk2 has MTU 9000 in the kernel" 9000 "$(link_field vmk2 'l["mtu"]')"
check_eq "vmk2 sits on vmnic1" vmnic1 "$(link_field vmk2 'l["link"]')"

# ---- ipv4 set ----

out=$(esx network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1 2>&1)
check_eq "ipv4 set -t static -I -N -g exits 0" "0:" "$?:$out"
check_eq "vmk1 has 10.0.0.11/24 in the kernel" "10.0.0.11/24" "$(addrs vmk1)"
check_eq "with its broadcast address" 10.0.0.255 "$(addr_flag vmk1 10.0.0.11 broadcast)"
check_eq "table 10000 holds vmk1's subnet and gateway routes, protocol 222" \
	"10.0.0.0/24 dev vmk1 proto 222 scope link src 10.0.0.11
default via 10.0.0.1 dev vmk1 proto 222 src 10.0.0.11" "$(routes -4 10000)"
check_eq "a rule at 1000 sends traffic from 10.0.0.11 to table 10000" \
	"1000 from 10.0.0.11 lookup 10000 proto 222" "$(rules -4)"
check_eq "the gateway is not in the main table (it is vmk1's own)" "" \
	"$(routes -4 main | grep -v 'proto kernel')"
check_eq "ipv4 get shows what was set" "10.0.0.11 255.255.255.0 10.0.0.255 STATIC 10.0.0.1" \
	"$(for k in IPv4Address IPv4Netmask IPv4Broadcast AddressType Gateway; do
		list_field vmk1 $k network ip interface ipv4 get; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "the kernel routes traffic from vmk1's address through vmk1's table" \
	"10.0.0.1 from 10.0.0.11 dev vmk1 table 10000" \
	"$(ip -n "$NS" route get 10.0.0.1 from 10.0.0.11 | head -1 | sed 's/ uid.*//; s/ *$//')"

out=$(esx network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12 -N 255.255.255.0 2>&1)
check_eq "a second vmk in the same subnet is accepted" "0:" "$?:$out"
check_eq "vmk2 gets the next table, 10001, with no gateway route" \
	"10.0.0.0/24 dev vmk2 proto 222 scope link src 10.0.0.12" "$(routes -4 10001)"
check_eq "and the next rule priority, 1001" \
	"1000 from 10.0.0.11 lookup 10000 proto 222
1001 from 10.0.0.12 lookup 10001 proto 222" "$(rules -4)"

out=$(esx network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.21 -N 255.255.255.0 2>&1)
check_eq "readdressing vmk1 (no -g) exits 0" "0:" "$?:$out"
check_eq "the old address is gone, the new one there" "10.0.0.21/24" "$(addrs vmk1)"
check_eq "the table follows: new source, no gateway route" \
	"10.0.0.0/24 dev vmk1 proto 222 scope link src 10.0.0.21" "$(routes -4 10000)"
check_eq "the rule follows the address" "1000 from 10.0.0.21 lookup 10000 proto 222" \
	"$(rules -4 | grep 10000)"
out=$(esx network ip interface ipv4 set -i vmk1 -t none 2>&1)
check_eq "ipv4 set -t none exits 0" "0:" "$?:$out"
check_eq "-t none: no address" "" "$(addrs vmk1)"
check_eq "-t none: no route in vmk1's table" "" "$(routes -4 10000)"
check_eq "-t none: no rule for vmk1's table" "" "$(rules -4 | grep 10000)"
esx network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1 ||
	{ echo "Bail out! cannot readdress vmk1"; exit 99; }

refused "ipv4 set -t dhcp" "DHCP is not supported on vmkernel interfaces" \
	network ip interface ipv4 set -i vmk1 -t dhcp
refused "a netmask with holes" "Invalid netmask '255.0.255.0'" \
	network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.31 -N 255.0.255.0
refused "the subnet's network address" "10.0.0.0 is the network address of 10.0.0.0/24" \
	network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.0 -N 255.255.255.0
refused "another vmk's address" "IP address 10.0.0.12 is already used by vmk2" \
	network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.12 -N 255.255.255.0
refused "a gateway outside the subnet" "Gateway 10.0.1.1 is not in the subnet 10.0.0.0/24 of vmk1" \
	network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.1.1
refused "-t none with an address" "--ipv4, --netmask and --gateway need --type=static" \
	network ip interface ipv4 set -i vmk1 -t none -I 10.0.0.11

# ---- interface add refusals ----

refused "an MTU above the vSwitch's" "MTU 9000 is larger than the MTU 1500 of vSwitch vSwitch2" \
	network ip interface add -i vmk3 -p Other -m 9000
refused "a name that is not vmkN" "Invalid interface name 'eth5'" \
	network ip interface add -i eth5 -p Other
refused "an existing vmk" "A vmknic with the name vmk1 already exists" \
	network ip interface add -i vmk1 -p Other
refused "a second vmk on a portgroup" "A vmkernel nic for the connection point already exists" \
	network ip interface add -i vmk3 -p Mgmt
refused "a MAC another vmk has" "MAC address 00:50:56:aa:bb:02 is already used by vmk2" \
	network ip interface add -i vmk3 -p Other -M 00:50:56:aa:bb:02
refused "a multicast MAC" "Invalid MAC address '01:00:5e:00:00:01'" \
	network ip interface add -i vmk3 -p Other -M 01:00:5e:00:00:01
ip -n "$NS" link add vmk7 type veth peer name pvmk7 netns "$SW"
refused "the name of a NIC the daemon does not manage" \
	"vmk7 is the name of a network interface esxclid does not manage" \
	network ip interface add -i vmk7 -p Other
check_eq "that NIC is still a veth, untouched" veth "$(link_field vmk7 'l["linkinfo"]["info_kind"]')"
ip -n "$NS" link del vmk7

# ---- interface set ----

out=$(esx network ip interface set -i vmk2 -m 1280 2>&1)
check_eq "interface set -m 1280 exits 0" "0:" "$?:$out"
check_eq "vmk2's MTU is 1280 in the kernel" 1280 "$(link_field vmk2 'l["mtu"]')"
ifindex2=$(link_field vmk2 'l["ifindex"]')
out=$(esx network ip interface set -i vmk2 -m 9000 2>&1)
check_eq "and back to 9000, on the same link (no re-creation)" "0: 9000 $ifindex2" \
	"$?:$out $(link_field vmk2 'l["mtu"]') $(link_field vmk2 'l["ifindex"]')"

out=$(esx network ip interface set -i vmk1 -e false 2>&1)
check_eq "interface set -e false exits 0" "0:" "$?:$out"
check_eq "vmk1 is down in the kernel" False "$(link_field vmk1 '"UP" in l["flags"]')"
check_eq "vmk1 still exists and keeps its address" "10.0.0.11/24" "$(addrs vmk1)"
check_eq "a disabled vmk has no routes in its table" "" "$(routes -4 10000)"
check_eq "nor a rule" "" "$(rules -4 | grep 10000)"
check_eq "interface list: Enabled false" False "$(list_field vmk1 Enabled network ip interface list)"
check_not_contains "route list leaves out a disabled vmk's subnet" vmk1 \
	"$(esx network ip route ipv4 list)"
out=$(esx network ip interface set -i vmk1 -e true 2>&1)
check_eq "interface set -e true exits 0" "0:" "$?:$out"
check_eq "vmk1 is up again" True "$(link_field vmk1 '"UP" in l["flags"]')"
check_eq "its table is back" \
	"10.0.0.0/24 dev vmk1 proto 222 scope link src 10.0.0.11
default via 10.0.0.1 dev vmk1 proto 222 src 10.0.0.11" "$(routes -4 10000)"
check_eq "its rule is back" "1000 from 10.0.0.11 lookup 10000 proto 222" "$(rules -4 | grep 10000)"

# ---- IPv6 ----

out=$(esx network ip interface ipv6 address add -i vmk1 -I FD00:0::11/64 2>&1)
check_eq "ipv6 address add exits 0" "0:" "$?:$out"
check_eq "vmk1 has fd00::11/64 in the kernel" "10.0.0.11/24 fd00::11/64" "$(addrs vmk1)"
# Read at once: an address added with DAD stays "tentative" (unusable) for
# about a second, which after a failover would be a second of silence.
check_eq "fd00::11 was added with nodad" True "$(addr_flag vmk1 fd00::11 nodad)"
check_eq "fd00::11 is not tentative, right after the command" "" \
	"$(addr_flag vmk1 fd00::11 tentative)"
check_eq "table 10000 holds fd00::/64 through vmk1, protocol 222" \
	"fd00::/64 dev vmk1 proto 222" "$(routes -6 10000)"
check_eq "a rule at 1000 sends traffic from fd00::11 to table 10000" \
	"1000 from fd00::11 lookup 10000 proto 222" "$(rules -6)"
check_eq "ipv6 address list shows it, canonical" "vmk1 fd00::11 64 STATIC PREFERRED" \
	"$(esx --formatter=json network ip interface ipv6 address list | pyq '[" ".join(str(r[k]) for k in ("Interface", "Address", "Netmask", "Type", "Status")) for r in d["result"]]')"
refused "an IPv6 address another vmk has" "IPv6 address fd00::11 is already used by vmk1" \
	network ip interface ipv6 address add -i vmk2 -I fd00::11/64
refused "an IPv6 address without a prefix length" "Invalid IPv6 address 'fd00::12'" \
	network ip interface ipv6 address add -i vmk2 -I fd00::12
out=$(esx network ip interface ipv6 address remove -i vmk1 -I fd00::11/64 2>&1)
check_eq "ipv6 address remove exits 0" "0:" "$?:$out"
check_eq "fd00::11 is gone from the kernel" "10.0.0.11/24" "$(addrs vmk1)"
check_eq "its route is gone" "" "$(routes -6 10000)"
check_eq "its rule is gone" "" "$(rules -6)"

# ---- static routes ----

out=$(esx network ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.254 2>&1)
check_eq "route ipv4 add exits 0" "0:" "$?:$out"
out=$(esx network ip route ipv4 add -n default -g 10.0.0.1 2>&1)
check_eq "route ipv4 add -n default exits 0" "0:" "$?:$out"
check_eq "both are in the main table through their gateways, protocol 222" \
	"10.1.0.0/16 via 10.0.0.254 proto 222
default via 10.0.0.1 proto 222" "$(routes -4 main | grep -v 'proto kernel' | sed 's/ dev [^ ]*//')"
# vmk1 and vmk2 share 10.0.0.0/24, and vmk1's subnet route in main came back
# after vmk2's when vmk1 was re-enabled above: a route added without a device
# then goes out of vmk2, whatever `route ipv4 list` says.
listed=$(esx --formatter=json network ip route ipv4 list |
	pyq '[r["Network"] + " " + r["Interface"] for r in d["result"] if r["Gateway"] != "0.0.0.0"]' | sort)
kernel=$(ip -n "$NS" -j -4 route show table main proto 222 |
	pyq '[("default" if r["dst"] == "default" else r["dst"].split("/")[0]) + " " + r["dev"] for r in d]' | sort)
check_eq "the kernel sends static routes out of the vmk route list names" "$listed" "$kernel"
check_eq "route list: default first, then the static route, then the subnets" \
	"default 0.0.0.0 10.0.0.1 vmk1|10.1.0.0 255.255.0.0 10.0.0.254 vmk1|10.0.0.0 255.255.255.0 0.0.0.0 vmk1|10.0.0.0 255.255.255.0 0.0.0.0 vmk2|" \
	"$(esx --formatter=json network ip route ipv4 list | pyq '[" ".join(r[k] for k in ("Network", "Netmask", "Gateway", "Interface")) for r in d["result"]]' | tr '\n' '|')"
refused "a network with host bits set" "the address has host bits set (the network is 10.2.0.0/16)" \
	network ip route ipv4 add -n 10.2.0.1/16 -g 10.0.0.254
refused "a route that exists" "A route to 10.1.0.0/16 already exists" \
	network ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.253
refused "a gateway no vmk reaches" "Gateway 10.9.9.9 is not in the subnet of any vmkernel interface" \
	network ip route ipv4 add -n 10.3.0.0/16 -g 10.9.9.9
out=$(esx network ip route ipv4 remove -n 10.1.0.0/16 -g 10.0.0.254 2>&1)
check_eq "route ipv4 remove exits 0" "0:" "$?:$out"
out=$(esx network ip route ipv4 remove -n default -g 10.0.0.1 2>&1)
check_eq "route ipv4 remove -n default exits 0" "0:" "$?:$out"
check_eq "the main table holds none of ours" "" "$(routes -4 main | grep -v 'proto kernel')"

# ---- VLAN IDs ----

# vlan_supported: whether this kernel can make an 802.1Q link (a scratch
# namespace, so nothing of the test's is touched).
vlan_supported() {
	local probe="esxt-vlanp-$$" ret=1

	ip netns add "$probe" 2>/dev/null || return 1
	ip -n "$probe" link add vp0 type veth peer name vp1 2>/dev/null &&
		ip -n "$probe" link add link vp0 name vp0.5 type vlan id 5 2>/dev/null && ret=0
	ip netns del "$probe"
	return $ret
}
if vlan_supported; then
	echo "# this kernel has 802.1Q: the VLAN is realised"
	out=$(esx network vswitch standard portgroup set -p Storage -v 100 2>&1)
	check_eq "portgroup set --vlan-id 100 exits 0" "0:" "$?:$out"
	check_eq "vmk2 sits on vmnic1.100" vmnic1.100 "$(link_field vmk2 'l["link"]')"
	check_eq "vmnic1.100 is VLAN 100 of vmnic1, marked as the daemon's" "vlan 100 vmnic1 esxclid:vlan" \
		"$(link_field vmnic1.100 'l["linkinfo"]["info_kind"] + " " + str(l["linkinfo"]["info_data"]["id"]) + " " + l["link"] + " " + l.get("ifalias", "")')"
	check_eq "vmk2 keeps its MAC" "00:50:56:aa:bb:02" "$(link_field vmk2 'l["address"]')"
	out=$(esx network vswitch standard portgroup set -p Storage -v 0 2>&1)
	check_eq "back to VLAN 0: vmk2 on vmnic1, the VLAN link gone" "0: vmnic1 no" \
		"$?:$out $(link_field vmk2 'l["link"]') $(link_exists vmnic1.100 && echo yes || echo no)"
else
	echo "# this kernel has no 802.1Q: a VLAN ID other than 0 must be refused cleanly"
	refused "portgroup set --vlan-id 100 under a vmk, without 802.1Q" "802.1Q" \
		network vswitch standard portgroup set -p Storage -v 100
	check_eq "portgroup list still shows VLAN ID 0" 0 \
		"$(list_field Storage VLANID network vswitch standard portgroup list)"
	out=$(esx network vswitch standard portgroup add -p Tagged -v vSwitch2 &&
		esx network vswitch standard portgroup set -p Tagged -v 200 2>&1)
	check_eq "a VLAN ID on a portgroup without a vmk needs no kernel object: accepted" "0:" "$?:$out"
	refused "interface add on a VLAN portgroup, without 802.1Q" "802.1Q" \
		network ip interface add -i vmk4 -p Tagged
	check "no vmk4 in the kernel" test -z "$(ip -n "$NS" -o link show | grep -w vmk4)"
fi

# ---- interface remove, sysctls put back ----

out=$(esx network ip interface remove -i vmk2 2>&1)
check_eq "interface remove -i vmk2 exits 0" "0:" "$?:$out"
check "vmk2 is gone from the kernel" test -z "$(ip -n "$NS" -o link show | grep -w vmk2)"
check_eq "table 10001 is empty" "" "$(routes -4 10001)"
check_eq "only vmk1's rule is left" "1000 from 10.0.0.11 lookup 10000 proto 222" "$(rules -4)"
check_eq "vmnic1 still carries vmk1: its sysctls stay" "1 2 2" "$(sysctls vmnic1)"

# The saved values must survive a restart to be put back afterwards.
restart_daemon "$NS"
out=$(esx network ip interface remove -i vmk1 2>&1)
check_eq "after a restart, interface remove -i vmk1 exits 0" "0:" "$?:$out"
check "vmk1 is gone from the kernel" test -z "$(ip -n "$NS" -o link show | grep -w vmk1)"
check_eq "table 10000 is empty" "" "$(routes -4 10000)"
check_eq "no rule is left" "" "$(rules -4)"
check_eq "vmnic1 carries no vmk: its own sysctls are back (0 1 1)" "0 1 1" "$(sysctls vmnic1)"
check_eq "vmnic2 was never touched" "0 0 0" "$(sysctls vmnic2)"
check_eq "no link of the daemon's is left" "" \
	"$(ip -n "$NS" -j link show | pyq '[l["ifname"] for l in d if l.get("ifalias", "").startswith("esxclid:")]')"

finish_kernel_test
