#!/usr/bin/python3
"""CIF syntax reading, Phasebook vs gemmi, side by side on the same files in the same run.

Usage: /usr/bin/python3 bench/peer_cif.py BUILD_DIR [--passes N]

For the cod-tools test CIFs and the OBELiX CIFs in ../shared it times gemmi's cif.read_string
(syntax only) in-process on text already in memory (median of N passes, one core), and
Phasebook's cif::read_text through bench/cif_throughput on the same files, and prints files/s,
MB/s, the files each rejects and the ratio.
"""
import argparse
import os
import statistics
import sys
import time

from peer_tools import run_on_lines

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def cifs(folder):
    out = []
    for dirpath, _, names in os.walk(folder):
        out += [os.path.join(dirpath, n) for n in names if n.endswith(".cif")]
    return sorted(out)


def gemmi_rate(paths, passes):
    import gemmi
    texts = []
    for p in paths:
        with open(p, "rb") as f:
            texts.append(f.read())
    size = sum(len(t) for t in texts)
    times, failures = [], 0
    for _ in range(passes):
        failures = 0
        t0 = time.perf_counter()
        for t in texts:
            try:
                gemmi.cif.read_string(t)
            except Exception:
                failures += 1
        times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    return len(paths) / t, size / 1e6 / t, failures


def pymatgen_rate(paths, passes):
    from pymatgen.io.cif import CifParser
    import warnings
    texts = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    size = sum(len(t) for t in texts)
    times, failures = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(passes):
            failures = 0
            t0 = time.perf_counter()
            for t in texts:
                try:
                    CifParser.from_string(t).get_structures(primitive=False)
                except Exception:
                    failures += 1
            times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    return len(paths) / t, size / 1e6 / t, failures


def phasebook_rate(tool, paths, passes, mode=None):
    r = run_on_lines([tool, str(passes)] + ([mode] if mode else []), paths)
    return r["files_per_second"], r["mb_per_second"], r["failures"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    tool = os.path.join(args.build_dir, "bench", "cif_throughput")
    try:
        import gemmi  # noqa: F401
    except ImportError:
        sys.exit("gemmi is not installed for /usr/bin/python3 (apt-get install python3-gemmi)")
    sets = [("cod-tools test CIFs", cifs(os.path.join(SHARED, "crystal_structures/cod_tools_test_cifs"))),
            ("OBELiX train CIFs", cifs(os.path.join(SHARED, "li_conductivity/obelix/train_cifs")))]
    print(f"{'input':<22}{'files':>6}{'gemmi f/s':>11}{'MB/s':>7}{'fail':>6}"
          f"{'phasebook f/s':>15}{'MB/s':>7}{'fail':>6}{'ratio':>8}")
    for name, paths in sets:
        if not paths:
            print(f"{name}: not found under {SHARED}")
            continue
        g_fs, g_mb, g_fail = gemmi_rate(paths, args.passes)
        p_fs, p_mb, p_fail = phasebook_rate(tool, paths, args.passes)
        print(f"{name:<22}{len(paths):>6}{g_fs:>11,.0f}{g_mb:>7.0f}{g_fail:>6}"
              f"{p_fs:>15,.0f}{p_mb:>7.0f}{p_fail:>6}{p_fs / g_fs:>7.1f}x")
    print("(one core each; files already in memory; median of", args.passes,
          "passes; fail = files with a syntax error)")
    print()
    print(f"{'CIF -> structure':<22}{'files':>6}{'pymatgen f/s':>14}{'fail':>6}"
          f"{'phasebook f/s':>15}{'fail':>6}{'ratio':>8}{'+spglib f/s':>13}{'ratio':>8}")
    for name, paths in sets:
        if not paths:
            continue
        m_fs, _, m_fail = pymatgen_rate(paths, 1)
        p_fs, _, p_fail = phasebook_rate(tool, paths, args.passes, "--structures")
        s_fs, _, _ = phasebook_rate(tool, paths, args.passes, "--symmetry")
        print(f"{name:<22}{len(paths):>6}{m_fs:>14,.1f}{m_fail:>6}{p_fs:>15,.0f}{p_fail:>6}"
              f"{p_fs / m_fs:>7.0f}x{s_fs:>13,.0f}{s_fs / m_fs:>7.1f}x")
    print("(pymatgen: CifParser(...).get_structures(primitive=False), one pass; Phasebook: syntax and")
    print(" structure with symmetry expansion, median of passes; '+spglib' adds the spglib dataset at")
    print(" symprec 0.01, which pymatgen's parser does not compute; fail = files that yield no structure)")


if __name__ == "__main__":
    main()
