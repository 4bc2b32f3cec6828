#!/usr/bin/python3
"""`phasebook cif check` and `phasebook cif get` through the real binary."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"

GOOD = """data_NaCl
_cell_length_a 5.6402(3)
loop_
_atom_site_label
_atom_site_occupancy
Na1 1.0
Cl1 ?
"""
BROKEN = "data_a\n_x 1\ndata_b\n_y 'open\ndata_c\n_z 3\n"


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


class CifCommand(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.good = os.path.join(self.dir.name, "good.cif")
        self.broken = os.path.join(self.dir.name, "broken.cif")
        with open(self.good, "w") as f:
            f.write(GOOD)
        with open(self.broken, "w") as f:
            f.write(BROKEN)

    def tearDown(self):
        self.dir.cleanup()

    def test_check_lists_blocks_and_locates_errors(self):
        r = run("cif", "check", self.good)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 block (NaCl)", r.stdout)
        r = run("cif", "check", self.broken)
        self.assertEqual(r.returncode, 1)
        self.assertIn("2 blocks (a, c), 1 unreadable", r.stdout)
        self.assertIn(f"{self.broken}:4: error: unterminated single-quoted string", r.stderr)
        j = json.loads(run("cif", "check", "--json", self.broken).stdout)
        self.assertEqual([b["name"] for b in j["blocks"]], ["a", "c"])
        self.assertEqual(j["errors"][0]["line"], 4)

    def test_get_prints_items_and_loop_columns(self):
        r = run("cif", "get", self.good, "_CELL_LENGTH_A")
        self.assertEqual(r.stdout, "NaCl\t5.6402(3)\n")
        rows = [json.loads(x) for x in run("cif", "get", "--json", self.good,
                                           "_atom_site_occupancy").stdout.splitlines()]
        self.assertEqual([x["value"] for x in rows], ["1.0", None])
        self.assertEqual(rows[1]["kind"], "unknown")
        self.assertEqual(run("cif", "get", self.good, "_nope").returncode, 1)

    def test_bad_usage(self):
        self.assertEqual(run("cif").returncode, 2)
        self.assertEqual(run("cif", "check", "/nonexistent.cif").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
