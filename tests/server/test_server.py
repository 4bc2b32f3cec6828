#!/usr/bin/python3
"""`phasebook serve` end to end: a real server on a free port over a real database built with
`phasebook ingest` from data/demo. Replays every request of the OPTIMADE validator
(../shared/optimade/validator-requests.txt) and checks status and shape, fetches structures with
pymatgen's OptimadeRester and compares them with the database, checks that restricted rows are
invisible to a guest and visible to a member, that SIGTERM lets a slow request finish, and that
bad or hostile requests get a 4xx JSON answer (never a 500)."""
import gzip
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

BIN = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "data", "demo")
SHARED = os.environ.get("PB_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
VALIDATOR_REQUESTS = os.path.join(SHARED, "optimade", "validator-requests.txt")
PASSWORD = "correct horse battery"


def run(*args, stdin=None):
    r = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def query(db, sql, params=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http(url, method="GET", body=None, headers=None, timeout=30):
    """One request; returns status, headers and the (decompressed) body for any status."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    if hdrs.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return Response(status, hdrs, raw.decode("utf-8", "replace"))


class Server:
    def __init__(self, db, *extra):
        self.log = db + ".access.log"
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", db, "--port", "0", "--access-log", self.log, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"(http://[0-9.]+:\d+)", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"serve did not announce a URL: {line!r} {self.proc.stderr.read()}")
        self.url = m.group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()


def setUpModule():
    global DIR, DB, SERVER, BASE, RESTRICTED
    DIR = tempfile.mkdtemp()
    DB = os.path.join(DIR, "demo.db")
    run("ingest", "cif", "--db", DB, os.path.join(DEMO, "structures"))
    run("ingest", "properties", "--db", DB, os.path.join(DEMO, "ionic_conductivity.csv"))
    # Restricted data: one substance with everything of it, and three more Li structures.
    con = sqlite3.connect(DB)
    with con:
        con.execute("INSERT INTO dataset(name, visibility) VALUES ('lab', 'members')")
        (sub,), = con.execute(
            "SELECT p.substance_id FROM property p JOIN structure s ON s.substance_id ="
            " p.substance_id GROUP BY 1 ORDER BY 1 LIMIT 1").fetchall()
        con.execute("UPDATE substance SET dataset = 'lab' WHERE id = ?", (sub,))
        con.execute("UPDATE structure SET dataset = 'lab' WHERE substance_id = ?", (sub,))
        con.execute("UPDATE property SET dataset = 'lab' WHERE substance_id = ?", (sub,))
        con.execute("UPDATE structure SET dataset = 'lab' WHERE id IN (SELECT id FROM structure"
                    " WHERE elements LIKE '%,Li,%' AND dataset = 'public' ORDER BY id DESC LIMIT 3)")
    con.close()
    RESTRICTED = {
        "substance": sub,
        "structures": [r[0] for r in query(DB, "SELECT id FROM structure WHERE dataset='lab'")],
        "properties": [r[0] for r in query(DB, "SELECT id FROM property WHERE dataset='lab'")],
    }
    run("user", "add", "--db", DB, "alice", "--role", "member", stdin=PASSWORD + "\n")
    run("user", "add", "--db", DB, "eddie", "--role", "editor", stdin=PASSWORD + "\n")
    SERVER = Server(DB, "--test-endpoints")
    BASE = SERVER.url


def tearDownModule():
    SERVER.stop()
    shutil.rmtree(DIR)


def login(name):
    r = http(BASE + "/api/login", "POST", {"name": name, "password": PASSWORD})
    assert r.status == 200, r.body
    return r.json(), r.headers.get("Set-Cookie").split(";")[0]


def bearer(name):
    return {"Authorization": "Bearer " + login(name)[0]["token"]}


def check_optimade_error(test, r, status):
    test.assertEqual(r.status, status, r.body[:500])
    body = r.json()
    test.assertIn("errors", body)
    test.assertEqual(body["errors"][0]["status"], str(status))
    test.assertTrue(body["errors"][0]["detail"])
    test.assertIn("api_version", body["meta"])


class ValidatorReplay(unittest.TestCase):
    """Every request of the official validator's run, with the status it must get."""

    SAMPLE = {  # values for the "…" placeholders, by field
        "last_modified": "2020-01-01T00:00:00Z", "year": "2020", "doi": "10.1",
        "elements": "Li", "species_at_sites": "Li", "structure_features": "disorder",
    }

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(VALIDATOR_REQUESTS):
            raise unittest.SkipTest(f"{VALIDATOR_REQUESTS} is missing")
        cls.lines = open(VALIDATOR_REQUESTS, encoding="utf-8").read().splitlines()
        cls.ids = {t: http(f"{BASE}/optimade/v1/{t}?page_limit=1").json()["data"][0]["id"]
                   for t in ("structures", "references")}

    def check_shape(self, r, path, params):
        body = r.json()
        self.assertIn("meta", body)
        meta = body["meta"]
        self.assertTrue(meta["api_version"].startswith("1."))
        self.assertIn("representation", meta["query"])
        self.assertEqual(meta["provider"]["prefix"], "phasebook")
        if path.endswith("/info"):
            self.assertEqual(body["data"]["attributes"]["api_version"], meta["api_version"])
            return
        if "/info/" in path:
            self.assertIn("properties", body["data"])
            self.assertIn("json", body["data"]["output_fields_by_format"])
            return
        self.assertIsInstance(meta["more_data_available"], bool)
        entries = body["data"] if isinstance(body["data"], list) else [body["data"]]
        if isinstance(body["data"], list):
            self.assertIsInstance(meta["data_returned"], int)
            self.assertIsInstance(meta["data_available"], int)
            self.assertLessEqual(len(entries), meta["data_returned"])
            self.assertIn("next", body["links"])
            if "page_limit" in params:
                self.assertLessEqual(len(entries), int(params["page_limit"]))
        for e in entries:
            self.assertIsInstance(e["id"], str)
            self.assertIn(e["type"], ("structures", "references", "links"))
            if "response_fields" in params:
                wanted = set(params["response_fields"].split(","))
                self.assertLessEqual(set(e["attributes"]), wanted)

    def test_non_filter_requests(self):
        n = 0
        section = None
        for line in self.lines:
            if line.startswith("## "):
                section = line
                continue
            if "Non-filter" not in (section or "") or not line.strip() or line.startswith("#"):
                continue
            path, names, status = line.split("\t")
            entry = "structures" if "structures" in path else "references"
            path = path.replace("<id>", self.ids[entry])
            params = {}
            for name in filter(None, names.split(",")):
                params[name] = {"page_limit": "3", "page_offset": "2",
                                "response_fields": "nsites,elements" if entry == "structures"
                                else "doi,title"}[name]
            url = BASE + "/optimade" + path + ("?" + urllib.parse.urlencode(params) if params else "")
            r = http(url)
            with self.subTest(url=url):
                if path.endswith("/versions") and int(status) == 200:
                    self.assertEqual(r.status, 200)
                    self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
                    self.assertEqual(r.body.splitlines()[:2], ["version", "1"])
                elif int(status) == 200:
                    self.assertEqual(r.status, 200, r.body[:300])
                    self.check_shape(r, path, params)
                else:
                    check_optimade_error(self, r, int(status))
            n += 1
        self.assertEqual(n, 26)

    def fill(self, filt):
        def value(m):
            field = re.search(r"([a-z_]+)\s*(!=|<=|>=|=|<|>|CONTAINS|STARTS|ENDS|HAS)", filt)
            field = field.group(1) if field else re.search(r"(?:=|<)\s*([a-z_]+)", filt).group(1)
            if field == "id":
                return '"' + self.ids[self.entry] + '"'
            return '"' + self.SAMPLE.get(field, "Li") + '"'
        out = re.sub(r'"…"', value, filt)
        return re.sub(r"\bN\b", "3", out)

    def test_filter_requests(self):
        n = 0
        in_filters = False
        for line in self.lines:
            if line.startswith("## "):
                in_filters = line.startswith("## Filter")
                continue
            if not in_filters or not line.strip():
                continue
            self.entry, filt, status = line.split("\t")
            filt = self.fill(filt)
            for prefix in ("/optimade/v1", "/optimade"):
                url = f"{BASE}{prefix}/{self.entry}?" + urllib.parse.urlencode({"filter": filt})
                r = http(url)
                with self.subTest(url=url):
                    if int(status) == 200 or (int(status) == 501 and r.status == 200):
                        # The reference server answers 501 for filters on immutable_id, which it
                        # does not support; Phasebook supports them.
                        self.assertEqual(r.status, 200, r.body[:300])
                        self.check_shape(r, f"/{self.entry}", {})
                    else:
                        check_optimade_error(self, r, int(status))
            n += 1
        self.assertEqual(n, 193)


class OptimadeShape(unittest.TestCase):
    def test_structure_entry_fields(self):
        body = http(f"{BASE}/optimade/v1/structures?page_limit=5").json()
        self.assertEqual(len(body["data"]), 5)
        self.assertTrue(body["meta"]["more_data_available"])
        self.assertIn("page_offset=5", body["links"]["next"])
        a = body["data"][0]["attributes"]
        for field in ("lattice_vectors", "cartesian_site_positions", "species", "species_at_sites",
                      "elements", "nelements", "elements_ratios", "chemical_formula_reduced",
                      "chemical_formula_anonymous", "nsites", "dimension_types",
                      "structure_features", "last_modified", "_phasebook_substance_id"):
            self.assertIn(field, a)
        self.assertEqual(len(a["species_at_sites"]), a["nsites"])
        self.assertEqual(len(a["cartesian_site_positions"]), a["nsites"])
        names = {s["name"] for s in a["species"]}
        self.assertLessEqual(set(a["species_at_sites"]), names)
        # include=references is the default: the cited references come along.
        refs = {rel["id"] for e in body["data"]
                for rel in e.get("relationships", {}).get("references", {}).get("data", [])}
        self.assertEqual(refs, {e["id"] for e in body.get("included", [])})

    def test_disordered_sites_have_concentrations(self):
        body = http(f"{BASE}/optimade/v1/structures?page_limit=200&response_fields="
                    "species,structure_features").json()
        disordered = [e for e in body["data"] if "disorder" in e["attributes"]["structure_features"]]
        self.assertTrue(disordered)
        species = disordered[0]["attributes"]["species"]
        self.assertTrue(any(len(s["chemical_symbols"]) > 1 or "vacancy" in s["chemical_symbols"]
                            for s in species))
        for s in species:
            self.assertEqual(len(s["concentration"]), len(s["chemical_symbols"]))

    def test_paging_walks_every_entry_once(self):
        seen, url = [], f"{BASE}/optimade/v1/structures?page_limit=50&response_fields=nsites"
        while url:
            body = http(url).json()
            seen += [e["id"] for e in body["data"]]
            url = body["links"]["next"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), body["meta"]["data_available"])

    def test_sort(self):
        body = http(f"{BASE}/optimade/v1/structures?sort=-nsites&page_limit=20"
                    "&response_fields=nsites").json()
        nsites = [e["attributes"]["nsites"] for e in body["data"]]
        self.assertEqual(nsites, sorted(nsites, reverse=True))

    def test_errors(self):
        check_optimade_error(self, http(f"{BASE}/optimade/v2/info"), 553)
        check_optimade_error(self, http(f"{BASE}/optimade/v1.7/info"), 553)
        check_optimade_error(self, http(f"{BASE}/optimade/info?api_hint=v2"), 553)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/structures?page_limit=100000"), 403)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/structures/999999999"), 404)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/nothing"), 404)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/structures?frobnicate=1"), 400)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/structures?response_format=xml"), 400)
        check_optimade_error(self, http(f"{BASE}/optimade/v1/structures?sort=species"), 400)
        r = http(f"{BASE}/optimade/v1/structures?" +
                 urllib.parse.urlencode({"filter": "nelements > 2 AND (elements HAS"}))
        check_optimade_error(self, r, 400)
        self.assertRegex(r.json()["errors"][0]["detail"], r"column \d+")
        # Provider-prefixed parameters are accepted.
        self.assertEqual(http(f"{BASE}/optimade/v1/structures?_other_x=1&page_limit=1").status, 200)

    def test_custom_entry_type_substances(self):
        body = http(f"{BASE}/optimade/v1/_phasebook_substances?page_limit=2").json()
        self.assertEqual(len(body["data"]), 2)
        sid = body["data"][0]["id"]
        one = http(f"{BASE}/optimade/v1/_phasebook_substances/{sid}").json()
        self.assertEqual(one["data"]["id"], sid)
        self.assertEqual(one["data"]["type"], "_phasebook_substances")
        self.assertEqual(http(f"{BASE}/optimade/v1/info/_phasebook_substances").status, 200)
        info = http(f"{BASE}/optimade/v1/info").json()
        self.assertIn("_phasebook_substances",
                      info["data"]["attributes"]["entry_types_by_format"]["json"])

    def test_cors_on_optimade_only(self):
        r = urllib.request.urlopen(f"{BASE}/optimade/v1/info")
        self.assertEqual(r.headers["Access-Control-Allow-Origin"], "*")
        self.assertTrue(r.headers["Content-Type"].startswith("application/vnd.api+json"))
        self.assertIsNone(urllib.request.urlopen(f"{BASE}/api/me").headers["Access-Control-Allow-Origin"])

    def test_gzip_when_accepted(self):
        r = urllib.request.urlopen(urllib.request.Request(
            f"{BASE}/optimade/v1/structures?page_limit=50", headers={"Accept-Encoding": "gzip"}))
        self.assertEqual(r.headers["Content-Encoding"], "gzip")
        self.assertEqual(len(json.loads(gzip.decompress(r.read()))["data"]), 50)
        r = urllib.request.urlopen(f"{BASE}/api/search?limit=200")
        self.assertIsNone(r.headers["Content-Encoding"])


