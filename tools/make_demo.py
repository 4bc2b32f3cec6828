#!/usr/bin/python3
"""Builds data/demo/ from the OBELiX train split in ../shared (CC-BY-4.0): the CIFs of the
entries that have one, and their room-temperature ionic conductivities with the DOI of the
measurement, as a properties CSV for `phasebook ingest properties`.

Usage: tools/make_demo.py [SHARED_DIR]   (default ../shared next to the checkout)
"""
import csv
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(ROOT), "shared")
OBELIX = os.path.join(SHARED, "data", "li_conductivity", "obelix")
OUT = os.path.join(ROOT, "data", "demo")


def main():
    cif_dir = os.path.join(OUT, "structures")
    shutil.rmtree(cif_dir, ignore_errors=True)
    os.makedirs(cif_dir)
    rows = list(csv.DictReader(open(os.path.join(OBELIX, "train.csv"), encoding="utf-8")))
    kept = 0
    with open(os.path.join(OUT, "ionic_conductivity.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["formula", "property", "value", "unit", "temperature", "doi", "space_group",
                    "family", "obelix_id"])
        for r in rows:
            cif = os.path.join(OBELIX, "train_cifs", r["ID"] + ".cif")
            if not os.path.exists(cif) or not r["DOI"].strip():
                continue
            value = r["Ionic conductivity (S cm-1)"].strip()
            if not value:
                continue
            shutil.copy(cif, os.path.join(cif_dir, r["ID"] + ".cif"))
            w.writerow([r["Reduced Composition"], "ionic_conductivity", value, "S/cm", "RT",
                        r["DOI"].strip(), r["Space group #"].strip(), r["Family"].strip(),
                        r["ID"]])
            kept += 1
    print(f"{kept} entries with a CIF and a DOI written to {OUT}")


if __name__ == "__main__":
    main()
