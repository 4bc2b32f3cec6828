#!/usr/bin/python3
"""The native API of the ML pages through the real binary: `phasebook serve --models DIR` over
real models trained with `phasebook learn` on the OBELiX Li-ion conductivity table
(models_fixture.py). GET /api/models agrees with each model.json and with the training file's
SHA-256; GET /api/models/{name} gives the out-of-fold points of `fit --cv` (their per-fold R²,
RMSE and MAE recomputed here equal the stored CV figures) and the stored importance; GET
/api/screens/{name} counts agree with the CSV `learn screen` wrote; members-only models and the
screens that use them are invisible to guests; bad names are 400, unknown ones 404."""
import csv
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
sys.path.insert(0, HERE)
import test_server as ts  # noqa: E402  (takes the binary from argv[1])
import models_fixture  # noqa: E402


def setUpModule():
    global DIR, FIX, SERVER, BASE, MEMBER
    DIR = tempfile.mkdtemp(prefix="pb-models-")
    FIX = models_fixture.build(ts.BIN, DIR)
    SERVER = ts.Server(FIX["db"], "--models", FIX["dir"])
    BASE = SERVER.url
    ts.BASE = BASE  # for ts.bearer
    MEMBER = ts.bearer("alice", models_fixture.PASSWORD)


def tearDownModule():
    SERVER.stop()
    shutil.rmtree(DIR)


def get(path, headers=None):
    return ts.http(BASE + path, headers=headers)


error = ts.check_api_error


def scores(points):
    """R², RMSE and MAE of (measured, predicted) pairs."""
    y = [p["measured"] for p in points]
    f = [p["predicted"] for p in points]
    mean = sum(y) / len(y)
    ss_res = sum((a - b) ** 2 for a, b in zip(y, f))
    ss_tot = sum((a - mean) ** 2 for a in y)
    return (1 - ss_res / ss_tot, math.sqrt(ss_res / len(y)),
            sum(abs(a - b) for a, b in zip(y, f)) / len(y))


