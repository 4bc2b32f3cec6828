#!/usr/bin/python3
"""Phasebook and pymatgen must agree on every formula that pymatgen parses correctly.

Usage: pymatgen_agreement.py PHASEBOOK LITERATURE_TSV

Inputs: the literature corpus (tests/data/formulas/literature.tsv) and, when ../shared is
present, every formula string in the li_conductivity and materials_properties datasets
(~190k). For each string pymatgen's Composition parses, the element amounts must match
Phasebook's within 1e-9 relative. The only accepted disagreements are strings whose
independently derived expected composition is in literature.tsv, where pymatgen is known to be
wrong (CuSO4.5H2O, P04 typos, ...); Phasebook's answer for those is checked against that
expectation by the corpus test. Exit 77 (skipped) when pymatgen is not installed.
"""
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def shared_strings():
    out = []
    li = os.path.join(SHARED, "li_conductivity")
    for path, col in [("obelix/train.csv", "Reduced Composition"),
                      ("LiIonDatabase_liverpool__minus_obelix_test.csv", "composition"),
                      ("laskowski2023_with_dois__minus_obelix_test.csv", "Structure")]:
        with open(os.path.join(li, path), encoding="utf-8", newline="") as f:
            out += [row[col] for row in csv.DictReader(f)]
    for path in sorted(glob.glob(os.path.join(SHARED, "materials_properties/crabnet/**/*.csv"),
                                 recursive=True)):
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames and "formula" in reader.fieldnames:
                out += [row["formula"] for row in reader]
    return out


def main():
    phasebook, literature_tsv = sys.argv[1], sys.argv[2]
    try:
        from pymatgen.core import Composition
    except ImportError:
        print("SKIP: pymatgen is not installed for /usr/bin/python3")
        return 77
    with open(literature_tsv, encoding="utf-8") as f:
        next(f)
        known = {line.rstrip("\n").split("\t")[1]: line.rstrip("\n").split("\t")[2] for line in f}
    strings = list(known)
    if os.path.isdir(SHARED):
        strings += shared_strings()
    else:
        print(f"note: {SHARED} absent; checking the literature corpus only")
    strings = list(dict.fromkeys(s for s in strings if "\n" not in s and s.strip()))

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        # One per line; '#' at the start would be read as a comment by --file, so skip such lines.
        strings = [s for s in strings if not s.lstrip().startswith("#")]
        f.write("\n".join(strings) + "\n")
        path = f.name
    try:
        out = subprocess.run([phasebook, "formula", "--file", path, "--no-aliases", "--fields",
                              "composition"], capture_output=True, text=True)
    finally:
        os.unlink(path)
    ours = [json.loads(line) for line in out.stdout.splitlines()]
    if len(ours) != len(strings):
        print(f"FAIL: {len(strings)} inputs but {len(ours)} outputs")
        return 1

    agree = pm_failed = allowed = 0
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text, mine in zip(strings, ours):
            try:
                theirs = {str(k): float(v) for k, v in Composition(text).get_el_amt_dict().items()}
            except Exception:
                pm_failed += 1
                continue
            theirs = {k: v for k, v in theirs.items() if v != 0}
            mine_amounts = mine.get("composition")
            same = mine_amounts is not None and set(mine_amounts) == set(theirs) and all(
                abs(mine_amounts[k] - v) <= 1e-9 * max(1.0, abs(v)) for k, v in theirs.items())
            if same:
                agree += 1
            elif text in known:
                allowed += 1  # pymatgen is wrong here; literature.tsv has the checked answer
            else:
                bad.append((text, theirs, mine.get("composition", mine.get("error"))))
    print(f"{len(strings)} strings: {agree} agree with pymatgen, {pm_failed} rejected by pymatgen, "
          f"{allowed} where pymatgen is wrong (checked in literature.tsv), {len(bad)} disagreements")
    for text, theirs, mine in bad[:30]:
        print(f"  {text!r}: pymatgen {theirs} phasebook {mine}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
