#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Failover as the switch sees it.

Runs in the "switch" namespace, whose bridge has the peers of a vmk's two
uplinks as ports. It sends an ICMP echo request to the vmk's address every
millisecond, takes the port of the active uplink down (the uplink loses
carrier at once: veth), and times the first echo reply that comes in through
the standby uplink's port; then brings the port back up and times the first
reply through it again (failback). Reply times are the kernel's receive
timestamps; the moment of the change is taken just before the netlink request
that makes it. Prints one JSON object per run.
"""

import argparse
import errno
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
SO_TIMESTAMPNS = 35
RTM_NEWLINK = 16
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
IFF_UP = 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


class Link:
    """Sets a link of this namespace up or down over rtnetlink."""

    def __init__(self, name):
        self.name = name
        self.index = socket.if_nametoindex(name)
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        self.seq = 0

    def set_up(self, up):
        self.seq += 1
        body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, self.index, IFF_UP if up else 0, IFF_UP)
        header = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK,
                             self.seq, 0)
        before = time.time_ns()
        self.sock.send(header + body)
        reply = self.sock.recv(4096)
        after = time.time_ns()
        kind = struct.unpack_from("=IH", reply)[1]
        error = struct.unpack_from("=i", reply, 16)[0] if kind == NLMSG_ERROR else 0
        if error:
            raise OSError(-error, "setting %s %s" % (self.name, "up" if up else "down"))
        return before, after


class Prober:
    """ICMP echo requests out, echo replies seen per bridge port."""

    def __init__(self, target, ports):
        self.target = target
        self.ident = os.getpid() & 0xFFFF
        self.seq = 0
        self.icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.icmp.setblocking(False)
        self.taps = {}
        for port in ports:
            tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            tap.bind((port, 0))
            tap.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            tap.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            tap.setblocking(False)
            self.taps[tap] = port
        self.target_bytes = socket.inet_aton(target)

    def send(self):
        self.seq = (self.seq + 1) & 0xFFFF
        payload = struct.pack("!Q", time.time_ns())
        header = struct.pack("!BBHHH", 8, 0, 0, self.ident, self.seq)
        packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), self.ident,
                             self.seq) + payload
        try:
            self.icmp.sendto(packet, (self.target, 0))
        except OSError:
            pass  # no route for a moment: the probe is lost, as on the wire

    def replies(self, timeout):
        """(port, kernel timestamp ns) of our echo replies within timeout."""
        found = []
        ready = select.select(list(self.taps) + [self.icmp], [], [], max(timeout, 0))[0]
        for sock in ready:
            if sock is self.icmp:
                try:
                    while True:
                        sock.recv(2048)  # the stack's copy: not needed
                except BlockingIOError:
                    continue
            while True:
                try:
                    frame, anc, _, addr = sock.recvmsg(128, socket.CMSG_SPACE(16))
                except BlockingIOError:
                    break
                except OSError as e:  # the port went down: said once
                    if e.errno == errno.ENETDOWN:
                        break
                    raise
                if addr[2] == socket.PACKET_OUTGOING or len(frame) < 42:
                    continue
                if struct.unpack_from("!H", frame, 12)[0] != ETH_P_IP:
                    continue
                ihl = (frame[14] & 0x0F) * 4
                if frame[23] != socket.IPPROTO_ICMP or frame[26:30] != self.target_bytes:
                    continue
                icmp = 14 + ihl
                kind, _, _, ident = struct.unpack_from("!BBHH", frame, icmp)
                if kind != 0 or ident != self.ident:
                    continue
                stamp = time.time_ns()
                for level, ctype, data in anc:
                    if level == socket.SOL_SOCKET and ctype == SO_TIMESTAMPNS:
                        sec, nsec = struct.unpack("=qq", data[:16])
                        stamp = sec * 1_000_000_000 + nsec
                found.append((self.taps[sock], stamp))
        return found


def phase(prober, link, up, expect_port, interval_ns, settle_ns, timeout_ns):
    """Probe, change link, and time the first reply through expect_port."""
    replies = []
    next_send = time.monotonic_ns()
    start = time.monotonic_ns()
    changed = None
    first = None
    while True:
        now = time.monotonic_ns()
        if now >= next_send:
            prober.send()
            next_send += interval_ns
            if next_send < now:
                next_send = now + interval_ns
        if changed is None and now - start >= settle_ns:
            changed = link.set_up(up)
        if changed and first and now - start > settle_ns + (first - changed[0]) + settle_ns:
            break
        if changed and time.time_ns() - changed[0] > timeout_ns:
            break
        for port, stamp in prober.replies((next_send - time.monotonic_ns()) / 1e9):
            replies.append((port, stamp))
            if changed and first is None and port == expect_port and stamp >= changed[1]:
                first = stamp
    result = {"changed_at_ns": changed[0], "change_syscall_us": (changed[1] - changed[0]) / 1000}
    result["first_reply_ms"] = (first - changed[0]) / 1e6 if first else None
    stamps = sorted(s for _, s in replies if s >= changed[0] - settle_ns)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    result["longest_gap_ms"] = max(gaps) / 1e6 if gaps else None
    result["replies_before_change"] = sum(1 for _, s in replies if s < changed[0])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="the vmk's IPv4 address")
    parser.add_argument("--active-port", required=True, help="switch port of the active uplink")
    parser.add_argument("--standby-port", required=True, help="switch port of the standby uplink")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--interval-ms", type=float, default=1.0)
    parser.add_argument("--settle-ms", type=float, default=100.0,
                        help="probing before each change, and after the first reply")
    parser.add_argument("--timeout-ms", type=float, default=3000.0)
    args = parser.parse_args()

    prober = Prober(args.target, [args.active_port, args.standby_port])
    link = Link(args.active_port)
    interval = int(args.interval_ms * 1e6)
    settle = int(args.settle_ms * 1e6)
    timeout = int(args.timeout_ms * 1e6)
    for run in range(1, args.runs + 1):
        down = phase(prober, link, False, args.standby_port, interval, settle, timeout)
        back = phase(prober, link, True, args.active_port, interval, settle, timeout)
        print(json.dumps({"run": run, "failover": down, "failback": back}), flush=True)
        if down["first_reply_ms"] is None or back["first_reply_ms"] is None:
            print("run %d: no reply through the expected port within %.0f ms" %
                  (run, args.timeout_ms), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
