#!/usr/bin/python3
"""The native API of the calculation and mining pages through the real binary, on a database
with real pw.x runs and real papers (results_fixture.py): GET /api/calculations and
/api/calculations/{id} (energies, gap, DOS and bands for plotting, checked against each other and
against `phasebook calc results`), GET /api/mining/records and POST .../accept|reject|reset
(roles, CSRF, audit, checked against `phasebook mine review audit`); guests see neither the
calculation on a members-only structure nor the records of a members-only paper or a
restricted record; every bad request is a 4xx with a message."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
sys.path.insert(0, HERE)
import test_server as ts  # noqa: E402  (takes the binary from argv[1])
import results_fixture  # noqa: E402

PASSWORD = results_fixture.PASSWORD


def setUpModule():
    global DIR, DB, SERVER, BASE, FIX, MEMBER, EDITOR, COOKIE, CSRF
    DIR = tempfile.mkdtemp(prefix="pb-results-")
    DB = os.path.join(DIR, "results.db")
    FIX = results_fixture.build(ts.BIN, DB)
    SERVER = ts.Server(DB)
    BASE = SERVER.url
    ts.BASE = BASE  # for ts.login and ts.bearer
    MEMBER = ts.bearer("alice", PASSWORD)
    EDITOR = ts.bearer("erin", PASSWORD)
    body, COOKIE = ts.login("erin", PASSWORD)
    CSRF = body["csrf_token"]


def tearDownModule():
    SERVER.stop()
    import shutil
    shutil.rmtree(DIR)


def get(path, headers=None):
    return ts.http(BASE + path, headers=headers)


error = ts.check_api_error


class Calculations(unittest.TestCase):
    def test_list_guest_and_member(self):
        guest = get("/api/calculations").json()
        member = get("/api/calculations", MEMBER).json()
        self.assertEqual(guest["total"], 2)
        self.assertEqual([(r["formula"], r["state"]) for r in guest["rows"]],
                         [("Si", "done"), ("Si", "failed")])
        self.assertEqual(member["total"], 3)
        self.assertEqual(sorted(r["formula"] for r in member["rows"]), ["Al", "Si", "Si"])
        # Done jobs agree with `phasebook calc results`, the others with `calc status`.
        cli = {r["job_id"]: r for r in map(json.loads, ts.run(
            "calc", "results", "--db", DB, "--json").splitlines())}
        status = {r["id"]: r for r in map(json.loads, ts.run(
            "calc", "status", "--db", DB, "--json").splitlines())}
        for row in member["rows"]:
            self.assertEqual(row["state"], status[row["id"]]["state"])
            if row["state"] != "done":
                self.assertNotIn(row["id"], cli)
                continue
            self.assertAlmostEqual(row["energy_ev"], cli[row["id"]]["energy_ev"], places=9)
            self.assertEqual(row["metal"], cli[row["id"]]["metal"])
        al = next(r for r in member["rows"] if r["formula"] == "Al")
        self.assertTrue(al["metal"])
        si = guest["rows"][0]
        self.assertFalse(si["metal"])
        self.assertFalse(si["gap_direct"])
        # LDA silicon: an indirect gap of about 0.5 eV.
        self.assertGreater(si["band_gap_ev"], 0.35)
        self.assertLess(si["band_gap_ev"], 0.7)
        # The failed job: its reason, no numbers.
        failed = guest["rows"][1]
        self.assertEqual(failed["id"], FIX["jobs"]["si-fail"])
        self.assertRegex(failed["reason"], r"SCF not converged")
        self.assertIsNone(failed["energy_ev"])

    def test_failed_job_detail(self):
        d = get(f"/api/calculations/{FIX['jobs']['si-fail']}").json()
        self.assertEqual(d["job"]["state"], "failed")
        self.assertRegex(d["job"]["reason"], r"SCF not converged in 1 steps")
        self.assertIsNone(d["result"])
        self.assertNotIn("dos", d)
        self.assertNotIn("bands", d)

    def test_filters_and_paging(self):
        self.assertEqual(get("/api/calculations?task=bands", MEMBER).json()["total"], 1)
        self.assertEqual(get("/api/calculations?state=failed", MEMBER).json()["total"], 1)
        self.assertEqual(get("/api/calculations?state=cancelled", MEMBER).json()["total"], 0)
        self.assertEqual(get("/api/calculations?code=vasp", MEMBER).json()["total"], 0)
        page = get("/api/calculations?limit=1&offset=1", MEMBER).json()
        self.assertEqual((page["total"], page["offset"], len(page["rows"])), (3, 1, 1))
        si = get("/api/calculations").json()["rows"][0]
        self.assertEqual(get("/api/calculations?substance_id=" + si["substance_id"]).json()["total"], 2)
        self.assertEqual(get(f"/api/calculations?structure_id={si['structure_id']}&task=bands").json()["total"], 1)

    def test_bands_and_dos_detail(self):
        d = get(f"/api/calculations/{FIX['jobs']['si-bands']}").json()
        self.assertEqual(d["job"]["formula"], "Si")
        self.assertNotIn("source", d["result"])  # no server paths
        bands = d["bands"]
        nk = bands["nkpoints"]
        self.assertGreater(nk, 30)
        lines = bands["eigenvalues_ev"][0]
        self.assertEqual(len(bands["distance"]), nk)
        self.assertTrue(all(len(line) == nk for line in lines))
        self.assertEqual(bands["distance"], sorted(bands["distance"]))
        labels = [l["label"] for l in bands["labels"]]
        for name in ("G", "X", "L", "W", "K"):
            self.assertIn(name, labels)
        self.assertEqual(bands["labels"][0]["distance"], 0)
        # 8 valence electrons fill 4 bands: the gap is band 5's minimum less band 4's maximum,
        # and energies are drawn from the valence-band maximum.
        gap = d["result"]["gap"]
        self.assertAlmostEqual(min(lines[4]) - max(lines[3]), gap["gap_ev"], places=9)
        self.assertAlmostEqual(bands["zero_ev"], max(lines[3]), places=9)
        # The broadened DOS holds 2 states per band (no spin polarisation) over the window.
        dos = d["dos"]
        self.assertEqual(dos["source"], "broadened")
        self.assertEqual(len(dos["energies_ev"]), 1000)
        e, t = dos["energies_ev"], dos["total"][0]
        integral = sum((e[i + 1] - e[i]) * (t[i] + t[i + 1]) / 2 for i in range(len(e) - 1))
        self.assertAlmostEqual(integral, 2 * len(lines), delta=0.01)
        d2 = get(f"/api/calculations/{FIX['jobs']['si-bands']}?points=200&sigma=0.05").json()
        self.assertEqual(len(d2["dos"]["energies_ev"]), 200)
        self.assertEqual(d2["dos"]["sigma_ev"], 0.05)

    def test_scf_has_dos_but_no_path(self):
        d = get(f"/api/calculations/{FIX['jobs']['al-scf']}", MEMBER).json()
        self.assertEqual(d["job"]["formula"], "Al")
        self.assertIn("dos", d)
        self.assertNotIn("bands", d)
        self.assertTrue(d["result"]["gap"]["metal"])

    def test_restricted_structure_hides_its_calculation(self):
        r = get(f"/api/calculations/{FIX['jobs']['al-scf']}")
        error(self, r, 404, r"no calculation")
        self.assertEqual(get(f"/api/calculations/{FIX['jobs']['al-scf']}", MEMBER).status, 200)

    def test_bad_input(self):
        error(self, get("/api/calculations?state=finished"), 400, r"state must be one of")
        error(self, get("/api/calculations?limit=x"), 400, r"limit")
        error(self, get("/api/calculations?offset=-1"), 400, r"offset")
        error(self, get("/api/calculations?structure_id=abc"), 400, r"structure_id")
        error(self, get("/api/calculations/abc"), 404, r"no calculation 'abc'")
        error(self, get("/api/calculations/99999"), 404, r"no calculation '99999'")
        bands = FIX["jobs"]["si-bands"]
        error(self, get(f"/api/calculations/{bands}?sigma=0"), 400, r"sigma must be a number")
        error(self, get(f"/api/calculations/{bands}?sigma=nan"), 400, r"sigma")
        error(self, get(f"/api/calculations/{bands}?points=5"), 400, r"points must be")

    def test_openapi_lists_the_endpoints(self):
        paths = get("/api/openapi.json").json()["paths"]
        for p in ("/api/calculations", "/api/calculations/{id}", "/api/mining/records",
                  "/api/mining/records/{id}", "/api/mining/records/{id}/accept",
                  "/api/mining/records/{id}/reject", "/api/mining/records/{id}/reset"):
            self.assertIn(p, paths)


class Mining(unittest.TestCase):
    def test_visibility(self):
        public, lab = FIX["records"]["PMC4313086.txt"], FIX["records"]["PMC4495617.txt"]
        guest = get("/api/mining/records?state=&limit=1000").json()
        member = get("/api/mining/records?state=&limit=1000", MEMBER).json()
        self.assertEqual(member["total"], len(public) + len(lab))
        guest_ids = {r["id"] for r in guest["rows"]}
        self.assertFalse(guest_ids & set(lab), "a guest sees records of a members-only paper")
        self.assertEqual(guest_ids, {r["id"] for r in member["rows"] if r["id"] in public and not r["restricted"]})
        error(self, get(f"/api/mining/records/{lab[0]}"), 404, r"no mined record")
        self.assertEqual(get(f"/api/mining/records/{lab[0]}", MEMBER).status, 200)
        # The audit trail is for members.
        self.assertNotIn("audit", get(f"/api/mining/records/{public[0]}").json())
        self.assertIn("audit", get(f"/api/mining/records/{public[0]}", MEMBER).json())

    def test_list_matches_the_cli_and_filters(self):
        cli = [json.loads(l) for l in ts.run("mine", "records", "--db", DB, "--json").splitlines()]
        api = get("/api/mining/records?state=&limit=1000", MEMBER).json()["rows"]
        self.assertEqual([r["id"] for r in api], [r["id"] for r in cli])
        for a, c in zip(api, cli):
            self.assertEqual((a["property"], a["value"], a["unit"], a["sentence"]),
                             (c["property"], c["value"], c["unit"], c["sentence"]))
            if a["sentence_parts"]:
                self.assertEqual("".join(a["sentence_parts"]), a["sentence"])
                self.assertIn(a["value"], a["sentence_parts"][1])
        prop = api[0]["property"]
        only = get(f"/api/mining/records?state=&limit=1000&property={prop}", MEMBER).json()
        self.assertEqual(only["total"], sum(1 for r in api if r["property"] == prop))
        mat = api[0]["material_formula"]
        by_mat = get(f"/api/mining/records?state=&limit=1000&material={mat}", MEMBER).json()
        self.assertTrue(by_mat["total"] >= 1 and all(mat in (r["material"], r["material_formula"]) or r["material_reduced"] == mat for r in by_mat["rows"]))
        page = get("/api/mining/records?state=&limit=5&offset=5", MEMBER).json()
        self.assertEqual([r["id"] for r in page["rows"]], [r["id"] for r in api[5:10]])
        self.assertEqual(sum(page["states"].values()), len(api))

    def test_review_roles_csrf_and_audit(self):
        rid = FIX["records"]["PMC4313086.txt"][0]
        url = f"{BASE}/api/mining/records/{rid}/accept"
        self.assertEqual(ts.http(url, "POST", {}).status, 401)
        self.assertEqual(ts.http(url, "POST", {}, headers=MEMBER).status, 403)
        # A cookie session needs the CSRF header.
        r = ts.http(url, "POST", {}, headers={"Cookie": COOKIE})
        error(self, r, 403, r"CSRF")
        self.assertEqual(get(f"/api/mining/records/{rid}", MEMBER).json()["state"], "pending")
        r = ts.http(url, "POST", {"note": "checked against table 2"},
                    headers={"Cookie": COOKIE, "X-CSRF-Token": CSRF})
        self.assertEqual(r.status, 200, r.body)
        rec = r.json()
        self.assertEqual(rec["state"], "accepted")
        self.assertEqual([(a["user"], a["action"], a["note"]) for a in rec["audit"]],
                         [("erin", "accept", "checked against table 2")])
        self.assertEqual(rec["audit"][0]["before"]["state"], "pending")
        self.assertEqual(rec["audit"][0]["after"]["state"], "accepted")
        # The same audit as `phasebook mine review audit`.
        cli = [json.loads(l) for l in ts.run("mine", "review", "audit", str(rid), "--db", DB,
                                             "--json").splitlines()]
        self.assertEqual([(a["user"], a["action"], a["time"]) for a in cli],
                         [(a["user"], a["action"], a["time"]) for a in rec["audit"]])
        # Reject, then back to pending.
        for action, state in (("reject", "rejected"), ("reset", "pending")):
            r = ts.http(f"{BASE}/api/mining/records/{rid}/{action}", "POST", {}, headers=EDITOR)
            self.assertEqual((r.status, r.json()["state"]), (200, state), r.body)
        self.assertEqual([a["action"] for a in get(f"/api/mining/records/{rid}", MEMBER).json()["audit"]],
                         ["accept", "reject", "reset"])

    def test_accept_restricted_hides_it_from_guests(self):
        rid = FIX["records"]["PMC4313086.txt"][1]
        self.assertEqual(get(f"/api/mining/records/{rid}").status, 200)
        r = ts.http(f"{BASE}/api/mining/records/{rid}/accept", "POST", {"restricted": True},
                    headers=EDITOR)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.json()["restricted"])
        self.assertEqual(get(f"/api/mining/records/{rid}").status, 404)
        self.assertNotIn(rid, [x["id"] for x in get("/api/mining/records?state=&limit=1000").json()["rows"]])

    def test_bad_input(self):
        rid = FIX["records"]["PMC4313086.txt"][2]
        error(self, get("/api/mining/records?state=done"), 400, r"state must be pending")
        error(self, get("/api/mining/records?min_confidence=2"), 400, r"min_confidence")
        error(self, get("/api/mining/records?document_id=x"), 400, r"document_id")
        error(self, get("/api/mining/records/x"), 404, r"no mined record 'x'")
        post = lambda path, body, **kw: ts.http(BASE + path, "POST", body, headers={**EDITOR, **kw})
        error(self, post("/api/mining/records/999999/accept", {}), 404, r"no mined record")
        error(self, post(f"/api/mining/records/{rid}/accept", {"notes": "x"}), 400, r"unknown field 'notes'")
        error(self, post(f"/api/mining/records/{rid}/reject", {"restricted": True}), 400, r"accept only")
        error(self, post(f"/api/mining/records/{rid}/accept", {"restricted": "yes"}), 400, r"true or false")
        error(self, post(f"/api/mining/records/{rid}/accept", {"note": 3}), 400, r"note")
        r = ts.http(f"{BASE}/api/mining/records/{rid}/accept", "POST", b"note=x",
                    headers={**EDITOR, "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(ts.http(f"{BASE}/api/mining/records/{rid}/publish", "POST", {}, headers=EDITOR).status, 404)
        self.assertEqual(get(f"/api/mining/records/{rid}", MEMBER).json()["state"], "pending")


if __name__ == "__main__":
    unittest.main(verbosity=2)
