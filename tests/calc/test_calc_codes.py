#!/usr/bin/python3
"""VASP and ABINIT inputs: VASP files checked by hand-verified content (with a synthetic
POTCAR directory, and without one), ABINIT run for real on silicon (scf and bands) and on
spin-polarised bcc iron through the workflow (magnetisation, ABINIT's own DOS, PNG plot)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from calc_common import DATA, HA_EV, Scratch, need, png_size, read, run

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
SI = os.path.join(DATA, "Si.cif")
# Not a VASP file: a header with the fields our reader takes (TITEL, ZVAL, ENMAX), made up here.
SYNTHETIC_POTCAR = """  synthetic Si header for Phasebook tests (not a VASP POTCAR)
 4.00000000000000000
 parameters from PSCTR are:
   TITEL  = SYNTHETIC Si test
   ZVAL   =    4.000    mass and valenz
   ENMAX  =  250.000; ENMIN  =  187.500 eV
 End of Dataset
"""


class Vasp(unittest.TestCase):
    def test_inputs_with_potcar_directory(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "potcars", "Si"))
            with open(os.path.join(d, "potcars", "Si", "POTCAR"), "w") as f:
                f.write(SYNTHETIC_POTCAR)
            out = os.path.join(d, "run")
            run(BIN, "calc", "prepare", "--code", "vasp", "--task", "dos", SI, "-o", out,
                "--set", f"pseudo_dir={d}/potcars", "--set", "kmesh=6x6x6")
            incar = read(os.path.join(out, "INCAR"))
            self.assertIn("ENCUT = 325\n", incar)  # 1.3 x ENMAX
            self.assertIn("ISMEAR = 0\n", incar)   # silicon: no smearing
            self.assertNotIn("ISPIN", incar)
            poscar = read(os.path.join(out, "POSCAR")).splitlines()
            self.assertEqual(poscar[5].split(), ["Si"])
            self.assertEqual(poscar[6].split(), ["2"])
            self.assertEqual(poscar[7], "Direct")
            kpoints = read(os.path.join(out, "KPOINTS")).splitlines()
            self.assertEqual(kpoints[2], "Gamma")
            self.assertEqual(kpoints[3].split(), ["6", "6", "6"])
            self.assertEqual(read(os.path.join(out, "POTCAR")), SYNTHETIC_POTCAR)
            dos = read(os.path.join(out, "INCAR.dos"))
            self.assertIn("ICHARG = 11", dos)
            self.assertIn("NBANDS = 12", dos)  # max(1.2 x 4, 4 + 8)

    def test_inputs_without_potcars_and_magnetic_metal(self):
        with tempfile.TemporaryDirectory() as d:
            cif = os.path.join(d, "Fe.cif")
            with open(cif, "w") as f:
                f.write("data_Fe\n_cell_length_a 2.87\n_cell_length_b 2.87\n_cell_length_c 2.87\n"
                        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
                        "_symmetry_space_group_name_H-M 'I m -3 m'\nloop_\n_atom_site_label\n"
                        "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 0 0 0\n")
            env = {k: v for k, v in os.environ.items() if k != "PB_VASP_POTCAR_DIR"}
            out = os.path.join(d, "run")
            subprocess.run([BIN, "calc", "prepare", "--code", "vasp", cif, "-o", out], check=True,
                           env=env, capture_output=True)
            incar = read(os.path.join(out, "INCAR"))
            self.assertIn("ENCUT = 520\n", incar)
            self.assertIn("ISPIN = 2\n", incar)
            self.assertIn("MAGMOM = 3 \n", incar)
            self.assertIn("ISMEAR = 1\n", incar)
            self.assertEqual(read(os.path.join(out, "POTCAR.spec")), "Fe ?\n")

    def test_bands_path_for_fcc(self):
        with tempfile.TemporaryDirectory() as d:
            run(BIN, "calc", "prepare", "--code", "vasp", "--task", "bands", SI, "-o", d,
                "--set", "kpath_density=5")
            k = read(os.path.join(d, "KPOINTS.bands")).splitlines()
            self.assertEqual(k[0], "Explicit k-path (cF)")
            labels = [l.split()[-1] for l in k[3:] if len(l.split()) == 5]
            self.assertEqual(labels[:5], ["G", "X", "W", "K", "G"])


REFERENCE = os.path.join(DATA, "reference")


def same_as_reference(test, written, reference):
    """The file equals the hand-checked reference, but for the machine's pseudopotential path."""
    strip = lambda text: [l for l in text.splitlines() if not l.startswith("pp_dirpath")]
    test.assertEqual(strip(read(written)), strip(read(os.path.join(REFERENCE, reference))),
                     reference)


class ReferenceInputs(unittest.TestCase):
    def test_vasp_iron(self):
        with tempfile.TemporaryDirectory() as d:
            env = {k: v for k, v in os.environ.items() if k != "PB_VASP_POTCAR_DIR"}
            subprocess.run([BIN, "calc", "prepare", "--code", "vasp", os.path.join(DATA, "Fe.cif"),
                            "-o", d, "--set", "kmesh=4x4x4"], check=True, env=env,
                           capture_output=True)
            for name in ("INCAR", "POSCAR", "KPOINTS", "POTCAR.spec"):
                same_as_reference(self, os.path.join(d, name), f"vasp_fe_scf.{name}")

    def test_abinit_silicon_and_iron(self):
        if not os.path.isdir("/usr/share/abinit/psp/Pseudodojo_nc_sr_04_pw_standard_psp8"):
            self.skipTest("abinit-data is not installed")
        for cif, ref, sets in (("Si.cif", "abinit_si_scf.abi", ["ecut=8", "kmesh=2x2x2", "kshift=1"]),
                               ("Fe.cif", "abinit_fe_scf.abi", ["ecut=20", "kmesh=4x4x4"])):
            with tempfile.TemporaryDirectory() as d:
                run(BIN, "calc", "prepare", "--code", "abinit", os.path.join(DATA, cif), "-o", d,
                    *[x for s in sets for x in ("--set", s)])
                same_as_reference(self, os.path.join(d, "run.abi"), ref)


