#!/usr/bin/env python3
"""Agreement with scikit-learn on the same descriptors and folds (bench/peer_ml.py --check):
R² within 0.02 for ridge and SVR, 0.04 for boosted trees (XGBoost against scikit-learn's
GradientBoostingRegressor when xgboost-python is absent). The GP comparison (same R² to
4 decimals when last measured, docs/ml.md) takes minutes and stays in the benchmark. Usage: peer_sklearn_ml.py PHASEBOOK SHARED"""
import os
import subprocess
import sys

bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/peer_ml.py")
sys.exit(subprocess.run([sys.executable, bench, sys.argv[1], sys.argv[2], "--check", "0.02",
                         "--preset", "basic", "--models", "linear,svr,gbt"]).returncode)
