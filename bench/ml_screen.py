#!/usr/bin/env python3
"""Screening throughput of `phasebook learn screen`: three models (gbt, svr, gpr) trained on the
β-Ga2O3 interface conductances of ../shared/data/tbr (film formula from each POSCAR, substrate
Ga2O3 on every other row, the sides swapped on the rest: conductance is symmetric in the sides,
and so both sides vary in training and the models respond to both members of a pair), then every pair of two formula lists scored by all
three with a consensus cut.

Usage: ml_screen.py PHASEBOOK [SHARED_DIR] [--sizes 80000,10000000] [--workdir DIR]
Prints, per size, the wall time of the screen, its candidates/s, its CPU time (user + system; on a
machine others share, CPU / cores is the wall time it would take alone), the screen's own
prediction time and the peak resident memory of the phasebook process (getrusage of the child), and the time
against the goals of issue 9 (80,000 x 3 models < 1 s, 10 million < 60 s). Exit 77 without the
data."""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("phasebook")
ap.add_argument("shared", nargs="?", default=os.path.join(os.path.dirname(__file__), "../../shared"))
ap.add_argument("--sizes", default="80000,10000000")
ap.add_argument("--workdir", default=None, help="keep models and lists here (reused when present)")
ap.add_argument("--threads", default="0")
ap.add_argument("--models", default="gbt,svr,gpr", help="screen with these (all three are fitted)")
args = ap.parse_args()

data = os.path.join(args.shared, "data/tbr/alfahdi_hu_ga2o3_itc")
if not os.path.exists(os.path.join(data, "props.csv")):
    print(f"skipped: {data} is absent")
    sys.exit(77)

work = args.workdir or tempfile.mkdtemp(prefix="pb-ml-screen-")
os.makedirs(work, exist_ok=True)


def formula_of(poscar):
    with open(poscar) as f:
        lines = f.read().splitlines()
    species, counts = lines[5].split(), lines[6].split()
    return "".join(f"{s}{c if c != '1' else ''}" for s, c in zip(species, counts))


train = os.path.join(work, "train.csv")
formulas = []
if not os.path.exists(train):
    with open(os.path.join(data, "props.csv")) as f, open(train, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["film", "substrate", "log10_itc"])
        for i, row in enumerate(csv.DictReader(f)):
            film = formula_of(os.path.join(data, "substrate_poscars", row["id"] + ".POSCAR"))
            w.writerow([film, "Ga2O3", row["prop"]] if i % 2 == 0 else ["Ga2O3", film, row["prop"]])
with open(train) as f:
    for row in csv.DictReader(f):
        for side in ("film", "substrate"):
            if row[side] != "Ga2O3" and row[side] not in formulas:
                formulas.append(row[side])
formulas.append("Ga2O3")

common = ["--data", train, "--target", "log10_itc", "--formula", "film", "--formula-b", "substrate",
          "--preset", "basic"]
models = {"gbt": [], "svr": [], "gpr": ["-p", "ard=0", "-p", "max_iter=40"]}
for name, extra in models.items():
    d = os.path.join(work, name)
    if not os.path.exists(os.path.join(d, "model.json")):
        t = time.perf_counter()
        subprocess.run([args.phasebook, "learn", "fit", *common, "--model", name, *extra, "-o", d],
                       check=True, capture_output=True)
        print(f"fit {name}: {time.perf_counter() - t:.1f} s")

GOALS = {80000: 1.0, 10000000: 60.0}
for size in (int(s) for s in args.sizes.split(",")):
    # |A| x |B| >= size with A the distinct films (repeated to reach the count for B).
    na = min(len(formulas), max(1, int(size ** 0.5)))
    nb = -(-size // na)
    la, lb = os.path.join(work, f"a_{size}.txt"), os.path.join(work, f"b_{size}.txt")
    with open(la, "w") as f:
        f.write("\n".join(formulas[:na]) + "\n")
    with open(lb, "w") as f:
        f.write("\n".join(formulas[i % len(formulas)] for i in range(nb)) + "\n")
    out = os.path.join(work, f"kept_{size}.csv")
    cmd = [args.phasebook, "learn", "screen", "--threads", args.threads, "--list-a", la,
           "--list-b", lb, "--top-fraction", "0.001", "-k", str(min(2, len(args.models.split(",")))), "-o", out]
    used = args.models.split(",")
    for name in used:
        cmd += ["--model", os.path.join(work, name)]
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        p = subprocess.Popen(cmd, stdout=so, stderr=se, text=True)
        _, status, usage = os.wait4(p.pid, 0)  # this child's own peak RSS
        wall = time.perf_counter() - t
        so.seek(0)
        se.seek(0)
        stdout, stderr = so.read(), se.read()
    rss = usage.ru_maxrss
    if os.waitstatus_to_exitcode(status) != 0:
        print(stdout, stderr)
        sys.exit(1)
    n = na * nb
    goal = GOALS.get(size)
    verdict = "" if goal is None else f"  goal < {goal:g} s: {'met' if wall < goal else 'NOT met'}"
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{n:>10,} candidates x {len(used)} models: {wall:7.2f} s wall ({n / wall:,.0f}/s), "
          f"{cpu:.2f} s CPU, peak RSS {rss / 1024:.0f} MiB{verdict}")
    for line in stdout.splitlines():
        print("    " + line)
