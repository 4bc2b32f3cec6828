#!/usr/bin/python3
"""Quantum ESPRESSO scf inputs per second: `phasebook calc prepare --dry-run` against pymatgen's
PWInput (to string) on the same ordered structures of the demo set (data/demo/structures).

Both sides get the structures as read (no symmetry reduction: `--set cell=as-is`), the same
pseudopotential names (synthetic UPF headers in a temporary directory, so every element has
one), and a k-mesh from the same density. Timings are in-process around the generation only:
phasebook reports its own rate (--repeat), pymatgen is timed around PWInput(...) + str().

usage: bench/peer_calc.py [BUILD_DIR] (default build/release)"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "release")
BIN = os.path.join(BUILD, "bin", "phasebook")
REPEAT = 20

from pymatgen.io.cif import CifParser  # noqa: E402
from pymatgen.io.pwscf import PWInput  # noqa: E402
from pymatgen.io.vasp.inputs import Kpoints  # noqa: E402


def main():
    demo = os.path.join(ROOT, "data", "demo", "structures")
    structures = []
    for name in sorted(os.listdir(demo)):
        try:
            for s in CifParser(os.path.join(demo, name)).get_structures(primitive=False):
                if s.is_ordered:
                    structures.append(s)
        except Exception:
            pass
    elements = sorted({el.symbol for s in structures for el in s.composition.elements})
    with tempfile.TemporaryDirectory() as tmp:
        pseudo_dir = os.path.join(tmp, "pseudo")
        os.makedirs(pseudo_dir)
        for el in elements:
            with open(os.path.join(pseudo_dir, f"{el}.pz-bench.UPF"), "w") as f:
                f.write('<UPF version="2.0.1">\n<PP_HEADER element="%s" pseudo_type="NC" '
                        'z_valence="4.0" wfc_cutoff="30.0" rho_cutoff="120.0"/>\n</UPF>\n' % el)
        files = []
        for i, s in enumerate(structures):
            path = os.path.join(tmp, f"s{i:04}.vasp")
            s.to(filename=path, fmt="poscar")
            files.append(path)

        rates = []
        for _ in range(3):
            out = subprocess.run([BIN, "calc", "prepare", *files, "--dry-run", "--repeat",
                                  str(REPEAT), "--set", "cell=as-is", "--set",
                                  f"pseudo_dir={pseudo_dir}"], capture_output=True, text=True)
            line = [l for l in out.stdout.splitlines() if "structures/s" in l]
            if not line:
                sys.exit(f"phasebook failed:\n{out.stderr[-2000:]}")
            rates.append(float(line[0].split(":")[-1].split()[0]))
        ours = statistics.median(rates)

        pseudo = {el: f"{el}.pz-bench.UPF" for el in elements}
        meshes = [Kpoints.automatic_density(s, 1000).kpts[0] for s in structures]
        peer = []
        for _ in range(3):
            t = time.perf_counter()
            for s, mesh in zip(structures, meshes):
                for _ in range(max(1, REPEAT // 10)):
                    str(PWInput(s, pseudo=pseudo, control={"calculation": "scf", "pseudo_dir": pseudo_dir},
                                system={"ecutwfc": 30, "ecutrho": 120},
                                electrons={"conv_thr": 7.35e-8, "mixing_beta": 0.7},
                                kpoints_grid=tuple(mesh)))
            peer.append(len(structures) * max(1, REPEAT // 10) / (time.perf_counter() - t))
        theirs = statistics.median(peer)
    print(f"{len(structures)} ordered demo structures ({len(elements)} elements), QE scf input to string")
    print(f"  phasebook calc prepare (in-process, x{REPEAT}): {ours:,.0f} structures/s")
    print(f"  pymatgen PWInput + str():                 {theirs:,.0f} structures/s")
    print(f"  ratio: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
