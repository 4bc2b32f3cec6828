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
