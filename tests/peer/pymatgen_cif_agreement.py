#!/usr/bin/python3
"""Phasebook's CIF structures must agree with pymatgen's CifParser on the same files.

Usage: pymatgen_cif_agreement.py PHASEBOOK

For every OBELiX CIF in ../shared, the unit-cell composition (occupancy-weighted, from
get_structures(primitive=False)) and the cell volume from pymatgen must equal Phasebook's
`cif info --json` within 1e-6 relative. Exit 77 (skipped) without pymatgen or ../shared.
"""
import glob
import json
import os
import subprocess
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OBELIX = os.path.join(os.path.dirname(ROOT), "shared", "data", "li_conductivity", "obelix",
                      "train_cifs")


def main():
    phasebook = sys.argv[1]
    try:
        from pymatgen.io.cif import CifParser
    except ImportError:
        print("SKIP: pymatgen is not installed for /usr/bin/python3")
        return 77
    files = sorted(glob.glob(os.path.join(OBELIX, "*.cif")))
    if not files:
        print(f"SKIP: {OBELIX} not found")
        return 77
    out = subprocess.run([phasebook, "cif", "info", "--json", *files], capture_output=True,
                         text=True)
    ours = {}
    for line in out.stdout.splitlines():
        row = json.loads(line)
        ours[row["file"]] = row
    agree, bad = 0, []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            try:
                s = CifParser(path).get_structures(primitive=False)[0]
            except Exception as e:  # pymatgen failing is reported, not counted against us
                bad.append((path, f"pymatgen failed: {e}"))
                continue
            theirs = {str(k): float(v) for k, v in s.composition.get_el_amt_dict().items()}
            mine = ours.get(path)
            if mine is None:
                bad.append((path, "phasebook gave no structure"))
                continue
            comp = mine["cell_composition"]
            same = set(comp) == set(theirs) and all(
                abs(comp[k] - v) <= 1e-6 * max(1.0, v) for k, v in theirs.items())
            same = same and abs(mine["volume"] - s.volume) <= 1e-6 * s.volume
            if same:
                agree += 1
            else:
                bad.append((path, f"pymatgen {theirs} V={s.volume:.4f}; phasebook {comp} "
                                  f"V={mine['volume']:.4f}"))
    print(f"OBELiX: {agree} of {len(files)} CIFs give the same cell composition and volume as "
          f"pymatgen")
    for path, why in bad[:20]:
        print(f"  {os.path.basename(path)}: {why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
