#!/usr/bin/python3
"""`calc run --runner slurm` against a real single-node Slurm started here
(slurm-up.sh / slurm-down.sh from ../shared/recipes/slurm-single-node.md): job arrays, the SCF
handler with retries, cancellation, a job killed by the scheduler, and a controller crash
between sbatch and the database update. Exit 77 (skipped) only when the daemons cannot start."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from calc_common import HERE, SI_FAST, Scratch, need

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"
for program in ("pw.x", "sbatch", "slurmctld", "slurmd", "munged", "mungekey"):
    need(program)
SLURM_DIR = None


def squeue_tasks(name=None):
    args = ["squeue", "-h", "-r", "-t", "all", "-o", "%i|%T|%j"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = [l.split("|") for l in out.splitlines() if l.strip()]
    return [r for r in rows if name is None or r[2].startswith(name)]


def submitted_tasks(scratch):
    """Array tasks Slurm knows for the arrays this database's controller submitted."""
    slurm_dir = os.path.join(scratch.db + ".calc", "slurm")
    tokens = [f[:-5] for f in os.listdir(slurm_dir) if f.endswith(".list")]
    return len([t for t in squeue_tasks() if t[2] in tokens])


def setUpModule():
    global SLURM_DIR
    SLURM_DIR = tempfile.mkdtemp(prefix="slurm.", dir="/tmp")
    up = subprocess.run([os.path.join(HERE, "slurm-up.sh"), SLURM_DIR], capture_output=True,
                        text=True, timeout=120)
    if up.returncode != 0:
        subprocess.run([os.path.join(HERE, "slurm-down.sh"), SLURM_DIR], capture_output=True)
        shutil.rmtree(SLURM_DIR, ignore_errors=True)
        print(f"SKIP: slurmctld/slurmd could not start in this environment:\n{up.stderr}")
        sys.exit(77)
    for line in up.stdout.splitlines():
        key, _, value = line.partition("=")
        os.environ[key] = value


def tearDownModule():
    subprocess.run([os.path.join(HERE, "slurm-down.sh"), SLURM_DIR], capture_output=True)
    shutil.rmtree(SLURM_DIR, ignore_errors=True)


class SlurmRunner(unittest.TestCase):
    def setUp(self):
        self.s = Scratch(BIN, ["Si.cif", "Si_a5.43.cif", "Si_a5.36.cif"])

    def tearDown(self):
        self.s.close()

    def run_batch(self, batch, *extra, env=None, check=True):
        return self.s.pb("calc", "run", "--db", self.s.db, "--runner", "slurm", "--elements", "Si",
                         "--batch", batch, "--poll", "0.5", *SI_FAST, *extra, env=env, check=check)

    def test_array_with_scf_handler_retries(self):
        self.run_batch("retry", "--set", "electron_maxstep=3", "--max-attempts", "4")
        jobs = self.s.jobs("--batch", "retry")
        self.assertEqual(len(jobs), 3)
        attempts = 0
        for j in jobs:
            self.assertEqual(j["state"], "done", j)
            self.assertGreaterEqual(j["attempts"], 2, j)  # failed, handled, retried
            self.assertIn("SCF not converged", j["history"][0]["diagnosis"])
            self.assertRegex(j["runner_job_id"], r"^\d+_\d+$")  # an array task
            attempts += j["attempts"]
        # One Slurm task per attempt: nothing submitted twice.
        self.assertEqual(submitted_tasks(self.s), attempts)
        energies = [r["energy_per_atom_ev"] for r in self.s.results("--batch", "retry")]
        self.assertEqual(len(energies), 3)
        # The first attempts went out as one array of three tasks.
        first_ids = {j["history"][0]["workdir"] for j in jobs}
        self.assertEqual(len(first_ids), 3)

    def test_cancel_and_job_killed_by_scheduler(self):
        # Slow settings so that the jobs are still running when cancelled.
        slow = ["--set", "ecutwfc=60", "--set", "kmesh=14x14x14", "--no-wait", "--max-attempts", "1"]
        self.run_batch("slow", *slow)
        jobs = self.s.jobs("--batch", "slow")
        deadline = time.time() + 60
        while time.time() < deadline:
            states = {t[0]: t[1] for t in squeue_tasks()}
            if all(states.get(j["runner_job_id"]) == "RUNNING" for j in jobs[:2]):
                break
            time.sleep(0.3)
        # Job 1: cancelled through phasebook; job 2: killed behind its back with scancel.
        self.s.pb("calc", "cancel", "--db", self.s.db, "--runner", "slurm", str(jobs[0]["id"]))
        subprocess.run(["scancel", jobs[1]["runner_job_id"]], check=True)
        self.s.pb("calc", "cancel", "--db", self.s.db, "--runner", "slurm", str(jobs[2]["id"]))
        time.sleep(1)
        self.run_batch("slow", *slow[:-3], "--max-attempts", "1", "--timeout", "60", check=False)
        by_id = {j["id"]: j for j in self.s.jobs("--batch", "slow")}
        self.assertEqual(by_id[jobs[0]["id"]]["state"], "cancelled")
        self.assertEqual(by_id[jobs[2]["id"]]["state"], "cancelled")
        killed = by_id[jobs[1]["id"]]
        self.assertEqual(killed["state"], "failed", killed)
        self.assertIn("CANCELLED", killed["reason"])
        states = {t[0]: t[1] for t in squeue_tasks()}
        self.assertEqual(states[jobs[0]["runner_job_id"]], "CANCELLED")

    def test_controller_crash_after_sbatch(self):
        env = {**os.environ, "PB_CALC_TEST_CRASH": "after-submit"}
        p = self.run_batch("crash", env=env, check=False)
        self.assertEqual(p.returncode, 137, p.stderr)
        self.assertEqual({j["state"] for j in self.s.jobs("--batch", "crash")}, {"submitting"})
        self.run_batch("crash")
        jobs = self.s.jobs("--batch", "crash")
        tokens = set()
        for j in jobs:
            self.assertEqual(j["state"], "done", j)
            self.assertEqual(j["attempts"], 1, j)
            tokens.add(j["runner_job_id"].split("_")[0])
        # One array, three tasks, and no second submission.
        self.assertEqual(len(tokens), 1)
        self.assertEqual(submitted_tasks(self.s), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
