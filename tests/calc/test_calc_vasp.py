#!/usr/bin/python3
"""The VASP parsers on real VASP outputs (tests/data/calc/vasp, from custodian's MIT-licensed test
files): `phasebook calc parse` must give the energy, Fermi level, forces, stress, magnetisation
and DOS that the files themselves state (read here with ElementTree and regular expressions),
and agree with pymatgen's Vasprun/Outcar (Debian python3-pymatgen) on the same files, band gap
included."""
import gzip
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
import warnings
import xml.etree.ElementTree as ET

from calc_common import run

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
HERE = os.path.dirname(os.path.abspath(__file__))
VASP = os.path.join(HERE, "..", "data", "calc", "vasp")

try:
    warnings.filterwarnings("ignore")
    from pymatgen.electronic_structure.core import Spin
    from pymatgen.io.vasp.outputs import Outcar, Vasprun
except ImportError:  # the file-stated values are still checked
    Vasprun = None

# What each run is, from its INCAR and the values VASP printed (checked again below against the
# files themselves): spin polarised, gap (None = metal) and whether it is direct, moment (μB).
CASES = {
    "si-relax-spin": {"natoms": 2, "spin": True, "gap": (0.61, False), "moment": 0.0},
    "nacl-static": {"natoms": 8, "spin": False, "gap": (5.0, True), "moment": None},
    "feo-relax-spin": {"natoms": 4, "spin": True, "gap": (1.80, True), "moment": 4.0},
    "al-static-spin": {"natoms": 1, "spin": True, "gap": None, "moment": 0.0},
}
# NaCl's DOS cannot be summed back to its electrons: the tetrahedron DOS of its flat Na 2p
# semicore bands is narrower than the 0.11 eV grid (VASP's own "integrated" column is exact).
SMOOTH_DOS = {"si-relax-spin", "feo-relax-spin", "al-static-spin"
}


def numbers(text):
    return [float(x) for x in text.split()]


def file_values_vasprun(path):
    """The last ionic step's values as vasprun.xml states them."""
    root = ET.parse(path).getroot()
    last = root.findall("calculation")[-1]
    v = {
        "e_fr_energy": float(last.find("energy/i[@name='e_fr_energy']").text),
        "efermi": float(last.find("dos/i[@name='efermi']").text),
        "forces": [numbers(r.text) for r in last.find("varray[@name='forces']")],
        "stress_kb": [numbers(r.text) for r in last.find("varray[@name='stress']")],
        "nelect": float(root.find(".//parameters//i[@name='NELECT']").text),
        "nelm": int(root.find(".//parameters//i[@name='NELM']").text),
        "scsteps": len(last.findall("scstep")),
        "dos": [],
    }
    for spin in last.find("dos/total/array/set"):
        v["dos"].append([numbers(r.text) for r in spin])
    return v


def file_values_outcar(path):
    with open(path, errors="replace") as f:
        text = f.read()
    v = {
        "toten": float(re.findall(r"free  energy   TOTEN\s+=\s+(\S+) eV", text)[-1]),
        "efermi": float(re.findall(r"E-fermi :\s+(\S+)", text)[-1]),
        "natoms": int(re.search(r"NIONS =\s+(\d+)", text).group(1)),
    }
    mags = re.findall(r"number of electron\s+\S+\s+magnetization\s+([-0-9.]+)\s*$", text, re.M)
    v["magnetization"] = float(mags[-1]) if mags else None
    block = text.rsplit("TOTAL-FORCE (eV/Angst)", 1)[1].split("\n")[2:]
    v["forces"] = []
    for line in block:
        if "----" in line:
            break
        v["forces"].append([float(x) for x in line.split()[3:6]])
    kb = re.findall(r"^\s+in kB\s+(.*)$", text, re.M)[-1].split()
    xx, yy, zz, xy, yz, zx = map(float, kb)
    v["stress_kb"] = [[xx, xy, zx], [xy, yy, yz], [zx, yz, zz]]
    return v


class VaspOutputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pbvasp.")
        cls.dirs = {}
        for case in CASES:
            d = os.path.join(cls.tmp, case)
            os.makedirs(d)
            for name in os.listdir(os.path.join(VASP, case)):
                with gzip.open(os.path.join(VASP, case, name)) as src, \
                        open(os.path.join(d, name[:-3]), "wb") as dst:
                    shutil.copyfileobj(src, dst)
            cls.dirs[case] = d

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def parse(self, path, *args):
        return json.loads(run(BIN, "calc", "parse", path, "--full", *args).stdout)

    def assert_matrix(self, got, want, delta, msg):
        self.assertEqual(len(got), len(want), msg)
        for a, b in zip(got, want):
            for x, y in zip(a, b):
                self.assertAlmostEqual(x, y, delta=delta, msg=msg)

    def test_vasprun_values_are_those_the_file_states(self):
        for case, expect in CASES.items():
            with self.subTest(case=case):
                path = os.path.join(self.dirs[case], "vasprun.xml")
                f = file_values_vasprun(path)
                r = self.parse(path)
                self.assertEqual(r["code"], "vasp")
                self.assertTrue(r["completed"])
                self.assertEqual(r["natoms"], expect["natoms"])
                self.assertEqual(r["energy_ev"], f["e_fr_energy"])
                self.assertAlmostEqual(r["energy_per_atom_ev"], f["e_fr_energy"] / expect["natoms"])
                self.assertEqual(r["fermi_ev"], f["efermi"])
                self.assertEqual(r["nelec"], f["nelect"])
                self.assertEqual(r["scf_steps"], f["scsteps"])
                self.assertEqual(r["converged"], f["scsteps"] < f["nelm"])
                self.assert_matrix(r["forces_ev_a"], f["forces"], 1e-9, "forces")
                # Stress: VASP prints -σ in kB; ours is σ in GPa (positive = tensile).
                want = [[-x / 10 for x in row] for row in f["stress_kb"]]
                got = [r["stress_gpa"][i * 3:i * 3 + 3] for i in range(3)]
                self.assert_matrix(got, want, 1e-9, "stress")
                # The total DOS is VASP's own, point for point, one curve per spin channel.
                self.assertEqual(len(r["dos"]["total"]), 2 if expect["spin"] else 1)
                for s, rows in enumerate(f["dos"]):
                    self.assertEqual(r["dos"]["energies_ev"], [row[0] for row in rows])
                    self.assertEqual(r["dos"]["total"][s], [row[1] for row in rows])
                # States/eV per cell: integrated up to the Fermi level it holds the valence
                # electrons, as the file's own "integrated" column says.
                e = r["dos"]["energies_ev"]
                below = [i for i in range(len(e)) if e[i] <= f["efermi"]]
                integral = sum(
                    0.5 * (r["dos"]["total"][s][i] + r["dos"]["total"][s][i + 1]) * (e[i + 1] - e[i])
                    for s in range(len(f["dos"])) for i in below[:-1])
                stated = sum(rows[below[-1]][2] for rows in f["dos"])
                if case in SMOOTH_DOS:
                    self.assertAlmostEqual(integral, stated, delta=0.05 * f["nelect"])
                self.assertAlmostEqual(stated, f["nelect"], delta=0.1 * f["nelect"])
                # Magnetisation: from the occupations of the two spin channels.
                if expect["moment"] is None:
                    self.assertIsNone(r["magnetization"])
                else:
                    self.assertAlmostEqual(r["magnetization"], expect["moment"], delta=1e-3)
                # Band gap, direct or not, or a metal.
                g = r["gap"]
                if expect["gap"] is None:
                    self.assertTrue(g["metal"], g)
                    self.assertEqual(g["gap_ev"], 0)
                else:
                    self.assertFalse(g["metal"], g)
                    self.assertAlmostEqual(g["gap_ev"], expect["gap"][0], delta=0.01)
                    self.assertEqual(g["direct"], expect["gap"][1])
                    self.assertLess(g["vbm_ev"], f["efermi"] + 1e-6)
                    self.assertGreater(g["cbm_ev"], f["efermi"])

    def test_outcar_values_are_those_the_file_states(self):
        for case, expect in CASES.items():
            path = os.path.join(self.dirs[case], "OUTCAR")
            if not os.path.exists(path):
                continue
            with self.subTest(case=case):
                f = file_values_outcar(path)
                r = self.parse(path)
                self.assertEqual(r["code"], "vasp")
                self.assertTrue(r["completed"])
                self.assertEqual(r["natoms"], f["natoms"])
                self.assertEqual(r["energy_ev"], f["toten"])
                self.assertEqual(r["fermi_ev"], f["efermi"])
                self.assertEqual(r["magnetization"], f["magnetization"])
                if expect["moment"] is not None:
                    self.assertAlmostEqual(r["magnetization"], expect["moment"], delta=1e-3)
                self.assert_matrix(r["forces_ev_a"], f["forces"], 1e-9, "forces")
                want = [[-x / 10 for x in row] for row in f["stress_kb"]]
                got = [r["stress_gpa"][i * 3:i * 3 + 3] for i in range(3)]
                self.assert_matrix(got, want, 1e-9, "stress")
                # vasprun.xml and OUTCAR of one run agree.
                x = self.parse(os.path.join(self.dirs[case], "vasprun.xml"))
                self.assertAlmostEqual(x["energy_ev"], r["energy_ev"], delta=1e-8)
                self.assertAlmostEqual(x["fermi_ev"], r["fermi_ev"], delta=1e-3)
                self.assert_matrix(x["forces_ev_a"], r["forces_ev_a"], 1e-5, "forces")
                if r["magnetization"] is not None:
                    self.assertAlmostEqual(x["magnetization"], r["magnetization"], delta=1e-3)

    def test_job_directory_merges_vasprun_and_outcar(self):
        d = self.dirs["feo-relax-spin"]
        r = self.parse(d, "--code", "vasp")
        self.assertTrue(r["completed"])
        self.assertAlmostEqual(r["magnetization"], 4.0, delta=1e-3)
        self.assertEqual(r["natoms"], 4)
        self.assertEqual(len(r["dos"]["total"]), 2)
        self.assertEqual(len(r["bands"]["eigenvalues"]), 2)
        # Without --full the large arrays are left out.
        brief = json.loads(run(BIN, "calc", "parse", d, "--code", "vasp").stdout)
        self.assertNotIn("dos", brief)
        self.assertNotIn("bands", brief)

    def test_dos_plot_draws_vasps_own_dos(self):
        import xml.dom.minidom
        d = self.dirs["feo-relax-spin"]
        svg = os.path.join(self.tmp, "feo-dos.svg")
        run(BIN, "plot", "dos", d, "--code", "vasp", "-o", svg)
        doc = xml.dom.minidom.parse(svg)
        # Spin up and spin down (drawn negative).
        self.assertEqual(len(doc.getElementsByTagName("polyline")), 2)

    def test_cut_short_vasprun_is_a_located_error(self):
        path = os.path.join(self.dirs["nacl-static"], "vasprun.xml")
        with open(path, "rb") as f:
            text = f.read()
        cut = os.path.join(self.tmp, "vasprun.cut.xml")
        with open(cut, "wb") as f:
            f.write(text[:len(text) // 2])
        p = run(BIN, "calc", "parse", cut, check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("vasprun.cut.xml", p.stderr)
        self.assertIn("not well-formed XML", p.stderr)

    @unittest.skipIf(Vasprun is None, "pymatgen is not installed")
    def test_agrees_with_pymatgen(self):
        for case in CASES:
            with self.subTest(case=case):
                path = os.path.join(self.dirs[case], "vasprun.xml")
                r = self.parse(path)
                v = Vasprun(path, parse_potcar_file=False)
                step = v.ionic_steps[-1]
                self.assertAlmostEqual(r["energy_ev"], step["e_fr_energy"], delta=1e-8)
                self.assertAlmostEqual(r["fermi_ev"], v.efermi, delta=1e-8)
                self.assertEqual(r["natoms"], len(v.final_structure))
                self.assert_matrix(r["forces_ev_a"], step["forces"], 1e-9, "forces")
                want = [[-x / 10 for x in row] for row in step["stress"]]
                got = [r["stress_gpa"][i * 3:i * 3 + 3] for i in range(3)]
                self.assert_matrix(got, want, 1e-9, "stress")
                self.assertEqual(r["dos"]["energies_ev"], list(v.tdos.energies))
                self.assertEqual(r["dos"]["total"][0], list(v.tdos.densities[Spin.up]))
                gap, cbm, vbm, direct = v.eigenvalue_band_properties
                if gap == 0:
                    self.assertTrue(r["gap"]["metal"])
                else:
                    self.assertAlmostEqual(r["gap"]["gap_ev"], gap, delta=1e-4)
                    self.assertAlmostEqual(r["gap"]["vbm_ev"], vbm, delta=1e-4)
                    self.assertAlmostEqual(r["gap"]["cbm_ev"], cbm, delta=1e-4)
                    self.assertEqual(r["gap"]["direct"], bool(direct))
                # k-points: pymatgen's fractional ones through the reciprocal lattice.
                rec = v.final_structure.lattice.reciprocal_lattice
                for got_k, frac in zip(r["bands"]["kpoints"], v.actual_kpoints):
                    for x, y in zip(got_k, rec.get_cartesian_coords(frac)):
                        self.assertAlmostEqual(x, y, delta=1e-4)
                outcar = os.path.join(self.dirs[case], "OUTCAR")
                if os.path.exists(outcar):
                    o = Outcar(outcar)
                    p = self.parse(outcar)
                    # Ours is the free energy TOTEN (as pw.x and the vasprun e_fr_energy).
                    self.assertAlmostEqual(p["energy_ev"], o.final_fr_energy, delta=1e-8)
                    self.assertAlmostEqual(p["fermi_ev"], o.efermi, delta=1e-8)
                    if o.total_mag is not None:
                        self.assertAlmostEqual(p["magnetization"], o.total_mag, delta=1e-6)
                        self.assertAlmostEqual(r["magnetization"], o.total_mag, delta=1e-3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
