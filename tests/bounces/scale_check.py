#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Constant memory: smtp-bounces' peak RSS on a generated log of BIG bytes must
not exceed its peak on SMALL bytes by more than SLACK KiB, in summary mode and
in --json mode, and must stay under LIMIT KiB. Prints sizes, times and RSS.

    scale_check.py EXE GEN_BIGLOG [--small 5m] [--big 50m] [--slack 512] [--limit 16384]
"""
import os
import subprocess
import sys
import tempfile
import time


def parse_size(s):
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    s = s.lower()
    return int(float(s[:-1]) * mult[s[-1]]) if s[-1] in mult else int(s)


def hwm_kib(pid):
    """The process's peak RSS so far (VmHWM), or None once it has exited."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def measure(exe, args, path):
    """Run exe on path with stdout to /dev/null; return (peak RSS KiB, seconds, status).

    The peak is read from /proc while the tool runs: getrusage's ru_maxrss of a
    child also counts what the forking Python process had mapped, which would
    hide the tool's own few MiB."""
    t0 = time.monotonic()
    peak = 0
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen([exe] + args + [path], stdout=null)
        while True:
            kib = hwm_kib(p.pid)
            if kib is not None:
                peak = max(peak, kib)
            try:
                p.wait(timeout=0.005)
                break
            except subprocess.TimeoutExpired:
                pass
    return peak, time.monotonic() - t0, p.returncode


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    exe, gen = os.path.abspath(argv[0]), argv[1]
    opts = {"--small": "5m", "--big": "50m", "--slack": "512", "--limit": "16384"}
    rest = argv[2:]
    while rest:
        if rest[0] not in opts or len(rest) < 2:
            sys.stderr.write(__doc__)
            return 2
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    slack, limit = int(opts["--slack"]), int(opts["--limit"])
    # A sanitizer's runtime and shadow memory add about 20 MiB that does not grow
    # with the input, and the shadow of what the tool touches varies from run to
    # run by a few hundred KiB: the absolute limit moves up by 32 MiB and the slack
    # is four times the plain build's (growth with the input, such as one block
    # per event kept in the sanitizer's quarantine, is still several MiB over it;
    # the plain build's check is the strict one).
    with open(exe, "rb") as f:
        if b"__asan_init" in f.read():
            limit += 32768
            slack *= 4
            print("sanitizer build: limit %d KiB, slack %d KiB" % (limit, slack))
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for which in ("--small", "--big"):
            paths[which] = os.path.join(tmp, which[2:] + ".log")
            with open(paths[which], "wb") as f:
                subprocess.run([sys.executable, gen, "--size", opts[which]], stdout=f, check=True)
        for mode in ([], ["--json"]):
            rss = {}
            for which in ("--small", "--big"):
                size = os.path.getsize(paths[which])
                kib, secs, code = measure(exe, mode, paths[which])
                rss[which] = kib
                print("%-7s %-6s %6.1f MiB  %6.2f s  %7.1f MiB/s  max RSS %d KiB  exit %d"
                      % (which[2:], " ".join(mode) or "summary", size / 1048576.0, secs,
                         size / 1048576.0 / max(secs, 1e-6), kib, code))
                if code != 0:
                    print("FAIL exit status %d" % code)
                    failed += 1
            grew = rss["--big"] - rss["--small"]
            ok = grew <= slack and rss["--big"] <= limit
            print("%s %s: RSS grew by %d KiB (allowed %d), peak %d KiB (limit %d)"
                  % ("ok  " if ok else "FAIL", " ".join(mode) or "summary", grew, slack,
                     rss["--big"], limit))
            passed += ok
            failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
