#!/usr/bin/python3
"""Load benchmark of `phasebook serve` (issue 5 §5): a mix of info, filter and substance requests
on loopback for a fixed time, with one `wrk` per kind running at the same time (each with its
own connections, so each reports its own requests/s and latency percentiles). Prints a table
and exits 1 if any request failed (non-2xx status or socket error).

    bench/load.py [BUILD_DIR] [--db build/atomwork.db] [--seconds 60] [--gzip]
                  [--kinds filter,...] [--paced info=100,full=20,substance=100]

The database is only read (sqlite3 in read-only mode to pick the requests; the server's read
connections are query_only). Requests are built from the database with a fixed seed:

- info:      /optimade/versions, /v1/info, /v1/info/structures, /v1/links;
- filter:    OPTIMADE filters on elements, formulas, element counts and space groups, as an
             OPTIMADE client narrowing a search asks them: response_fields with the summary
             fields, page_limit=10;
- full:      the same filters returning full structure entries (positions, species...), 10
             per page;
- substance: /api/substances/{id}, the native substance page with everything linked.

By default every kind runs as a closed loop (each connection sends its next request as soon as
the last one is answered), so the kinds split the CPU about in proportion to their connections.
`--paced KIND=RATE,...` sends those kinds at about RATE requests/s instead (each connection
waits connections/RATE seconds before each request, so the rate falls if answers are slow): the
other kinds then show how much they get beside that background.

Exit 77 when wrk is missing (Debian package `wrk`).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = "chemical_formula_reduced,nelements,nsites,_phasebook_space_group_number"

# kind -> wrk connections (the mix: mostly filters, as a client's search session is)
CONNECTIONS = {"info": 2, "filter": 8, "full": 2, "substance": 4}


def sample_requests(db, n, seed):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rng = random.Random(seed)
    (top,), = con.execute("SELECT max(id) FROM structure").fetchall()
    rows = []
    while len(rows) < n:
        ids = [rng.randint(1, top) for _ in range(n)]
        rows += con.execute(
            "SELECT id, elements, chemical_formula_reduced, chemical_formula_anonymous, nelements,"
            f" space_group_number FROM structure WHERE id IN ({','.join('?' * len(ids))})",
            ids).fetchall()
    rows = rows[:n]
    filters = []
    for i, (sid, elements, reduced, anonymous, nelements, sg) in enumerate(rows):
        el = [e for e in elements.split(",") if e]
        q = lambda names: ",".join(f'"{e}"' for e in names)  # noqa: E731
        shape = i % 5
        if shape == 0:
            f = f"elements HAS ALL {q(rng.sample(el, min(2, len(el))))}"
        elif shape == 1:
            f = f'chemical_formula_reduced="{reduced}"'
        elif shape == 2:
            f = f"elements HAS ALL {q(el[:3])} AND nelements={nelements}"
        elif shape == 3:
            f = f'chemical_formula_anonymous="{anonymous}" AND elements HAS "{rng.choice(el)}"'
        else:
            f = (f"_phasebook_space_group_number={sg or 1} AND nelements>={max(1, nelements - 1)}"
                 f' AND elements HAS "{rng.choice(el)}"')
        filters.append(urllib.parse.quote(f))
    substances = [r[0] for r in con.execute(
        "SELECT id FROM substance WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM"
        " substance) + 1 FROM structure LIMIT ?)", (n,)).fetchall()]
    con.close()
    base = "/optimade/v1/structures?filter="
    return {
        "info": ["/optimade/versions", "/optimade/v1/info", "/optimade/v1/info/structures",
                 "/optimade/v1/links"],
        "filter": [f"{base}{f}&page_limit=10&response_fields={SUMMARY}" for f in filters],
        "full": [f"{base}{f}&page_limit=10" for f in filters],
        "substance": [f"/api/substances/{urllib.parse.quote(s)}" for s in substances],
    }


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def parse_wrk(out):
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return total, rps, p50, p99, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir", nargs="?")
    ap.add_argument("--db", default=os.path.join(ROOT, "build/atomwork.db"))
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    ap.add_argument("--threads", type=int, help="--threads of phasebook serve")
    ap.add_argument("--kinds", default=",".join(CONNECTIONS), help="comma-separated subset")
    ap.add_argument("--paced", default="",
                    help="KIND=RATE,...: send these kinds at about RATE requests/s")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); skipping")
        return 77
    build = args.build_dir or next(
        (d for d in ("build/release", "build/dev")
         if os.path.exists(os.path.join(ROOT, d, "bin/phasebook"))), "build/release")
    binary = os.path.join(build if os.path.isabs(build) else os.path.join(ROOT, build),
                          "bin/phasebook")
    if not os.path.exists(args.db):
        print(f"{args.db} does not exist (make bench-db builds it)", file=sys.stderr)
        return 2
    kinds = args.kinds.split(",")
    paced = {k: float(r) for k, r in (p.split("=") for p in args.paced.split(",") if p)}
    unknown = set(kinds + list(paced)) - set(CONNECTIONS)
    if unknown:
        print(f"unknown kinds: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    requests = sample_requests(args.db, 200, seed=5)
    tmp = tempfile.mkdtemp()
    cmd = [binary, "serve", "--db", args.db, "--port", "0", "--access-log", os.devnull]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        base = re.search(r"(http://[0-9.]+:\d+)", server.stdout.readline()).group(1)
        # Every request once: all must answer 200 (this also warms the page cache).
        for kind in kinds:
            for path in requests[kind]:
                try:
                    urllib.request.urlopen(base + path, timeout=60).read()
                except urllib.error.HTTPError as e:
                    raise SystemExit(f"{path}: {e.code} {e.read()[:300]!r}")
        count = json.load(urllib.request.urlopen(base + "/optimade/v1/structures?page_limit=1"))
        procs = {}
        for kind in kinds:
            paths = os.path.join(tmp, kind + ".txt")
            with open(paths, "w") as f:
                f.write("\n".join(requests[kind]) + "\n")
            procs[kind] = subprocess.Popen(
                ["wrk", "-t1", f"-c{CONNECTIONS[kind]}", f"-d{args.seconds}s", "--timeout", "10s",
                 "--latency", "-s", os.path.join(ROOT, "bench/load.lua"), base, "--", paths,
                 "gzip" if args.gzip else "identity",
                 str(int(CONNECTIONS[kind] * 1000 / paced[kind])) if kind in paced else "0"],
                stdout=subprocess.PIPE, text=True)
        results = {kind: parse_wrk(p.communicate()[0]) for kind, p in procs.items()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(tmp)
    print(f"phasebook serve ({binary}) over {args.db}: "
          f"{count['meta']['data_available']:,} structures; {args.seconds} s, "
          f"{', '.join(kinds)} at once"
          f"{''.join(f', {k} paced at {r:g}/s' for k, r in paced.items())}, "
          f"one wrk -t1 per kind{', gzip' if args.gzip else ''}\n")
    print("| kind | connections | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    failed = 0
    for kind, (total, rps, p50, p99, errors) in results.items():
        failed += errors
        print(f"| {kind} | {CONNECTIONS[kind]} | {total:,} | {rps:,.0f} | {p50:.2f} | {p99:.2f} |"
              f" {errors} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
