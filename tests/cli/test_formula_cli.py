#!/usr/bin/python3
"""The phasebook CLI through the real binary: output, --json, --file, exit codes 0/1/2, --help."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/bin/phasebook"


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


class FormulaCommand(unittest.TestCase):
    def test_human_output(self):
        r = run("formula", "Li6.4La3Zr1.4Ta0.6O12")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Li 6.4, La 3, Zr 1.4, Ta 0.6, O 12", r.stdout)
        self.assertIn("La15Li32O60Ta3Zr7", r.stdout)

    def test_json_fields(self):
        r = run("formula", "--json", "0.75Li2S-0.25P2S5", "CuSO4.5H2O")
        self.assertEqual(r.returncode, 0, r.stderr)
        a, b = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(a["composition"], {"Li": 1.5, "S": 2, "P": 0.5})
        self.assertEqual(a["chemical_formula_reduced"], "Li3PS4")
        self.assertEqual(a["chemical_formula_anonymous"], "A4B3C")
        self.assertIsNone(a["chemical_formula_hill"])
        self.assertEqual([c["text"] for c in a["components"]], ["Li2S", "P2S5"])
        self.assertEqual(b["composition"], {"Cu": 1, "S": 1, "O": 9, "H": 10})
        self.assertAlmostEqual(b["molar_mass"], 249.685, places=2)
        picked = json.loads(run("formula", "--fields", "composition", "LiF").stdout)
        self.assertEqual(picked, {"input": "LiF", "composition": {"Li": 1, "F": 1}})

    def test_set_variables(self):
        r = run("formula", "--json", "Li1+xAlxTi2-x(PO4)3", "--set", "x=0.3")
        self.assertEqual(json.loads(r.stdout)["composition_exact"]["Li"], "1.3")
        r = run("formula", "Li1+xAlxTi2-x(PO4)3")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--set x=", r.stdout)
        self.assertEqual(run("formula", "LiF", "--set", "x").returncode, 2)

    def test_parse_error_is_exit_1_with_caret(self):
        r = run("formula", "Li(PO4")
        self.assertEqual(r.returncode, 1)
        self.assertIn("error at column 3: '(' is never closed", r.stderr)
        self.assertIn("  Li(PO4\n    ^", r.stderr)
        j = run("formula", "--json", "Li2Xx3")
        self.assertEqual(j.returncode, 1)
        err = json.loads(j.stdout)["error"]
        self.assertEqual(err["column"], 4)
        self.assertIn("Xx", err["message"])

    def test_file_reports_each_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("# a comment\nLi2O\n\nLi--O\r\nLLZO\nLao.5\n")
            path = f.name
        try:
            r = run("formula", "--json", "--file", path)
            self.assertEqual(r.returncode, 1)
            rows = [json.loads(line) for line in r.stdout.splitlines()]
            self.assertEqual(len(rows), 4)
            self.assertEqual([("error" in x) for x in rows], [False, True, False, True])
            self.assertEqual(rows[1]["line"], 4)
            self.assertIn(f"{path}:4:4: error:", r.stderr)
            self.assertIn(f"{path}:6:3: error:", r.stderr)
            ok = run("formula", "--file", path, "--table")
            self.assertEqual(ok.returncode, 1)
            self.assertIn("Li7La3Zr2O12", ok.stdout)
        finally:
            os.unlink(path)

    def test_bad_usage_is_exit_2(self):
        self.assertEqual(run("formula").returncode, 2)
        self.assertEqual(run("formula", "--bogus", "Li").returncode, 2)
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("nosuchcommand").returncode, 2)
        self.assertEqual(run("formula", "--file", "/nonexistent/list.txt").returncode, 2)

    def test_help_everywhere(self):
        for cmd in ([], ["formula"], ["element"], ["descriptors"]):
            r = run(*cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("--help", r.stdout)
        self.assertIn("--set", run("formula", "--help").stdout)


class ElementAndDescriptorCommands(unittest.TestCase):
    def test_element_lookup(self):
        r = run("element", "--json", "Li", "lithium", "3")
        self.assertEqual(r.returncode, 0)
        rows = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual({x["z"] for x in rows}, {3})
        self.assertEqual(rows[0]["pauling_electronegativity"], 0.98)
        self.assertEqual(run("element", "Xx").returncode, 1)

    def test_descriptors_csv(self):
        r = run("descriptors", "--preset", "basic", "Li2O", "NaCl")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 3)
        header = lines[0].split(",")
        self.assertEqual(header[:3], ["formula", "mean_atomic_number", "min_atomic_number"])
        li2o = dict(zip(header, lines[1].split(",")))
        self.assertAlmostEqual(float(li2o["mean_atomic_number"]), (2 * 3 + 8) / 3, places=9)
        self.assertEqual(run("descriptors", "-p", "nonsense", "Li2O").returncode, 2)
        self.assertEqual(run("descriptors", "Li(").returncode, 1)


if __name__ == "__main__":
    unittest.main(verbosity=1)
