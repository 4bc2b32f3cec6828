#!/usr/bin/python3
"""Curating mined records through the native API (docs/api.md, "Mined records"), on two real
papers and a CeO2 substance (curation_fixture.py), through the real binary: POST
/api/mining/records/{id}/edit (fields, conditions, processing, substance link; all or none, one
audit row per field, the same rows as `phasebook mine review audit`), POST /api/mining/publish
(chosen records to the public or the members-only dataset; the property then shows on the
substance page to members only), GET /api/mining/substances, the class and document filters; and
every refusal: 401/403 for guests and members, 400 for a bad value, unit, temperature, substance
or condition with nothing written, 404 for an unknown record, 409 for publishing a pending or
published record and for editing a published one."""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
sys.path.insert(0, HERE)
import test_server as ts  # noqa: E402  (takes the binary from argv[1])
import curation_fixture  # noqa: E402

PASSWORD = curation_fixture.PASSWORD


def setUpModule():
    global DIR, DB, SERVER, BASE, FIX, MEMBER, EDITOR, COOKIE, CSRF
    DIR = tempfile.mkdtemp(prefix="pb-curation-")
    DB = os.path.join(DIR, "curation.db")
    FIX = curation_fixture.build(ts.BIN, DB)
    global FIX_VALUES  # the values as extracted, before any test edits them
    FIX_VALUES = dict(rows_of(DB, "SELECT id, value_as_given FROM mining_record"))
    SERVER = ts.Server(DB)
    BASE = SERVER.url
    ts.BASE = BASE
    MEMBER = ts.bearer("alice", PASSWORD)
    EDITOR = ts.bearer("erin", PASSWORD)
    body, COOKIE = ts.login("erin", PASSWORD)
    CSRF = body["csrf_token"]


def tearDownModule():
    SERVER.stop()
    shutil.rmtree(DIR)


def get(path, headers=None):
    return ts.http(BASE + path, headers=headers)


def post(path, body, headers=None):
    return ts.http(BASE + path, "POST", body, headers=EDITOR if headers is None else headers)


error = ts.check_api_error