class OptimadeLists(unittest.TestCase):
    """HAS on the lists derived from the sites, against the lists the same server returns."""

    @classmethod
    def setUpClass(cls):
        body = http(f"{BASE}/optimade/v1/structures?page_limit=1000&response_fields="
                    "species_at_sites,elements,elements_ratios").json()
        cls.entries = {e["id"]: e["attributes"] for e in body["data"]}
        assert len(cls.entries) == body["meta"]["data_returned"] > 200

    def ids(self, filt):
        r = http(f"{BASE}/optimade/v1/structures?page_limit=1000&response_fields=nsites&"
                 + urllib.parse.urlencode({"filter": filt}))
        self.assertEqual(r.status, 200, r.body[:300])
        return {e["id"] for e in r.json()["data"]}

    def expect(self, filt, keep):
        want = {i for i, a in self.entries.items() if keep(a)}
        self.assertEqual(self.ids(filt), want, filt)
        return want

    def test_species_at_sites(self):
        names = lambda a: set(a["species_at_sites"])  # noqa: E731
        self.assertTrue(self.expect('species_at_sites HAS "Li"', lambda a: "Li" in names(a)))
        self.assertTrue(self.expect('species_at_sites HAS ALL "Li","La","Zr","O"',
                                    lambda a: {"Li", "La", "Zr", "O"} <= names(a)))
        self.expect('species_at_sites HAS ANY "Cl","Br","I"',
                    lambda a: names(a) & {"Cl", "Br", "I"})
        self.expect('species_at_sites HAS ONLY "Li","P","S","O"',
                    lambda a: names(a) <= {"Li", "P", "S", "O"})
        self.expect("species_at_sites LENGTH > 100", lambda a: len(a["species_at_sites"]) > 100)
        # A mixed site's name (elements of the site, e.g. "GaLi"), taken from the data.
        mixed = sorted(n for a in self.entries.values() for n in a["species_at_sites"]
                       if sum(c.isupper() for c in n) > 1)
        self.assertTrue(mixed)
        self.assertTrue(self.expect(f'species_at_sites HAS "{mixed[0]}"',
                                    lambda a: mixed[0] in names(a)))

    def test_elements_ratios(self):
        pairs = lambda a: list(zip(a["elements"], a["elements_ratios"]))  # noqa: E731
        self.assertTrue(self.expect("elements_ratios HAS > 0.6123",
                                    lambda a: any(r > 0.6123 for r in a["elements_ratios"])))
        self.expect("elements_ratios HAS ONLY < 0.4123",
                    lambda a: all(r < 0.4123 for r in a["elements_ratios"]))
        self.assertTrue(self.expect('elements:elements_ratios HAS ALL "Li":>0.2917,"O":<0.5123',
                                    lambda a: any(e == "Li" and r > 0.2917 for e, r in pairs(a))
                                    and any(e == "O" and r < 0.5123 for e, r in pairs(a))))
        # The spec's example (about 1/3 Al): answered, whatever the demo data holds.
        self.expect('elements:elements_ratios HAS ALL "Al":>0.3333, "Al":<0.3334',
                    lambda a: any(e == "Al" and 0.3333 < r < 0.3334 for e, r in pairs(a)))

    def test_lists_of_lists_are_501(self):
        for filt in ("lattice_vectors HAS 1", 'species HAS "Li"',
                     "cartesian_site_positions HAS ANY 0"):
            r = http(f"{BASE}/optimade/v1/structures?" + urllib.parse.urlencode({"filter": filt}))
            check_optimade_error(self, r, 501)


