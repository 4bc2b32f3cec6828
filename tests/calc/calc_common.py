"""Helpers shared by the calc script tests: a scratch database with the Si/Al fixtures ingested,
and the phasebook binary."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "calc")
RY_EV = 13.605693122994
HA_EV = 2 * RY_EV
# pw.x 6.7, Si.pz-vbc.UPF, a = 10.2 bohr, ecutwfc 20 Ry, 4x4x4 shifted mesh (../shared/PEERS.md).
PEERS_SI_RY = -15.84754593
# Small, fast settings for pw.x on silicon (about 0.5 s per scf).
SI_FAST = ["--set", "ecutwfc=20", "--set", "kmesh=4x4x4", "--set", "kshift=1"]


def run(bin_path, *args, check=True, env=None, timeout=600):
    p = subprocess.run([bin_path, *args], capture_output=True, text=True, env=env, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def read(path):
    with open(path) as f:
        return f.read()


def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def png_size(path):
    """Width and height of a PNG file (its IHDR chunk); fails unless the file is a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError(f"{path} is not a PNG: {head[:16]!r}")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def need(program):
    if shutil.which(program) is None:
        print(f"SKIP: {program} is not installed (scripts/install-deps installs it)")
        sys.exit(77)


class Scratch:
    """A temporary directory with a database holding the given fixture CIFs."""

    def __init__(self, bin_path, cifs):
        self.dir = tempfile.mkdtemp(prefix="pbcalc.", dir="/tmp")
        self.db = os.path.join(self.dir, "db.sqlite")
        self.bin = bin_path
        for c in cifs:
            run(bin_path, "ingest", "cif", "--db", self.db, os.path.join(DATA, c))

    def pb(self, *args, **kw):
        return run(self.bin, *args, **kw)

    def jobs(self, *args):
        return json_lines(self.pb("calc", "status", "--db", self.db, "--json", *args).stdout)

    def results(self, *args):
        return json_lines(self.pb("calc", "results", "--db", self.db, "--json", *args).stdout)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)