def rows_of(db, sql, params=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


class Edit(unittest.TestCase):
    def test_roles_and_csrf(self):
        rid = FIX["records"]["PMC4313086.txt"][0]
        url = f"/api/mining/records/{rid}/edit"
        error(self, post(url, {"value": "1.0"}, headers={}), 401, r"sign in")
        error(self, post(url, {"value": "1.0"}, headers=MEMBER), 403, r"editor role")
        error(self, post(url, {"value": "1.0"}, headers={"Cookie": COOKIE}), 403, r"CSRF")
        error(self, post("/api/mining/publish", {"ids": [rid]}, headers=MEMBER), 403, r"editor")
        self.assertEqual(rows_of(DB, "SELECT count(*) FROM mining_record_audit WHERE record_id = ?",
                                 (rid,)), [(0,)])

    def test_bad_values_write_nothing(self):
        rid = FIX["conductivities"][1]
        before = get(f"/api/mining/records/{rid}", MEMBER).json()
        url = f"/api/mining/records/{rid}/edit"
        for body, pattern in [
            ({"value": "abc"}, f"'abc {before['unit']}' is not a value with a unit"),
            ({"value": "0.2", "unit": "furlongs"}, r"'0.2 furlongs' is not a value with a unit"),
            ({"unit": "eV"}, r"'eV' is not a unit of ionic_conductivity"),
            ({"temperature_K": "hot"}, r"temperature is a number of kelvin"),
            ({"temperature_K": -5}, r"temperature is a number of kelvin"),
            ({"substance_id": "pbs-000000000000"}, r"no substance 'pbs-000000000000'"),
            ({"conditions": {"sintering_temperature": "12 mm"}},
             r"sintering_temperature must be a value with a unit of temperature"),
            ({"conditions": {"sintering_time": "1400 °C"}}, r"sintering_time .* time"),
            ({"conditions": {"pellet_diameter": "wide"}}, r"pellet_diameter .* length"),
            ({"conditions": {"Sintering T": "1 K"}}, r"condition names are lower-case"),
            ({"conditions": ["x"]}, r"'conditions' must be an object"),
            ({"property": "activation_energy"}, r"not a unit of activation_energy"),
            ({"colour": "red"}, r"unknown field 'colour'"),
            ({"restricted": "yes"}, r"'restricted' must be true or false"),
            ({}, r"nothing to edit"),
            # The first two fields are fine, the third is not: none is written.
            ({"value": "0.5", "temperature_K": 700, "substance_id": "nope"}, r"no substance 'nope'"),
        ]:
            with self.subTest(body=body):
                error(self, post(url, body), 400, pattern)
        after = get(f"/api/mining/records/{rid}", MEMBER).json()
        self.assertEqual(after, before)
        self.assertEqual(after["audit"], [])
        error(self, post("/api/mining/records/999999/edit", {"value": "1"}), 404, r"no mined record")
        r = ts.http(BASE + url, "POST", b"value=1",
                    headers={**EDITOR, "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 415, r.body)

    def test_substance_search(self):
        hits = get("/api/mining/substances?q=CeO2").json()["rows"]
        self.assertEqual(hits[0]["id"], FIX["ceo2"])
        self.assertEqual(hits[0]["host_formula"], "CeO2")
        self.assertEqual(get(f"/api/mining/substances?q={FIX['ceo2']}").json()["rows"][0]["id"],
                         FIX["ceo2"])
        self.assertEqual(get("/api/mining/substances?q=Xx9").json()["rows"], [])
        error(self, get("/api/mining/substances"), 400, r"q must be")
        self.assertEqual(get("/api/mining/substances?q=%25").json()["rows"], [])  # LIKE escaped

    def test_filters_by_class_and_paper(self):
        # As a member: another test may have published a record to members only.
        electrolyte = get("/api/mining/records?state=&class=solid_electrolyte&limit=1000",
                          MEMBER).json()
        self.assertEqual([r["id"] for r in electrolyte["rows"]], FIX["records"]["PMC4495617.txt"])
        self.assertTrue(all(r["document_class"] == "solid_electrolyte" for r in electrolyte["rows"]))
        self.assertEqual(get("/api/mining/records?state=&class=anode").json()["total"], 0)
        page = get("/api/mining/records?state=&limit=3&offset=3", MEMBER).json()
        self.assertEqual(len(page["rows"]), 3)
        self.assertEqual([d["class"] for d in page["documents"]], ["other", "solid_electrolyte"])
        self.assertEqual(sum(d["records"] for d in page["documents"]), 24)
        self.assertEqual(sum(page["properties"].values()), 24)
        self.assertEqual(page["properties"]["ionic_conductivity"],
                         len(rows_of(DB, "SELECT id FROM mining_record WHERE property = "
                                         "'ionic_conductivity'")))
        doc = page["documents"][0]["id"]
        by_doc = get(f"/api/mining/records?state=&document_id={doc}&limit=1000", MEMBER).json()
        self.assertEqual(by_doc["total"], page["documents"][0]["records"])


class CurateAndPublish(unittest.TestCase):
    def test_edit_accept_publish_members_only(self):
        rid = FIX["conductivities"][0]
        ceo2 = FIX["ceo2"]
        r = post(f"/api/mining/records/{rid}/edit", {
            "value": "0.15", "temperature_K": 923.15, "substance_id": ceo2,
            "conditions": {"sintering_temperature": "1400 °C", "sintering_time": "5 h",
                           "pellet_diameter": "13 mm", "atmosphere": "dry air",
                           "cell": "Ag|SDC|Ag"}},
            headers={"Cookie": COOKIE, "X-CSRF-Token": CSRF})
        self.assertEqual(r.status, 200, r.body)
        rec = r.json()
        self.assertEqual(rec["state"], "edited")
        self.assertAlmostEqual(rec["value_si"], 15.0)  # 0.15 S/cm in S/m (the unit as extracted)
        self.assertEqual(rec["temperature_K"], 923.15)
        self.assertEqual(rec["substance_id"], ceo2)
        self.assertEqual(rec["conditions"]["sintering_temperature"], "1400 °C")
        self.assertEqual([a["action"] for a in rec["audit"]],
                         ["edit value", "edit temperature", "edit substance",
                          "edit condition.sintering_temperature", "edit condition.sintering_time",
                          "edit condition.pellet_diameter", "edit condition.atmosphere",
                          "edit condition.cell"])
        self.assertTrue(all(a["user"] == "erin" for a in rec["audit"]))
        self.assertEqual(rec["audit"][0]["before"]["value_as_given"],
                         FIX_VALUES[rid])
        self.assertEqual(rec["audit"][0]["after"]["value_as_given"], "0.15")
        # The same rows as the CLI's audit.
        cli = [json.loads(l) for l in ts.run("mine", "review", "audit", str(rid), "--db", DB,
                                             "--json").splitlines()]
        self.assertEqual([(a["user"], a["action"], a["time"]) for a in cli],
                         [(a["user"], a["action"], a["time"]) for a in rec["audit"]])

        # Publishing needs a curated record; the dataset is public or members.
        pending = FIX["conductivities"][2]
        error(self, post("/api/mining/publish", {"ids": [pending]}), 409, r"is pending; accept it")
        error(self, post("/api/mining/publish", {"ids": [rid], "dataset": "secret"}), 400,
              r"dataset must be 'public' or 'members'")
        error(self, post("/api/mining/publish", {"ids": "1"}), 400, r"'ids' must be")
        error(self, post("/api/mining/publish", {"dataset": "members"}), 400, r"goes with 'ids'")
        error(self, post("/api/mining/publish", {"ids": [999999]}), 404, r"no mined record")
        # A mixed list is refused as a whole.
        error(self, post("/api/mining/publish", {"ids": [rid, pending], "dataset": "members"}), 409,
              r"pending")
        self.assertFalse(get(f"/api/mining/records/{rid}", MEMBER).json()["restricted"])

        self.assertEqual(post(f"/api/mining/records/{rid}/accept", {}).status, 200)
        r = post("/api/mining/publish", {"ids": [rid], "dataset": "members"})
        self.assertEqual(r.status, 200, r.body)
        out = r.json()
        self.assertEqual(out["published"], 1)
        pub = out["records"][0]
        self.assertTrue(pub["restricted"])
        self.assertEqual(pub["state"], "accepted")
        prop = pub["property_id"]
        self.assertIsInstance(prop, int)
        self.assertEqual(rows_of(DB, "SELECT substance_id, dataset, value_si, temperature_K, "
                                     "conditions LIKE '%sintering_temperature%' FROM property "
                                     "WHERE id = ?", (prop,)),
                         [(ceo2, "mining-restricted", 15.0, 923.15, 1)])
        audit = get(f"/api/mining/records/{rid}", MEMBER).json()["audit"]
        self.assertEqual([a["action"] for a in audit[-3:]], ["accept", "edit restricted", "publish"])
        self.assertEqual(audit[-1]["note"], f"property {prop} in dataset mining-restricted")

        # The substance shows the property to members, not to guests.
        guest = get(f"/api/substances/{ceo2}").json()
        member = get(f"/api/substances/{ceo2}", MEMBER).json()
        self.assertNotIn(prop, [p["id"] for p in guest["properties"]])
        self.assertIn(prop, [p["id"] for p in member["properties"]])
        self.assertEqual(get(f"/api/mining/records/{rid}").status, 404)

        # A published record is not edited or published again.
        error(self, post(f"/api/mining/records/{rid}/edit", {"value": "0.2"}), 409,
              r"published as property")
        error(self, post("/api/mining/publish", {"ids": [rid]}), 409, r"already published")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
