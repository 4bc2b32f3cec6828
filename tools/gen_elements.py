#!/usr/bin/env python3
"""Generates data/elements.csv and src/chem/element_table.cpp from the shared element sources.

Usage (from the repository root):

    python3 tools/gen_elements.py [--shared ../shared]

Inputs (under <shared>/data/elements/, see SOURCES.md there):
  magpie_elementdata/*.table   Magpie lookup tables as vendored in matminer (BSD/MIT)
  mendeleev/elements.csv       mendeleev element table export (MIT)
  mendeleev/phasetransitions.csv, mendeleev/ionizationenergies.csv

The choice of source per column, the unit conversions and the gap filling are described in
data/SOURCES.md; the COLUMNS table below is the single place where they are implemented.  The
script only uses the standard library and its output is deterministic (no timestamps, fixed
ordering), so running it twice gives byte-identical files.
"""

import argparse
import csv
import math
import os
import re
import sys

N_ELEMENTS = 118

# Tokens the Magpie tables use for "no value".  Anything else that is not a number is an error, so
# a new spelling in an updated source cannot silently turn into a missing value.
MAGPIE_MISSING = {"Missing", 'Missing["NotAvailable"]', 'Missing["Unknown"]', "None", "NA", ""}

# 1 bohr in angstrom (CODATA 2018); bohr^3 -> angstrom^3 for mendeleev's dipole polarizability.
BOHR_IN_ANGSTROM = 0.529177210903

# The electron-subshell capacities used to derive Magpie-style valence/unfilled counts.
SUBSHELL_CAPACITY = {"s": 2, "p": 6, "d": 10, "f": 14}

# The mendeleev export carries binary artifacts of unit conversions (20.270999999999987 for
# 20.271 K, 28.000000000000004 pm).  Rounding to 14 significant digits removes them without
# touching any digit that the sources state (the most precise value, an ionization energy, has 14).
MENDELEEV_DIGITS = 14

# IUPAC spellings replace mendeleev's US spellings; the US ones stay accepted as aliases in C++.
NAME_OVERRIDES = {13: "Aluminium", 55: "Caesium"}


# --------------------------------------------------------------------------------------------
# Source readers


def read_magpie(shared, table):
    """Returns {z: float} for one Magpie table; missing tokens are skipped."""
    path = os.path.join(shared, "data", "elements", "magpie_elementdata", table + ".table")
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line.strip() for line in f.read().splitlines()]
    # Some tables end with a blank line; trailing blanks are not elements.
    while lines and lines[-1] == "":
        lines.pop()
    if not 100 <= len(lines) <= N_ELEMENTS:
        raise SystemExit(f"{path}: unexpected length {len(lines)}")
    values = {}
    for z, token in enumerate(lines, start=1):
        if token in MAGPIE_MISSING:
            continue
        try:
            values[z] = float(token)
        except ValueError:
            raise SystemExit(f"{path}:{z}: unrecognised value {token!r}") from None
    return values


def clean(value):
    """Parses a mendeleev number and drops conversion artifacts (see MENDELEEV_DIGITS)."""
    return float(f"{float(value):.{MENDELEEV_DIGITS}g}")


