#!/usr/bin/python3
"""Quantum ESPRESSO scf inputs per second for thousands of structures from a database:
`phasebook calc prepare --db --dry-run` against pymatgen's PWInput (to string) on the same
structures.

The database: `phasebook synth` variants (element substitutions) of the demo set's 254 structures
(data/demo/structures, what `make demo` loads), STRUCTURES of them (default 20,000); DFT inputs
need ordered structures, so both sides use the ordered ones (phasebook refuses and counts the
others; pymatgen gets the ordered ones exported from the same database: `phasebook export
--format jsonl`, lattice vectors and fractional sites made into pymatgen Structures). Both sides keep
the cells as stored (`--set cell=as-is`, no symmetry reduction), the same pseudopotential names
(synthetic UPF headers in a temporary directory, so every element has one) and a k-mesh from the
same density. Timings are in-process around the generation only: phasebook reports its own rate
(reading the database excluded), pymatgen is timed around PWInput(...) + str().

A second comparison uses phasebook's default cell, spglib's standard primitive cell, on the first
PRIMITIVE (300) ordered structures, against pymatgen's SpacegroupAnalyzer (the same spglib,
symprec 1e-3 as phasebook's default) get_primitive_standard_structure() + PWInput.

usage: bench/peer_calc.py [BUILD_DIR] [STRUCTURES]   (default build/release 20000)"""
import json
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
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
BIN = os.path.join(BUILD, "bin", "phasebook")
PASSES = 3
PRIMITIVE = 300

from pymatgen.core import Lattice, Structure  # noqa: E402
from pymatgen.io.pwscf import PWInput  # noqa: E402
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer  # noqa: E402
from pymatgen.io.vasp.inputs import Kpoints  # noqa: E402


def pb(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    return p


def pymatgen_rate(structures, pseudo, pseudo_dir, primitive=False):
    rates = []
    for _ in range(PASSES):
        t = time.perf_counter()
        for s in structures:
            if primitive:
                s = SpacegroupAnalyzer(s, symprec=1e-3).get_primitive_standard_structure()
            mesh = Kpoints.automatic_density(s, 1000).kpts[0]
            str(PWInput(s, pseudo=pseudo, control={"calculation": "scf", "pseudo_dir": pseudo_dir},
                        system={"ecutwfc": 30, "ecutrho": 120},
                        electrons={"conv_thr": 7.35e-8, "mixing_beta": 0.7},
                        kpoints_grid=tuple(mesh)))
        rates.append(len(structures) / (time.perf_counter() - t))
    return statistics.median(rates)


def phasebook_rate(*args):
    rates = []
    for _ in range(PASSES):
        out = pb("calc", "prepare", *args, "--dry-run")
        line = [l for l in out.stdout.splitlines() if "structures/s" in l]
        if not line:
            sys.exit(f"phasebook failed:\n{out.stderr[-2000:]}")
        rates.append(float(line[0].split(":")[-1].split()[0]))
    return statistics.median(rates), line[0].split(" in ")[0]


def main():
    demo = os.path.join(ROOT, "data", "demo", "structures")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        p = pb("synth", "--db", db, "--structures", str(COUNT), "--properties", "0",
               "--phase-diagrams", "0", "--references", "0", demo)
        if p.returncode != 0:
            sys.exit(f"phasebook synth failed:\n{p.stderr[-2000:]}")
        p = pb("export", "--db", db, "--format", "jsonl", "-o", "-")
        if p.returncode != 0:
            sys.exit(f"phasebook export failed:\n{p.stderr[-2000:]}")
        structures, ids = [], []
        for line in p.stdout.splitlines():
            row = json.loads(line)
            sites = row["sites"]
            if any(len(x["species"]) != 1 or x["species"][0]["occupancy"] < 1 for x in sites):
                continue
            ids.append(row["id"])
            structures.append(Structure(Lattice(row["lattice_vectors"]),
                                        [x["species"][0]["element"] for x in sites],
                                        [x["frac"] for x in sites]))
        elements = sorted({el.symbol for s in structures for el in s.composition.elements})
        pseudo_dir = os.path.join(tmp, "pseudo")
        os.makedirs(pseudo_dir)
        for el in elements:
            with open(os.path.join(pseudo_dir, f"{el}.pz-bench.UPF"), "w") as f:
                f.write('<UPF version="2.0.1">\n<PP_HEADER element="%s" pseudo_type="NC" '
                        'z_valence="4.0" wfc_cutoff="30.0" rho_cutoff="120.0"/>\n</UPF>\n' % el)

        pseudo = {el: f"{el}.pz-bench.UPF" for el in elements}
        # The k-mesh density is part of what is timed on both sides.
        ours, summary = phasebook_rate("--db", db, "--set", "cell=as-is",
                                       "--set", f"pseudo_dir={pseudo_dir}")
        theirs = pymatgen_rate(structures, pseudo, pseudo_dir)
        # Default cell: the first PRIMITIVE ordered structures (ids up to the last of them).
        last = ids[min(PRIMITIVE, len(ids)) - 1]
        ours_p, summary_p = phasebook_rate("--db", db, "--query", f"--sort id --limit {last}",
                                           "--set", f"pseudo_dir={pseudo_dir}")
        theirs_p = pymatgen_rate(structures[:PRIMITIVE], pseudo, pseudo_dir, primitive=True)
    print(f"{COUNT} synth variants of the demo structures, {len(structures)} ordered "
          f"({len(elements)} elements): QE scf input to string, median of {PASSES}")
    print(f"  phasebook calc prepare --db (in-process; {summary}): {ours:,.0f} structures/s")
    print(f"  pymatgen PWInput + str():                 {theirs:,.0f} structures/s")
    print(f"  ratio: {ours / theirs:.2f}x")
    print(f"Default cell (spglib standard primitive) on the first {PRIMITIVE} ordered structures:")
    print(f"  phasebook calc prepare --db ({summary_p}): {ours_p:,.0f} structures/s")
    print(f"  pymatgen SpacegroupAnalyzer primitive + PWInput: {theirs_p:,.0f} structures/s")
    print(f"  ratio: {ours_p / theirs_p:.2f}x")


if __name__ == "__main__":
    main()
