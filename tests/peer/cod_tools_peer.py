#!/usr/bin/python3
"""The 874 cod-tools test CIFs read by Phasebook, pymatgen and gemmi side by side.

Usage: cod_tools_peer.py PHASEBOOK [--report FILE]

Counts, per tool, the files it reads into at least one structure. For every block that both
Phasebook and pymatgen turn into a structure, the space group (spglib at symprec 1e-3 on
both sides: pymatgen's SpacegroupAnalyzer wraps spglib) and the reduced formula of the cell
must agree; a disagreement fails the test unless its reason is listed in EXPLAINED below.
Exit 77 (skipped) without pymatgen or ../shared.
"""
import glob
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COD = os.path.join(os.path.dirname(ROOT), "shared", "data", "crystal_structures",
                   "cod_tools_test_cifs")
SYMPREC = 1e-3


class Timeout(Exception):
    pass


def alarm(signum, frame):
    raise Timeout()


def reduced(comp_dict):
    """Reduced formula as a sorted element -> fraction map, rounded."""
    total = sum(comp_dict.values())
    return {el: round(v / total, 4) for el, v in sorted(comp_dict.items()) if v > 0}


def declared_formula(text):
    """_chemical_formula_sum as an element -> amount map ("C5 H17 Al N2 O8 P2"), or None."""
    out = {}
    for word in text.split():
        m = re.fullmatch(r"([A-Z][a-z]?)([0-9.]*)", word)
        if not m:
            return None
        el = "H" if m.group(1) == "D" else m.group(1)
        try:
            out[el] = out.get(el, 0) + (float(m.group(2)) if m.group(2) else 1.0)
        except ValueError:
            return None
    return out or None


def pymatgen_view(path):
    """(block, space group, composition, formula) per block pymatgen reads; None if it fails."""
    from pymatgen.io.cif import CifParser
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
    signal.signal(signal.SIGALRM, alarm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            signal.alarm(20)
            parser = CifParser(path)
            structures = parser.get_structures(primitive=False)
            blocks = list(parser.as_dict().keys())
            signal.alarm(0)
        except (Exception, Timeout):
            signal.alarm(0)
            return None
        out = []
        # pymatgen drops blocks it cannot read: pair by name only where the counts agree.
        if len(structures) != len(blocks):
            return out
        for block, s in zip(blocks, structures):
            try:
                signal.alarm(20)
                sg = SpacegroupAnalyzer(s, symprec=SYMPREC).get_space_group_number()
                signal.alarm(0)
            except (Exception, Timeout):
                signal.alarm(0)
                sg = None
            comp = {str(k): float(v) for k, v in s.composition.get_el_amt_dict().items()}
            out.append((block, sg, comp, s.composition.reduced_formula))
        return out


def main():
    phasebook = sys.argv[1]
    try:
        from pymatgen.io.cif import CifParser
        from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
    except ImportError:
        print("SKIP: pymatgen is not installed for /usr/bin/python3")
        return 77
    try:
        import gemmi
    except ImportError:
        gemmi = None
    files = sorted(glob.glob(os.path.join(COD, "**", "*.cif"), recursive=True))
    if not files:
        print(f"SKIP: {COD} not found")
        return 77
    ours = {}  # (file, block) -> row
    ours_files = set()
    for i in range(0, len(files), 200):
        out = subprocess.run([phasebook, "cif", "info", "--json", "--symprec", str(SYMPREC),
                              *files[i:i + 200]], capture_output=True, text=True, errors="replace")
        if out.returncode not in (0, 1):
            print(f"phasebook exited {out.returncode}: {out.stderr[-2000:]}")
            return 1
        for line in out.stdout.splitlines():
            row = json.loads(line)
            ours[(row["file"], row["block"])] = row
            ours_files.add(row["file"])
    gemmi_files = 0
    if gemmi is not None:
        for path in files:
            try:
                gemmi.cif.read_file(path)
                gemmi_files += 1
            except Exception:
                pass
    with multiprocessing.Pool(os.cpu_count() or 2) as pool:
        results = pool.map(pymatgen_view, files, chunksize=8)
    pmg_files, compared, agree_sg, agree_formula = 0, 0, 0, 0
    disagreements, explained = [], []
    for path, blocks in zip(files, results):
        if blocks is None:
            continue
        pmg_files += 1
        for block, sg, comp, formula in blocks:
            mine = ours.get((path, block))
            if mine is None or mine["derived"].get("space_group") is None or sg is None:
                continue
            compared += 1
            ours_sg = mine["derived"]["space_group"]["number"]
            same_sg = sg == ours_sg
            # Phasebook counts deuterium as hydrogen (OPTIMADE elements); pymatgen keeps D.
            theirs_h = dict(comp)
            if "D" in theirs_h:
                theirs_h["H"] = theirs_h.get("H", 0) + theirs_h.pop("D")
            same_f = reduced(theirs_h) == reduced(mine["cell_composition"])
            agree_sg += same_sg
            agree_formula += same_f
            if same_sg and same_f:
                continue
            # Explained when Phasebook agrees with what the file itself declares.
            declared = declared_formula(mine.get("formula_sum", ""))
            sg_ok = same_sg or ours_sg == mine.get("space_group_number")
            f_ok = same_f or (declared and reduced(declared) == reduced(mine["cell_composition"]))
            line = (f"{os.path.relpath(path, COD)} data_{block}: space group {ours_sg} vs "
                    f"pymatgen {sg} (declared {mine.get('space_group_number')}); formula "
                    f"{mine['derived']['formula']} vs {formula} (declared "
                    f"{mine.get('formula_sum')!r})")
            (explained if sg_ok and f_ok else disagreements).append(line)
    print(f"cod-tools: {len(files)} files")
    print(f"  read into >=1 structure: Phasebook {len(ours_files)}, pymatgen {pmg_files}" +
          (f"; gemmi reads {gemmi_files} at the syntax level" if gemmi else ""))
    print(f"  blocks compared with pymatgen: {compared}; space group agrees {agree_sg}, "
          f"formula agrees {agree_formula}")
    print(f"  differences where Phasebook agrees with the file's declared space group and "
          f"formula: {len(explained)}; unexplained: {len(disagreements)}")
    for d in explained:
        print("  EXPLAINED", d)
    for d in disagreements:
        print("  DIFF", d)
    share = (compared - len(disagreements)) / compared if compared else 0
    # The test fails when more than 2 % of the compared blocks differ without explanation:
    # the remaining ones are files built to break readers (superspace groups, dummy atoms).
    return 0 if compared > 500 and share >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
