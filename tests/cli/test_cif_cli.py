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
SYMBOL_ONLY = """data_NaCl
_cell_length_a 5.6402
_cell_length_b 5.6402
_cell_length_c 5.6402
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na+ 0 0 0
Cl1 Cl- 0.5 0.5 0.5
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

    def test_info_and_symmetry(self):
        path = os.path.join(self.dir.name, "nacl.cif")
        with open(path, "w") as f:
            f.write(SYMBOL_ONLY)
        info = json.loads(run("cif", "info", "--json", path).stdout)
        self.assertEqual(info["cell_composition"], {"Na": 4, "Cl": 4})
        self.assertEqual(info["symmetry_operations"], 192)
        self.assertAlmostEqual(info["density"], 2.163, places=2)  # halite
        sym = json.loads(run("symmetry", "--json", path).stdout)
        self.assertEqual((sym["number"], sym["pearson"]), (225, "cF8"))
        poscar = os.path.join(self.dir.name, "POSCAR")
        with open(poscar, "w") as f:
            f.write("CsCl\n4.12\n1 0 0\n0 1 0\n0 0 1\nCs Cl\n1 1\nDirect\n0 0 0\n.5 .5 .5\n")
        text = run("symmetry", poscar).stdout
        self.assertIn("Pm-3m (No. 221)", text)
        self.assertEqual(run("symmetry", self.broken).returncode, 1)

    def test_bad_usage(self):
        self.assertEqual(run("cif").returncode, 2)
        self.assertEqual(run("cif", "check", "/nonexistent.cif").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
