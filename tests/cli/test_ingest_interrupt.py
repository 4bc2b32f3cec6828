#!/usr/bin/python3
"""`phasebook ingest properties` killed with SIGKILL mid-run, then run again, ends with the same
database as an uninterrupted run: nothing half-written, nothing lost, nothing duplicated."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
ROWS = 120_000
FORMULAS = ["Li7La3Zr2O12", "Li10GeP2S12", "Li3PS4", "Li6PS5Cl", "Li1.3Al0.3Ti1.7(PO4)3",
            "Li0.33La0.56TiO3", "Li3InCl6"]


def write_csv(path):
    rng = random.Random(4)
    with open(path, "w") as f:
        f.write("formula,property,value,unit,T (K),doi,batch\n")
        for i in range(ROWS):
            f.write(f"{FORMULAS[i % len(FORMULAS)]},ionic_conductivity,{rng.random() * 1e-3:.6e},"
                    f"S/cm,{250 + i % 100},10.5555/test.{i % 300},{i // 1000}\n")


def table(db, sql):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ingest(db, csv):
    return subprocess.run([BIN, "ingest", "properties", "--db", db, "--batch", "2000", csv],
                          capture_output=True, text=True, timeout=600)


class InterruptedIngest(unittest.TestCase):
    def test_sigkill_then_rerun_equals_uninterrupted(self):
        with tempfile.TemporaryDirectory() as d:
            csv = os.path.join(d, "big.csv")
            write_csv(csv)
            clean = os.path.join(d, "clean.db")
            r = ingest(clean, csv)
            self.assertEqual(r.returncode, 0, r.stderr)

            killed = os.path.join(d, "killed.db")
            p = subprocess.Popen([BIN, "ingest", "properties", "--db", killed, "--batch", "2000",
                                  csv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Kill once some batches are committed but well before the end.
            deadline = time.time() + 120
            partial = 0
            while time.time() < deadline and p.poll() is None:
                if os.path.exists(killed):
                    try:
                        partial = table(killed, "SELECT count(*) FROM property")[0][0]
                    except sqlite3.OperationalError:  # schema not created yet
                        partial = 0
                    if partial >= 10_000:
                        break
                time.sleep(0.02)
            self.assertIsNone(p.poll(), "the ingest finished before it could be killed")
            p.send_signal(signal.SIGKILL)
            p.wait()
            after_kill = table(killed, "SELECT count(*) FROM property")[0][0]
            self.assertGreater(after_kill, 0)
            self.assertLess(after_kill, ROWS)
            # Whole batches only: the kill never leaves half a transaction behind.
            self.assertEqual(after_kill % 2000, 0, after_kill)

            r = ingest(killed, csv)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f"{ROWS - after_kill} new, {after_kill} already present", r.stdout)

            for sql in ["SELECT count(*) FROM property", "SELECT count(*) FROM reference",
                        "SELECT count(DISTINCT content_hash) FROM property"]:
                self.assertEqual(table(killed, sql), table(clean, sql), sql)
            self.assertEqual(table(killed, "SELECT count(*) FROM property")[0][0], ROWS)
            hashes = "SELECT content_hash FROM property ORDER BY content_hash"
            self.assertEqual(table(killed, hashes), table(clean, hashes))
            self.assertEqual(table(killed, "PRAGMA integrity_check"), [("ok",)])


if __name__ == "__main__":
    unittest.main()
