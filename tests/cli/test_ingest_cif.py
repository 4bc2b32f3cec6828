#!/usr/bin/python3
"""`phasebook ingest cif` through the real binary on real files from ../shared: idempotent
re-ingest, located errors in the report file, substances with recorded rules, and a run killed
with SIGKILL mid-way then re-run that ends equal to an uninterrupted run."""
import glob
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
OBELIX = os.path.join(SHARED, "li_conductivity", "obelix", "train_cifs")
COD = os.path.join(SHARED, "crystal_structures", "cod_tools_test_cifs")


def query(db, sql):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ingest(db, *paths, extra=()):
    return subprocess.run([BIN, "ingest", "cif", "--db", db, "--json", *extra, *paths],
                          capture_output=True, text=True, timeout=900)


def snapshot(db):
    """Everything that must not depend on interruptions: structures by hash with their
    substance, and the substances."""
    return (query(db, "SELECT content_hash, substance_id FROM structure ORDER BY content_hash"),
            query(db, "SELECT id, host_formula, space_group_number, pearson_symbol FROM substance "
                      "ORDER BY id"),
            query(db, "SELECT count(*) FROM reference"))


@unittest.skipUnless(os.path.isdir(OBELIX) and os.path.isdir(COD), "../shared not found")
class IngestCif(unittest.TestCase):
    def test_idempotent_with_reasons(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "p.db")
            r = ingest(db, OBELIX)
            self.assertEqual(r.returncode, 0, r.stderr)
            first = json.loads(r.stdout)
            self.assertEqual(first["structures"], len(glob.glob(os.path.join(OBELIX, "*.cif"))))
            self.assertEqual(first["inserted"], first["structures"])
            again = json.loads(ingest(db, OBELIX).stdout)
            self.assertEqual(again["inserted"], 0)
            self.assertEqual(again["existing"], first["structures"])
            # Every structure has a substance, with the rule and numbers that admitted it.
            rows = query(db, "SELECT s.substance_id, m.rule, m.numbers FROM structure s "
                             "JOIN substance_member m ON m.entity_id = s.id "
                             "AND m.entity_kind = 'structure'")
            self.assertEqual(len(rows), first["structures"])
            for sid, rule, numbers in rows:
                self.assertTrue(sid.startswith("pbs-"))
                self.assertIn("space group", rule)
                self.assertIn("host_formula", json.loads(numbers))
            # Substance ids come from the identity key: a rebuild in another file gives the
            # same ids.
            db2 = os.path.join(d, "q.db")
            ingest(db2, OBELIX, extra=("--threads", "1", "--batch", "7"))
            self.assertEqual(snapshot(db), snapshot(db2))

    def test_framework_rule_groups_refinements_and_founds_variants(self):
        """Entries of one identity key join one substance only when their host frameworks
        match; the membership says why (demo files, OBELiX)."""
        demo = os.path.join(ROOT, "data", "demo", "structures")
        garnets = [os.path.join(demo, f) for f in ("2wb.cif", "7w5.cif")]  # cubic LLZO-Ta
        latp = [os.path.join(demo, f) for f in ("9s4.cif", "lap.cif")]  # R-3c LATP, O moved
        partitions = []
        for order in (1, -1):
            with tempfile.TemporaryDirectory() as d:
                db = os.path.join(d, "p.db")
                for f in (garnets + latp)[::order]:
                    r = ingest(db, f)
                    self.assertEqual(r.returncode, 0, r.stderr)
                rows = {os.path.basename(f): (sub, rule, json.loads(numbers))
                        for f, sub, rule, numbers in query(
                            db, "SELECT s.source_file, s.substance_id, m.rule, m.numbers "
                                "FROM structure s JOIN substance_member m ON m.entity_id = s.id "
                                "AND m.entity_kind = 'structure'")}
                # Li is partly occupied in both garnets (24d and 96h): the La-Zr-O framework
                # decides, and it matches.
                later = rows["7w5.cif" if order == 1 else "2wb.cif"]
                self.assertEqual(rows["2wb.cif"][0], rows["7w5.cif"][0])
                self.assertIn("framework matches", later[1])
                self.assertIn("partly occupied left out: Li", later[1])
                fw = later[2]["framework"]
                self.assertEqual(fw["ignored_partly_occupied"], ["Li"])
                self.assertLessEqual(fw["max_distance"], fw["site_tolerance"])
                # The two LATP entries share formula, space group and Pearson symbol, but their
                # O atoms sit 0.39 (V/n)^(1/3) apart: the second founds a framework variant.
                self.assertNotEqual(rows["9s4.cif"][0], rows["lap.cif"][0])
                second = rows["lap.cif" if order == 1 else "9s4.cif"]
                self.assertIn("founds a framework variant", second[1])
                self.assertIn("sites do not", second[1])
                first = rows["9s4.cif" if order == 1 else "lap.cif"]
                self.assertEqual(second[2]["framework"]["differs_from"], [first[0]])
                partitions.append(sorted(sorted(k for k in rows if rows[k][0] == s)
                                         for s in {v[0] for v in rows.values()}))
                # Re-ingest keeps every entry where it is.
                before = query(db, "SELECT content_hash, substance_id FROM structure")
                for f in garnets + latp:
                    ingest(db, f)
                self.assertEqual(before, query(db, "SELECT content_hash, substance_id FROM structure"))
        # The grouping does not depend on the order of ingest.
        self.assertEqual(partitions[0], partitions[1])

    def test_bad_files_are_reported_with_locations(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "p.db")
            bad = os.path.join(d, "bad.cif")
            with open(bad, "w") as f:
                f.write("data_ok_syntax\n_cell_length_a 5\nloop_\n_atom_site_label\nNa1\n"
                        "data_broken\n_x 'open\n")
            report = os.path.join(d, "report.txt")
            r = ingest(db, bad, os.path.join(OBELIX, "00x.cif"), extra=("--report", report))
            self.assertEqual(r.returncode, 1)
            out = json.loads(r.stdout)
            self.assertEqual(out["inserted"], 1)
            lines = open(report).read().splitlines()
            self.assertEqual(len(lines), 2)
            for line in lines:
                self.assertRegex(line, r"bad\.cif:\d+")

    def test_latin1_text_is_stored_as_utf8(self):
        # COD files written before UTF-8 carry Latin-1 bytes, e.g. 0xB4 in an author's name.
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "p.db")
            cif = os.path.join(d, "latin1.cif")
            with open(os.path.join(OBELIX, "00x.cif"), "rb") as f:
                body = f.read()
            with open(cif, "wb") as f:
                f.write(b"data_latin1\n_publ_author_name 'O\xb4Keeffe, M.'\n_journal_year 1977\n" +
                        body[body.index(b"_cell_length_a"):])
            r = ingest(db, cif)
            self.assertEqual(r.returncode, 0, r.stderr)
            authors = query(db, "SELECT family, given FROM reference_author")
            self.assertEqual(authors, [("O\u00b4Keeffe", "M.")])

    def test_sigkill_then_rerun_equals_uninterrupted(self):
        with tempfile.TemporaryDirectory() as d:
            clean = os.path.join(d, "clean.db")
            ingest(clean, COD, OBELIX)
            killed = os.path.join(d, "killed.db")
            p = subprocess.Popen([BIN, "ingest", "cif", "--db", killed, "--batch", "16", COD,
                                  OBELIX], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Wait until some batches are committed, then kill without warning.
            deadline = time.time() + 120
            while time.time() < deadline:
                time.sleep(0.2)
                try:
                    if query(killed, "SELECT count(*) FROM structure")[0][0] >= 50:
                        break
                except sqlite3.Error:
                    pass
            p.send_signal(signal.SIGKILL)
            p.wait()
            partial = query(killed, "SELECT count(*) FROM structure")[0][0]
            total = query(clean, "SELECT count(*) FROM structure")[0][0]
            self.assertLess(partial, total, "the run finished before it was killed")
            # Whole batches only: every stored structure has its substance membership.
            self.assertEqual(query(killed, "SELECT count(*) FROM structure s LEFT JOIN "
                                           "substance_member m ON m.entity_id = s.id AND "
                                           "m.entity_kind = 'structure' WHERE m.entity_id IS NULL"),
                             [(0,)])
            ingest(killed, COD, OBELIX)
            self.assertEqual(snapshot(killed), snapshot(clean))
            self.assertEqual(query(killed, "PRAGMA integrity_check"), [("ok",)])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
