#!/usr/bin/python3
"""OPTIMADE load benchmark: the request set of PEERS.md ("OPTIMADE reference server") against
`phasebook serve` over the demo database, with wrk on loopback (2 threads, 16 connections, as the
peer was measured). Prints requests/s, p50 and p99 per request beside the peer's figures.

    bench/peer_optimade.py [BUILD_DIR] [--seconds 20] [--db FILE]

BUILD_DIR defaults to build/release (build/dev if there is no release build). Without --db the
demo data (data/demo) is ingested into a temporary database first. Exit 77 when wrk is missing
(Debian package `wrk`).

The peer ran on its 17 test structures with a mongomock backend; the demo database has 254 real
structures, so Phasebook answers over more data. The peer figures are from PEERS.md (medians of
3 runs on a 2-core machine); as that file says, compare ratios from the same run where you can.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, path, peer req/s, peer p50 ms, peer p99 ms), from PEERS.md.
REQUESTS = [
    ("/v1/info", "/optimade/v1/info", 422, 30.8, 132.9),
    ("/v1/structures?page_limit=10", "/optimade/v1/structures?page_limit=10", 108, 134.6, 254.0),
    ('filter=elements HAS ALL "Si","O"', "/optimade/v1/structures?filter=" +
     urllib.parse.quote('elements HAS ALL "Si","O"'), 139, 100.8, 216.7),
    ('filter=nelements>=2 AND chemical_formula_anonymous="A2B"', "/optimade/v1/structures?filter=" +
     urllib.parse.quote('nelements>=2 AND chemical_formula_anonymous="A2B"'), 224, 61.8, 160.2),
    ("/v1/structures/{id}", "/optimade/v1/structures/{id}", 211, 66.4, 162.6),
]


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url, seconds):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0, socket_errors.group(1) if socket_errors else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir", nargs="?")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--db")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); skipping")
        return 77
    build = args.build_dir or next(
        (d for d in ("build/release", "build/dev") if os.path.exists(os.path.join(ROOT, d, "bin/phasebook"))),
        "build/release")
    binary = os.path.join(build if os.path.isabs(build) else os.path.join(ROOT, build), "bin/phasebook")
    tmp = tempfile.mkdtemp()
    db = args.db
    if db is None:
        db = os.path.join(tmp, "demo.db")
        for cmd in (["ingest", "cif", "--db", db, os.path.join(ROOT, "data/demo/structures")],
                    ["ingest", "properties", "--db", db, os.path.join(ROOT, "data/demo/ionic_conductivity.csv")]):
            subprocess.run([binary, *cmd], check=True, capture_output=True)
    server = subprocess.Popen([binary, "serve", "--db", db, "--port", "0", "--access-log", os.devnull],
                              stdout=subprocess.PIPE, text=True)
    try:
        base = re.search(r"(http://[0-9.]+:\d+)", server.stdout.readline()).group(1)
        first = json.load(urllib.request.urlopen(base + "/optimade/v1/structures?page_limit=1"))
        sid = first["data"][0]["id"]
        total = first["meta"]["data_available"]
        print(f"phasebook serve ({binary}), {total} structures, wrk -t2 -c16 -d{args.seconds}s\n")
        print(f"| request | Phasebook req/s | p50 ms | p99 ms | errors | peer req/s | peer p50 | peer p99 | req/s ratio |")
        print("|---|---|---|---|---|---|---|---|---|")
        for label, path, peer_rps, peer_p50, peer_p99 in REQUESTS:
            rps, p50, p99, errors, sock = run_wrk(base + path.replace("{id}", sid), args.seconds)
            err = f"{errors}" + (f" ({sock})" if sock else "")
            print(f"| `{label}` | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {err} | {peer_rps} | {peer_p50} | "
                  f"{peer_p99} | {rps / peer_rps:.1f}x |", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
