#!/usr/bin/python3
"""A models directory for the ML pages (tests/web/test_api_models.py and e2e_models.mjs): real
models trained with `phasebook learn` on the OBELiX training split of room-temperature Li-ion
conductivity (../shared/data/li_conductivity/obelix/train.csv, log10 S/cm, basic preset, grouped
5-fold CV), a few seconds in all:

- obelix-gbt: boosted trees (100 trees) with `fit --cv`, and `learn importance --tree --ablation
  --json` (every feature) stored as importance.json; public.
- obelix-svr: epsilon-SVR with `fit --cv` and permutation importance; public.
- lab-gpr: a Gaussian process (one length scale) with `fit --cv`, its out-of-fold predictions
  with their predictive standard deviations; marked members-only (a `members-only` file).
- screen.csv: `learn screen` of the Liverpool database's compositions (other papers, other
  temperatures; read as candidates) with obelix-gbt and obelix-svr, top 10 %, kept by at least
  one model; lab-screen.csv: the same with lab-gpr (its std columns beside), so members-only.
- not models: a directory without model.json, one with a broken model.json, a hidden one, a CSV
  that is no screen.
- a database with a member (alice).

  models_fixture.py PHASEBOOK DIR   (exit 77 when ../shared/data is missing)
Prints a JSON summary: paths, the CV row count and feature count of each model."""
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("PB_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
LI = os.path.join(SHARED, "data", "li_conductivity")
OBELIX = os.path.join(LI, "obelix", "train.csv")
LIVERPOOL = os.path.join(LI, "LiIonDatabase_liverpool__minus_obelix_test.csv")
PASSWORD = "correct horse battery"


def build(phasebook, out):
    for p in (OBELIX, LIVERPOOL):
        if not os.path.exists(p):
            print(f"SKIP: {p} is missing (../shared/data)")
            sys.exit(77)

    def pb(*args, stdin=None):
        r = subprocess.run([phasebook, *args], input=stdin, capture_output=True, text=True,
                           timeout=600)
        if r.returncode != 0:
            raise SystemExit(f"phasebook {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r.stdout

    models = os.path.join(out, "models")
    os.makedirs(models)
    data = ["--data", OBELIX, "--target", "Ionic conductivity (S cm-1)", "--formula",
            "Reduced Composition", "--log10-target", "--preset", "basic", "--grouped"]
    gbt = ["--model", "gbt", "-p", "n_estimators=100"]
    pb("learn", "fit", *data, *gbt, "--cv", "-o", os.path.join(models, "obelix-gbt"))
    with open(os.path.join(models, "obelix-gbt", "importance.json"), "w") as f:
        f.write(pb("learn", "importance", *data, *gbt, "--tree", "--ablation", "--top", "0",
                   "--permutations", "2", "--json"))
    pb("learn", "fit", *data, "--model", "svr", "--cv", "-o", os.path.join(models, "obelix-svr"))
    with open(os.path.join(models, "obelix-svr", "importance.json"), "w") as f:
        f.write(pb("learn", "importance", *data, "--model", "svr", "--top", "0",
                   "--permutations", "2", "--json"))
    lab = os.path.join(models, "lab-gpr")
    pb("learn", "fit", *data, "--model", "gpr", "-p", "ard=0", "--cv", "-o", lab)
    open(os.path.join(lab, "members-only"), "w").close()

    # Candidates: the distinct compositions of the Liverpool table, in the training column.
    candidates = os.path.join(out, "candidates.csv")
    seen = []
    with open(LIVERPOOL, newline="") as f:
        for row in csv.DictReader(f):
            if row["composition"] not in seen:
                seen.append(row["composition"])
    with open(candidates, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Reduced Composition"])
        w.writerows([c] for c in seen)
    screen = ["learn", "screen", "--candidates", candidates, "--top-fraction", "0.1", "-k", "1"]
    pb(*screen, "--model", os.path.join(models, "obelix-gbt"), "--model",
       os.path.join(models, "obelix-svr"), "-o", os.path.join(models, "screen.csv"))
    pb(*screen, "--model", os.path.join(models, "obelix-gbt"), "--model", lab, "-o",
       os.path.join(models, "lab-screen.csv"))

    # Things that are no model or no screen.
    os.makedirs(os.path.join(models, "empty-dir"))
    os.makedirs(os.path.join(models, "broken"))
    with open(os.path.join(models, "broken", "model.json"), "w") as f:
        f.write("{not json")
    os.makedirs(os.path.join(models, ".hidden"))
    with open(os.path.join(models, "notes.csv"), "w") as f:
        f.write("a,b\n1,2\n")

    db = os.path.join(out, "models.db")
    pb("user", "add", "--db", db, "alice", "--role", "member", stdin=PASSWORD + "\n")

    summary = {"dir": models, "db": db, "candidates": len(seen), "models": {}}
    for name in ("obelix-gbt", "obelix-svr", "lab-gpr"):
        with open(os.path.join(models, name, "model.json")) as f:
            m = json.load(f)
        with open(os.path.join(models, name, "cv_predictions.csv"), newline="") as f:
            oof = list(csv.DictReader(f))
        summary["models"][name] = {"rows": m["training"]["rows"],
                                   "features": len(m["descriptors"]["names"]),
                                   "cv_rows": len(oof),
                                   "folds": sorted({int(r["fold"]) for r in oof}),
                                   "with_std": sum(1 for r in oof if r["predicted_std"])}
    return summary


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: models_fixture.py PHASEBOOK DIR")
    print(json.dumps(build(sys.argv[1], sys.argv[2])))