class PymatgenClient(unittest.TestCase):
    def test_optimade_rester_by_elements(self):
        try:
            from pymatgen.core import Composition
            from pymatgen.ext.optimade import OptimadeRester
        except ImportError:
            raise unittest.SkipTest("python3-pymatgen is not installed")
        rester = OptimadeRester(aliases_or_resource_urls=BASE + "/optimade", timeout=60)
        got = rester.get_structures(elements=["Li", "O"])
        got = next(iter(got.values()), {})
        db = {str(i): (formula, disordered) for i, formula, disordered in query(
            DB, "SELECT id, chemical_formula_reduced, disordered FROM structure"
                " WHERE elements LIKE '%,Li,%' AND elements LIKE '%,O,%' AND dataset = 'public'")}
        self.assertGreater(len(db), 20)
        # pymatgen builds every ordered structure. Disordered ones it drops or misreads: its
        # fallback takes species_at_sites names as elements and ignores concentrations
        # (pymatgen/ext/optimade.py), so their compositions are not compared.
        self.assertLessEqual(set(got), set(db))
        ordered = {i for i, (_, disordered) in db.items() if not disordered}
        self.assertTrue(ordered)
        self.assertLessEqual(ordered, set(got))
        for i in ordered:
            s = got[i]
            expected = Composition(db[i][0]).fractional_composition
            actual = s.composition.fractional_composition
            for el in expected:
                self.assertAlmostEqual(actual[el], expected[el], places=3, msg=f"structure {i}")
        self.assertNotIn(str(RESTRICTED["structures"][0]), got)


