#!/usr/bin/env python3
"""Phasebook's models against scikit-learn (and xgboost-python when installed) on the same
descriptors and the same grouped folds, on one of the datasets of ../shared/data:
  tbr        β-Ga2O3 interface conductances (1,633 substrates, structures, `prop` ≈ log10 ITC)
  obelix     OBELiX train split: room-temperature Li-ion conductivity, log10 S/cm, grouped by
             reduced formula
  liverpool  Liverpool Li-ion database: conductivity at several temperatures (column
             `temperature` as a condition), log10 S/cm, grouped by composition

Usage: peer_ml.py PHASEBOOK [SHARED_DIR] [--dataset tbr|obelix|liverpool]
                  [--models svr,gbt,gpr,linear] [--preset basic|magpie] [--check MARGIN]
                  [--gp-restarts N] [--peer-restarts N]
Phasebook writes the feature table (`learn descriptors`) and its out-of-fold predictions with the
fold of every row (`learn cv --predictions`); scikit-learn fits the same features on the same folds
with the same hyper-parameters. Prints R² and MAE (mean over folds), fit seconds per fold and
predict rows/s side by side with the ratios, and the largest difference between the two
out-of-fold predictions of a row (max|dy|).

Same inputs for both, so that equal models predict equally:
- boosted trees: XGBoost subsamples rows and columns from its seed; `learn cv` gives fold f the
  seed derive(--seed, f) (splitmix64, src/ml/cv.cpp) and the booster that seed modulo 2^31 - 1, so
  XGBRegressor gets the same per-fold seed (with one fixed seed for every fold R² moves by a few
  hundredths on Liverpool: seed noise, not a difference of the two).
- GP: the same kernel, bounds, start (signal variance 1, length √d, noise variance 0.01) and
  objective (normalised target); the two differ only in the L-BFGS-B implementation, which may
  stop in different local optima. --gp-restarts N gives both N extra starts, uniform in the same
  log box (different draws); --peer-restarts N gives them to scikit-learn only.

With --check, exits 1 when an R² differs from scikit-learn's by more than MARGIN (twice that
for boosted trees against scikit-learn's GradientBoostingRegressor, another tree algorithm) or
when a prediction of boosted trees differs from xgboost-python's by more than 1e-4; 77 when a
peer is missing."""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("phasebook")
ap.add_argument("shared", nargs="?", default=os.path.join(os.path.dirname(__file__), "../../shared"))
ap.add_argument("--models", default="linear,svr,gbt,gpr")
ap.add_argument("--preset", default="basic")
ap.add_argument("--check", type=float, default=None)
ap.add_argument("--folds", type=int, default=5)
ap.add_argument("--dataset", default="tbr", choices=["tbr", "obelix", "liverpool"])
ap.add_argument("--peer-restarts", type=int, default=0,
                help="scikit-learn GP only: extra optimiser starts (n_restarts_optimizer)")
ap.add_argument("--gp-restarts", type=int, default=0,
                help="GP: extra optimiser starts for both (ours: -p restarts=N)")
args = ap.parse_args()

try:
    import numpy as np
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_absolute_error, r2_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVR
except ImportError as e:
    print(f"skipped: scikit-learn is not installed ({e}); apt-get install python3-sklearn")
    sys.exit(77)
warnings.filterwarnings("ignore", category=ConvergenceWarning)  # counted and reported below
try:
    import xgboost
except ImportError:
    xgboost = None

li = os.path.join(args.shared, "data/li_conductivity")
if args.dataset == "tbr":
    path = os.path.join(args.shared, "data/tbr/alfahdi_hu_ga2o3_itc/props.csv")
    DATA = ["--data", path, "--target", "prop", "--structure", "substrate_poscars/{id}.POSCAR",
            "--formula-b-value", "Ga2O3", "--side-b", "density=5.88"]
elif args.dataset == "obelix":
    path = os.path.join(li, "obelix/train.csv")
    DATA = ["--data", path, "--target", "Ionic conductivity (S cm-1)", "--log10-target",
            "--formula", "Reduced Composition"]
else:
    path = os.path.join(li, "LiIonDatabase_liverpool__minus_obelix_test.csv")
    DATA = ["--data", path, "--target", "target", "--log10-target", "--formula", "composition",
            "--numeric", "temperature"]
if not os.path.exists(path):
    print(f"skipped: {path} is absent")
    sys.exit(77)
DATA += ["--preset", args.preset]
CV = ["--grouped", "--folds", str(args.folds), "--seed", "0"]
# Our parameters, and the same ones for the peers (docs/ml.md).
OURS = {"linear": [], "svr": [], "gbt": [], "gpr": ["-p", "ard=0"]}
if args.gp_restarts:
    OURS["gpr"] += ["-p", f"restarts={args.gp_restarts}"]


def fold_seed(seed, f):
    """The seed `learn cv` gives fold f of repeat 0 (derive() in src/ml/cv.cpp), as XGBoost reads
    it (modulo 2^31 - 1, src/ml/model_xgb.cpp)."""
    m = (1 << 64) - 1
    z = (seed + 0x9E3779B97F4A7C15 * (f + 1)) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return (z ^ (z >> 31)) % 2147483647


