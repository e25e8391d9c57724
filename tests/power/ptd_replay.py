#!/usr/bin/env python3
"""A REPLAY of SPEC PTDaemon's TCP protocol, for joulebench's PTDaemon client tests.

PTDaemon is licensed and not available here, so this peer answers with the exact reply strings
PTDaemon 1.10 sends, as MLCommons' power-dev tooling records and checks them (its compliance
checker compares "Range A changed", "Range V changed", "Starting untimed measurement, maximum
500000 samples at 1000ms with 0 rampup samples", "Stopping untimed measurement" and "Error: no
measurement to stop"; its server expects "Hello, PTDaemon here!", parses "Ranges,..." from RR,
"Last N samples" from RL and the Time,...,Watts,...,Volts,...,Amps,...,PF,...,Mark,... sample lines
of spl.txt). The forms of the "Watts" and "Uncertainty" replies ("Watts,W" and "Uncertainty,U")
are this replay's: no PTDaemon documentation was available to check them against.

usage: ptd_replay.py PORT DIR
  DIR/watts        the analyzer's watts now (the test rewrites it)
  DIR/uncertainty  its relative uncertainty now (a fraction)
  DIR/commands     every command received, one per line (the test reads it)
"""
import datetime
import os
import socket
import sys
import time

VOLTS = 230.0
PF = 0.9
INITIAL_RANGES = ("5.000000", "300.000000")  # amps, volts: fixed, so putting them back shows


def read(path, default):
    try:
        with open(path) as f:
            return float(f.read().strip())
    except (OSError, ValueError):
        return default


class Analyzer:
    def __init__(self, folder):
        self.folder = folder
        self.amps_range, self.volts_range = INITIAL_RANGES
        self.go_at = None
        self.interval = 1.0
        self.mark = ""
        self.samples = []  # taken, not yet read by RL

    def watts(self):
        return read(os.path.join(self.folder, "watts"), 100.0)

    def take_due_samples(self):
        if self.go_at is None:
            return
        due = int((time.monotonic() - self.go_at) / self.interval)
        while len(self.taken) < due:
            w = self.watts()
            stamp = datetime.datetime.now().strftime("%m-%d-%Y %H:%M:%S.%f")[:-3]
            line = "Time,%s,Watts,%.6f,Volts,%.6f,Amps,%.6f,PF,%.6f,Mark,%s" % (
                stamp, w, VOLTS, w / VOLTS / PF, PF, self.mark)
            self.taken.append(line)
            self.samples.append(line)

    def reply(self, command):
        f = command.split(",")
        if command == "Hello":
            return "Hello, PTDaemon here!"
        if command == "Identify":
            return "YokogawaWT310,version=1.10.0-replay,joulebench test peer"
        if command == "RR":
            return "Ranges,%d,%s,%d,%s" % (self.amps_range == "Auto", self.amps_range if self.amps_range != "Auto" else "-1.0",
                                          self.volts_range == "Auto", self.volts_range if self.volts_range != "Auto" else "-1.0")
        if f[0] == "SR" and len(f) == 3 and f[1] in ("V", "A"):
            if f[2] != "Auto":
                try:
                    float(f[2])
                except ValueError:
                    return "Error: invalid range"
            if f[1] == "V":
                self.volts_range = f[2]
            else:
                self.amps_range = f[2]
            return "Range %s changed" % f[1]
        if f[0] == "Go" and len(f) >= 3:
            self.interval = int(f[1]) / 1000.0
            self.mark = f[3] if len(f) > 3 else ""
            self.go_at = time.monotonic()
            self.taken = []
            return "Starting untimed measurement, maximum 500000 samples at %sms with 0 rampup samples" % f[1]
        if command == "Stop":
            if self.go_at is None:
                return "Error: no measurement to stop"
            self.take_due_samples()
            self.go_at = None
            return "Stopping untimed measurement"
        if command == "RL":
            self.take_due_samples()
            lines, self.samples = self.samples, []
            return "\r\n".join(["Last %d samples" % len(lines)] + lines)
        if command == "Watts":
            return "Watts,%.6f" % self.watts()
        if command == "Uncertainty":
            return "Uncertainty,%.6f" % read(os.path.join(self.folder, "uncertainty"), 0.002)
        return "Error: unknown command"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(4)
    analyzer = Analyzer(folder)
    while True:
        conn, _ = server.accept()
        buffer = b""
        with conn:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    command = raw.decode().rstrip("\r")
                    with open(os.path.join(folder, "commands"), "a") as log:
                        log.write(command + "\n")
                    conn.sendall((analyzer.reply(command) + "\r\n").encode())


if __name__ == "__main__":
    main()
