#!/usr/bin/env python3
"""Plays a power trace through DMTF's Redfish mockup: every 100 ms it PATCHes the chassis power
sensor (Sensors/TotalPower Reading) to IDLE + SPAN x the machine's busy CPU share over the last
100 ms (from /proc/stat), as a BMC metering a real server would report. Runs until killed.

    redfish_trace.py PORT [IDLE_W] [SPAN_W]
"""
import json
import sys
import time
import urllib.request


def cpu_times():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def main():
    port = int(sys.argv[1])
    idle_w = float(sys.argv[2]) if len(sys.argv) > 2 else 150.0
    span_w = float(sys.argv[3]) if len(sys.argv) > 3 else 250.0
    url = "http://127.0.0.1:%d/redfish/v1/Chassis/1U/Sensors/TotalPower" % port
    busy0, total0 = cpu_times()
    while True:
        time.sleep(0.1)
        busy1, total1 = cpu_times()
        share = (busy1 - busy0) / max(1, total1 - total0)
        busy0, total0 = busy1, total1
        body = json.dumps({"Reading": round(idle_w + span_w * share, 1)}).encode()
        req = urllib.request.Request(url, data=body, method="PATCH",
                                     headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=2).read()
        except OSError:
            pass  # the server is stopping with the test


if __name__ == "__main__":
    main()