class Abinit(unittest.TestCase):
    def setUp(self):
        need("abinit")
        if not os.path.exists("/usr/share/abinit/psp/Pseudodojo_nc_sr_04_pw_standard_psp8/Si.psp8"):
            self.skipTest("abinit-data is not installed")

    def run_abinit(self, task, *extra):
        d = tempfile.mkdtemp(prefix="pbabinit.", dir="/tmp")
        self.addCleanup(shutil.rmtree, d, True)
        run(BIN, "calc", "prepare", "--code", "abinit", "--task", task, SI, "-o", d,
            "--set", "ecut=8", "--set", "kmesh=2x2x2", *extra)
        subprocess.run("abinit run.abi > run.log 2>&1", shell=True, cwd=d, check=True,
                       env={**os.environ, "OMP_NUM_THREADS": "1"})
        return d, json.loads(run(BIN, "calc", "parse", "--code", "abinit", d).stdout)

    def test_scf_energy_is_what_abinit_printed(self):
        d, r = self.run_abinit("scf")
        printed = float(re.search(r"^\s+etotal\s+(\S+)", read(os.path.join(d, "run.abo")), re.M).group(1))
        self.assertAlmostEqual(r["energy_ev"], printed * HA_EV, delta=1e-6)
        self.assertTrue(r["completed"])
        self.assertTrue(r["converged"])
        self.assertEqual(len(r["forces_ev_a"]), 2)
        self.assertIsNotNone(r["stress_gpa"])

    def test_bands_give_an_indirect_gap(self):
        d, r = self.run_abinit("bands", "--set", "kpath_density=2")
        self.assertFalse(r["gap"]["metal"])
        self.assertFalse(r["gap"]["direct"])
        self.assertGreater(r["gap"]["gap_ev"], 0.2)
        # Plotted like pw.x bands: the high-symmetry labels of the fcc path on the axis.
        svg = os.path.join(d, "bands.svg")
        run(BIN, "plot", "bands", d, "--code", "abinit", "-o", svg)
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", read(svg))
        for label in ("\u0393", "X", "W", "K", "L"):
            self.assertIn(label, labels)

    def test_spin_polarised_iron_through_the_workflow(self):
        # bcc Fe at 20 Ha (PseudoDojo Fe.psp8 wants ~45; 20 already gives ~2 Bohr magnetons),
        # ground state then a non-self-consistent mesh with ABINIT's own DOS (prtdos 1).
        s = Scratch(BIN, ["Fe.cif"])
        self.addCleanup(s.close)
        s.pb("calc", "run", "--db", s.db, "--code", "abinit", "--task", "dos", "--formula", "Fe",
             "--set", "ecut=20", "--set", "kmesh=4x4x4", "--set", "dos_kppra=200", "--poll", "0.2")
        job = s.jobs()[0]
        self.assertEqual(job["state"], "done", job)
        r = s.results()[0]
        abo = read(os.path.join(job["workdir"], "run.abo"))
        printed = re.findall(r"Total magnetization \(exact up - dn\):\s+(\S+)", abo)
        self.assertTrue(printed)
        self.assertAlmostEqual(r["magnetization"], float(printed[-1]), delta=1e-9)
        self.assertGreater(r["magnetization"], 1.5)  # ferromagnetic (experiment: 2.2)
        self.assertLess(r["magnetization"], 3.0)
        self.assertTrue(r["metal"])
        self.assertGreater(r["scf_steps"], 2)
        # ABINIT's DOS integrated up to the Fermi level: as many electrons per spin as it
        # reported (the difference is the magnetisation).
        full = json.loads(run(BIN, "calc", "parse", "--code", "abinit", "--full",
                              job["workdir"]).stdout)
        dos = full["dos"]
        self.assertEqual(len(dos["total"]), 2)
        up = re.findall(r"Total spin up =\s+(\S+)\s+Total spin down =\s+(\S+)", abo)[-1]
        e, ef = dos["energies_ev"], r["fermi_ev"]
        for channel, expected in zip(dos["total"], map(float, up)):
            n = sum(channel[i] * (e[i + 1] - e[i]) for i in range(len(e) - 1) if e[i] < ef)
            self.assertAlmostEqual(n, expected, delta=0.3)
        # The stored result plots from the database, as SVG and as PNG.
        png = os.path.join(s.dir, "fe-dos.png")
        s.pb("plot", "dos", str(r["job_id"]), "--db", s.db, "-o", png)
        self.assertEqual(png_size(png), (640, 480))
        svg = os.path.join(s.dir, "fe-dos.svg")
        s.pb("plot", "dos", str(r["job_id"]), "--db", s.db, "-o", svg)
        doc = read(svg)
        self.assertEqual(doc.count("<polyline"), 2)
        self.assertIn("spin down", doc)


if __name__ == "__main__":
    unittest.main(verbosity=2)
