#!/usr/bin/python3
"""The native API's write side through the real binary (`phasebook serve` on a free port over a
demo database with restricted data): ingest uploads (multipart files and zips, job progress,
per-file outcomes with located errors, limits), split and the audit trail, result-set exports
(CSV, JSON, CIF, zip) — with the role, CSRF and restricted-data rules: nothing restricted reaches
a guest, every bad request is a 4xx with a message."""
import io
import json
import os
import sys
import time
import unittest
import uuid
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import test_server as ts  # noqa: E402  (takes the binary from argv[1]; its helpers are reused)

PASSWORD = ts.PASSWORD
# The rock-salt CIF of the browser test, so both upload the same file.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e_editing.mjs"),
          encoding="utf-8") as _f:
    NACL = _f.read().split("const NACL = `")[1].split("`;")[0]


def multipart(files, fields=None):
    """A multipart/form-data body: files is [(name, bytes)], fields {name: value}."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in (fields or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for name, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                  f'Content-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(files, headers, fields=None):
    body, ctype = multipart(files, fields)
    return ts.http(f"{BASE}/api/ingest", "POST", body, headers={**headers, "Content-Type": ctype})


def wait_job(job, headers):
    for _ in range(400):
        r = ts.http(f"{BASE}/api/ingest/{job}", headers=headers)
        assert r.status == 200, r.body
        if r.json()["state"] in ("done", "cancelled"):
            return r.json()
        time.sleep(0.05)
    raise AssertionError("the ingest job did not finish")


def setUpModule():
    global DIR, DB, SERVER, BASE, EDITOR, MEMBER, RESTRICTED_IDS
    import tempfile
    DIR = tempfile.mkdtemp()
    DB = os.path.join(DIR, "demo.db")
    ts.run("ingest", "cif", "--db", DB, os.path.join(ts.DEMO, "structures"))
    ts.run("ingest", "properties", "--db", DB, os.path.join(ts.DEMO, "ionic_conductivity.csv"))
    ts.run("user", "add", "--db", DB, "alice", "--role", "member", stdin=PASSWORD + "\n")
    ts.run("user", "add", "--db", DB, "eddie", "--role", "editor", stdin=PASSWORD + "\n")
    import sqlite3
    con = sqlite3.connect(DB)
    with con:
        con.execute("INSERT INTO dataset(name, visibility) VALUES ('lab', 'members')")
        con.execute("UPDATE structure SET dataset = 'lab' WHERE id IN (SELECT id FROM structure"
                    " WHERE elements LIKE '%,O,%' OR elements LIKE 'O,%' OR elements LIKE '%,O'"
                    " ORDER BY id LIMIT 5)")
    con.close()
    RESTRICTED_IDS = [r[0] for r in ts.query(DB, "SELECT id FROM structure WHERE dataset = 'lab'")]
    SERVER = ts.Server(DB)
    BASE = SERVER.url
    ts.BASE = BASE
    EDITOR = ts.bearer("eddie", PASSWORD)
    MEMBER = ts.bearer("alice", PASSWORD)


def tearDownModule():
    SERVER.stop()
    import shutil
    shutil.rmtree(DIR)


class Ingest(unittest.TestCase):
    def test_files_and_zip_per_file_outcome(self):
        demo = sorted(f for f in os.listdir(os.path.join(ts.DEMO, "structures")) if f.endswith(".cif"))[1]
        with open(os.path.join(ts.DEMO, "structures", demo), "rb") as f:
            demo_bytes = f.read()
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("a/dup.cif", demo_bytes)
            zf.writestr("notes.md", "hello")
            zf.writestr("broken.cif", "data_x\n_cell_length_a 3\nloop_\n_atom_site_label\nA1\n")
        r = upload([("nacl.cif", NACL.encode()), ("set.zip", z.getvalue())], EDITOR,
                   {"dataset": "lab"})
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.headers.get("Location"), "/api/ingest/" + r.json()["job"])
        job = wait_job(r.json()["job"], EDITOR)
        by = {f["file"]: f for f in job["files"]}
        self.assertEqual(job["done"], job["total"])
        self.assertEqual(by["nacl.cif"]["status"], "ingested")
        self.assertEqual(by["set.zip/a/dup.cif"]["status"], "duplicate")
        self.assertEqual(by["set.zip/notes.md"]["status"], "skipped")
        self.assertEqual(by["set.zip/broken.cif"]["status"], "error")
        self.assertRegex(by["set.zip/broken.cif"]["errors"][0], r"^set\.zip/broken\.cif:\d+")
        self.assertEqual(job["counts"], {"duplicate": 1, "error": 1, "ingested": 1, "skipped": 1})
        # Uploaded into the members-only dataset: a guest cannot see it, a member can.
        sid = by["nacl.cif"]["structure_ids"][0]
        self.assertEqual(ts.http(f"{BASE}/api/structures/{sid}").status, 404)
        self.assertEqual(ts.http(f"{BASE}/api/structures/{sid}", headers=MEMBER).status, 200)
        stored = ts.http(f"{BASE}/api/structures/{sid}", headers=MEMBER).json()
        self.assertEqual(stored["source_file"], "nacl.cif")
        self.assertEqual(stored["space_group_number"], 225)
        # Another editor's (or a guest's) view of the job: 404 / 401.
        self.assertEqual(ts.http(f"{BASE}/api/ingest/{job['job']}").status, 401)

    def test_rules_and_bad_input(self):
        one = [("nacl.cif", NACL.encode())]
        self.assertEqual(upload(one, {}).status, 401)
        self.assertEqual(upload(one, MEMBER).status, 403)
        info, cookie = ts.login("eddie", PASSWORD)
        self.assertEqual(upload(one, {"Cookie": cookie}).status, 403)  # no CSRF header
        ok = upload(one, {"Cookie": cookie, "X-CSRF-Token": info["csrf_token"]})
        self.assertEqual(ok.status, 202, ok.body)
        # Reading progress with the cookie needs no CSRF header (a GET changes nothing).
        self.assertEqual(ts.http(f"{BASE}/api/ingest/{ok.json()['job']}",
                                 headers={"Cookie": cookie}).status, 200)
        cases = [
            (upload([("x.zip", b"PK\x03\x04 not really")], EDITOR), 400, "zip"),
            (upload(one, EDITOR, {"dataset": "a b"}), 400, "dataset"),
            (upload(one, EDITOR, {"colour": "red"}), 400, "colour"),
            (upload([], EDITOR, {"dataset": "lab"}), 400, "no files"),
            (ts.http(f"{BASE}/api/ingest", "POST", {"a": 1}, headers=EDITOR), 415, "multipart"),
            (ts.http(f"{BASE}/api/ingest/0000000000000000", headers=EDITOR), 404, "no ingest job"),
        ]
        for r, status, word in cases:
            self.assertEqual(r.status, status, r.body)
            self.assertIn(word, r.json()["error"]["detail"])
        # A zip that expands beyond the limit is refused before anything is stored.
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("big.cif", b"#" * (300 << 20))
        r = upload([("bomb.zip", z.getvalue())], EDITOR)
        self.assertEqual(r.status, 400, r.body[:300])
        self.assertIn("MiB", r.json()["error"]["detail"])
        # The body limit (--max-body, 1 MiB by default) gives a JSON 413.
        r = upload([("huge.cif", b"#" * (2 << 20))], EDITOR)
        self.assertEqual(r.status, 413)


class SplitAndAudit(unittest.TestCase):
    def test_split_and_audit(self):
        # A public substance whose members are all structures (so moving all must be refused).
        (sub,), = ts.query(DB, "SELECT m.substance_id FROM substance_member m JOIN substance s ON"
                               " s.id = m.substance_id WHERE s.dataset = 'public' GROUP BY 1"
                               " HAVING count(*) >= 3 AND sum(entity_kind != 'structure') = 0"
                               " ORDER BY 1 LIMIT 1")
        members = [r[0] for r in ts.query(DB, "SELECT entity_id FROM substance_member WHERE"
                                              " substance_id = ? AND entity_kind = 'structure'"
                                              " ORDER BY 1", (sub,))]
        url = f"{BASE}/api/substances/{sub}/split"
        self.assertEqual(ts.http(url, "POST", {"structures": members[:1]}).status, 401)
        self.assertEqual(ts.http(url, "POST", {"structures": members[:1]}, headers=MEMBER).status, 403)
        for body, word in (({}, "name the members"), ({"structures": "1"}, "list"),
                           ({"structures": [0]}, "positive"), ({"structures": members}, "at least one"),
                           ({"structures": [999999]}, "not a member")):
            r = ts.http(url, "POST", body, headers=EDITOR)
            self.assertEqual(r.status, 400, r.body)
            self.assertIn(word, r.json()["error"]["detail"])
        self.assertEqual(ts.http(f"{BASE}/api/substances/none/split", "POST", {"structures": [1]},
                                 headers=EDITOR).status, 404)
        r = ts.http(url, "POST", {"structures": members[:2]}, headers=EDITOR)
        self.assertEqual(r.status, 201, r.body)
        into = r.json()["into"]
        moved = ts.http(f"{BASE}/api/substances/{into}", headers=MEMBER).json()
        self.assertEqual(sorted(s["id"] for s in moved["structures"]), members[:2])
        # The audit trail of both substances names the split; guests get 401.
        for sid in (sub, into):
            a = ts.http(f"{BASE}/api/substances/{sid}/audit", headers=MEMBER)
            self.assertEqual(a.status, 200, a.body)
            split = [e for e in a.json()["rows"] if e["action"] == "split"]
            self.assertEqual(len(split), 1)
            self.assertEqual(split[0]["user"], "eddie")
            self.assertEqual(split[0]["details"]["into"], into)
            self.assertEqual(split[0]["id"], r.json()["audit_id"])
            self.assertEqual(ts.http(f"{BASE}/api/substances/{sid}/audit").status, 401)
        log = ts.http(f"{BASE}/api/audit?action=split&user=eddie", headers=MEMBER).json()
        self.assertGreaterEqual(log["total"], 1)
        self.assertEqual(ts.http(f"{BASE}/api/audit?limit=x", headers=MEMBER).status, 400)
        self.assertEqual(ts.http(f"{BASE}/api/substances/none/audit", headers=MEMBER).status, 404)


class Exports(unittest.TestCase):
    def test_result_set_formats_and_restricted_rows(self):
        q = f"{BASE}/api/search?elements=O&limit=10000"
        total = ts.query(DB, "SELECT count(*) FROM structure_element WHERE element = 'O'")[0][0]
        for headers, expected, hidden in (({}, total - len(RESTRICTED_IDS), True),
                                          (MEMBER, total, False)):
            j = ts.http(q, headers=headers).json()
            self.assertEqual(j["total"], expected)
            csv = ts.http(q + "&format=csv", headers=headers).body.strip().split("\r\n")
            self.assertEqual(len(csv) - 1, expected)
            cif = ts.http(q + "&format=cif", headers=headers)
            self.assertEqual(cif.headers.get("Content-Type"), "chemical/x-cif")
            self.assertEqual(cif.body.count("\ndata_") + cif.body.startswith("data_"), expected)
            z = ts.http(q + "&format=zip", headers={**headers, "Accept-Encoding": "identity"})
            req = ts.urllib.request.Request(q + "&format=zip", headers=headers)
            with ts.urllib.request.urlopen(req) as resp:
                names = zipfile.ZipFile(io.BytesIO(resp.read())).namelist()
            self.assertEqual(z.headers.get("Content-Type"), "application/zip")
            self.assertEqual(len(names), expected)
            ids = {int(n.split("-")[1].split(".")[0]) for n in names}
            self.assertEqual(bool(ids & set(RESTRICTED_IDS)), not hidden)
        r = ts.http(f"{BASE}/api/search?format=xls")
        self.assertEqual(r.status, 400)
        self.assertIn("json, csv, cif or zip", r.json()["error"]["detail"])

    def test_openapi_lists_the_write_side(self):
        paths = ts.http(f"{BASE}/api/openapi.json").json()["paths"]
        for p in ("/api/ingest", "/api/ingest/{job}", "/api/substances/{id}/split",
                  "/api/substances/{id}/audit", "/api/audit"):
            self.assertIn(p, paths)


if __name__ == "__main__":
    unittest.main(verbosity=2)
