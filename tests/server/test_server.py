#!/usr/bin/python3
"""`phasebook serve` end to end: a real server on a free port over a real database built with
`phasebook ingest` from data/demo. Replays every request of the OPTIMADE validator
(../shared/optimade/validator-requests.txt) and checks status and shape, fetches structures with
pymatgen's OptimadeRester and compares them with the database, checks that restricted rows are
invisible to a guest and visible to a member, that SIGTERM lets a slow request finish, and that
bad or hostile requests get a 4xx JSON answer (never a 500)."""
import gzip
import http.client as http_client
import json
import math
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
        # The tests check answers, not speed: under the sanitizers a filter that derives lists
        # from every structure's sites (species_at_sites HAS ...) takes several times the
        # default 10 s database time, so the limit is raised unless a test sets its own.
        if "--time-limit" not in extra:
            extra = (*extra, "--time-limit", "120000")
        if "--count-time-limit" not in extra:
            extra = (*extra, "--count-time-limit", "120000")
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


def login(name, password=PASSWORD):
    """Signs in at the server under test (BASE; the web API tests set it too): the login's JSON
    and the session cookie."""
    r = http(BASE + "/api/login", "POST", {"name": name, "password": password})
    assert r.status == 200, r.body
    return r.json(), r.headers.get("Set-Cookie").split(";")[0]


def bearer(name, password=PASSWORD):
    return {"Authorization": "Bearer " + login(name, password)[0]["token"]}


def check_api_error(test, r, status, pattern):
    """A native-API error: this status, and a detail that matches `pattern`."""
    test.assertEqual(r.status, status, r.body)
    test.assertRegex(r.json()["error"]["detail"], pattern)


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


