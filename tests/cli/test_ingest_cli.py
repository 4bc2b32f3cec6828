#!/usr/bin/python3
"""`phasebook ingest`, `db info` and `backup` through the real binary: --db and $PHASEBOOK_DB,
exit codes, located row errors, idempotent re-runs."""
import json
import sqlite3
import os
import subprocess
import sys
import tempfile
import unittest

BIN = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "store")
LIVERPOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                         "data", "li_conductivity", "LiIonDatabase_liverpool__minus_obelix_test.csv")


def run(*args, cwd=None, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=env)


class IngestCommands(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "t.db")

    def tearDown(self):
        self.dir.cleanup()

    def info(self, db=None):
        r = run("db", "info", "--json", "--db", db or self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_properties_twice_adds_nothing(self):
        csv = os.path.join(DATA, "properties.csv")
        r = run("ingest", "properties", "--db", self.db, csv)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("6 properties: 6 new, 0 already present, 1 references added", r.stdout)
        r = run("ingest", "properties", "--db", self.db, "--json", csv)
        self.assertEqual(json.loads(r.stdout)["inserted"], 0)
        info = self.info()
        self.assertEqual(info["counts"]["property"], 6)
        self.assertEqual(info["journal_mode"], "wal")
        # The file is migrated to the newest version this binary knows, and says so.
        con = sqlite3.connect(self.db)
        (applied,), = con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        con.close()
        self.assertEqual(info["schema_version"], applied)
        self.assertGreaterEqual(applied, 5)

    def test_bad_rows_exit_1_with_locations_and_write_nothing(self):
        bad = os.path.join(DATA, "properties_bad.csv")
        r = run("ingest", "properties", "--db", self.db, bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}:3: error: column 'value': 'abc' is not a number", r.stderr)
        self.assertIn(f"{bad}:7: error: column 'unit': unknown unit 'furlong'", r.stderr)
        self.assertIn("nothing written", r.stderr)
        self.assertEqual(self.info()["counts"]["property"], 0)
        r = run("ingest", "properties", "--db", self.db, "--skip-bad", bad)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.info()["counts"]["property"], 1)

    def test_bad_option_is_a_usage_error(self):
        r = run("ingest", "properties", "--db", self.db, "--map", "nonsense",
                os.path.join(DATA, "properties.csv"))
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_references_and_phase_diagrams(self):
        r = run("ingest", "references", "--db", self.db, os.path.join(DATA, "references.bib"),
                os.path.join(DATA, "references.ris"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 references: 4 new", r.stdout)
        self.assertIn("2 references: 0 new, 2 already present", r.stdout)
        r = run("ingest", "phase-diagrams", "--db", self.db,
                os.path.join(DATA, "pb_sn_phase_diagram.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        counts = self.info()["counts"]
        self.assertEqual(counts["reference"], 4)
        self.assertEqual(counts["phase_diagram"], 1)
        self.assertEqual(counts["phase_diagram_boundary"], 5)
        broken = os.path.join(self.dir.name, "broken.bib")
        with open(broken, "w") as f:
            f.write("@article{a,\n  title = {never closed\n")
        r = run("ingest", "references", "--db", self.db, broken)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{broken}:2:11: error: unbalanced braces", r.stderr)

    def test_db_path_from_env_then_cwd(self):
        env = dict(os.environ, PHASEBOOK_DB=os.path.join(self.dir.name, "env.db"))
        r = run("db", "info", cwd=self.dir.name, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir.name, "env.db")))
        env.pop("PHASEBOOK_DB")
        r = run("db", "info", cwd=self.dir.name, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir.name, "phasebook.db")))

    def test_backup(self):
        run("ingest", "properties", "--db", self.db, os.path.join(DATA, "properties.csv"))
        out = os.path.join(self.dir.name, "copy.db")
        r = run("backup", "--db", self.db, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.info(out)["counts"]["property"], 6)
        r = run("backup", "--db", self.db, out)
        self.assertNotEqual(r.returncode, 0)

    @unittest.skipUnless(os.path.exists(LIVERPOOL), "../shared is absent")
    def test_liverpool_dataset(self):
        args = ["ingest", "properties", "--db", self.db, "--map", "source=doi", "--map",
                "target=ionic_conductivity", "--map", "log_target=-", "--set", "unit=S/cm",
                "--set", "temperature_unit=°C", LIVERPOOL]
        r = run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("737 properties: 737 new", r.stdout)
        self.assertIn("is not a DOI; kept as the condition 'reference'", r.stderr)
        self.assertIn("737 already present", run(*args).stdout)


if __name__ == "__main__":
    unittest.main()