class Restricted(unittest.TestCase):
    def test_guest_cannot_see_restricted_rows(self):
        public = query(DB, "SELECT count(*) FROM structure WHERE dataset = 'public'")[0][0]
        total = query(DB, "SELECT count(*) FROM structure")[0][0]
        self.assertLess(public, total)
        member = bearer("alice")
        for headers, expected in (({}, public), (member, total)):
            body = http(f"{BASE}/optimade/v1/structures?page_limit=1", headers=headers).json()
            self.assertEqual(body["meta"]["data_available"], expected)
            self.assertEqual(http(f"{BASE}/api/search?limit=1", headers=headers).json()["total"],
                             expected)
        sid = str(RESTRICTED["structures"][0])
        self.assertEqual(http(f"{BASE}/optimade/v1/structures/{sid}").status, 404)
        self.assertEqual(http(f"{BASE}/optimade/v1/structures/{sid}", headers=member).status, 200)
        f = urllib.parse.urlencode({"filter": f'id="{sid}"'})
        self.assertEqual(http(f"{BASE}/optimade/v1/structures?{f}").json()["meta"]["data_returned"], 0)
        self.assertEqual(http(f"{BASE}/optimade/v1/structures?{f}", headers=member)
                         .json()["meta"]["data_returned"], 1)
        for path in (f"/api/structures/{sid}", f"/api/structures/{sid}.cif",
                     f"/api/substances/{RESTRICTED['substance']}",
                     f"/optimade/v1/_phasebook_substances/{RESTRICTED['substance']}"):
            self.assertEqual(http(BASE + path).status, 404, path)
            self.assertEqual(http(BASE + path, headers=member).status, 200, path)
        # Properties: listing totals and the substance filter.
        ptotal = query(DB, "SELECT count(*) FROM property")[0][0]
        ppublic = query(DB, "SELECT count(*) FROM property WHERE dataset = 'public'")[0][0]
        self.assertEqual(http(f"{BASE}/api/properties?limit=1").json()["total"], ppublic)
        self.assertEqual(http(f"{BASE}/api/properties?limit=1", headers=member).json()["total"],
                         ptotal)
        q = f"{BASE}/api/properties?substance={RESTRICTED['substance']}"
        self.assertEqual(http(q).json()["total"], 0)
        self.assertGreater(http(q, headers=member).json()["total"], 0)
        # A filter on linked values cannot reveal them either.
        self.assertNotIn(sid, http(f"{BASE}/api/search?limit=10000&elements=Li").body.split('"id":')[1:])

    def test_bad_token_is_401(self):
        r = http(f"{BASE}/api/me", headers={"Authorization": "Bearer nonsense"})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json()["error"]["status"], 401)


