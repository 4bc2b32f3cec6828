#!/usr/bin/python3
"""Workflow controller overhead per job: `phasebook calc run --runner local` on JOBS structures
whose "pw.x" is a stand-in that writes a real pw.x output (tests/data/calc: silicon scf, standard
output and XML) instantly, so what is measured is the controller (queue rows, inputs from
templates, detached job processes, polling, parsing, storing results), not the DFT.

Side by side: the same job commands run by a plain shell, two at a time (`xargs -P 2`), the least
any runner pays. Printed: wall time per job for both and their difference (the controller's
overhead per job), the controller's own CPU time per job (its process and the forks it waits for;
the detached jobs excluded), and the ratio of the walls.

usage: bench/calc_controller.py [BUILD_DIR] [JOBS]   (default build/release 200)"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "release")
JOBS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
BIN = os.path.join(BUILD, "bin", "phasebook")
DATA = os.path.join(ROOT, "tests", "data", "calc")
POLL = 0.05
PASSES = 3

SI = """data_Si{i}
_cell_length_a {a:.5f}
_cell_length_b {a:.5f}
_cell_length_c {a:.5f}
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F d -3 m :1'
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Si1 0 0 0
"""


def run_pass(tmp, n):
    d = tempfile.mkdtemp(dir=tmp)
    cifs = []
    for i in range(JOBS):
        path = os.path.join(d, f"si{i:04}.cif")
        with open(path, "w") as f:
            f.write(SI.format(i=i, a=5.30 + 0.0005 * i))
        cifs.append(path)
    db = os.path.join(d, "bench.db")
    subprocess.run([BIN, "ingest", "cif", "--db", db, *cifs], check=True, capture_output=True)
    fake = os.path.join(d, "fake-pw.x")
    with open(fake, "w") as f:
        f.write(f"#!/bin/sh\ncat '{DATA}/qe_si_scf.out'\nmkdir -p out\n"
                f"cp '{DATA}/qe_si_scf.xml' out/pb.xml\n")
    os.chmod(fake, 0o755)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([BIN, "calc", "run", "--db", db, "--set", f"command={fake}",
                        "--set", "ecutwfc=20", "--max-jobs", "2", "--poll", str(POLL)],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"calc run failed:\n{p.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done = subprocess.run([BIN, "calc", "results", "--db", db, "--json"], capture_output=True,
                          text=True, check=True).stdout.count("\n")
    if done != JOBS:
        sys.exit(f"{done} results for {JOBS} jobs")

    # The same job directories' steps, run by a shell two at a time.
    steps = sorted(os.path.join(root, "steps.sh") for root, _, files in os.walk(db + ".calc")
                   if "steps.sh" in files)
    t = time.perf_counter()
    subprocess.run(["xargs", "-P", "2", "-n", "1", "sh", "-c", 'cd "$(dirname "$0")" && sh ./steps.sh'],
                   input="\n".join(steps), text=True, check=True, capture_output=True)
    shell = time.perf_counter() - t
    return wall / JOBS, cpu / JOBS, shell / JOBS


def main():
    with tempfile.TemporaryDirectory() as tmp:
        passes = [run_pass(tmp, i) for i in range(PASSES)]
    wall = statistics.median(p[0] for p in passes)
    cpu = statistics.median(p[1] for p in passes)
    shell = statistics.median(p[2] for p in passes)
    print(f"{JOBS} jobs (stand-in pw.x writing a real silicon output), local runner, 2 at a time, "
          f"poll {POLL} s, median of {PASSES}")
    print(f"  phasebook calc run:  {wall * 1000:7.1f} ms wall per job, "
          f"{cpu * 1000:.1f} ms controller CPU per job")
    print(f"  shell (xargs -P 2):  {shell * 1000:7.1f} ms wall per job")
    print(f"  controller overhead: {(wall - shell) * 1000:7.1f} ms per job; ratio {wall / shell:.1f}x "
          f"(a real pw.x silicon scf takes ~460 ms, ../shared/PEERS.md)")


if __name__ == "__main__":
    main()