class List(unittest.TestCase):
    def test_guest_sees_public_models_and_screens(self):
        body = get("/api/models").json()
        self.assertTrue(body["published"])
        self.assertEqual([m["name"] for m in body["models"]], ["obelix-gbt", "obelix-svr"])
        self.assertEqual([s["name"] for s in body["screens"]], ["screen"])

    def test_member_sees_members_only_too(self):
        body = get("/api/models", MEMBER).json()
        self.assertEqual([m["name"] for m in body["models"]],
                         ["lab-gpr", "obelix-gbt", "obelix-svr"])
        self.assertTrue(body["models"][0]["members_only"])
        self.assertFalse(body["models"][1]["members_only"])
        self.assertEqual([s["name"] for s in body["screens"]], ["lab-screen", "screen"])

    def test_summary_agrees_with_model_json(self):
        with open(models_fixture.OBELIX, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        for m in get("/api/models", MEMBER).json()["models"]:
            with open(os.path.join(FIX["dir"], m["name"], "model.json")) as f:
                j = json.load(f)
            self.assertEqual(m["kind"], j["pipeline"]["kind"])
            self.assertEqual(m["kind"], {"obelix-gbt": "gbt", "obelix-svr": "svr",
                                         "lab-gpr": "gpr"}[m["name"]])
            self.assertEqual(m["target"], "Ionic conductivity (S cm-1)")
            self.assertTrue(m["log10_target"])
            self.assertEqual(m["descriptor_version"], "pb-ml-descriptors/1")
            self.assertEqual(m["preset"], "basic")
            self.assertEqual(m["features"], FIX["models"][m["name"]]["features"])
            self.assertEqual(m["rows"], FIX["models"][m["name"]]["rows"])
            self.assertEqual(m["data_sha256"], sha)
            self.assertRegex(m["trained_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            for k in ("r2", "rmse", "mae"):
                self.assertEqual(m["cv"][k]["mean"], j["metrics"][k]["mean"])
                self.assertEqual(m["cv"][k]["sd"], j["metrics"][k]["sd"])
            self.assertTrue(m["cv"]["grouped"])
            self.assertEqual(m["cv"]["folds"], 5)
            self.assertTrue(m["has_cv_predictions"])
        # Boosted trees learn log10 conductivity of OBELiX far better than the mean.
        gbt = get("/api/models").json()["models"][0]
        self.assertGreater(gbt["cv"]["r2"]["mean"], 0.5)


class Detail(unittest.TestCase):
    def test_parity_points_reproduce_the_cv_figures(self):
        for name in ("obelix-gbt", "obelix-svr"):
            body = get(f"/api/models/{name}").json()
            points = body["cv_predictions"]
            self.assertEqual(len(points), FIX["models"][name]["cv_rows"])
            self.assertEqual(len(points), body["model"]["rows"])
            self.assertEqual(sorted({p["fold"] for p in points}), [0, 1, 2, 3, 4])
            # Grouped folds: a composition never sits in two folds.
            fold_of = {}
            for p in points:
                self.assertEqual(fold_of.setdefault(p["group"], p["fold"]), p["fold"], p["group"])
            for fold in body["cv"]["folds"]:
                r2, rmse, mae = scores([p for p in points if p["fold"] == fold["fold"]])
                self.assertAlmostEqual(r2, fold["r2"], places=6, msg=f"{name} fold {fold}")
                self.assertAlmostEqual(rmse, fold["rmse"], places=6)
                self.assertAlmostEqual(mae, fold["mae"], places=6)
            self.assertEqual(body["missing"]["fallback"], "median")
            self.assertEqual(len(body["features"]), body["model"]["features"])
            self.assertEqual(body["screens"], ["screen"])

    def test_importance(self):
        gbt = get("/api/models/obelix-gbt").json()
        imp = gbt["importance"]
        names = set(gbt["features"])
        self.assertEqual(len(imp["permutation"]), len(names))
        self.assertEqual({r["name"] for r in imp["permutation"]}, names)
        self.assertEqual(len(imp["tree"]), len(names))
        self.assertTrue(imp["ablation"])
        means = [r["mean"] for r in imp["permutation"]]
        self.assertEqual(means, sorted(means, reverse=True))
        self.assertGreater(means[0], 0)
        svr = get("/api/models/obelix-svr").json()["importance"]
        self.assertEqual(len(svr["permutation"]), len(names))
        self.assertNotIn("tree", svr)

    def test_members_only(self):
        error(self, get("/api/models/lab-gpr"), 404, r"no model 'lab-gpr'")
        body = get("/api/models/lab-gpr", MEMBER).json()
        self.assertTrue(body["model"]["members_only"])
        self.assertIsNone(body["importance"])
        self.assertEqual(body["screens"], ["lab-screen"])
        # A GP gives each out-of-fold prediction its predictive standard deviation.
        stds = [p["predicted_std"] for p in body["cv_predictions"]]
        self.assertEqual(len(stds), FIX["models"]["lab-gpr"]["with_std"])
        self.assertTrue(all(s is not None and s > 0 for s in stds))
        # The public gbt model is in both screens, but a guest learns only of the public one.
        self.assertEqual(get("/api/models/obelix-gbt", MEMBER).json()["screens"],
                         ["lab-screen", "screen"])

    def test_bad_and_unknown_names(self):
        for path, status, pattern in [
            ("/api/models/.hidden", 400, r"invalid model name '\.hidden'"),
            ("/api/models/%2e%2e", 400, r"invalid model name '\.\.'"),
            ("/api/models/", 400, r"invalid model name ''"),
            ("/api/models/a%20b", 400, r"invalid model name 'a b'"),
            ("/api/models/" + "x" * 200, 400, r"invalid model name"),
            ("/api/models/nope", 404, r"no model 'nope'"),
            ("/api/models/broken", 404, r"no model 'broken'"),
            ("/api/models/empty-dir", 404, r"no model 'empty-dir'"),
            ("/api/models/screen.csv", 404, r"no model 'screen.csv'"),
            ("/api/screens/..", 400, r"invalid screen name"),
            ("/api/screens/notes", 404, r"no screen 'notes'"),
            ("/api/screens/obelix-gbt", 404, r"no screen 'obelix-gbt'"),
            ("/api/screens/lab-screen", 404, r"no screen 'lab-screen'"),
            ("/api/screens/screen?limit=abc", 400, r"limit must be a non-negative integer"),
        ]:
            with self.subTest(path=path):
                error(self, get(path), status, pattern)
        # A name with a slash (sent byte for byte, or encoded) is no model route at all.
        for path in ("/api/models/../../etc/passwd", "/api/models/..%2F..%2Fetc%2Fpasswd",
                     "/api/screens/../screen"):
            with self.subTest(path=path):
                r = ts.raw_request(path)
                self.assertIn(r.status, (400, 404), r.body)
                self.assertNotIn("root:", r.body)


class Screens(unittest.TestCase):
    def rows_of(self, name):
        with open(os.path.join(FIX["dir"], name + ".csv"), newline="") as f:
            return list(csv.DictReader(f))

    def test_counts_agree_with_the_csv(self):
        for name, headers in (("screen", None), ("lab-screen", MEMBER)):
            rows = self.rows_of(name)
            body = get(f"/api/screens/{name}?limit=1000", headers).json()
            self.assertEqual(body["rows"], len(rows))
            self.assertEqual(body["total"], len(rows))
            self.assertEqual(len(body["page"]), len(rows))
            self.assertEqual(body["page"][0], list(rows[0].values()))
            by_set = {}
            for r in rows:
                by_set[r["kept_by"]] = by_set.get(r["kept_by"], 0) + 1
            self.assertEqual({o["kept_by"]: o["count"] for o in body["overlap"]}, by_set)
            self.assertEqual(body["overlap"][0]["models"], 2)
            by_agree = {}
            for r in rows:
                by_agree[int(r["n_agree"])] = by_agree.get(int(r["n_agree"]), 0) + 1
            self.assertEqual({a["n_agree"]: a["count"] for a in body["by_agree"]}, by_agree)
        self.assertEqual(body["models"], ["obelix-gbt", "lab-gpr"])
        self.assertIn("lab-gpr_std", body["columns"])

    def test_paging_and_filter(self):
        rows = self.rows_of("screen")
        body = get("/api/screens/screen?offset=5&limit=7").json()
        self.assertEqual(body["page"], [list(r.values()) for r in rows[5:12]])
        svr_only = [list(r.values()) for r in rows if r["kept_by"] == "obelix-svr"]
        body = get("/api/screens/screen?kept_by=obelix-svr&limit=3").json()
        self.assertEqual(body["total"], len(svr_only))
        self.assertEqual(body["page"], svr_only[:3])


    def test_sort(self):
        rows = self.rows_of("screen")
        body = get("/api/screens/screen?sort=obelix-gbt:desc&limit=10&offset=3").json()
        best = sorted(rows, key=lambda r: -float(r["obelix-gbt"]))
        self.assertEqual(body["page"], [list(r.values()) for r in best[3:13]])
        self.assertEqual(body["sort"], "obelix-gbt:desc")
        body = get("/api/screens/screen?sort=obelix-svr&kept_by=obelix-gbt%2Bobelix-svr"
                   "&limit=1000").json()
        both = sorted((r for r in rows if r["kept_by"] == "obelix-gbt+obelix-svr"),
                      key=lambda r: float(r["obelix-svr"]))
        self.assertEqual(body["page"], [list(r.values()) for r in both])
        self.assertEqual(body["total"], len(both))
        error(self, get("/api/screens/screen?sort=nope"), 400,
              r"sort must be a column of the screen \(Reduced Composition, obelix-gbt, .*'nope'")
        error(self, get("/api/screens/screen?sort=n_agree&offset=99990&limit=100"), 400,
              r"offset \+ limit must be at most 100000 with sort")

    def test_quoted_fields(self):
        # A hand-written screen: commas inside quoted fields, a quoted kept_by; counts and the
        # filter read the same fields a CSV parser reads.
        path = os.path.join(FIX["dir"], "hand.csv")
        with open(path, "w", newline="") as f:
            f.write('material,obelix-gbt,n_agree,kept_by\r\n"Li2O, doped",1.5,1,obelix-gbt\r\n'
                    'LiF,0.5,0,\r\n"Li3N ""a""",2,1,"obelix-gbt"\r\n\r\nLi2S,3,1,obelix-gbt\r\n')
        try:
            body = get("/api/screens/hand?kept_by=obelix-gbt").json()
            self.assertEqual(body["rows"], 4)
            self.assertEqual({o["kept_by"]: o["count"] for o in body["overlap"]},
                             {"obelix-gbt": 3, "(none)": 1})
            self.assertEqual({a["n_agree"]: a["count"] for a in body["by_agree"]}, {1: 3, 0: 1})
            self.assertEqual(body["total"], 3)
            self.assertEqual([r[0] for r in body["page"]], ["Li2O, doped", 'Li3N "a"', "Li2S"])
            body = get("/api/screens/hand?sort=obelix-gbt:desc").json()
            self.assertEqual([r[0] for r in body["page"]],
                             ["Li2S", 'Li3N "a"', "Li2O, doped", "LiF"])
        finally:
            os.remove(path)


class NoModels(unittest.TestCase):
    def test_server_without_models(self):
        server = ts.Server(FIX["db"])
        try:
            body = ts.http(server.url + "/api/models").json()
            self.assertEqual(body, {"published": False, "models": [], "screens": []})
            r = ts.http(server.url + "/api/models/obelix-gbt")
            self.assertEqual(r.status, 404)
            self.assertRegex(r.json()["error"]["detail"], r"--models DIR")
        finally:
            server.stop()

    def test_openapi_lists_the_routes(self):
        paths = get("/api/openapi.json").json()["paths"]
        for p in ("/api/models", "/api/models/{name}", "/api/screens/{name}"):
            self.assertIn(p, paths)


if __name__ == "__main__":
    unittest.main(verbosity=2)
