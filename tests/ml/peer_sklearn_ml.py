#!/usr/bin/env python3
"""Agreement with scikit-learn and xgboost-python on the same descriptors and the same grouped folds
(bench/peer_ml.py --check 0.02): R² within 0.02 for ridge, SVR and boosted trees (against
xgboost-python, given the per-fold seeds of `learn cv`, also every prediction within 1e-4: the same
trees; 0.04 against scikit-learn's GradientBoostingRegressor when xgboost-python is absent)
on the β-Ga2O3 interface data, and for all four families, the GP included, on OBELiX Li-ion
conductivity (log10 S/cm, grouped by formula). The GP on the 1,633 interfaces takes minutes and
stays in the benchmark. Usage: peer_sklearn_ml.py PHASEBOOK SHARED"""
import os
import subprocess
import sys

bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/peer_ml.py")
codes = [subprocess.run([sys.executable, bench, sys.argv[1], sys.argv[2], "--check", "0.02",
                         "--preset", "basic", "--dataset", dataset, "--models", models]).returncode
         for dataset, models in (("tbr", "linear,svr,gbt"), ("obelix", "linear,svr,gbt,gpr"))]
sys.exit(77 if all(c == 77 for c in codes) else next((c for c in codes if c not in (0, 77)), 0))
