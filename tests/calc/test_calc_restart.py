#!/usr/bin/python3
"""The controller killed at its worst moments and restarted: no job is run twice, none is lost.
1. PB_CALC_TEST_CRASH=after-submit makes it exit right after the runner took the jobs and
   before the database recorded their ids (the 'submitting' state);
2. SIGKILL while pw.x jobs are running."""
import glob
import os
import signal
import subprocess
import sys
import time
import unittest

from calc_common import SI_FAST, Scratch, need

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
need("pw.x")
CIFS = ["Si.cif", "Si_a5.43.cif", "Si_a5.36.cif", "Si_a5.46.cif"]


class Restart(unittest.TestCase):
    def setUp(self):
        self.s = Scratch(BIN, CIFS)
        self.run_args = ["calc", "run", "--db", self.s.db, "--elements", "Si", "--max-jobs", "2",
                         "--poll", "0.2", *SI_FAST]

    def tearDown(self):
        self.s.close()

    def check_each_job_ran_once(self):
        jobs = self.s.jobs()
        self.assertEqual(len(jobs), len(CIFS))
        for j in jobs:
            self.assertEqual(j["state"], "done", j)
            self.assertEqual(j["attempts"], 1, j)
            attempts = glob.glob(os.path.join(os.path.dirname(j["workdir"]), "attempt-*"))
            self.assertEqual(len(attempts), 1, attempts)
            # pw.x ran exactly once in it: one scf.out, one start of job.sh.
            self.assertEqual(len(glob.glob(os.path.join(j["workdir"], "scf.out"))), 1)
        self.assertEqual(len(self.s.results()), len(CIFS))

    def test_crash_between_submission_and_record(self):
        env = {**os.environ, "PB_CALC_TEST_CRASH": "after-submit"}
        p = subprocess.run([BIN, *self.run_args], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 137, p.stderr)
        jobs = self.s.jobs()
        self.assertEqual(sorted(j["state"] for j in jobs),
                         ["queued", "queued", "submitting", "submitting"])
        # The two submitted jobs run meanwhile; the restarted controller adopts them.
        p = subprocess.run([BIN, *self.run_args], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.check_each_job_ran_once()

    def test_sigkill_while_jobs_run(self):
        ctl = subprocess.Popen([BIN, *self.run_args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            states = [j["state"] for j in self.s.jobs()] if os.path.exists(self.s.db) else []
            if "running" in states or "submitted" in states:
                break
            time.sleep(0.05)
        ctl.send_signal(signal.SIGKILL)
        ctl.wait()
        p = subprocess.run([BIN, *self.run_args], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.check_each_job_ran_once()

    def test_second_controller_is_refused(self):
        ctl = subprocess.Popen([BIN, *self.run_args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            p = subprocess.run([BIN, *self.run_args], capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            self.assertIn("another controller is running", p.stderr)
        finally:
            ctl.wait(timeout=300)


if __name__ == "__main__":
    unittest.main(verbosity=2)