class Accounts(unittest.TestCase):
    def test_login_cookie_csrf_and_roles(self):
        self.assertEqual(http(f"{BASE}/api/login", "POST",
                              {"name": "eddie", "password": "wrong password"}).status, 401)
        info, cookie = login("eddie")
        self.assertEqual(info["role"], "editor")
        self.assertEqual(http(f"{BASE}/api/me", headers={"Cookie": cookie}).json()["user"], "eddie")
        (sub,), = query(DB, "SELECT id FROM substance WHERE dataset = 'public' ORDER BY id LIMIT 1")
        prop = {"substance_id": sub, "kind": "ionic_conductivity", "value": 2.5,
                "unit": "mS/cm", "temperature_K": 300}
        # Cookie without the CSRF header: refused; with it: stored, converted to S/m.
        r = http(f"{BASE}/api/properties", "POST", prop, headers={"Cookie": cookie})
        self.assertEqual(r.status, 403, r.body)
        r = http(f"{BASE}/api/properties", "POST", prop,
                 headers={"Cookie": cookie, "X-CSRF-Token": info["csrf_token"]})
        self.assertEqual(r.status, 201, r.body)
        stored = r.json()["property"]
        self.assertEqual(stored["substance_id"], sub)
        self.assertEqual(http(f"{BASE}/api/properties", "POST", prop,
                              headers=bearer("eddie")).status, 200)  # idempotent
        # Members may not write; guests must sign in; a form post is not JSON.
        self.assertEqual(http(f"{BASE}/api/properties", "POST", prop, headers=bearer("alice")).status, 403)
        self.assertEqual(http(f"{BASE}/api/properties", "POST", prop).status, 401)
        self.assertEqual(http(f"{BASE}/api/properties", "POST", b"kind=x", headers={
            "Content-Type": "application/x-www-form-urlencoded", **bearer("eddie")}).status, 415)
        # Logout revokes the session.
        self.assertEqual(http(f"{BASE}/api/logout", "POST", {}, headers={
            "Cookie": cookie, "X-CSRF-Token": info["csrf_token"]}).status, 200)
        self.assertEqual(http(f"{BASE}/api/me", headers={"Cookie": cookie}).json()["role"], "guest")

    def test_merge_substances(self):
        a, b = [r[0] for r in query(DB, "SELECT id FROM substance WHERE dataset = 'public'"
                                        " ORDER BY id DESC LIMIT 2")]
        r = http(f"{BASE}/api/substances/{a}/merge", "POST", {"into": b}, headers=bearer("eddie"))
        self.assertEqual(r.status, 200, r.body)
        page = http(f"{BASE}/api/substances/{a}").json()  # the old id redirects
        self.assertEqual(page["id"], b)
        self.assertEqual(http(f"{BASE}/api/substances/nothing/merge", "POST", {"into": b},
                              headers=bearer("eddie")).status, 404)