def peer(kind, d, f=0):
    if kind == "linear":
        return "Ridge", Ridge(alpha=1e-6)
    if kind == "svr":
        return "SVR", SVR(C=10, epsilon=0.05, gamma=1.0 / d, tol=1e-3)
    if kind == "gpr":
        k = ConstantKernel(1.0, (1e-6, 1e6)) * RBF(d ** 0.5, (1e-2, 1e4)) + WhiteKernel(0.01, (1e-10, 100))
        return "GPR", GaussianProcessRegressor(k, normalize_y=True,
                                               n_restarts_optimizer=args.peer_restarts or args.gp_restarts,
                                               random_state=0)
    if xgboost is not None:
        return "xgboost", xgboost.XGBRegressor(n_estimators=300, learning_rate=0.05, max_depth=6,
                                               subsample=0.8, colsample_bytree=0.8, n_jobs=1,
                                               tree_method="hist", random_state=fold_seed(0, f))
    return "GBR", GradientBoostingRegressor(n_estimators=300, learning_rate=0.05, max_depth=6,
                                            subsample=0.8, max_features=0.8,
                                            random_state=fold_seed(0, f))


failures = []
with tempfile.TemporaryDirectory() as tmp:
    feats = os.path.join(tmp, "features.csv")
    subprocess.run([args.phasebook, "learn", "descriptors", *DATA, "-o", feats], check=True)
    rows = list(csv.reader(open(feats)))
    header, rows = rows[0], rows[1:]
    X = np.array([[float(v) if v else np.nan for v in r[3:]] for r in rows])
    y = np.array([float(r[2]) for r in rows])
    print(f"{args.dataset}: {X.shape[0]} rows x {X.shape[1]} features ({args.preset}), grouped "
          f"{args.folds}-fold CV, same folds for both")
    print(f"{'model':8} {'phasebook R2':>13} {'MAE':>7} {'peer':>8} {'peer R2':>8} {'MAE':>7} "
          f"{'dR2':>7} {'fit s/fold':>11} {'peer':>7} {'ratio':>6} {'pred rows/s':>12} "
          f"{'peer':>10} {'ratio':>6} {'max|dy|':>8}")
    for kind in args.models.split(","):
        pred = os.path.join(tmp, kind + ".csv")
        out = subprocess.run([args.phasebook, "learn", "cv", *DATA, *CV, "--model", kind, *OURS[kind],
                              "--predictions", pred, "--json"], check=True, capture_output=True,
                             text=True).stdout
        ours = json.loads(out)["cv"]
        oof = list(csv.DictReader(open(pred)))
        fold = np.array([int(r["fold"]) for r in oof])
        our_y = np.array([float(r["predicted"]) for r in oof])
        name, _ = peer(kind, X.shape[1])
        r2s, maes, fits, rates, dy, stuck = [], [], [], [], [], 0
        for f in range(args.folds):
            tr, te = fold != f, fold == f
            _, model = peer(kind, X.shape[1], f)
            p = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                              StandardScaler(), model) if "keep_empty_features" in \
                SimpleImputer().get_params() else make_pipeline(SimpleImputer(strategy="median"),
                                                                StandardScaler(), model)
            t0 = time.perf_counter()
            p.fit(X[tr], y[tr])
            fits.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            yp = p.predict(X[te])
            rates.append(te.sum() / (time.perf_counter() - t0))
            r2s.append(r2_score(y[te], yp))
            maes.append(mean_absolute_error(y[te], yp))
            dy.append(np.max(np.abs(yp - our_y[te])))
            if kind == "gpr":  # scikit-learn's optimum at the lower bound of the signal variance
                stuck += bool(np.isclose(p[-1].kernel_.k1.k1.constant_value, 1e-6, rtol=1e-3))
        peer_r2, peer_fit, peer_rate = np.mean(r2s), np.mean(fits), np.mean(rates)
        our_fit = ours["fit_seconds"]["mean"]
        our_rate = sum(f["n_test"] for f in ours["folds"]) / max(
            sum(f["predict_seconds"] for f in ours["folds"]), 1e-12)
        d = ours["r2"]["mean"] - peer_r2
        print(f"{kind:8} {ours['r2']['mean']:13.4f} {ours['mae']['mean']:7.4f} {name:>8} "
              f"{peer_r2:8.4f} {np.mean(maes):7.4f} {d:+7.4f} "
              f"{our_fit:11.3f} {peer_fit:7.3f} {peer_fit / our_fit:6.2f} {our_rate:12.0f} "
              f"{peer_rate:10.0f} {our_rate / peer_rate:6.2f} {max(dy):8.2g}")
        if stuck:
            print(f"  scikit-learn's GP ended at the lower bound of its signal variance in {stuck} "
                  f"of {args.folds} folds (a worse local optimum; try --gp-restarts)")
        # Twice the margin for trees only against scikit-learn's own boosting (another algorithm).
        margin = None if args.check is None else args.check * (
            2 if kind == "gbt" and xgboost is None else 1)
        if margin is not None and abs(d) > margin:
            failures.append(f"{kind}: R2 {ours['r2']['mean']:.4f} vs {name} {peer_r2:.4f} "
                            f"differs by more than {margin}")
        # The same XGBoost with the same seeds grows the same trees: equal predictions up to the
        # features' trip through the CSV (10 significant digits).
        if margin is not None and kind == "gbt" and xgboost is not None and max(dy) > 1e-4:
            failures.append(f"gbt: predictions differ from xgboost-python's by up to {max(dy):.2g}")
    print("ratio: peer time / phasebook time for fit, phasebook rate / peer rate for predict "
          "(> 1: phasebook faster)")
if failures:
    print("\n".join(failures))
    sys.exit(1)
