#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The failover benchmark's report: probe.py's runs, placed next to the
daemon's own log lines, as a Markdown table with the machine's facts.

    report.py RUNS.jsonl ESXCLID.log STATE_FS INSTRUMENTATION
"""

import datetime
import json
import os
import platform
import re
import statistics
import sys
import time


def log_events(path):
    """(ns since the epoch, text) of each line; stamps are local time to the
    millisecond, truncated."""
    today = datetime.date.today()
    events = []
    with open(path) as log:
        for line in log:
            m = re.match(r"esxclid (\d\d):(\d\d):(\d\d)\.(\d{3}) \w+: (.*)", line)
            if m:
                stamp = datetime.datetime(today.year, today.month, today.day, int(m[1]),
                                          int(m[2]), int(m[3]), int(m[4]) * 1000)
                events.append((int(stamp.timestamp() * 1e9), m[5]))
    return events


def after(events, t0, pattern):
    """ms from t0 to the first line matching pattern logged in t0's millisecond or later."""
    for stamp, text in events:
        if stamp >= t0 - 1_000_000 and re.search(pattern, text):
            return max(stamp - t0, 0) / 1e6
    return None


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    runs_path, log_path, state_fs, instrumented = sys.argv[1:5]
    with open(runs_path) as f:
        runs = [json.loads(line) for line in f]
    events = log_events(log_path)
    for r in runs:
        for phase, edge in (("failover", "down"), ("failback", "up")):
            t0 = r[phase]["changed_at_ns"]
            r[phase]["daemon_saw_ms"] = after(events, t0, "vmnic1: link " + edge)
            r[phase]["daemon_moved_ms"] = after(events, t0, "failover: vmk1 moved")

    def row(name, phase, key):
        v = [r[phase][key] for r in runs if r[phase].get(key) is not None]
        if not v:
            return "| %s | 0 | | | | |" % name
        return "| %s | %d | %.1f | %.1f | %.1f | %.1f |" % (
            name, len(v), min(v), statistics.median(v), percentile(v, 90), max(v))

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("Machine: %d CPUs (%s), kernel %s, %s; state file on %s%s." % (
        os.cpu_count(), cpu, platform.release(), time.strftime("%Y-%m-%d %H:%M %Z"), state_fs,
        "; instrumented (" + instrumented + ")" if instrumented else ""))
    print()
    print("| ms, %d runs, probes every 1 ms | n | best | median | p90 | worst |" % len(runs))
    print("|---|---|---|---|---|---|")
    for phase, old, new, edge in (("failover", "vmnic1", "vmnic2", "carrier loss"),
                                  ("failback", "vmnic2", "vmnic1", "carrier back")):
        print(row("**%s: %s -> first reply via %s**" % (phase, edge, new), phase,
                  "first_reply_ms"))
        print(row("%s: longest gap between replies" % phase, phase, "longest_gap_ms"))
        print(row("%s: daemon logs the link %s (log: 1 ms steps)" %
                  (phase, "down" if phase == "failover" else "up"), phase, "daemon_saw_ms"))
        print(row("%s: daemon logs vmk1 re-created on %s (log)" % (phase, new), phase,
                  "daemon_moved_ms"))
    print()
    print("Reference, not measured (this kernel has no bonding module): Linux bonding's "
          "default miimon=100 notices carrier loss at the next MII poll, 0-100 ms after it "
          "(50 ms on average, 100 ms worst), before any switchover work.")


if __name__ == "__main__":
    main()
