#!/usr/bin/python3
"""`phasebook convert`, `compare`, `group` and `cif info` through the real binary."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"

NACL = """data_NaCl
_cell_length_a 5.6402
_cell_length_b 5.6402
_cell_length_c 5.6402
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_chemical_formula_sum 'Cl Na'
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 0 0 0
Cl1 0.5 0.5 0.5
"""
# CsCl-type NaCl: same composition, another structure.
CSCL = """data_NaCl_B2
_cell_length_a 3.3
_cell_length_b 3.3
_cell_length_c 3.3
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P m -3 m'
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 0 0 0
Cl1 0.5 0.5 0.5
"""


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


class StructureCli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.nacl = self.write("nacl.cif", NACL)
        self.cscl = self.write("cscl.cif", CSCL)

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_convert_through_every_format_and_back(self):
        for out in ["POSCAR", "nacl.xyz", "nacl.json", "again.cif"]:
            r = run("convert", self.nacl, self.path(out))
            self.assertEqual(r.returncode, 0, r.stderr)
            c = run("compare", self.nacl, self.path(out), "--comparator", "element", "--json")
            self.assertEqual(c.returncode, 0, c.stderr)
            self.assertTrue(json.loads(c.stdout)["match"], out)
        poscar = open(self.path("POSCAR")).read().splitlines()
        self.assertEqual(poscar[5].split(), ["Na", "Cl"])
        self.assertEqual(poscar[6].split(), ["4", "4"])
        entry = json.load(open(self.path("nacl.json")))
        self.assertEqual(entry["attributes"]["chemical_formula_reduced"], "ClNa")
        self.assertEqual(entry["attributes"]["nsites"], 8)

    def test_convert_to_primitive_and_symmetrised_cif(self):
        r = run("convert", self.nacl, self.path("prim.vasp"), "--cell", "primitive")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(open(self.path("prim.vasp")).read().splitlines()[6].split(), ["1", "1"])
        r = run("convert", self.nacl, "-", "--to", "cif", "--symmetrize")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("'F m -3 m'", r.stdout)
        self.assertEqual(r.stdout.count("\nNa"), 1)  # the asymmetric unit only

    def test_convert_errors(self):
        r = run("convert", self.nacl, self.path("out.unknown"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--to", r.stderr)
        disordered = self.write("dis.cif", NACL.replace("Na1 0 0 0", "Na1 0 0 0 \nK1 0 0 0")
                                .replace("_atom_site_fract_z\n", "_atom_site_fract_z\n"))
        bad = self.write("bad.cif", "data_x\n_cell_length_a 5\n")
        r = run("convert", bad, self.path("x.vasp"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.cif:", r.stderr)
        del disordered

    def test_compare_says_why(self):
        r = run("compare", self.nacl, self.cscl)
        self.assertEqual(r.returncode, 0)
        self.assertIn("different", r.stdout)
        self.assertIn("lattice", r.stdout)
        r = run("compare", self.nacl, self.nacl, "--json")
        self.assertTrue(json.loads(r.stdout)["match"])

    def test_group(self):
        again = self.write("again.cif", NACL.replace("data_NaCl", "data_NaCl_again"))
        r = run("group", self.nacl, self.cscl, again, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        groups = json.loads(r.stdout)
        self.assertEqual(len(groups), 2)
        self.assertEqual(len(groups[0]["members"]), 2)

    def test_cif_info_derived_values(self):
        r = run("cif", "info", "--json", self.nacl)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(r.stdout)["derived"]
        self.assertEqual(d["space_group"]["number"], 225)
        self.assertEqual(d["pearson"], "cF8")
        self.assertEqual(d["wyckoff_sequence"], "ba")
        self.assertAlmostEqual(d["z"], 4)
        self.assertEqual(d["coordination"], {"Cl": 6.0, "Na": 6.0})


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
