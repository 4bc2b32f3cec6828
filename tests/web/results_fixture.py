#!/usr/bin/python3
"""A database for the calculation and mining pages (tests/web/test_api_results.py and
e2e_results.mjs): two real pw.x runs and two real papers.

- Si (tests/data/calc/Si.cif): a bands run (scf, then bands along the fcc path) at 20 Ry on a
  shifted 4x4x4 mesh, about 5 s; public.
- Al (tests/data/calc/Al.cif): an scf run at 15 Ry, about 1 s; its structure is moved into the
  members-only dataset 'lab', so its calculation is hidden from guests.
- Si again, scf with electron_maxstep=1 and one attempt: pw.x stops unconverged and the job
  ends `failed` with its reason (about 1 s); public.
- Two SOFC-Exp full texts (../shared/data/literature_mining, read in place) through
  `mine add` + `mine extract`; the second document is moved into 'lab', so its records are
  hidden from guests.
- a member (alice) and an editor (erin).

  results_fixture.py PHASEBOOK DB   (exit 77 when pw.x is missing)
Prints a JSON summary: job ids and states by batch, record ids per document."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CALC_DATA = os.path.join(ROOT, "tests", "data", "calc")
SHARED = os.environ.get("PB_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
TEXTS = os.path.join(SHARED, "data", "literature_mining", "sofc-exp-corpus", "texts")
PAPERS = ["PMC4313086.txt", "PMC4495617.txt"]
PASSWORD = "correct horse battery"


def build(phasebook, db):
    if shutil.which("pw.x") is None:
        print("SKIP: pw.x is not installed (scripts/install-deps installs quantum-espresso)")
        sys.exit(77)
    for p in PAPERS:
        if not os.path.exists(os.path.join(TEXTS, p)):
            print(f"SKIP: {os.path.join(TEXTS, p)} is missing (../shared/data)")
            sys.exit(77)

    def pb(*args, stdin=None, ok=(0,)):
        r = subprocess.run([phasebook, *args], input=stdin, capture_output=True, text=True,
                           timeout=600)
        if r.returncode not in ok:
            raise SystemExit(f"phasebook {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r.stdout

    for cif in ("Si.cif", "Al.cif"):
        pb("ingest", "cif", "--db", db, os.path.join(CALC_DATA, cif))
    pb("calc", "run", "--db", db, "--formula", "Si", "--task", "bands", "--batch", "si-bands",
       "--set", "ecutwfc=20", "--set", "kmesh=4x4x4", "--set", "kshift=1",
       "--set", "kpath_density=6", "--poll", "0.2")
    pb("calc", "run", "--db", db, "--formula", "Al", "--task", "scf", "--batch", "al-scf",
       "--set", "ecutwfc=15", "--set", "kmesh=4x4x4", "--poll", "0.2")
    pb("calc", "run", "--db", db, "--formula", "Si", "--task", "scf", "--batch", "si-fail",
       "--set", "ecutwfc=20", "--set", "kmesh=4x4x4", "--set", "electron_maxstep=1",
       "--max-attempts", "1", "--poll", "0.2", ok=(1,))  # exit 1: a job failed
    pb("mine", "add", "--db", db, *[os.path.join(TEXTS, p) for p in PAPERS])
    pb("mine", "extract", "--db", db)
    pb("user", "add", "alice", "--role", "member", "--db", db, stdin=PASSWORD + "\n")
    pb("user", "add", "erin", "--role", "editor", "--db", db, stdin=PASSWORD + "\n")
    con = sqlite3.connect(db)
    with con:
        con.execute("INSERT INTO dataset(name, visibility) VALUES ('lab', 'members')")
        con.execute("UPDATE structure SET dataset = 'lab' WHERE chemical_formula_reduced = 'Al'")
        con.execute("UPDATE mining_document SET dataset = 'lab' WHERE source LIKE ?",
                    ("%" + PAPERS[1],))
    out = {
        "jobs": {b: i for i, b in con.execute("SELECT id, batch FROM calc_job")},
        "states": dict(con.execute("SELECT batch, state FROM calc_job").fetchall()),
        "records": {
            src.rsplit("/", 1)[-1]: [r[0] for r in con.execute(
                "SELECT r.id FROM mining_record r WHERE r.document_id = ? ORDER BY r.id", (d,))]
            for d, src in con.execute("SELECT id, source FROM mining_document")},
    }
    con.close()
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: results_fixture.py PHASEBOOK DB")
    print(json.dumps(build(sys.argv[1], sys.argv[2])))