class NativeApi(unittest.TestCase):
    def test_search_matches_cli(self):
        cli = [json.loads(l) for l in run("search", "--db", DB, "--elements", "Li,Zr,O", "--json")
               .splitlines() if l.strip()]
        cli_ids = {r["id"] for r in cli if str(r["id"]) not in map(str, RESTRICTED["structures"])}
        api = http(f"{BASE}/api/search?elements=Li,Zr,O&limit=10000").json()
        self.assertEqual({r["id"] for r in api["rows"]}, cli_ids)
        self.assertEqual(api["total"], len(cli_ids))
        post = http(f"{BASE}/api/search", "POST", {"elements": ["Li", "Zr", "O"], "limit": 10000})
        self.assertEqual(post.json()["total"], api["total"])
        csv = http(f"{BASE}/api/search?elements=Li,Zr,O&limit=10000&format=csv")
        self.assertTrue(csv.headers["Content-Type"].startswith("text/csv"))
        self.assertEqual(len(csv.body.strip().splitlines()), api["total"] + 1)

    def test_substance_page_and_exports(self):
        (sub,), = query(DB, "SELECT substance_id FROM structure WHERE dataset = 'public' AND"
                            " substance_id IS NOT NULL ORDER BY id LIMIT 1")
        page = http(f"{BASE}/api/substances/{sub}").json()
        self.assertTrue(page["structures"])
        self.assertTrue(all("rule" in m for m in page["members"]))
        sid = page["structures"][0]["id"]
        cif = http(f"{BASE}/api/structures/{sid}.cif")
        self.assertEqual(cif.status, 200)
        self.assertIn("_cell_length_a", cif.body)
        self.assertEqual(http(f"{BASE}/api/structures/{sid}.poscar").status, 200)
        j = http(f"{BASE}/api/structures/{sid}.json").json()
        self.assertIn("lattice_vectors", json.dumps(j))
        self.assertEqual(http(f"{BASE}/api/phase-diagrams").json()["total"], 0)
        self.assertEqual(http(f"{BASE}/api/openapi.json").json()["openapi"], "3.0.3")

    def test_bad_input_is_4xx_json(self):
        cases = [
            ("GET", "/api/search?elements=Xx", None, 400),
            ("GET", "/api/search?nelements=abc", None, 400),
            ("GET", "/api/search?limit=-1", None, 400),
            ("GET", "/api/search?sort=password", None, 400),
            ("GET", "/api/search?formula=Li(O", None, 400),
            ("GET", "/api/search?min=1", None, 400),
            ("GET", "/api/search?property=ionic_conductivity&unit=furlong", None, 400),
            ("GET", "/api/search?format=xml", None, 400),
            ("POST", "/api/search", b"{not json", 400),
            ("POST", "/api/search", b"[1,2]", 400),
            ("GET", "/api/structures/999999999", None, 404),
            ("GET", "/api/structures/abc.cif", None, 404),
            ("GET", "/api/substances/%27%20OR%201%3D1%20--", None, 404),
            ("GET", "/api/nothing", None, 404),
            ("GET", "/api/properties?kind=colour", None, 400),
            ("POST", "/api/login", b"{}", 400),
            ("POST", "/api/search", b"x" * (2 << 20), 413),
        ]
        for method, path, body, status in cases:
            r = http(BASE + path, method, body)
            with self.subTest(path=path):
                self.assertEqual(r.status, status, r.body[:300])
                self.assertEqual(r.json()["error"]["status"], status)

    def test_hostile_filters(self):
        sql = 'chemical_formula_reduced="x\\" OR 1=1 --"'
        body = http(f"{BASE}/optimade/v1/structures?" + urllib.parse.urlencode({"filter": sql})).json()
        self.assertEqual(body["meta"]["data_returned"], 0)
        deep = "(" * 5000 + "nelements=1" + ")" * 5000
        r = http(f"{BASE}/optimade/v1/structures?" + urllib.parse.urlencode({"filter": deep}))
        self.assertIn(r.status, (400, 414))
        r = http(f"{BASE}/optimade/v1/structures?filter=chemical_formula_reduced%3D%22%FF%FE%22")
        self.assertLess(r.status, 500)
        for path in ("/optimade/../../etc/passwd", "/optimade/v1/structures/..%2F..%2Fetc"):
            self.assertIn(http(BASE + path).status, (400, 404))

    def test_access_log_is_json_lines(self):
        http(f"{BASE}/optimade/v1/info")
        time.sleep(0.2)
        with open(SERVER.log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        last = [json.loads(l) for l in lines if "/optimade/v1/info" in l][-1]
        self.assertEqual(last["status"], 200)
        for key in ("time", "method", "path", "ms", "bytes", "remote"):
            self.assertIn(key, last)


class Shutdown(unittest.TestCase):
    def test_sigterm_lets_a_slow_request_finish(self):
        server = Server(DB, "--test-endpoints")
        result = {}

        def slow():
            result["r"] = http(server.url + "/api/_test/sleep?ms=2000", timeout=30)

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        start = time.time()
        server.proc.send_signal(signal.SIGTERM)
        t.join(30)
        self.assertEqual(result["r"].status, 200)
        self.assertEqual(result["r"].json()["slept_ms"], 2000)
        self.assertEqual(server.stop(), 0)
        self.assertLess(time.time() - start, 15)
        with self.assertRaises(OSError):
            urllib.request.urlopen(server.url + "/optimade/v1/info", timeout=5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
