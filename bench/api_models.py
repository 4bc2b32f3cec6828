#!/usr/bin/python3
"""Latency of the ML model API (docs/api.md, "ML models and screening results") against
`phasebook serve --models DIR`, on the models tests/web/models_fixture.py trains on OBELiX, plus
one large screen made by repeating the rows of the fixture's `learn screen` output (--rows, the
same columns and value spread as a real screen; the server's work is reading and cutting lines).

For scale, Python's csv module counting the same file by n_agree and kept_by (what a reader of
the CSV would do) is timed beside the server's first, uncached count, and the ratio printed.

Usage: api_models.py PHASEBOOK [--rows 1000000] [--repeat 30]"""
import argparse
import collections
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "web"))
import models_fixture  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("phasebook")
ap.add_argument("--rows", type=int, default=1000000)
ap.add_argument("--repeat", type=int, default=30)
args = ap.parse_args()

tmp = tempfile.mkdtemp(prefix="pb-bench-models-")
try:
    fix = models_fixture.build(args.phasebook, tmp)
    lines = open(os.path.join(fix["dir"], "screen.csv")).read().splitlines()
    big = os.path.join(fix["dir"], "big.csv")
    with open(big, "w") as f:
        f.write(lines[0] + "\n")
        n = 0
        while n < args.rows:
            for line in lines[1:]:
                if n == args.rows:
                    break
                f.write(line + "\n")
                n += 1
    size_mb = os.path.getsize(big) / 1e6

    p = subprocess.Popen([args.phasebook, "serve", "--db", fix["db"], "--port", "0", "--models",
                          fix["dir"], "--access-log", os.path.join(tmp, "access.log")],
                         stdout=subprocess.PIPE, text=True)
    url = re.search(r"(http://\S+)", p.stdout.readline()).group(1)

    def once(path):
        req = urllib.request.Request(url + path, headers={"Accept-Encoding": "gzip"})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            body = r.read()
        return (time.perf_counter() - t) * 1000, len(body)

    try:
        # First: the big screen, before /api/models lists (and so counts) it.
        first, _ = once("/api/screens/big?limit=100")
        print(f"{'request':<58} {'median ms':>10} {'max ms':>8} {'kB gzip':>8}")
        for path in ["/api/models", "/api/models/obelix-gbt", "/api/screens/screen?limit=100"]:
            once(path)
            runs = [once(path) for _ in range(args.repeat)]
            ms = [r[0] for r in runs]
            print(f"{path:<58} {statistics.median(ms):>10.1f} {max(ms):>8.1f} "
                  f"{runs[0][1] / 1000:>8.1f}")
        print(f"\nscreen of {args.rows:,} rows ({size_mb:.0f} MB), one request each (ms):")
        for label, path in [
            ("first request (counts the file)", None),
            ("again (counts kept)", "/api/screens/big?limit=100"),
            (f"page at offset {args.rows - 100:,}", f"/api/screens/big?limit=100&offset={args.rows - 100}"),
            ("kept_by filter over every row", "/api/screens/big?limit=100&kept_by=obelix-svr"),
            ("best 100 by sort=obelix-gbt:desc", "/api/screens/big?limit=100&sort=obelix-gbt:desc"),
        ]:
            ms = first if path is None else once(path)[0]
            print(f"  {label:<56} {ms:>10.0f}")
        with urllib.request.urlopen(url + "/api/screens/big?limit=1&sort=obelix-gbt:desc") as r:
            top = json.load(r)
        best = max(float(line.split(",")[1]) for line in lines[1:])
        assert top["sort"] == "obelix-gbt:desc" and float(top["page"][0][1]) == best, top
        t = time.perf_counter()
        with open(big, newline="") as f:
            reader = csv.DictReader(f)
            agree = collections.Counter()
            sets = collections.Counter()
            for row in reader:
                agree[row["n_agree"]] += 1
                sets[row["kept_by"]] += 1
        peer = (time.perf_counter() - t) * 1000
        print(f"  {'python csv.DictReader + Counter, same counts':<56} {peer:>10.0f}")
        print(f"  ratio python / server first count: {peer / first:.1f}")
    finally:
        p.terminate()
        p.wait()
finally:
    shutil.rmtree(tmp)
