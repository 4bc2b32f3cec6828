#!/usr/bin/env python3
"""`phasebook ml` end to end on a small interface table: help, cv --json, fit, predict,
importance, screen, and exit codes for bad usage. Usage: test_ml_cli.py PHASEBOOK"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

PB = sys.argv[1]
failures = []


def run(*args, code=0):
    p = subprocess.run([PB, "ml", *args], capture_output=True, text=True)
    if p.returncode != code:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, wanted {code}\n{p.stderr}")
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    # Interfaces A/B with a temperature and an interlayer flag; the target depends on the mass
    # mismatch and the temperature, so the models have something to learn.
    metals = ["Al", "Cu", "Au", "Pt", "Ti", "Cr", "Ni", "Ag", "Pb", "Bi"]
    subs = ["Si", "SiC", "GaN", "Al2O3", "AlN", "C", "GaAs", "MgO"]
    rng = random.Random(4)
    path = os.path.join(tmp, "tbr.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["film", "substrate", "T", "interlayer", "TBR"])
        for a in metals:
            for b in subs:
                for T in (100, 300, 500):
                    inter = rng.choice(["yes", "no"])
                    tbr = 5 + 3 * metals.index(a) / 9 + 2 * subs.index(b) / 7 - T / 200
                    tbr += (1.5 if inter == "yes" else 0) + rng.gauss(0, 0.1)
                    w.writerow([a, b, T, inter, f"{tbr:.4f}"])
        w.writerow(["Xq", "Si", 300, "no", "5"])  # unknown element: dropped with its line
    data = ["--data", path, "--target", "TBR", "--formula", "film", "--formula-b", "substrate",
            "--numeric", "T", "--categorical", "interlayer", "--preset", "basic"]

    for sub in ("descriptors", "cv", "fit", "predict", "importance", "screen", "models"):
        p = run(sub, "--help")
        check("--" in p.stdout, f"ml {sub} --help prints options")
    models = run("models").stdout
    check("xgb" in models and "svr" in models and "gpr" in models and "n_estimators" in models,
          "ml models lists kinds and parameters")

    names = run("descriptors", *data, "--names").stdout.splitlines()
    check("pair.miedema_enthalpy_kj_mol,pair" in names, "pair descriptors listed")
    check("cond.interlayer=yes,conditions" in names, "one-hot condition listed")
    p = run("descriptors", *data, "-o", os.path.join(tmp, "features.csv"))
    check(":242: dropped" in p.stderr, f"dropped row reported with its line: {p.stderr}")

    for kind in ("xgb", "svr", "gpr", "linear"):
        extra = ["-p", "max_iter=30"] if kind == "gpr" else []
        p = run("cv", *data, "--model", kind, "--grouped", "--folds", "4", "--json", *extra)
        r = json.loads(p.stdout) if p.returncode == 0 else {}
        r2 = r.get("cv", {}).get("r2", {}).get("mean", -1)
        check(r2 > 0.7, f"{kind} grouped CV R2 {r2}")
        check(r.get("rows") == 240 and r.get("dropped") == 1, f"{kind} rows/dropped: {r.get('rows')}")

    p = run("cv", *data, "--model", "svr", "--grid", "C=0.1,10", "--folds", "3")
    check(p.stdout.splitlines()[0].startswith("C=10"), f"grid search best first: {p.stdout}")

    model_dir = os.path.join(tmp, "gp")
    run("fit", *data, "--model", "gpr", "-p", "max_iter=30", "-o", model_dir, "--cv", "--folds", "3")
    meta = json.load(open(os.path.join(model_dir, "model.json")))
    check(meta["descriptors"]["version"] == "pb-ml-descriptors/1", "descriptor version stored")
    check(meta["pipeline"]["missing"]["fallback"] == "median", "missing policy stored")
    check("r2" in meta["metrics"], "CV metrics stored")
    check(len(meta["training"]["data_sha256"]) == 64, "training data hash stored")
    out = os.path.join(tmp, "pred.csv")
    p = run("predict", "--model", model_dir, "--data", path, "-o", out, code=1)  # the Xq row
    rows = list(csv.DictReader(open(out)))
    check(len(rows) == 241 and rows[-1]["predicted"] == "", "every input row written")
    err = max(abs(float(r["predicted"]) - float(r["TBR"])) for r in rows[:-1])
    check(err < 1.0, f"GP predicts its training data: max error {err}")
    check(all(float(r["predicted_std"]) > 0 for r in rows[:-1]), "GP gives a std")

    run("fit", *data, "--model", "xgb", "-o", os.path.join(tmp, "xgb"))
    run("fit", *data, "--model", "svr", "-o", os.path.join(tmp, "svr"))
    la, lb = os.path.join(tmp, "a.txt"), os.path.join(tmp, "b.txt")
    open(la, "w").write("\n".join(metals) + "\n")
    open(lb, "w").write("\n".join(subs) + "\n")
    # The models need T and interlayer: screening a list of pairs leaves them missing, which the
    # median policy fills in.
    scr = os.path.join(tmp, "screen.csv")
    p = run("screen", "--model", os.path.join(tmp, "xgb"), "--model", os.path.join(tmp, "svr"),
            "--model", model_dir, "--list-a", la, "--list-b", lb, "--top-fraction", "0.25",
            "-k", "2", "--lower", "-o", scr)
    rows = list(csv.DictReader(open(scr)))
    check(p.returncode == 0 and 0 < len(rows) <= 40, f"screen kept {len(rows)}: {p.stdout}")
    check(bool(rows) and set(rows[0]) >= {"film", "substrate", "xgb", "svr", "gp", "gp_std", "n_agree"},
          f"screen columns {list(rows[0]) if rows else None}")
    check(all(int(r["n_agree"]) >= 2 for r in rows), "consensus k=2")

    p = run("importance", *data, "--model", "linear", "--by-group", "--folds", "3", "--json")
    imp = json.loads(p.stdout)["permutation"] if p.returncode == 0 else []
    check(imp and imp[0]["name"] in ("conditions", "composition"), f"importance by group {imp}")

    run("cv", *data, "--model", "forest", code=2)
    run("cv", *data, "--model", "svr", "-p", "C=-3", code=2)
    run("cv", "--data", path, "--target", "nope", "--formula", "film", code=2)
    run("predict", "--model", os.path.join(tmp, "none"), "--data", path, code=1)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