class ValidatorChecks(unittest.TestCase):
    """What optimade-python-tools v0.25.5's validator checks beyond the request list it sends
    (optimade/validator/validator.py and the pydantic models it deserialises with), re-stated
    here because the validator cannot be installed: info and entry-info models, the type of
    every returned field, the structure model's consistency rules, response_fields, page
    limits and links, sorting on every sortable field, and its per-property filter checks."""

    TYPES = {"string": str, "integer": int, "float": (int, float), "boolean": bool,
             "timestamp": str, "list": list, "dictionary": dict}
    ENTRY_TYPES = ("structures", "references", "_phasebook_substances")

    @classmethod
    def setUpClass(cls):
        cls.info = {t: http(f"{BASE}/optimade/v1/info/{t}").json() for t in cls.ENTRY_TYPES}

    def get(self, path, status=200):
        r = http(f"{BASE}/optimade/v1/{path}")
        self.assertEqual(r.status, status, f"{path}: {r.body[:300]}")
        return r.json()

    def test_info_models(self):
        body = self.get("info")
        a = body["data"]["attributes"]
        self.assertEqual((body["data"]["id"], body["data"]["type"]), ("/", "info"))
        self.assertRegex(a["api_version"], r"^1\.\d+\.\d+$")
        for v in a["available_api_versions"]:
            self.assertRegex(v["url"], r".+/v[0-1](\.[0-9]+)*/?$")
            self.assertEqual(v["version"].split(".")[0], v["url"].rstrip("/").split("/v")[-1][0])
        for fmt, types in a["entry_types_by_format"].items():
            self.assertIn(fmt, a["formats"])
            for t in types:
                self.assertIn(t, a["available_endpoints"])
                self.assertNotIn(t, ("info", "links", "versions"))
        self.assertRegex(body["meta"]["provider"]["prefix"], r"^[a-z]([a-z]|[0-9]|_)*$")
        for t, info in self.info.items():
            props = info["data"]["properties"]
            self.assertEqual(list(props), info["data"]["output_fields_by_format"]["json"])
            for name, p in props.items():
                with self.subTest(entry=t, field=name):
                    self.assertIsInstance(p["description"], str)
                    self.assertTrue(p["description"])
                    self.assertIn(p["type"], self.TYPES)
                    self.assertIsInstance(p["sortable"], bool)
                    self.assertIsInstance(p.get("unit", ""), str)
                    if not name.startswith("_"):
                        self.assertFalse(name.startswith("_"))
                    elif name not in ("_phasebook_substances",):
                        self.assertTrue(name.startswith("_phasebook_"), name)
        spec_structures = {
            "id", "type", "immutable_id", "last_modified", "elements", "nelements",
            "elements_ratios", "chemical_formula_descriptive", "chemical_formula_reduced",
            "chemical_formula_hill", "chemical_formula_anonymous", "dimension_types",
            "nperiodic_dimensions", "lattice_vectors", "cartesian_site_positions", "nsites",
            "species_at_sites", "species", "assemblies", "structure_features"}
        self.assertLessEqual(spec_structures, set(self.info["structures"]["data"]["properties"]))
        self.assertLessEqual({"id", "type", "authors", "doi", "title", "year"},
                             set(self.info["references"]["data"]["properties"]))

    def all_entries(self, t, fields=None):
        q = f"{t}?page_limit=1000" + (f"&response_fields={','.join(fields)}" if fields else "")
        body = self.get(q)
        self.assertFalse(body["meta"]["more_data_available"])
        return body["data"]

    def test_every_returned_field_has_its_declared_type(self):
        for t in self.ENTRY_TYPES:
            props = self.info[t]["data"]["properties"]
            fields = [f for f in props if f not in ("id", "type")]
            for e in self.all_entries(t, fields):
                self.assertEqual(e["type"], t)
                self.assertIsInstance(e["id"], str)
                self.assertEqual(set(e["attributes"]), set(fields))
                for name, value in e["attributes"].items():
                    if value is None:
                        continue
                    want = self.TYPES[props[name]["type"]]
                    ok = isinstance(value, want) and not (
                        props[name]["type"] in ("integer", "float") and isinstance(value, bool))
                    self.assertTrue(ok, f"{t}/{e['id']} {name}={value!r} is not "
                                        f"{props[name]['type']}")
                    if props[name]["type"] == "timestamp":
                        self.assertRegex(value, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"
                                                r"(Z|[+-]\d\d:\d\d)$")

    def test_structure_model_rules(self):
        from pymatgen.core.periodic_table import Element
        symbols = lambda f: re.findall(r"([A-Z][a-z]?)(\d*)", f)  # noqa: E731
        spec = list(self.info["structures"]["data"]["properties"])
        for e in self.all_entries("structures", [f for f in spec if not f.startswith("_")]):
            a = e["attributes"]
            with self.subTest(id=e["id"]):
                for f in ("chemical_formula_reduced", "chemical_formula_anonymous"):
                    self.assertRegex(a[f], r"(^$)|^([A-Z][a-z]?([2-9]|[1-9]\d+)?)+$")
                    counts = [int(n or 1) for _, n in symbols(a[f])]
                    self.assertEqual(math.gcd(*counts), 1, a[f])
                reduced = [el for el, _ in symbols(a["chemical_formula_reduced"])]
                self.assertEqual(reduced, sorted(reduced))
                anon = symbols(a["chemical_formula_anonymous"])
                n = [int(c or 1) for _, c in anon]
                self.assertEqual(n, sorted(n, reverse=True))
                self.assertEqual([el for el, _ in anon], [chr(65 + i) for i in range(len(anon))])
                self.assertEqual(a["elements"], sorted(a["elements"]))
                self.assertTrue(all(Element.is_valid_symbol(x) for x in a["elements"]))
                self.assertEqual(len(a["elements"]), a["nelements"])
                self.assertEqual(reduced, a["elements"])
                self.assertLess(abs(sum(a["elements_ratios"]) - 1), 2 ** -23)
                self.assertEqual(a["nperiodic_dimensions"], sum(a["dimension_types"]))
                self.assertEqual([len(v) for v in a["lattice_vectors"]], [3, 3, 3])
                self.assertEqual(a["nsites"], len(a["cartesian_site_positions"]))
                self.assertEqual(a["nsites"], len(a["species_at_sites"]))
                names = [sp["name"] for sp in a["species"]]
                self.assertEqual(len(names), len(set(names)))
                self.assertLessEqual(set(a["species_at_sites"]), set(names))
                for sp in a["species"]:
                    self.assertEqual(len(sp["concentration"]), len(sp["chemical_symbols"]))
                    self.assertEqual(len(sp["mass"]), len(sp["chemical_symbols"]))
                    for x in sp["chemical_symbols"]:
                        self.assertTrue(x in ("X", "vacancy") or Element.is_valid_symbol(x), x)
                features = a["structure_features"]
                self.assertEqual(features, sorted(features))
                self.assertEqual("disorder" in features,
                                 any(len(sp["chemical_symbols"]) > 1 for sp in a["species"]))
                self.assertEqual("implicit_atoms" in features,
                                 not set(names) <= set(a["species_at_sites"]))
                self.assertIsNone(a["assemblies"])
                self.assertNotIn("assemblies", features)
                self.assertNotIn("site_attachments", features)

    def test_response_fields_are_obeyed_exactly(self):
        for t in self.ENTRY_TYPES:
            props = [p for p in self.info[t]["data"]["properties"] if p not in ("id", "type")]
            subsets = [[p] for p in props] + [props[i::7][:3] for i in range(7)]
            for subset in subsets:
                body = self.get(f"{t}?page_limit=1&response_fields={','.join(subset)}")
                with self.subTest(entry=t, fields=subset):
                    self.assertEqual(set(body["data"][0]["attributes"]), set(subset))

    def test_page_limit_and_next_links(self):
        for t in ("structures", "references", "_phasebook_substances"):
            body = self.get(f"{t}?page_limit=5")
            self.assertEqual(body["meta"]["data_available"], body["meta"]["data_returned"])
            seen_links, seen_ids = set(), []
            for _ in range(6):
                self.assertLessEqual(len(body["data"]), 5)
                seen_ids += [e["id"] for e in body["data"]]
                if not body["meta"]["more_data_available"]:
                    self.assertIsNone(body["links"]["next"])
                    break
                link = body["links"]["next"]
                self.assertTrue(link.startswith(BASE + "/optimade/v1/"), link)
                self.assertNotIn(link, seen_links)
                seen_links.add(link)
                r = http(link)
                self.assertEqual(r.status, 200)
                body = r.json()
            self.assertEqual(len(seen_ids), len(set(seen_ids)))

    def test_sort_on_every_sortable_field(self):
        for t in self.ENTRY_TYPES:
            for name, p in self.info[t]["data"]["properties"].items():
                for desc in (False, True):
                    q = f"{t}?page_limit=1000&sort={'-' if desc else ''}{name}"
                    if name not in ("id", "type"):
                        q += f"&response_fields={name}"
                    r = http(f"{BASE}/optimade/v1/{q}")
                    with self.subTest(query=q):
                        if not p["sortable"]:
                            check_optimade_error(self, r, 400)
                            continue
                        self.assertEqual(r.status, 200, r.body[:300])
                        data = r.json()["data"]
                        values = [int(e["id"]) if name == "id" and t != "_phasebook_substances"
                                  else e["id"] if name == "id" else e["attributes"][name]
                                  for e in data]
                        values = [v for v in values if v is not None]
                        self.assertEqual(values, sorted(values, reverse=desc))

    def filter_count(self, t, filt):
        r = http(f"{BASE}/optimade/v1/{t}?page_limit=1000&" +
                 urllib.parse.urlencode({"filter": filt}))
        self.assertIn(r.status, (200, 501), f"{filt}: {r.body[:300]}")
        if r.status == 501:
            check_optimade_error(self, r, 501)
            return None, []
        body = r.json()
        return body["meta"]["data_returned"], body["data"]

    def test_per_property_filters_as_the_validator_builds_them(self):
        inclusive = {"string": ("=", "<=", ">=", "CONTAINS", "STARTS WITH", "STARTS", "ENDS WITH",
                                "ENDS"),
                     "integer": ("=", "<=", ">="), "timestamp": (">=",),
                     "list": ("HAS", "HAS ALL", "HAS ANY", "LENGTH")}
        exclusive = {"string": ("!=", "<", ">"), "integer": ("!=", "<", ">")}
        for t in ("structures", "references"):
            props = self.info[t]["data"]["properties"]
            entries = self.all_entries(t)
            for chosen in (entries[0], entries[len(entries) // 2], entries[-1]):
                for name, p in props.items():
                    if name.startswith("_") or name == "type":
                        continue
                    value = chosen["id"] if name == "id" else chosen["attributes"].get(name)
                    kind = p["type"]
                    if value is None or kind not in inclusive:
                        continue
                    if kind == "list":
                        if not value or isinstance(value[0], (dict, list)):
                            continue
                        try:
                            float(value[0])
                            continue  # the validator skips lists of numbers
                        except ValueError:
                            pass
                    quote = lambda v: f'"{v}"' if isinstance(v, str) else str(v)  # noqa: E731
                    for op in inclusive[kind] + exclusive.get(kind, ()):
                        if kind == "list":
                            arg = (",".join(quote(v) for v in sorted(set(value)))
                                   if op in ("HAS ALL", "HAS ANY") else
                                   str(len(value)) if op == "LENGTH" else quote(value[0]))
                        else:
                            arg = quote(value) if kind in ("string", "timestamp") else str(value)
                        filt = f"{name} {op} {arg}"
                        with self.subTest(entry=t, filter=filt):
                            n, data = self.filter_count(t, filt)
                            if n is None:
                                continue
                            ids = {e["id"] for e in data}
                            if op in exclusive.get(kind, ()):
                                self.assertNotIn(chosen["id"], ids)
                            else:
                                self.assertIn(chosen["id"], ids)
                            if name in ("id", "immutable_id") and op == "=":
                                self.assertEqual(n, 1)
                            for e in data:
                                v = e["id"] if name == "id" else e["attributes"].get(name)
                                self.assertIsNotNone(v, e["id"])
                            if kind in ("integer", "timestamp") or (
                                    kind == "string" and op in ("=", "!=")):
                                rev = op.replace("<", "#").replace(">", "<").replace("#", ">")
                                n2, _ = self.filter_count(t, f"{arg} {rev} {name}")
                                self.assertEqual(n2, n, f"{arg} {rev} {name}")
            check_optimade_error(self, http(f"{BASE}/optimade/v1/{t}?filter=crazyfield%20=%202"),
                                 400)
            self.assertEqual(http(f"{BASE}/optimade/v1/{t}?filter=_crazyprovider_field=2").status,
                             200)
        check_optimade_error(self, http(f"{BASE}/optimade/v123123/info"), 553)
        self.assertEqual(http(f"{BASE}/optimade/v1/versions").status, 404)


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
        # Filters on elements alone are counted over the element sets a caller may see.
        (elements,), = query(DB, "SELECT elements FROM structure WHERE id = ?", (int(sid),))
        symbols = [e for e in elements.split(",") if e]
        like = " AND ".join("elements LIKE ?" for _ in symbols)
        args = [f"%,{e},%" for e in symbols]
        for filt in ("elements HAS ALL " + ",".join(f'"{e}"' for e in symbols),
                     f"elements HAS ALL \"{symbols[0]}\" AND nelements = {len(symbols)}"):
            f = urllib.parse.urlencode({"filter": filt, "page_limit": 1000})
            for headers, where in (({}, " AND dataset = 'public'"), (member, "")):
                sql = f"SELECT id FROM structure WHERE {like}{where}"
                if "nelements" in filt:
                    sql = (f"SELECT id FROM structure WHERE elements LIKE ? AND nelements = ?"
                           f"{where}")
                    params = (args[0], len(symbols))
                else:
                    params = args
                ids = {str(i) for i, in query(DB, sql, params)}
                body = http(f"{BASE}/optimade/v1/structures?{f}", headers=headers).json()
                self.assertEqual(body["meta"]["data_returned"], len(ids), filt)
                self.assertEqual({e["id"] for e in body["data"]}, ids, filt)
                self.assertEqual(sid in ids, bool(headers), filt)
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

    def test_access_log_is_json_lines(self):
        http(f"{BASE}/optimade/v1/info")
        time.sleep(0.2)
        with open(SERVER.log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        last = [json.loads(l) for l in lines if "/optimade/v1/info" in l][-1]
        self.assertEqual(last["status"], 200)
        for key in ("time", "method", "path", "ms", "bytes", "remote"):
            self.assertIn(key, last)


def raw_request(path, method="GET", body=b"", headers=None, timeout=30):
    """A request whose path goes out byte for byte (no client-side normalisation)."""
    host, port = BASE.split("//")[1].split(":")
    con = http_client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        con.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            con.putheader(k, v)
        if body:
            con.putheader("Content-Length", str(len(body)))
        con.endheaders()
        if body:
            con.send(body)
        r = con.getresponse()
        return Response(r.status, r.headers, r.read().decode("utf-8", "replace"))
    except (ConnectionResetError, BrokenPipeError) as e:  # the server may close on a huge body
        return Response(0, {}, str(e))
    finally:
        con.close()


class Hostile(unittest.TestCase):
    """Malformed and hostile input (issue 5 §5): a 4xx with a message that says what is wrong,
    never a 500, never data."""

    def optimade_4xx(self, query, status=400, detail=None, path="/optimade/v1/structures"):
        r = raw_request(path + "?" + query)
        with self.subTest(query=query[:120]):
            check_optimade_error(self, r, status)
            body = r.json()
            self.assertNotIn("data", body)
            if detail:
                self.assertRegex(body["errors"][0]["detail"], detail)
        return r

    def test_sql_injection_in_filter_strings_is_data(self):
        table_rows = query(DB, "SELECT count(*) FROM structure")[0][0]
        for filt in ['chemical_formula_reduced="x\\" OR 1=1 --"',
                     'chemical_formula_reduced="\'; DROP TABLE structure; --"',
                     'elements HAS "Li\') OR 1=1 --"',
                     'species_at_sites HAS ANY "Li\\" OR \\"1\\"=\\"1", "x"',
                     '_phasebook_source_file CONTAINS "%" AND _phasebook_source_file ENDS "\'"',
                     'id="1 OR 1=1"', 'id="1; SELECT * FROM app_user"']:
            r = http(f"{BASE}/optimade/v1/structures?" + urllib.parse.urlencode({"filter": filt}))
            with self.subTest(filter=filt):
                self.assertEqual(r.status, 200, r.body[:300])
                self.assertEqual(r.json()["meta"]["data_returned"], 0)
        # A quote that ends the string early is a syntax error with its column.
        self.optimade_4xx(urllib.parse.urlencode({"filter": 'chemical_formula_reduced="x" OR 1=1 --"'}),
                          400, r"column \d+")
        self.assertEqual(query(DB, "SELECT count(*) FROM structure")[0][0], table_rows)

    def test_sql_injection_in_parameters(self):
        q = urllib.parse.quote
        self.optimade_4xx("sort=" + q("nelements; DROP TABLE structure"), 400, "sort")
        self.optimade_4xx("sort=" + q("nelements) UNION SELECT password_hash FROM app_user --"),
                          400, "sort")
        self.optimade_4xx("sort=" + q("s.id"), 400, "sort")
        self.optimade_4xx("page_limit=" + q("1 OR 1=1"), 400, "page_limit")
        self.optimade_4xx("page_offset=" + q("0; DELETE FROM structure"), 400, "page_offset")
        self.optimade_4xx("page_number=" + q("-1"), 400, "page_number")
        self.optimade_4xx("include=" + q("references' --"), 400, "include")
        self.optimade_4xx("api_hint=" + q("v1' OR '1'='1"), 400, "api_hint",
                          path="/optimade/structures")
        self.optimade_4xx(q("filter') OR 1=1 --") + "=1", 400, "unknown query parameter")
        # response_fields names are never SQL: an unknown one is null with a warning.
        r = http(f"{BASE}/optimade/v1/structures?page_limit=1&response_fields=" +
                 q("nsites,(SELECT password_hash FROM app_user)"))
        self.assertEqual(r.status, 200)
        a = r.json()["data"][0]["attributes"]
        self.assertIsNone(a["(SELECT password_hash FROM app_user)"])
        self.assertNotIn("argon2", r.body)
        # Ids in the path are compared as values.
        for sid in ("1%20OR%201=1", "1'%20OR%20'1'='1", "0x1"):
            check_optimade_error(self, raw_request(f"/optimade/v1/structures/{sid}"), 404)
        for path in ("/api/structures/1%20OR%201=1", "/api/substances/x'%20OR%20'1'='1",
                     "/api/search?elements=Li%27%29%20OR%201%3D1%20--",
                     "/api/search?sort=id;DROP%20TABLE%20structure"):
            r = raw_request(path)
            with self.subTest(path=path):
                self.assertIn(r.status, (400, 404), r.body[:300])
                self.assertTrue(r.json()["error"]["detail"])
        self.assertGreater(query(DB, "SELECT count(*) FROM structure")[0][0], 200)

    def test_path_traversal_in_static_paths(self):
        for path in ("/../../../../etc/passwd", "/assets/../../../etc/passwd",
                     "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
                     "/..%5C..%5C..%5Cetc%5Cpasswd", "/assets/%2e%2e%2f%2e%2e%2fCMakeLists.txt",
                     "/index.html%00.png", "/assets/....//....//etc/passwd",
                     "/optimade/../../etc/passwd", "/optimade/v1/structures/..%2F..%2Fetc"):
            r = raw_request(path)
            with self.subTest(path=path):
                self.assertIn(r.status, (400, 403, 404), r.body[:200])
                self.assertNotIn("root:", r.body)
                self.assertNotIn("cmake_minimum_required", r.body)

    def test_oversized_bodies_and_urls(self):
        r = raw_request("/api/search", "POST", b"{" + b" " * (2 << 20) + b"}",
                        {"Content-Type": "application/json"})
        self.assertIn(r.status, (0, 413), r.body[:200])
        if r.status:
            self.assertTrue(r.json()["error"]["detail"])
        # OPTIMADE is read-only: a body sent to it changes nothing and gets no data.
        r = raw_request("/optimade/v1/structures", "POST", b"x" * 1000,
                        {"Content-Type": "application/json"})
        self.assertIn(r.status, (404, 405), r.body[:200])
        self.assertNotIn('"data"', r.body)
        # A filter of 100,000 characters: refused by the server's URI limit or as too many
        # values, never a 500.
        huge = " OR ".join(f"nelements={i}" for i in range(8000))
        r = raw_request("/optimade/v1/structures?" + urllib.parse.urlencode({"filter": huge}))
        self.assertIn(r.status, (200, 400, 414), r.body[:200])

    def test_invalid_utf8(self):
        self.optimade_4xx("filter=chemical_formula_reduced%3D%22%FF%FE%22", 400, r"UTF-8")
        self.optimade_4xx("filter=elements%20HAS%20%22%C0%AF%22", 400, r"UTF-8")
        self.optimade_4xx("filter=%ED%A0%80", 400)  # a UTF-16 surrogate
        self.optimade_4xx("sort=%FFnsites", 400, "sort")
        r = raw_request("/api/search?formula=%FF%FE")
        self.assertEqual(r.status, 400, r.body[:200])
        self.assertTrue(r.json()["error"]["detail"])
        r = raw_request("/api/search", "POST", b'{"formula": "\xff\xfe"}',
                        {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r.body[:200])

    def test_deeply_nested_filters(self):
        for filt, detail in (("(" * 5000 + "nelements=1" + ")" * 5000, "deep|nest"),
                             ("(" * 65 + "nelements=1" + ")" * 65, "deep|nest"),
                             ("NOT (" * 70 + "nelements=1" + ")" * 70, "deep|nest"),
                             ("(nelements=1 AND (" * 17 + "nelements=2" + "))" * 17, "deep|nest"),
                             ("elements HAS " + "(" * 100, None)):
            r = raw_request("/optimade/v1/structures?" + urllib.parse.urlencode({"filter": filt}))
            with self.subTest(filter=filt[:60]):
                self.assertIn(r.status, (400, 414), r.body[:300])
                if r.status == 400:
                    body = r.json()
                    self.assertNotIn("data", body)
                    if detail:
                        self.assertRegex(body["errors"][0]["detail"], detail)


class SlowCounts(unittest.TestCase):
    def test_a_count_past_its_time_limit_is_left_out_and_the_pages_still_answer(self):
        # Counting species_at_sites HAS derives the species of every Li structure from its sites:
        # more than 1 ms, so this server leaves the count out and pages with one row of lookahead.
        server = Server(DB, "--count-time-limit", "1")
        try:
            filt = urllib.parse.quote('species_at_sites HAS "Li"')
            first = http(f"{server.url}/optimade/v1/structures?filter={filt}&page_limit=2").json()
            meta = first["meta"]
            self.assertNotIn("data_returned", meta)
            self.assertTrue(meta["more_data_available"])
            self.assertRegex(" ".join(w["detail"] for w in meta["warnings"]),
                             r"data_returned is left out.*1 ms")
            self.assertEqual(len(first["data"]), 2)
            self.assertIn("page_offset=2", first["links"]["next"])
            everything = http(f"{server.url}/optimade/v1/structures?filter={filt}"
                              f"&page_limit=1000").json()
            self.assertFalse(everything["meta"]["more_data_available"])
            ids = [e["id"] for e in everything["data"]]
            self.assertEqual(ids[:2], [e["id"] for e in first["data"]])
            # The same filter on the main server, which counts.
            counted = http(f"{BASE}/optimade/v1/structures?filter={filt}&page_limit=1000").json()
            self.assertEqual(counted["meta"]["data_returned"], len(ids))
            self.assertEqual([e["id"] for e in counted["data"]], ids)
            # Filters decided over element sets are counted whatever the limit.
            cheap = urllib.parse.quote('elements HAS "Li"')
            meta = http(f"{server.url}/optimade/v1/structures?filter={cheap}&page_limit=1")\
                .json()["meta"]
            self.assertEqual(meta["data_returned"],
                             http(f"{BASE}/optimade/v1/structures?filter={cheap}&page_limit=1")
                             .json()["meta"]["data_returned"])
            self.assertGreaterEqual(meta["data_returned"], len(ids))
        finally:
            self.assertEqual(server.stop(), 0)


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
