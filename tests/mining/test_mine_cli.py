#!/usr/bin/env python3
"""phasebook mine: add (idempotent), extract (database and files), records --json, review,
publish, stats with CSV and word cloud, select, mentions; exit codes."""
import json
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "mining")


def run(*args, ok=True):
    p = subprocess.run([BIN, "mine", *args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        sys.exit("phasebook mine %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def lines(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "m.db")
    first = lines(run("add", "--db", db, "--json", DATA).stdout)
    assert len(first) == 5 and all(d["inserted"] for d in first), first
    pdf = [d for d in first if d["format"] == "pdf"][0]
    assert pdf["doi"] == "10.5555/pb.mining.0001" and pdf["year"] == 2024, pdf
    again = lines(run("add", "--db", db, "--json", DATA).stdout)
    assert not any(d["inserted"] for d in again), again
    out = run("extract", "--db", db, "--json").stdout
    rep = json.loads(out)
    assert rep["documents"] == 5 and rep["records"] > 5, rep
    assert json.loads(run("extract", "--db", db, "--json").stdout)["new_records"] == 0

    recs = lines(run("records", "--db", db, "--json").stdout)
    ea = [r for r in recs if r["property"] == "activation_energy" and r["material"] == "LLZO"]
    assert ea and abs(ea[0]["value_si"] - 0.34) < 1e-12, ea
    assert ea[0]["sentence"].startswith("The activation energy"), ea[0]
    span = ea[0]["span"]
    assert span[1] > span[0]

    run("review", "accept", "--db", db, "--user", "ada", str(ea[0]["id"]))
    run("review", "edit", "--db", db, "--user", "ada", str(ea[0]["id"]),
        "condition.pellet_diameter=10 mm")
    # Several fields are all or none: the bad temperature keeps the value from being written.
    bad = run("review", "edit", "--db", db, str(ea[0]["id"]), "value=0.5", "temperature=hot",
              ok=False)
    assert bad.returncode == 2 and "temperature is a number of kelvin" in bad.stderr, bad.stderr
    bad = run("review", "edit", "--db", db, str(ea[0]["id"]), "substance=pbs-none", ok=False)
    assert bad.returncode == 2 and "no substance 'pbs-none'" in bad.stderr, bad.stderr
    now = [r for r in lines(run("records", "--db", db, "--json").stdout) if r["id"] == ea[0]["id"]]
    assert now[0]["value"] == ea[0]["value"] and now[0]["state"] == "edited", now
    audit = lines(run("review", "audit", "--db", db, "--json", str(ea[0]["id"])).stdout)
    assert [a["action"] for a in audit] == ["accept", "edit condition.pellet_diameter"], audit
    pending = lines(run("review", "list", "--db", db, "--json").stdout)
    assert pending and all(r["state"] == "pending" for r in pending)
    # `records` lists every state (review list's default must not apply to it).
    states = {r["state"] for r in lines(run("records", "--db", db, "--json").stdout)}
    assert states == {"pending", "edited"}, states
    pub = json.loads(run("publish", "--db", db, "--json", "--user", "ada").stdout)
    assert pub["published"] == 1, pub
    audit = lines(run("review", "audit", "--db", db, "--json", str(ea[0]["id"])).stdout)
    assert (audit[-1]["action"], audit[-1]["user"]) == ("publish", "ada"), audit[-1]
    # A published record is not edited (its property would keep the old value).
    bad = run("review", "edit", "--db", db, str(ea[0]["id"]), "value=0.5", ok=False)
    assert bad.returncode == 2 and "is published as property" in bad.stderr, bad.stderr
    after = lines(run("review", "audit", "--db", db, "--json", str(ea[0]["id"])).stdout)
    assert after == audit, after

    csv = os.path.join(tmp, "f.csv")
    svg = os.path.join(tmp, "cloud.svg")
    run("stats", "--db", db, "--csv", csv, "--wordcloud", svg)
    assert open(csv).readline().strip() == "reduced,example,documents,mentions,records"
    assert open(svg).read().startswith("<svg")
    sel = lines(run("select", "--db", db, "--json").stdout)
    assert sel and sel[-1]["covered"] == sel[-1]["pairs"], sel

    # Files directly, without a database.
    direct = lines(run("extract", "--json", os.path.join(DATA, "li3ps4_note.txt")).stdout)
    props = sorted(r["property"] for r in direct)
    assert props == ["activation_energy", "ionic_conductivity"], direct
    sigma = [r for r in direct if r["property"] == "ionic_conductivity"][0]
    assert sigma["material"] == "Li3PS4" and abs(sigma["value_si"] - 0.016) < 1e-12, sigma
    assert sigma["temperature_K"] == 298.15, sigma
    # Two threads print the same lines in the same (file) order.
    one = run("extract", "--json", DATA).stdout
    two = run("extract", "--json", "--jobs", "2", DATA).stdout
    assert one == two and len(lines(one)) > 5, (len(one), len(two))

    m = run("mentions", "--text", "CV of Li7La3Zr2O12 (LLZO) in NSW; In LLZO").stdout
    assert "NSW\trejected: known non-material acronym" in m, m
    assert "LLZO\tabbreviation\tLi7La3Zr2O12" in m, m

    bad = run("add", "--db", db, os.path.join(tmp, "missing.txt"), ok=False)
    assert bad.returncode == 2, bad.returncode

    # A mention tagger trained on the synthesis corpus (when ../shared is there).
    corpora = os.path.join(HERE, "..", "..", "..", "shared", "data", "literature_mining")
    if os.path.isdir(os.path.join(corpora, "annotated_materials_syntheses")):
        model = os.path.join(tmp, "syntheses.tagger")
        out = run("tagger", "--corpora", corpora, "--corpus", "syntheses", "-o", model).stdout
        assert out.startswith("trained on 215 texts of syntheses (train,dev)"), out
        # From the corpus's test split (10.1039/c3gc41362d, not trained on): "carbon" is a
        # Material there; the rules alone find only "Au".
        text = ("The PVA stabilized Au NPs were then immobilized on activated carbon (Darco(r), "
                "100 mesh) by adding 2 g of the support.")
        plain = lines(run("mentions", "--json", "--text", text).stdout)
        tagged = lines(run("mentions", "--json", "--tagger", model, "--text", text).stdout)
        assert [m["text"] for m in plain] == ["Au"], plain
        assert {"text": "carbon", "kind": "learned"}.items() <= \
            [m for m in tagged if m["text"] == "carbon"][0].items(), tagged
        assert any(m["text"] == "Au" and m["kind"] == "formula" for m in tagged), tagged
        recs_before = sorted((r["id"], r["value"]) for r in
                             lines(run("records", "--db", db, "--json").stdout))
        rep = json.loads(run("extract", "--db", db, "--json", "--tagger", model).stdout)
        assert rep["new_records"] == 0, rep
        recs_after = sorted((r["id"], r["value"]) for r in
                            lines(run("records", "--db", db, "--json").stdout))
        assert recs_after == recs_before
        bad = run("mentions", "--tagger", csv, "--text", text, ok=False)
        assert bad.returncode == 2 and "not a fastText model" in bad.stderr, bad.stderr
print("ok")
