#!/usr/bin/env python3
"""`phasebook learn` on a database: a real SQLite database built with the CLI from the demo data
(OBELiX structures and ionic conductivities, data/demo), then `learn dataset` (the CSV and the
CIF files of the substances' structures), `learn cv/fit/descriptors --db` against the same
commands on the written CSV (identical metrics, out-of-fold predictions and training-data hash),
grouping by substance, members-only datasets left out unless asked for, and located errors.
With SHARED (../shared): the Liverpool Ionics Dataset ingested as documented in
docs/database.md, learnt from the database (temperature in K, conductivity converted through S/m)
and from its own CSV (°C, S/cm): the same folds and the same CV figures.
Usage: test_ml_db_cli.py PHASEBOOK [SHARED]"""
import csv
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

PB = sys.argv[1]
DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "demo")
failures = []


def run(*args, code=0):
    p = subprocess.run([PB, *args], capture_output=True, text=True)
    if p.returncode != code:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, wanted {code}\n{p.stderr}")
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "demo.db")
    run("ingest", "cif", "--db", db, os.path.join(DEMO, "structures"))
    run("ingest", "properties", "--db", db, os.path.join(DEMO, "ionic_conductivity.csv"))
    source = rows_of(os.path.join(DEMO, "ionic_conductivity.csv"))
    numeric = [r for r in source if r["value"][:1] not in "<>"]

    # learn dataset: one row per numeric value, in the unit asked for, with its conditions.
    out = os.path.join(tmp, "ds", "demo.csv")
    p = run("learn", "dataset", "--db", db, "--property", "ionic conductivity", "--unit", "S/cm",
            "-o", out)
    check(f"{len(source) - len(numeric)} values given only as a bound" in p.stderr,
          f"bounds not reported: {p.stderr}")
    rows = rows_of(out)
    check(len(rows) == len(numeric), f"{len(rows)} rows, wanted {len(numeric)}")
    by_id = {r["obelix_id"]: r for r in numeric}
    for r in rows:
        want = float(by_id[r["obelix_id"]]["value"])
        got = float(r["ionic_conductivity"])
        check(abs(got - want) <= 1e-12 * abs(want), f"{r['obelix_id']}: {got} S/cm, wanted {want}")
        check(r["unit"] == "S/cm" and r["temperature_K"] == "298.15", f"conditions of {r}")
        check(r["group"] == (r["substance_id"] or r["group"]), f"group of {r}")
        if r["structure"]:
            path = os.path.join(tmp, "ds", r["structure"])
            check(os.path.exists(path) and open(path).read().startswith("data_phasebook_"),
                  f"no CIF {path}")
    linked = [r for r in rows if r["substance_id"]]
    check(len(linked) > 100 and all(r["structure"] for r in linked),
          f"{len(linked)} rows linked to a substance, all with a structure")
    # Several papers on one substance share its group (grouped CV keeps them together).
    refs = {}
    for r in linked:
        refs.setdefault(r["group"], set()).add(r["reference"])
    check(any(len(v) > 1 for v in refs.values()), "no substance measured in two papers")
    check(rows[0]["family"] != "" and "space_group" in rows[0], "free conditions are columns")

    # The same CV from the database and from the CSV: identical figures and predictions.
    db_args = ["--db", db, "--property", "ionic_conductivity", "--unit", "S/cm"]
    csv_args = ["--data", out, "--target", "ionic_conductivity", "--formula", "formula",
                "--group", "group", "--structure", "{structure}"]
    for model in ["gbt", "svr"]:
        common = ["--log10-target", "--model", model, "--grouped", "--preset", "basic",
                  "--numeric", "temperature_K", "--categorical", "family", "--json"]
        a = run("learn", "cv", *db_args, *common, "--predictions", os.path.join(tmp, "a.csv"))
        b = run("learn", "cv", *csv_args, *common, "--predictions", os.path.join(tmp, "b.csv"))
        ja, jb = json.loads(a.stdout or "{}"), json.loads(b.stdout or "{}")
        for key in ["r2", "rmse", "mae"]:
            check(ja["cv"][key] == jb["cv"][key], f"{model} {key}: {ja['cv'][key]} vs {jb['cv'][key]}")
        check([f["r2"] for f in ja["cv"]["folds"]] == [f["r2"] for f in jb["cv"]["folds"]],
              f"{model}: fold R2 differ")
        check(ja["rows"] == len(rows) and ja["cv"]["r2"]["mean"] > 0.3,
              f"{model}: {ja['rows']} rows, R2 {ja['cv']['r2']['mean']}")
        pa = open(os.path.join(tmp, "a.csv")).read()
        check(pa == open(os.path.join(tmp, "b.csv")).read(), f"{model}: predictions differ")
        # No substance in two folds.
        fold = {}
        for r in csv.DictReader(pa.splitlines()):
            check(fold.setdefault(r["group"], r["fold"]) == r["fold"], f"group {r['group']} split")

    # Structure descriptors come from the linked structures.
    p = run("learn", "descriptors", *db_args, "--names", "--preset", "basic")
    check("a.volume_per_atom_A3,structure" in p.stdout, f"no structure descriptors: {p.stdout}")
    p = run("learn", "descriptors", *db_args, "--names", "--preset", "basic", "--no-structures")
    check("a.volume_per_atom_A3" not in p.stdout, "--no-structures keeps structure descriptors")
    feats = list(csv.DictReader(
        run("learn", "descriptors", *db_args, "--preset", "basic").stdout.splitlines()))
    with_volume = [r for r in feats if r["a.volume_per_atom_A3"]]
    check(len(with_volume) == len(linked), f"{len(with_volume)} rows with a volume per atom")
    check(all(5 < float(r["a.volume_per_atom_A3"]) < 40 for r in with_volume),
          "volume per atom out of range")

    # A model fitted from the database records the hash of the CSV `learn dataset` writes.
    model = os.path.join(tmp, "m")
    run("learn", "fit", *db_args, "--log10-target", "--model", "gbt", "--preset", "basic",
        "-o", model)
    saved = json.load(open(os.path.join(model, "model.json")))
    check(saved["training"]["data_sha256"] == hashlib.sha256(open(out, "rb").read()).hexdigest(),
          "training hash is not the dataset CSV's")
    check(saved["training"].get("source") == f"{db} --property ionic_conductivity --unit S/cm",
          f"training source {saved['training'].get('source')}")
    p = run("learn", "predict", "--model", model, "--data", out, "-o", os.path.join(tmp, "p.csv"))
    check(len(rows_of(os.path.join(tmp, "p.csv"))) == len(rows), "predict on the dataset CSV")

    # Candidates: one row per substance with a structure; the model fitted from the database
    # predicts every one of them.
    con = sqlite3.connect(db)
    n_sub = con.execute("SELECT count(DISTINCT substance_id) FROM structure").fetchone()[0]
    n_lis = con.execute("SELECT count(DISTINCT substance_id) FROM structure"
                        " WHERE elements LIKE '%,Li,%' AND elements LIKE '%,S,%'").fetchone()[0]
    con.close()
    cands = os.path.join(tmp, "cand", "c.csv")
    run("learn", "dataset", "--db", db, "--substances", "-o", cands)
    got = rows_of(cands)
    check(len(got) == n_sub and n_sub > 100, f"substances: {len(got)} rows, wanted {n_sub}")
    check(all(os.path.exists(os.path.join(tmp, "cand", r["structure"])) for r in got),
          "candidate CIFs")
    run("learn", "dataset", "--db", db, "--substances", "--elements", "Li,S", "-o", cands)
    got = rows_of(cands)
    check(len(got) == n_lis and n_lis > 10, f"Li,S substances: {len(got)} rows, wanted {n_lis}")
    measured = {r["substance_id"] for r in rows if r["substance_id"]}
    run("learn", "dataset", "--db", db, "--substances", "--unmeasured", "ionic conductivity",
        "-o", os.path.join(tmp, "cand", "u.csv"))
    got = rows_of(os.path.join(tmp, "cand", "u.csv"))
    con = sqlite3.connect(db)
    with_value = {s for (s,) in con.execute(
        "SELECT DISTINCT substance_id FROM property WHERE substance_id IS NOT NULL")}
    con.close()
    check(measured <= with_value and len(got) == n_sub - len(with_value) and
          not ({r["substance_id"] for r in got} & with_value),
          f"--unmeasured: {len(got)} rows, wanted {n_sub - len(with_value)}")
    pred = os.path.join(tmp, "cand", "p.csv")
    run("learn", "predict", "--model", model, "--data", cands, "-o", pred)
    got = rows_of(pred)
    check(len(got) == n_lis and all(float(r["predicted"]) > 0 for r in got),
          "predictions for the candidates")

    # Members-only data is left out unless asked for, structures included.
    con = sqlite3.connect(db)
    con.execute("INSERT INTO dataset(name, visibility) VALUES ('lab', 'members')")
    lab = [i for (i,) in con.execute(
        "SELECT id FROM property WHERE value_si IS NOT NULL ORDER BY id LIMIT 10")]
    con.execute(f"UPDATE property SET dataset = 'lab' WHERE id IN ({','.join(map(str, lab))})")
    hidden = rows[-1]["structure_id"] if rows[-1]["structure_id"] else rows[-2]["structure_id"]
    con.execute("UPDATE structure SET dataset = 'lab' WHERE id = ?", (int(hidden),))
    con.commit()
    con.close()
    out2 = os.path.join(tmp, "ds2", "public.csv")
    p = run("learn", "dataset", *db_args, "-o", out2)
    public = rows_of(out2)
    check(len(public) == len(rows) - 10, f"public: {len(public)} rows")
    check("dataset 'lab' (10 values) not included" in p.stderr, f"left out not said: {p.stderr}")
    check(all(r["dataset"] == "public" for r in public), "a members row in the public table")
    check(all(r["structure_id"] != hidden for r in public), "a members structure leaked")
    check(not os.path.exists(os.path.join(tmp, "ds2", "structures", hidden + ".cif")),
          "a members CIF written")
    for sel, n in [(["members"], 10), (["lab"], 10), (["public", "members"], len(rows))]:
        flags = [x for s in sel for x in ("--dataset", s)]
        run("learn", "dataset", *db_args, *flags, "-o", os.path.join(tmp, "sel.csv"))
        got = rows_of(os.path.join(tmp, "sel.csv"))
        check(len(got) == n, f"--dataset {sel}: {len(got)} rows, wanted {n}")
    p = run("learn", "cv", *db_args, "--dataset", "members", "--log10-target", "--model",
            "linear", "--preset", "basic", "--folds", "3", "--json")
    check(json.loads(p.stdout or "{}").get("rows") == 10, "cv on the members dataset")
    # A model fitted on members-only rows is marked so, and `serve --models` hides it from guests
    # (web.api_models checks the server side of the mark); one on public rows is not.
    for sel, marked in [(["members"], True), (["public"], False)]:
        model = os.path.join(tmp, "m-" + sel[0])
        p = run("learn", "fit", *db_args, "--dataset", sel[0], "--log10-target", "--model",
                "linear", "--preset", "basic", "-o", model)
        saved = json.load(open(os.path.join(model, "model.json")))
        check(saved["training"].get("members_only", False) == marked,
              f"--dataset {sel[0]}: members_only {saved['training'].get('members_only')}")
        check(("members-only" in p.stderr) == marked, f"members-only note: {p.stderr}")

    # Errors say what is wrong.
    for args, words in [
        (["learn", "dataset", "--db", db, "--property", "nosuch", "-o", out2], "unknown property"),
        (["learn", "dataset", *db_args[:4], "--unit", "eV", "-o", out2], "does not fit"),
        (["learn", "dataset", *db_args, "--dataset", "nosuch", "-o", out2], "no dataset 'nosuch'"),
        (["learn", "dataset", "--db", db, "--property", "band_gap", "-o", out2], "no band_gap"),
        (["learn", "cv", "--db", db, "--model", "gbt"], "--db needs --property"),
        (["learn", "cv", *db_args, "--data", out, "--model", "gbt"], "not both"),
        (["learn", "cv", "--model", "gbt"], "give the table"),
        (["learn", "dataset", *db_args, "--elements", "Xx", "-o", out2], "'Xx' is not an element"),
        (["learn", "dataset", *db_args, "--min-temperature", "400", "-o", out2], "left out by"),
    ]:
        p = run(*args, code=2)
        check(words in p.stderr, f"{' '.join(args)}: {p.stderr!r} lacks {words!r}")
    p = run("learn", "dataset", "--db", os.path.join(tmp, "missing.db"), "--property", "x", "-o",
            out2, code=2)
    check("missing.db" in p.stderr, f"missing database not named: {p.stderr}")

    liverpool = os.path.join(sys.argv[2] if len(sys.argv) > 2 else "", "data", "li_conductivity",
                             "LiIonDatabase_liverpool__minus_obelix_test.csv")
    if len(sys.argv) > 2 and os.path.exists(liverpool):
        ldb = os.path.join(tmp, "liverpool.db")
        run("ingest", "properties", "--db", ldb, liverpool, "--map", "source=doi", "--map",
            "target=ionic_conductivity", "--map", "log_target=-", "--set", "unit=S/cm", "--set",
            "temperature_unit=°C")
        for model in ["gbt", "svr"]:
            common = ["--log10-target", "--model", model, "--grouped", "--preset", "basic", "--json"]
            a = run("learn", "cv", "--db", ldb, "--property", "ionic_conductivity", "--unit", "S/cm",
                    "--numeric", "temperature_K", *common, "--predictions", os.path.join(tmp, "la.csv"))
            b = run("learn", "cv", "--data", liverpool, "--target", "target", "--formula",
                    "composition", "--numeric", "temperature", *common, "--predictions",
                    os.path.join(tmp, "lb.csv"))
            ja, jb = json.loads(a.stdout or "{}"), json.loads(b.stdout or "{}")
            check(ja.get("rows") == jb.get("rows") == 737, f"liverpool rows {ja.get('rows')}")
            for key in ["r2", "rmse", "mae"]:
                x, y = ja["cv"][key]["mean"], jb["cv"][key]["mean"]
                check(abs(x - y) <= 1e-9, f"liverpool {model} {key}: db {x} csv {y}")
            fa = [r["group"] + r["fold"] for r in rows_of(os.path.join(tmp, "la.csv"))]
            fb = [r["group"] + r["fold"] for r in rows_of(os.path.join(tmp, "lb.csv"))]
            check(fa == fb, f"liverpool {model}: other groups or folds")
        # Every value with its temperature in K and its free conditions; a condition named like a
        # column of the table (four rows cite a journal in words, kept as 'reference') is renamed.
        full = os.path.join(tmp, "liverpool.csv")
        run("learn", "dataset", "--db", ldb, "--property", "ionic_conductivity", "--unit", "S/cm",
            "-o", full)
        got, src = rows_of(full), rows_of(liverpool)
        check(len(got) == 737 and {"family", "ChemicalFamily", "conditions.reference"} <= set(got[0]),
              f"liverpool table columns {list(got[0]) if got else None}")
        check(sum(1 for r in got if r["conditions.reference"]) == 4, "journal references kept")
        for r, w in zip(got, src):
            check(abs(float(r["temperature_K"]) - (float(w["temperature"]) + 273.15)) < 1e-9
                  and abs(float(r["ionic_conductivity"]) / float(w["target"]) - 1) < 1e-12
                  and r["family"] == w["family"], f"liverpool row {w['ID']}: {r}")
        # Filters: room-temperature sulfides, counted from the CSV independently.
        want = 0
        for r in rows_of(liverpool):
            els = set(re.findall(r"[A-Z][a-z]?", r["composition"]))
            want += 290 <= float(r["temperature"]) + 273.15 <= 310 and {"Li", "S"} <= els
        rt = os.path.join(tmp, "rt.csv")
        p = run("learn", "dataset", "--db", ldb, "--property", "ionic_conductivity", "--unit",
                "S/cm", "--min-temperature", "290", "--max-temperature", "310", "--elements",
                "Li,S", "-o", rt)
        got = rows_of(rt)
        check(len(got) == want and want > 20, f"filters: {len(got)} rows, wanted {want}")
        check(f"{737 - want} values left out by the temperature or element filters" in p.stderr,
              f"filtered count not said: {p.stderr}")
        check(all(290 <= float(r["temperature_K"]) <= 310 for r in got), "temperature filter")
    else:
        print("no ../shared: the Liverpool comparison is skipped")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
