#!/usr/bin/python3
"""A database for curating mined records in the web UI (tests/web/test_api_curation.py and
e2e_curation.mjs): two real papers and a substance to link their records to.

- Two SOFC-Exp full texts (../shared/data/literature_mining/sofc-exp-corpus, CC-BY, read in place)
  through `phasebook mine add` + `phasebook mine extract`: 24 records, among them the ionic
  conductivities of CeO2-based electrolytes in PMC4495617 ("0.12 S cm−1" at 600 °C).
- CeO2 (fluorite, Fm-3m, a = 5.411 Å: the textbook cell, Ce on 4a and O on 8c), written here as a
  CIF and stored with `phasebook ingest cif`, so there is a CeO2 substance to link to.
- Paper classes set directly (PMC4495617 solid_electrolyte, PMC4313086 other): the class filter is
  what is tested here, not the classifier (two papers are too few to train it).
- a member (alice) and an editor (erin).

  curation_fixture.py PHASEBOOK DB
Prints a JSON summary: record ids per paper, the CeO2 substance id and the record to curate."""
import json
import os
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("PB_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
TEXTS = os.path.join(SHARED, "data", "literature_mining", "sofc-exp-corpus", "texts")
PAPERS = ["PMC4313086.txt", "PMC4495617.txt"]
PASSWORD = "correct horse battery"
CEO2_CIF = """data_CeO2
_chemical_name_systematic 'cerium dioxide (fluorite)'
_chemical_formula_sum 'Ce O2'
_cell_length_a 5.411
_cell_length_b 5.411
_cell_length_c 5.411
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
_space_group_IT_number 225
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ce1 Ce 0 0 0
O1 O 0.25 0.25 0.25
"""


def build(phasebook, db):
    for p in PAPERS:
        if not os.path.exists(os.path.join(TEXTS, p)):
            print(f"SKIP: {os.path.join(TEXTS, p)} is missing (../shared/data)")
            sys.exit(77)

    def pb(*args, stdin=None):
        r = subprocess.run([phasebook, *args], input=stdin, capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0:
            raise SystemExit(f"phasebook {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r.stdout

    pb("mine", "add", "--db", db, *[os.path.join(TEXTS, p) for p in PAPERS])
    pb("mine", "extract", "--db", db)
    cif = os.path.join(os.path.dirname(os.path.abspath(db)), "CeO2.cif")
    with open(cif, "w") as f:
        f.write(CEO2_CIF)
    pb("ingest", "cif", "--db", db, cif)
    pb("user", "add", "alice", "--role", "member", "--db", db, stdin=PASSWORD + "\n")
    pb("user", "add", "erin", "--role", "editor", "--db", db, stdin=PASSWORD + "\n")
    con = sqlite3.connect(db)
    with con:
        for paper, label in zip(PAPERS, ["other", "solid_electrolyte"]):
            con.execute("UPDATE mining_document SET class_label = ?, class_source = 'test' "
                        "WHERE source LIKE ?", (label, "%" + paper))
    records = {
        src.rsplit("/", 1)[-1]: [r[0] for r in con.execute(
            "SELECT id FROM mining_record WHERE document_id = ? ORDER BY id", (d,))]
        for d, src in con.execute("SELECT id, source FROM mining_document")}
    (ceo2,) = con.execute("SELECT id FROM substance WHERE host_formula = 'CeO2'").fetchone()
    conductivities = [r[0] for r in con.execute(
        "SELECT id FROM mining_record WHERE property = 'ionic_conductivity' AND "
        "material_formula = 'CeO2' ORDER BY id")]
    con.close()
    return {"records": records, "ceo2": ceo2, "conductivities": conductivities}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: curation_fixture.py PHASEBOOK DB")
    print(json.dumps(build(sys.argv[1], sys.argv[2])))