def read_mendeleev_elements(shared):
    path = os.path.join(shared, "data", "elements", "mendeleev", "elements.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != N_ELEMENTS:
        raise SystemExit(f"{path}: expected {N_ELEMENTS} rows, got {len(rows)}")
    by_z = {int(r["atomic_number"]): r for r in rows}
    if sorted(by_z) != list(range(1, N_ELEMENTS + 1)):
        raise SystemExit(f"{path}: atomic numbers are not 1..{N_ELEMENTS}")
    return by_z


def mendeleev_column(rows, column, scale=1.0):
    """Returns {z: float} for one numeric column of mendeleev/elements.csv."""
    out = {}
    for z, r in rows.items():
        if r[column] != "":
            out[z] = clean(r[column]) * scale
    return out


def read_mendeleev_boiling_points(shared):
    """Boiling points from mendeleev/phasetransitions.csv, one per element.

    Elements with several allotropes (P, S, Se, Sn) have several rows; the first row (by id) that
    is not flagged as a sublimation point is used, which picks white P, the allotrope mendeleev
    also uses for the density.  For S, Se and Sn all rows give the same boiling point.
    """
    path = os.path.join(shared, "data", "elements", "mendeleev", "phasetransitions.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["id"]))
    chosen = {}
    for r in rows:
        z = int(r["atomic_number"])
        if r["boiling_point"] == "":
            continue
        is_sublimation = r["is_sublimation_point"] not in ("", "0")
        if z not in chosen or (chosen[z][1] and not is_sublimation):
            chosen[z] = (clean(r["boiling_point"]), is_sublimation)
    return {z: v for z, (v, _) in chosen.items()}


def read_mendeleev_first_ionization(shared):
    """First ionization energies (ion_charge 0, NIST ASD via mendeleev) in eV."""
    path = os.path.join(shared, "data", "elements", "mendeleev", "ionizationenergies.csv")
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["ion_charge"] == "0" and r["ionization_energy"] != "":
                z = int(r["atomic_number"])
                if z in out:
                    raise SystemExit(f"{path}: two first ionization energies for Z={z}")
                out[z] = clean(r["ionization_energy"])
    return out


def derive_valence_counts(configuration):
    """Magpie-style counts from a configuration such as "[Rn] 5f14 6d10 7s2 7p1".

    Magpie counts the electrons outside the noble-gas core per subshell type, and a subshell type
    that holds electrons contributes (capacity - electrons) unfilled states (0 when empty).  The
    generator checks this rule against every Magpie value before using it to fill Z = 113..118.
    """
    filled = {l: 0 for l in "spdf"}
    for token in configuration.split():
        if token.startswith("["):
            continue
        m = re.fullmatch(r"(\d+)([spdf])(\d*)", token)
        if not m:
            raise SystemExit(f"cannot parse electronic configuration {configuration!r}")
        filled[m.group(2)] += int(m.group(3) or "1")
    unfilled = {l: (SUBSHELL_CAPACITY[l] - n if n else 0) for l, n in filled.items()}
    return {
        "NsValence": filled["s"], "NpValence": filled["p"], "NdValence": filled["d"],
        "NfValence": filled["f"], "NValence": sum(filled.values()),
        "NsUnfilled": unfilled["s"], "NpUnfilled": unfilled["p"], "NdUnfilled": unfilled["d"],
        "NfUnfilled": unfilled["f"], "NUnfilled": sum(unfilled.values()),
    }


# --------------------------------------------------------------------------------------------
# Column definitions


class Column:
    """One numeric column: enum name, key, CSV column, unit, description and its source."""

    def __init__(self, enumerator, key, column, unit, description, primary, fill=None,
                 integral=False):
        self.enumerator = enumerator
        self.key = key
        self.column = column
        self.unit = unit
        self.description = description
        self.primary = primary  # callable(sources) -> {z: float}
        # Optional callable(sources) -> {z: float}, consulted only where the primary has no value.
        self.fill = fill
        self.integral = integral


def magpie(table, scale=1.0):
    return lambda s: {z: v * scale for z, v in s.magpie(table).items()}


def mendeleev(column, scale=1.0, significant=None):
    def get(s):
        values = mendeleev_column(s.mendeleev, column, scale)
        if significant is not None:
            # A unit conversion must not invent precision the source does not have.
            values = {z: float(f"{v:.{significant}g}") for z, v in values.items()}
        return values
    return get


def derived_valence(table):
    return lambda s: {z: float(s.valence[z][table]) for z in s.valence}


COLUMNS = [
    Column("kPeriod", "period", "period", "", "Period (row) of the periodic table, 1-7.",
           mendeleev("period"), integral=True),
    Column("kGroup", "group", "group", "",
           "IUPAC group 1-18; NA for the f-block (Ce-Lu, Th-Lr), La and Ac are group 3.",
           mendeleev("group_id"), integral=True),
    Column("kMendeleevNumber", "mendeleev_number", "mendeleev_number", "",
           "Villars/Pettifor Mendeleev number as used by Magpie; NA for Z >= 104.",
           magpie("MendeleevNumber"), integral=True),
    Column("kAtomicMass", "atomic_mass", "atomic_mass_u", "u",
           "Standard atomic weight, or mass number of the longest-lived isotope.",
           magpie("AtomicWeight"), fill=mendeleev("atomic_weight")),
    Column("kPaulingElectronegativity", "electronegativity", "pauling_electronegativity", "",
           "Pauling electronegativity (Magpie values, some lanthanides interpolated).",
           magpie("Electronegativity"), fill=mendeleev("en_pauling")),
    Column("kFirstIonizationEnergy", "first_ionization_energy", "first_ionization_energy_eV", "eV",
           "First ionization energy of the neutral atom (NIST ASD via mendeleev).",
           lambda s: s.first_ionization, fill=magpie("FirstIonizationEnergy")),
    Column("kElectronAffinity", "electron_affinity", "electron_affinity_eV", "eV",
           "Electron affinity; negative where the anion is only metastable (CRC/Andersen 2004).",
           mendeleev("electron_affinity")),
    Column("kCovalentRadius", "covalent_radius", "covalent_radius_pm", "pm",
           "Single-bond covalent radius (Cordero et al. 2008 as given by Magpie).",
           magpie("CovalentRadius"), fill=mendeleev("covalent_radius_cordero")),
    Column("kAtomicRadius", "atomic_radius", "atomic_radius_pm", "pm",
           "Empirical atomic radius (Slater 1964 via mendeleev).",
           mendeleev("atomic_radius")),
    Column("kMeltingPoint", "melting_point", "melting_point_K", "K",
           "Melting point at 1 atm.",
           magpie("MeltingT"), fill=lambda s: s.melting_points),
    Column("kBoilingPoint", "boiling_point", "boiling_point_K", "K",
           "Boiling point at 1 atm (sublimation point for As and C).",
           lambda s: s.boiling_points, fill=magpie("BoilingT")),
    Column("kDensity", "density", "density_g_cm3", "g/cm^3",
           "Density near room temperature; ideal gas at 25 C for gases, estimates if unmeasured.",
           mendeleev("density")),
    Column("kSpecificHeat", "specific_heat", "specific_heat_J_gK", "J/(g*K)",
           "Specific heat capacity at 25 C and 1 bar.",
           mendeleev("specific_heat_capacity")),
    Column("kThermalConductivity", "thermal_conductivity", "thermal_conductivity_W_mK", "W/(m*K)",
           "Thermal conductivity near room temperature.",
           magpie("ThermalConductivity"), fill=mendeleev("thermal_conductivity")),
    Column("kMolarVolume", "molar_volume", "molar_volume_cm3_mol", "cm^3/mol",
           "Molar volume of the condensed element.",
           magpie("MolarVolume")),
    Column("kPolarizability", "polarizability", "polarizability_A3", "angstrom^3",
           "Static dipole polarizability of the free atom (Schwerdtfeger and Nagle 2023).",
           mendeleev("dipole_polarizability", BOHR_IN_ANGSTROM ** 3, significant=6),
           fill=magpie("Polarizability")),
]
for _magpie_name, _enum, _key, _what in [
    ("NsValence", "kValenceS", "valence_s", "Valence electrons in s subshells"),
    ("NpValence", "kValenceP", "valence_p", "Valence electrons in p subshells"),
    ("NdValence", "kValenceD", "valence_d", "Valence electrons in d subshells"),
    ("NfValence", "kValenceF", "valence_f", "Valence electrons in f subshells"),
    ("NValence", "kValenceTotal", "valence_total", "Valence electrons in all subshells"),
    ("NsUnfilled", "kUnfilledS", "unfilled_s", "Unfilled s states of occupied s subshells"),
    ("NpUnfilled", "kUnfilledP", "unfilled_p", "Unfilled p states of occupied p subshells"),
    ("NdUnfilled", "kUnfilledD", "unfilled_d", "Unfilled d states of occupied d subshells"),
    ("NfUnfilled", "kUnfilledF", "unfilled_f", "Unfilled f states of occupied f subshells"),
    ("NUnfilled", "kUnfilledTotal", "unfilled_total", "Unfilled states of all occupied subshells"),
]:
    COLUMNS.append(Column(_enum, _key, _key, "", _what + " (outside the noble-gas core).",
                          magpie(_magpie_name), fill=derived_valence(_magpie_name),
                          integral=True))
COLUMNS += [
    Column("kGsVolumePerAtom", "gs_volume_per_atom", "gs_volume_per_atom_A3", "angstrom^3/atom",
           "DFT volume per atom of the T=0 K ground state (OQMD via Magpie).",
           magpie("GSvolume_pa")),
    Column("kGsBandGap", "gs_band_gap", "gs_band_gap_eV", "eV",
           "DFT band gap of the T=0 K ground state (OQMD via Magpie).",
           magpie("GSbandgap")),
    Column("kGsMagneticMoment", "gs_magnetic_moment", "gs_magnetic_moment_muB", "mu_B/atom",
           "DFT magnetic moment per atom of the T=0 K ground state (OQMD via Magpie).",
           magpie("GSmagmom")),
    Column("kGsSpaceGroupNumber", "gs_space_group_number", "gs_space_group_number", "",
           "Space group number of the ground-state structure (ICSD/OQMD via Magpie).",
           magpie("SpaceGroupNumber"), integral=True),
]
TEXT_COLUMNS = ["z", "symbol", "name", "block"]


# --------------------------------------------------------------------------------------------
# Assembly and checks


class Sources:
    """Lazily loaded source tables shared by the column callables."""

    def __init__(self, shared):
        self.shared = shared
        self._magpie = {}
        self.mendeleev = read_mendeleev_elements(shared)
        self.boiling_points = read_mendeleev_boiling_points(shared)
        self.first_ionization = read_mendeleev_first_ionization(shared)
        self.melting_points = self._mendeleev_melting_points()
        self.valence = {z: derive_valence_counts(r["electronic_configuration"])
                        for z, r in self.mendeleev.items()}

    def magpie(self, table):
        if table not in self._magpie:
            self._magpie[table] = read_magpie(self.shared, table)
        return self._magpie[table]

    def _mendeleev_melting_points(self):
        # Only used to fill Magpie gaps (Fr); the first row per element is the reference allotrope.
        path = os.path.join(self.shared, "data", "elements", "mendeleev", "phasetransitions.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = sorted(csv.DictReader(f), key=lambda r: int(r["id"]))
        out = {}
        for r in rows:
            z = int(r["atomic_number"])
            if z not in out and r["melting_point"] != "":
                out[z] = clean(r["melting_point"])
        return out


def check(condition, message):
    if not condition:
        raise SystemExit("consistency check failed: " + message)


def cross_check_sources(s):
    """Asserts that where two sources describe the same quantity they agree."""
    magpie_number = s.magpie("Number")
    check(all(magpie_number[z] == z for z in magpie_number), "Magpie Number.table != Z")
    for z, row in s.magpie("Row").items():
        check(float(s.mendeleev[z]["period"]) == row, f"Magpie Row != mendeleev period at Z={z}")
    for z, col in s.magpie("Column").items():
        group = s.mendeleev[z]["group_id"]
        # Magpie lists every f-block element in column 3; mendeleev leaves their group empty.
        if group == "":
            check(s.mendeleev[z]["block"] == "f" and col == 3, f"group gap at Z={z}")
        else:
            check(float(group) == col, f"Magpie Column != mendeleev group at Z={z}")
    for table in ["NsValence", "NpValence", "NdValence", "NfValence", "NValence", "NsUnfilled",
                  "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled"]:
        for z, v in s.magpie(table).items():
            check(s.valence[z][table] == v, f"derived {table} != Magpie at Z={z}")


def build_rows(s):
    rows = []
    for z in range(1, N_ELEMENTS + 1):
        m = s.mendeleev[z]
        block = m["block"]
        check(block in ("s", "p", "d", "f"), f"block {block!r} at Z={z}")
        name = NAME_OVERRIDES.get(z, m["name"])
        check(re.fullmatch(r"[A-Z][a-z]+", name) is not None, f"name {name!r}")
        check(re.fullmatch(r"[A-Z][a-z]?", m["symbol"]) is not None, f"symbol {m['symbol']!r}")
        rows.append({"z": z, "symbol": m["symbol"], "name": name, "block": block, "values": []})
    for col in COLUMNS:
        primary = col.primary(s)
        fill = col.fill(s) if col.fill else {}
        for row in rows:
            z = row["z"]
            v = primary.get(z, fill.get(z))
            if v is not None:
                check(math.isfinite(v), f"{col.column} at Z={z} is not finite")
                if col.integral:
                    check(v == int(v), f"{col.column} at Z={z} is not an integer: {v}")
                if v == 0.0:
                    v = 0.0  # no negative zeros: they would print as "-0"
            row["values"].append(v)
    symbols = [r["symbol"] for r in rows]
    check(len(set(symbols)) == N_ELEMENTS, "duplicate symbols")
    return rows


def check_enum_order(repo):
    """The generated tables index by ElementProperty, so its enumerators must match COLUMNS."""
    path = os.path.join(repo, "src", "chem", "element.hpp")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"enum class ElementProperty[^{]*\{(.*?)\}", text, re.S)
    check(m is not None, f"ElementProperty not found in {path}")
    names = [n.strip() for n in re.sub(r"//[^\n]*", "", m.group(1)).split(",") if n.strip()]
    check(names[-1] == "kCount", "ElementProperty must end with kCount")
    expected = [c.enumerator for c in COLUMNS]
    check(names[:-1] == expected, f"ElementProperty order {names[:-1]} != {expected}")


# --------------------------------------------------------------------------------------------
# Writers


def csv_number(v, integral):
    if v is None:
        return "NA"
    if integral or (v.is_integer() and abs(v) < 1e15):
        return str(int(v))
    return repr(v)


def cpp_number(v):
    if v is None:
        return "kNa"
    text = repr(v)  # shortest string that round-trips to the same double
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def cpp_string(s):
    check(all(32 <= ord(c) < 127 and c not in '"\\' for c in s), f"non-plain string {s!r}")
    return '"' + s + '"'


def render_csv(rows):
    header = TEXT_COLUMNS + [c.column for c in COLUMNS]
    lines = [",".join(header)]
    for r in rows:
        cells = [str(r["z"]), r["symbol"], r["name"], r["block"]]
        cells += [csv_number(v, c.integral) for v, c in zip(r["values"], COLUMNS)]
        check(all("," not in c and '"' not in c for c in cells), "CSV cell needs quoting")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def render_cpp(rows):
    out = []
    w = out.append
    w("// generated by tools/gen_elements.py from data/elements.csv sources; do not edit.")
    w("// Regenerate with: python3 tools/gen_elements.py (see data/SOURCES.md).")
    w('#include "chem/element_table.hpp"')
    w("")
    w("#include <limits>")
    w("")
    w("namespace pb::chem::detail {")
    w("namespace {")
    w("")
    w("constexpr double kNa = std::numeric_limits<double>::quiet_NaN();")
    w("")
    w("}  // namespace")
    w("")
    w("// clang-format off")
    w("constinit const std::array<ElementPropertyInfo, kElementPropertyCount>")
    w("    kElementPropertyInfoTable = {{")
    for c in COLUMNS:
        w(f"    {{ElementProperty::{c.enumerator},")
        w(f"     {cpp_string(c.key)},")
        w(f"     {cpp_string(c.column)},")
        w(f"     {cpp_string(c.unit)},")
        w(f"     {cpp_string(c.description)}}},")
    w("}};")
    w("")
    w("// Values in ElementProperty order:")
    line = "//  "
    for c in COLUMNS:
        if len(line) + 1 + len(c.column) > 100:
            w(line)
            line = "//  "
        line += " " + c.column
    w(line)
    w("constinit const std::array<Element, 118> kElementTable = {{")
    for r in rows:
        text = f"{r['z']}, {cpp_string(r['symbol'])}, {cpp_string(r['name'])}, '{r['block']}'"
        w(f"    {{{text}, {{{{")
        nums = [cpp_number(v) for v in r["values"]]
        for i in range(0, len(nums), 6):
            w("        " + ", ".join(nums[i:i + 6]) + ",")
        w("    }}},")
    w("}};")
    w("")
    w("// Row: upper-case letter - 'A'; column: 0 for a one-letter symbol, else lower-case")
    w("// letter - 'a' + 1.  Entries are atomic numbers, 0 where no element has that symbol.")
    w("constinit const std::array<std::array<std::uint8_t, 27>, 26> kSymbolToZ = {{")
    table = [[0] * 27 for _ in range(26)]
    for r in rows:
        sym = r["symbol"]
        col = 0 if len(sym) == 1 else ord(sym[1]) - ord("a") + 1
        table[ord(sym[0]) - ord("A")][col] = r["z"]
    for letter, line in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", table):
        w("    {{" + ",".join(str(v) for v in line) + "}},  // " + letter)
    w("}};")
    w("// clang-format on")
    w("")
    w("}  // namespace pb::chem::detail")
    return "\n".join(out) + "\n"


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return True


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join(repo, "..", "shared"),
                        help="shared data root holding data/elements/ (default: ../shared "
                             "relative to the repository root)")
    args = parser.parse_args(argv)
    shared = os.path.abspath(args.shared)

    check_enum_order(repo)
    sources = Sources(shared)
    cross_check_sources(sources)
    rows = build_rows(sources)

    for rel, text in [("data/elements.csv", render_csv(rows)),
                      ("src/chem/element_table.cpp", render_cpp(rows))]:
        changed = write_if_changed(os.path.join(repo, rel), text)
        print(f"{rel}: {'written' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
