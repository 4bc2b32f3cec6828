#!/usr/bin/python3
"""`phasebook show`, `export` and `substance merge|split|audit` through the real binary on the
demo data (OBELiX CIFs and conductivities in data/demo): what show lists is what the database
holds, exports parse back (CIF through pymatgen as well), merged ids keep resolving and later
ingests follow the merge, splits are stable and audited."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "data", "demo")


def run(*args, check=True):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)
    if check and r.returncode != 0:
        raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
    return r


def query(db, sql, params=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


class SubstanceCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.structures = os.path.join(cls.dir, "structures")
        shutil.copytree(os.path.join(DEMO, "structures"), cls.structures)
        cls.db = os.path.join(cls.dir, "demo.db")
        run("ingest", "cif", "--db", cls.db, cls.structures)
        run("ingest", "properties", "--db", cls.db, os.path.join(DEMO, "ionic_conductivity.csv"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def fresh_copy(self):
        d = tempfile.mkdtemp(dir=self.dir)
        db = os.path.join(d, "copy.db")
        run("backup", "--db", self.db, db)
        return db

    def test_show_lists_everything_linked(self):
        # The substance with most members: every member, structure and property of it appears.
        (sid, n), = query(self.db, "SELECT substance_id, count(*) FROM substance_member "
                                   "GROUP BY substance_id ORDER BY 2 DESC, 1 LIMIT 1")
        page = json.loads(run("show", "--db", self.db, sid, "--json").stdout)
        self.assertEqual(page["id"], sid)
        self.assertEqual(len(page["members"]), n)
        db_structures = {r[0] for r in query(
            self.db, "SELECT id FROM structure WHERE substance_id = ?", (sid,))}
        self.assertEqual({s["id"] for s in page["structures"]}, db_structures)
        db_properties = {r[0] for r in query(
            self.db, "SELECT id FROM property WHERE substance_id = ?", (sid,))}
        self.assertEqual({p["id"] for p in page["properties"]}, db_properties)
        for m in page["members"]:
            self.assertTrue(m["rule"])
        cited = {p["reference_id"] for p in page["properties"] if p["reference_id"]}
        self.assertEqual({r["id"] for r in page["references"]}, cited)
        text = run("show", "--db", self.db, sid).stdout
        self.assertIn(page["host_formula"], text)
        missing = run("show", "--db", self.db, "pbs-000000000000", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no substance pbs-000000000000", missing.stderr)

    def test_export_jsonl_and_cif_round_trip(self):
        r = run("export", "--db", self.db, "--elements", "Li,Zr,O", "--format", "jsonl")
        rows = [json.loads(line) for line in r.stdout.splitlines()]
        expected = query(self.db, "SELECT count(DISTINCT structure_id) FROM structure_element "
                                  "WHERE element IN ('Li','Zr','O') GROUP BY structure_id "
                                  "HAVING count(*) = 3")
        self.assertEqual(len(rows), len(expected))
        for row in rows:
            self.assertTrue({"Li", "Zr", "O"} <= set(row["elements"]))
            self.assertEqual(len(row["sites"]), row["nsites"])
        out = os.path.join(self.dir, "lzo.cif")
        run("export", "--db", self.db, "--elements", "Li,Zr,O", "--format", "cif", "-o", out)
        self.assertFalse(os.path.exists(out + ".part"))
        info = run("cif", "info", "--json", out).stdout
        blocks = [json.loads(line) for line in info.splitlines() if line.strip()]
        self.assertEqual(len(blocks), len(rows))
        # pymatgen reads the same file to the same compositions.
        try:
            from pymatgen.io.cif import CifParser
        except ImportError:
            self.skipTest("pymatgen missing")
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structures = CifParser(out, occupancy_tolerance=1.01).get_structures(primitive=False)
        self.assertEqual(len(structures), len(rows))
        for s, row in zip(structures, rows):
            self.assertEqual(sorted(e.symbol for e in s.composition.elements),
                             sorted(row["elements"]))
            self.assertAlmostEqual(s.lattice.volume, row["volume"], delta=1e-3 * row["volume"])

    def test_export_rejects_bad_conditions_without_writing(self):
        out = os.path.join(self.dir, "bad.cif")
        r = run("export", "--db", self.db, "--elements", "Xx", "-o", out, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Xx", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_merge_redirects_and_later_ingest_follows(self):
        db = self.fresh_copy()
        (a, fa), (b, fb) = query(
            db, "SELECT s.id, min(st.source_file) FROM substance s JOIN structure st "
                "ON st.substance_id = s.id GROUP BY s.id ORDER BY s.id LIMIT 2")
        before_b = {r[0] for r in query(db, "SELECT id FROM structure WHERE substance_id = ?", (b,))}
        r = run("substance", "merge", "--db", db, b, a, "--user", "editor1")
        self.assertIn(f"merged {b} into {a}", r.stdout)
        page = json.loads(run("show", "--db", db, b, "--json").stdout)
        self.assertEqual(page["id"], a)
        self.assertEqual(page["requested_id"], b)
        self.assertTrue(before_b <= {s["id"] for s in page["structures"]})
        audit = run("substance", "audit", "--db", db).stdout.splitlines()
        self.assertIn("editor1", audit[0])
        self.assertIn("merge", audit[0])
        self.assertIn(b, audit[0])
        # The same file edited (a new content hash) is a new entry of the merged-away identity:
        # it joins the substance it was merged into, and says why.
        d = tempfile.mkdtemp(dir=self.dir)
        copy = os.path.join(d, "edited.cif")
        with open(fb, "rb") as f:
            body = f.read()
        with open(copy, "wb") as f:
            f.write(b"# edited copy\n" + body)
        run("ingest", "cif", "--db", db, copy)
        (sub, rule), = query(db, "SELECT m.substance_id, m.rule FROM structure s JOIN "
                                 "substance_member m ON m.entity_kind = 'structure' AND "
                                 "m.entity_id = s.id WHERE s.source_file = ?", (copy,))
        self.assertEqual(sub, a)
        self.assertIn(f"{b} was merged into {a}", rule)
        self.assertEqual(query(db, "SELECT count(*) FROM substance WHERE id = ?", (b,)), [(0,)])
        bad = run("substance", "merge", "--db", db, a, a, check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("into itself", bad.stderr)

    def test_split_is_stable_and_audited(self):
        (sid, n), = query(self.db, "SELECT substance_id, count(*) FROM structure "
                                   "GROUP BY substance_id HAVING count(*) >= 3 ORDER BY 1 LIMIT 1")
        ids = [r[0] for r in query(self.db, "SELECT id FROM structure WHERE substance_id = ? "
                                            "ORDER BY id", (sid,))]
        new_ids = []
        for _ in range(2):  # the same edit on two copies gives the same id
            db = self.fresh_copy()
            new = run("substance", "split", "--db", db, sid, "--structure", str(ids[-1]),
                      "--user", "editor2").stdout.strip()
            new_ids.append(new)
            page = json.loads(run("show", "--db", db, new, "--json").stdout)
            self.assertEqual([s["id"] for s in page["structures"]], [ids[-1]])
            self.assertTrue(page["members"][0]["rule"].startswith(f"split from {sid}:"))
            old = json.loads(run("show", "--db", db, sid, "--json").stdout)
            self.assertEqual(len(old["structures"]), n - 1)
            self.assertIn("split", run("substance", "audit", "--db", db).stdout)
        self.assertEqual(new_ids[0], new_ids[1])
        bad = run("substance", "split", "--db", db, sid, "--structure", str(ids[-1]), check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("not a member", bad.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
