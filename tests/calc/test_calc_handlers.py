#!/usr/bin/python3
"""Error handlers on real pw.x runs (local runner):
1. time limit: pw.x stops itself at max_seconds (half of a short walltime_s) and saves its SCF state; the
   next attempt gets twice the time and continues from that state (restart_mode = 'restart'),
   ending done with the energy of an uninterrupted run;
2. bounded retries: a limit too short for any attempt ends 'failed' with the reason and count;
3. SCF not converged with too few steps even after the handler's changes: 'failed' likewise."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from calc_common import DATA, RY_EV, SI_FAST, Scratch, need, read, run

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
need("pw.x")

# 8-atom conventional silicon, tight convergence: about 8 SCF iterations and 5-10 s on one
# core, so a 4 s limit always interrupts the first attempt after the set-up.
SLOW = ["--set", "cell=conventional", "--set", "ecutwfc=25", "--set", "kmesh=4x4x4",
        "--set", "etol_ev=1e-8"]


def printed_energy_ry(out_file):
    return float(re.search(r"^!\s+total energy\s+=\s+(\S+) Ry", read(out_file), re.M).group(1))


class Handlers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Scratch(BIN, ["Si.cif"])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_time_limit_then_restart_from_saved_state(self):
        s = self.s
        s.pb("calc", "run", "--db", s.db, "--formula", "Si", "--batch", "walltime", *SLOW,
             "--set", "walltime_s=4", "--max-attempts", "5", "--poll", "0.2")
        j = s.jobs("--batch", "walltime")[0]
        self.assertEqual(j["state"], "done", j)
        self.assertGreaterEqual(j["attempts"], 2, j)
        first = j["history"][0]
        self.assertEqual(first["diagnosis"], "time limit of 4 s reached", first)
        self.assertEqual(first["action"], "walltime_s 4 -> 8, restart from the saved state")
        # pw.x stopped itself (exit 2 after "Maximum CPU time exceeded"), not killed (124).
        self.assertEqual(first["exit_code"], 2, first)
        out1 = read(os.path.join(first["workdir"], "scf.out"))
        self.assertIn("Maximum CPU time exceeded", out1)
        self.assertIn("max_seconds = 2", read(os.path.join(first["workdir"], "scf.in")))
        # The second attempt continued the first one's SCF instead of starting over.
        second = os.path.join(os.path.dirname(first["workdir"]), "attempt-2")
        self.assertIn("restart_mode = 'restart'", read(os.path.join(second, "scf.in")))
        self.assertIn("max_seconds = 4", read(os.path.join(second, "scf.in")))
        out2 = read(os.path.join(second, "scf.out"))
        self.assertIn("The initial density is read from file", out2)
        self.assertRegex(out2, r"Calculation restarted from (scf iteration|kpoint) #\s+\d+")
        self.assertGreater(j["parameters"]["walltime_s"], 4)
        # Same energy as a run that was never interrupted.
        with tempfile.TemporaryDirectory() as d:
            run(BIN, "calc", "prepare", "--code", "qe", "--task", "scf",
                os.path.join(DATA, "Si.cif"), "-o", d, *SLOW)
            subprocess.run("pw.x -in scf.in > scf.out", shell=True, cwd=d, check=True,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
            reference = printed_energy_ry(os.path.join(d, "scf.out"))
        r = s.results("--batch", "walltime")[0]
        self.assertAlmostEqual(r["energy_ev"], reference * RY_EV, delta=1e-5)
        self.assertAlmostEqual(r["energy_ev"], printed_energy_ry(os.path.join(j["workdir"], "scf.out")) * RY_EV,
                               delta=1e-6)

    def test_time_limit_retries_are_bounded(self):
        s = self.s
        p = s.pb("calc", "run", "--db", s.db, "--formula", "Si", "--batch", "never", *SLOW,
                 "--set", "ecutwfc=26", "--set", "walltime_s=1", "--max-attempts", "2",
                 "--poll", "0.2", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        j = s.jobs("--batch", "never")[0]
        self.assertEqual(j["state"], "failed", j)
        self.assertEqual(j["attempts"], 2)
        self.assertRegex(j["reason"], r"^time limit of 2 s reached.* \(after 2 attempts\)$")
        self.assertEqual(len(j["history"]), 2)
        self.assertEqual(j["history"][-1]["action"], "none: no attempts left")
        self.assertEqual(s.results("--batch", "never"), [])
        p = s.pb("calc", "status", "--db", s.db, "--batch", "never")
        self.assertIn("failed", p.stdout)
        self.assertIn("after 2 attempts", p.stdout)

    def test_scf_retries_are_bounded(self):
        s = self.s
        p = s.pb("calc", "run", "--db", s.db, "--formula", "Si", "--batch", "scf-fail", *SI_FAST,
                 "--set", "electron_maxstep=1", "--max-attempts", "2", "--poll", "0.2",
                 check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        j = s.jobs("--batch", "scf-fail")[0]
        self.assertEqual(j["state"], "failed", j)
        self.assertEqual(j["attempts"], 2)
        self.assertEqual(j["history"][0]["diagnosis"], "SCF not converged in 1 steps")
        self.assertEqual(j["history"][0]["action"],
                         "mixing_beta 0.7 -> 0.35, electron_maxstep 1 -> 2")
        self.assertEqual(j["reason"], "SCF not converged in 2 steps (after 2 attempts)")
        # The second attempt's input carried the handler's changes.
        second = j["history"][1]["workdir"]
        text = read(os.path.join(second, "scf.in"))
        self.assertIn("mixing_beta = 0.35", text)
        self.assertIn("electron_maxstep = 2", text)
        self.assertIn("convergence NOT achieved", read(os.path.join(second, "scf.out")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
