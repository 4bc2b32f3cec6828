#!/usr/bin/env python3
"""`phasebook learn` end to end on a small interface table in the documented TBR form (material
A, material B, temperature, thickness, interlayer, TBR): help, cv --json, fit, predict,
importance, screen, plot (parity, importance, ablation, overlap; SVG and PNG), the `ml` alias, the issue's exact forms (`learn fit --model gbt|svr|gpr
--log10-target`, `learn predict` writing `predicted` in the original scale), and exit codes for
bad usage. Usage: test_ml_cli.py PHASEBOOK"""
import csv
import json
import math
import os
import random
import subprocess
import struct
import sys
import tempfile
import zlib

PB = sys.argv[1]
failures = []


def run(*args, code=0):
    p = subprocess.run([PB, "learn", *args], capture_output=True, text=True)
    if p.returncode != code:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, wanted {code}\n{p.stderr}")
    return p


def png_size(path):
    """Width and height of a PNG after decoding it fully (chunks, CRCs, zlib stream, scanlines)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG signature")
    pos, idat, w, h, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError(f"bad CRC in {kind}")
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            bpp = {6: 4, 2: 3, 0: 1, 4: 2}[colour] * depth // 8
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    if len(raw) != h * (1 + w * bpp):
        raise ValueError(f"{len(raw)} bytes of pixels for {w}x{h}")
    return w, h


def check(cond, what):
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    # Interfaces A/B with a temperature and an interlayer flag; the target depends on the mass
    # mismatch and the temperature, so the models have something to learn.
    metals = ["Al", "Cu", "Au", "Pt", "Ti", "Cr", "Ni", "Ag", "Pb", "Bi"]
    subs = ["Si", "SiC", "GaN", "Al2O3", "AlN", "C", "GaAs", "MgO"]
    rng = random.Random(4)
    # The user's TBR table in the form docs/ml.md documents: material A, material B,
    # temperature, thickness, interlayer, TBR.
    path = os.path.join(tmp, "tbr.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["film", "substrate", "T", "thickness_nm", "interlayer", "TBR"])
        for a in metals:
            for b in subs:
                for T in (100, 300, 500):
                    inter = rng.choice(["yes", "no"])
                    thick = rng.choice([20, 50, 100])
                    tbr = 5 + 3 * metals.index(a) / 9 + 2 * subs.index(b) / 7 - T / 200
                    tbr += (1.5 if inter == "yes" else 0) + thick / 200 + rng.gauss(0, 0.1)
                    w.writerow([a, b, T, thick, inter, f"{tbr:.4f}"])
        w.writerow(["Xq", "Si", 300, 50, "no", "5"])  # unknown element: dropped with its line
    data = ["--data", path, "--target", "TBR", "--formula", "film", "--formula-b", "substrate",
            "--numeric", "T,thickness_nm", "--categorical", "interlayer", "--preset", "basic"]

    for sub in ("descriptors", "cv", "fit", "predict", "importance", "screen", "plot", "models"):
        p = run(sub, "--help")
        check("--" in p.stdout, f"learn {sub} --help prints options")
    models = run("models").stdout
    check("gbt" in models and "svr" in models and "gpr" in models and "n_estimators" in models,
          "learn models lists kinds and parameters")
    p = subprocess.run([PB, "ml", "models"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout == models, "`ml` is an alias of `learn`")

    names = run("descriptors", *data, "--names").stdout.splitlines()
    check("pair.miedema_enthalpy_kj_mol,pair" in names, "pair descriptors listed")
    check("cond.interlayer=yes,conditions" in names, "one-hot condition listed")
    check("cond.thickness_nm,conditions" in names and "cond.T,conditions" in names,
          "numeric conditions listed")
    p = run("descriptors", *data, "-o", os.path.join(tmp, "features.csv"))
    check(":242: dropped" in p.stderr, f"dropped row reported with its line: {p.stderr}")

    for kind in ("gbt", "svr", "gpr", "linear"):
        extra = ["-p", "max_iter=30"] if kind == "gpr" else []
        p = run("cv", *data, "--model", kind, "--grouped", "--folds", "4", "--json", *extra)
        r = json.loads(p.stdout) if p.returncode == 0 else {}
        r2 = r.get("cv", {}).get("r2", {}).get("mean", -1)
        check(r2 > 0.7, f"{kind} grouped CV R2 {r2}")
        check(r.get("rows") == 240 and r.get("dropped") == 1, f"{kind} rows/dropped: {r.get('rows')}")

    p = run("cv", *data, "--model", "svr", "--grid", "C=0.1,10", "--folds", "3")
    check(p.stdout.splitlines()[0].startswith("C=10"), f"grid search best first: {p.stdout}")

    model_dir = os.path.join(tmp, "gp")
    run("fit", *data, "--model", "gpr", "-p", "max_iter=30", "-o", model_dir, "--cv", "--folds", "3")
    meta = json.load(open(os.path.join(model_dir, "model.json")))
    check(meta["descriptors"]["version"] == "pb-ml-descriptors/1", "descriptor version stored")
    check(meta["pipeline"]["missing"]["fallback"] == "median", "missing policy stored")
    check("r2" in meta["metrics"], "CV metrics stored")
    check(len(meta["training"]["data_sha256"]) == 64, "training data hash stored")
    out = os.path.join(tmp, "pred.csv")
    p = run("predict", "--model", model_dir, "--data", path, "-o", out, code=1)  # the Xq row
    rows = list(csv.DictReader(open(out)))
    check(len(rows) == 241 and rows[-1]["predicted"] == "", "every input row written")
    err = max(abs(float(r["predicted"]) - float(r["TBR"])) for r in rows[:-1])
    check(err < 1.0, f"GP predicts its training data: max error {err}")
    check(all(float(r["predicted_std"]) > 0 for r in rows[:-1]), "GP gives a std")

    run("fit", *data, "--model", "xgb", "-o", os.path.join(tmp, "xgb"))  # the old name still works
    run("fit", *data, "--model", "svr", "-o", os.path.join(tmp, "svr"))
    la, lb = os.path.join(tmp, "a.txt"), os.path.join(tmp, "b.txt")
    open(la, "w").write("\n".join(metals) + "\n")
    open(lb, "w").write("\n".join(subs) + "\n")
    # The models need T and interlayer: screening a list of pairs leaves them missing, which the
    # median policy fills in.
    scr = os.path.join(tmp, "screen.csv")
    p = run("screen", "--model", os.path.join(tmp, "xgb"), "--model", os.path.join(tmp, "svr"),
            "--model", model_dir, "--list-a", la, "--list-b", lb, "--top-fraction", "0.25",
            "-k", "2", "--lower", "-o", scr)
    rows = list(csv.DictReader(open(scr)))
    check(p.returncode == 0 and 0 < len(rows) <= 40, f"screen kept {len(rows)}: {p.stdout}")
    check(bool(rows) and set(rows[0]) >= {"film", "substrate", "xgb", "svr", "gp", "gp_std", "n_agree"},
          f"screen columns {list(rows[0]) if rows else None}")
    check(all(int(r["n_agree"]) >= 2 for r in rows), "consensus k=2")

    # SVR: bounded predictions (a least-squares fit on collinear descriptor groups makes permutation
    # drops meaningless).
    p = run("importance", *data, "--model", "svr", "--by-group", "--folds", "3", "--json")
    imp = json.loads(p.stdout)["permutation"] if p.returncode == 0 else []
    check(imp and imp[0]["name"] in ("conditions", "composition"), f"importance by group {imp}")
    imp_json = os.path.join(tmp, "importance.json")
    open(imp_json, "w").write(p.stdout)

    # Plots: parity from out-of-fold predictions (one point per row, coloured by fold), importance
    # bars, screening overlap; SVG and PNG (decoded, of the SVG's size).
    oof = os.path.join(tmp, "oof.csv")
    run("cv", *data, "--model", "svr", "--grouped", "--folds", "4", "--predictions", oof)
    svg, png = os.path.join(tmp, "parity.svg"), os.path.join(tmp, "parity.png")
    p = run("plot", "parity", oof, "-o", svg, "-o", png, "--label", "TBR")
    text = open(svg).read() if os.path.exists(svg) else ""
    check(text.count('<circle class="point"') == 240, f"parity points {text.count('<circle')}")
    check(len({c for c in ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e") if c in text}) == 4,
          "parity coloured by 4 folds")
    try:
        check(png_size(png) == (560, 560), f"parity PNG size {png_size(png)}")
    except (OSError, ValueError, zlib.error) as e:
        check(False, f"parity PNG does not decode: {e}")
    bars = os.path.join(tmp, "importance.svg")
    run("plot", "importance", imp_json, "-o", bars, "-o", bars[:-3] + "png")
    text = open(bars).read() if os.path.exists(bars) else ""
    n_bars = text.count('<rect class="bar"')
    check(n_bars == len(imp), f"importance bars {n_bars} for {len(imp)} groups")
    try:
        w, h = png_size(bars[:-3] + "png")
        check(w == 720 and h == 100 + 22 * len(imp), f"importance PNG size {w}x{h}")
    except (OSError, ValueError, zlib.error) as e:
        check(False, f"importance PNG does not decode: {e}")
    ov = os.path.join(tmp, "overlap.svg")
    run("plot", "overlap", scr, "-o", ov)
    subsets = {r["kept_by"] for r in csv.DictReader(open(scr))}
    text = open(ov).read() if os.path.exists(ov) else ""
    check(text.count('<rect class="bar"') == len(subsets), f"overlap bars for {subsets}")
    run("plot", "ablation", imp_json, "-o", ov, code=2)  # no ablation in that JSON
    # Ablation: CV without each descriptor group and with each alone, one bar per line.
    p = run("importance", *data, "--model", "svr", "--ablation", "--folds", "3", "--json")
    abl = json.loads(p.stdout).get("ablation", []) if p.returncode == 0 else []
    labels = [r["label"] for r in abl]
    check(any("conditions" in l for l in labels) and len(abl) >= 4, f"ablation rows {labels}")
    abl_json = os.path.join(tmp, "ablation.json")
    open(abl_json, "w").write(p.stdout)
    abl_svg, abl_png = os.path.join(tmp, "ablation.svg"), os.path.join(tmp, "ablation.png")
    run("plot", "ablation", abl_json, "-o", abl_svg, "-o", abl_png)
    text = open(abl_svg).read() if os.path.exists(abl_svg) else ""
    check(text.count('<rect class="bar"') == len(abl), f"ablation bars for {len(abl)} rows")
    try:
        w, h = png_size(abl_png)
        check(w == 720 and h == 100 + 22 * len(abl), f"ablation PNG size {w}x{h}")
    except (OSError, ValueError, zlib.error) as e:
        check(False, f"ablation PNG does not decode: {e}")
    run("plot", "parity", path, "-o", svg, code=2)  # no `predicted` column: named in the error

    # The forms on a single-material table with a log10 target: fit with each family,
    # predict writes the input rows plus `predicted` in the original scale (S/cm here).
    cond = os.path.join(tmp, "cond.csv")
    with open(cond, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["material", "sigma_S_cm"])
        for a in range(1, 9):
            for b in range(1, 6):
                w.writerow([f"Li{a}Na{b}Cl{a + b}", f"{10 ** (-7 + 4 * a / (a + b)):.6g}"])
    for kind in ("gbt", "svr", "gpr"):
        mdir = os.path.join(tmp, "cond_" + kind)
        run("fit", "--data", cond, "--target", "sigma_S_cm", "--formula", "material", "--model",
            kind, "--log10-target", "--preset", "basic", "-o", mdir)
        out = os.path.join(tmp, f"cond_{kind}.csv")
        run("predict", "--model", mdir, "--data", cond, "-o", out)
        rows = list(csv.DictReader(open(out))) if os.path.exists(out) else []
        check(len(rows) == 40 and list(rows[0])[:3] == ["material", "sigma_S_cm", "predicted"],
              f"{kind} predict columns {list(rows[0]) if rows else None}")
        worst = max((abs(math.log10(float(r["predicted"]) / float(r["sigma_S_cm"]))) for r in rows),
                    default=9)
        check(worst < 0.6, f"{kind} predictions in S/cm within 0.6 decades of the data: {worst}")
        if kind == "gpr":
            check(all(float(r["predicted_std"]) > 0 and float(r["predicted_log10_std"]) > 0
                      for r in rows), "GP std in S/cm and in decades")
            r = rows[0]
            want = math.log(10) * float(r["predicted"]) * float(r["predicted_log10_std"])
            check(abs(float(r["predicted_std"]) - want) <= 1e-6 * want, "std propagated to S/cm")
            # screen gives the GP's std in the target's scale too, and in decades beside it.
            scr = os.path.join(tmp, "cond_screen.csv")
            run("screen", "--model", mdir, "--candidates", cond, "--all", "-o", scr)
            got = list(csv.DictReader(open(scr))) if os.path.exists(scr) else []
            check(len(got) == 40 and {"cond_gpr_std", "cond_gpr_log10_std"} <= set(got[0]),
                  f"screen std columns {list(got[0]) if got else None}")
            for g, r in zip(got, rows):
                rel = lambda a, b: abs(float(a) - float(b)) <= 1e-5 * abs(float(b))
                check(rel(g["cond_gpr"], r["predicted"]) and rel(g["cond_gpr_std"], r["predicted_std"])
                      and rel(g["cond_gpr_log10_std"], r["predicted_log10_std"]),
                      f"screen and predict disagree: {g} vs {r}")
        else:
            check("predicted_std" not in rows[0], f"{kind} has no std column")

    run("cv", *data, "--model", "forest", code=2)
    run("cv", *data, "--model", "svr", "-p", "C=-3", code=2)
    run("cv", "--data", path, "--target", "nope", "--formula", "film", code=2)
    run("predict", "--model", os.path.join(tmp, "none"), "--data", path, code=1)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
