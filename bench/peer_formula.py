#!/usr/bin/python3
"""Formula parsing, Phasebook vs pymatgen, side by side on the same inputs in the same run.

Usage: /usr/bin/python3 bench/peer_formula.py BUILD_DIR [--passes N]

For each input list it times pymatgen's Composition(str) in-process (median of N passes, one
core) and Phasebook's parse_formula through bench/formula_throughput (same lines, same passes),
then prints both throughputs, the failure counts and the ratio.
"""
import argparse
import csv
import os
import statistics
import sys
import time
import warnings

from peer_tools import run_on_lines

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def column(path, name, limit=None):
    with open(path, encoding="utf-8", newline="") as f:
        values = [row[name] for row in csv.DictReader(f)]
    return values[:limit] if limit else values


def literature():
    with open(os.path.join(ROOT, "tests/data/formulas/literature.tsv"), encoding="utf-8") as f:
        next(f)
        return [line.rstrip("\n").split("\t")[1] for line in f]


def inputs():
    lists = [("simple formula (Li7La3Zr2O12) x 50k", ["Li7La3Zr2O12"] * 50000),
             ("tests/data literature strings", literature())]
    li = os.path.join(SHARED, "li_conductivity")
    mp = os.path.join(SHARED, "materials_properties/crabnet/matbench/mp_e_form.csv")
    if os.path.exists(mp):
        lists.append(("matbench mp_e_form, first 50k", column(mp, "formula", 50000)))
        lists.append(("OBELiX train Reduced Composition",
                      column(os.path.join(li, "obelix/train.csv"), "Reduced Composition")))
        lists.append(("Liverpool composition", column(
            os.path.join(li, "LiIonDatabase_liverpool__minus_obelix_test.csv"), "composition")))
        lists.append(("Laskowski Structure", column(
            os.path.join(li, "laskowski2023_with_dois__minus_obelix_test.csv"), "Structure")))
    else:
        print(f"note: {SHARED} not found; only the repository inputs are measured", file=sys.stderr)
    return lists


def pymatgen_rate(lines, passes):
    from pymatgen.core import Composition
    rates, failures = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(passes):
            failures = 0
            t0 = time.perf_counter()
            for s in lines:
                try:
                    Composition(s)
                except Exception:
                    failures += 1
            rates.append(len(lines) / (time.perf_counter() - t0))
    return statistics.median(rates), failures


def phasebook_rate(tool, lines, passes):
    r = run_on_lines([tool, str(passes)], lines)
    return r["per_second"], r["failures"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    tool = os.path.join(args.build_dir, "bench", "formula_throughput")
    try:
        import pymatgen.core  # noqa: F401
    except ImportError:
        sys.exit("pymatgen is not installed for /usr/bin/python3 (apt-get install python3-pymatgen)")
    print(f"{'input':<40}{'n':>7}{'pymatgen/s':>13}{'fail':>6}{'phasebook/s':>14}{'fail':>6}"
          f"{'ratio':>8}")
    for name, lines in inputs():
        pm, pm_fail = pymatgen_rate(lines, args.passes)
        pb, pb_fail = phasebook_rate(tool, lines, args.passes)
        print(f"{name:<40}{len(lines):>7}{pm:>13,.0f}{pm_fail:>6}{pb:>14,.0f}{pb_fail:>6}"
              f"{pb / pm:>7.1f}x")
    print("(one core each; median of", args.passes, "passes; failures = strings that raised)")


if __name__ == "__main__":
    main()
