// pb_calc units: the template language, parameters, k-points, pseudopotential choice, output
// parsers on real pw.x and ABINIT outputs (tests/data/calc, made by the runs SOURCES.md lists),
// gap and DOS analysis, plot ticks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "calc/inputs.hpp"
#include "calc/kpoints.hpp"
#include "calc/outputs.hpp"
#include "calc/pseudo.hpp"
#include "calc/svg_plot.hpp"
#include "calc/template.hpp"
#include "calc/units.hpp"
#include "crystal/structure_io.hpp"
#include "util/error.hpp"

namespace pb::calc {
namespace {

std::string data(const std::string& name) {
  return std::string(PB_SOURCE_DIR) + "/tests/data/calc/" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

crystal::Structure silicon() {
  auto r = crystal::read_structures(data("Si.cif"));
  return r.structures.at(0).structure;
}

TEST(CalcTemplate, RendersValuesSectionsAndInvertedSections) {
  nlohmann::json c = {{"a", 20.0},
                      {"name", "Si"},
                      {"spin", false},
                      {"k", {{"n", 4}}},
                      {"list", {{{"x", 1}}, {{"x", 2}}}},
                      {"words", {"p", "q"}}};
  EXPECT_EQ(render_template("e = {{a}} {{name}} {{k.n}}", c), "e = 20 Si 4");
  EXPECT_EQ(render_template("{{#list}}\n  {{x}} {{name}}\n{{/list}}\nend\n", c),
            "  1 Si\n  2 Si\nend\n");
  EXPECT_EQ(render_template("{{#spin}}\nnspin\n{{/spin}}\n{{^spin}}\nnone\n{{/spin}}\n", c),
            "none\n");
  EXPECT_EQ(render_template("{{#words}}{{.}},{{/words}}{{! comment }}", c), "p,q,");
}

TEST(CalcTemplate, ErrorsAreLocated) {
  nlohmann::json c = {{"a", 1}};
  try {
    render_template("x\n  {{ecutwfc}}\n", c, "scf.in");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.where().column, 3u);
    EXPECT_NE(std::string(e.what()).find("unknown name 'ecutwfc'"), std::string::npos);
  }
  EXPECT_THROW(render_template("{{#a}}\n", c), ParseError);
  EXPECT_THROW(render_template("{{#a}}{{/b}}", c), ParseError);
  EXPECT_THROW(render_template("{{a", c), ParseError);
}

TEST(CalcParameters, DeclaredOnceWithBounds) {
  Parameters p = default_parameters();
  EXPECT_EQ(param_int(p, "kppra"), 1000);
  set_parameter(p, "ecutwfc=30");
  EXPECT_DOUBLE_EQ(param_real(p, "ecutwfc"), 30);
  set_parameter(p, "pseudo.Si=Si.bhs");
  EXPECT_EQ(p["pseudo.Si"], "Si.bhs");
  EXPECT_THROW(set_parameter(p, "ecutwfc=-1"), InvalidArgument);
  EXPECT_THROW(set_parameter(p, "kppra=1.5"), InvalidArgument);
  EXPECT_THROW(set_parameter(p, "nonsense=1"), InvalidArgument);
  EXPECT_THROW(set_parameter(p, "ecutwfc"), InvalidArgument);
}

TEST(CalcKPoints, AutomaticDensityLikePymatgen) {
  crystal::Structure si = silicon();
  // Conventional 8-atom cell, a = 5.39761: (1000/8 * a^3)^(1/3) / a = 5.0 -> 4 after floor
  // only when below 5; pymatgen's formula gives floor(5.0) = 5 (checked with pymatgen 2022.11).
  KMesh m = automatic_mesh(si, 1000);
  EXPECT_EQ(m.n[0], m.n[1]);
  EXPECT_EQ(m.n[0],
            static_cast<int>(std::floor(std::cbrt(1000.0 / static_cast<double>(si.sites.size()) *
                                                  std::pow(si.lattice.a(), 3)) /
                                        si.lattice.a())));
  EXPECT_FALSE(m.gamma_centred);
  EXPECT_EQ(parse_mesh("4x4x2").n[2], 2);
  EXPECT_THROW(parse_mesh("4x4"), InvalidArgument);
}

TEST(CalcKPoints, FccPathFromSetyawanCurtarolo) {
  KPath path = kpath(silicon());
  EXPECT_EQ(path.lattice, "cF");
  ASSERT_EQ(path.segments.size(), 2u);
  EXPECT_EQ(path.segments[0].front().label, "G");
  EXPECT_EQ(path.segments[0][1].label, "X");
  EXPECT_EQ(path.cell.sites.size(), 2u);
  auto points = path.points(10);
  EXPECT_EQ(points.front().label, "G");
  EXPECT_EQ(points.back().label, "X");
  // Γ-X in the fcc reciprocal lattice is 2π/a long.
  double gx = 2 * M_PI / 5.39761;
  for (const auto& p : points) {
    if (p.label == "X") {
      EXPECT_NEAR(p.distance, gx, 1e-6);
      break;
    }
  }
}

TEST(CalcPseudo, QePreferenceAndHeaders) {
  Parameters p = default_parameters();
  Pseudo si = find_pseudo("qe", "Si", p);
  EXPECT_EQ(si.path.filename(), "Si.pz-vbc.UPF");
  EXPECT_EQ(si.kind, "NC");
  EXPECT_DOUBLE_EQ(si.z_valence, 4);
  set_parameter(p, "functional=pbe");
  Pseudo fe = find_pseudo("qe", "Fe", p);
  EXPECT_EQ(fe.path.filename(), "Fe.pbe-mt_fhi.UPF");
  Pseudo fe_us = read_upf_header("/usr/share/espresso/pseudo/Fe.pbe-spn-rrkjus_psl.0.2.1.UPF");
  EXPECT_EQ(fe_us.kind, "US");
  EXPECT_NEAR(*fe_us.wfc_cutoff_ry, 63.93, 0.01);
  EXPECT_NEAR(*fe_us.rho_cutoff_ry, 781.74, 0.01);
  try {
    find_pseudo("qe", "Zr", default_parameters());
    FAIL();
  } catch (const NotFound& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("for Zr in /usr/share/espresso/pseudo"), std::string::npos) << m;
  }
}

TEST(CalcParsers, QeStdoutAndXmlAgree) {
  CalcResult out = parse_qe_stdout(slurp(data("qe_si_scf.out")), "qe_si_scf.out");
  CalcResult xml = parse_qe_xml(slurp(data("qe_si_scf.xml")), "qe_si_scf.xml");
  // pw.x printed "!    total energy = -15.84754592 Ry".
  EXPECT_NEAR(*out.energy_ev, -15.84754592 * kRydbergEv, 1e-7);
  EXPECT_NEAR(*xml.energy_ev, *out.energy_ev, 1e-6);
  EXPECT_TRUE(out.converged && xml.converged && out.completed && xml.completed);
  EXPECT_EQ(out.natoms, 2);
  EXPECT_EQ(xml.natoms, 2);
  ASSERT_TRUE(out.stress_gpa && xml.stress_gpa);
  EXPECT_NEAR((*out.stress_gpa)[0], (*xml.stress_gpa)[0], 0.01);
  ASSERT_TRUE(xml.bands.has_value());
  EXPECT_EQ(xml.bands->kpoints.size(), 10u);
  EXPECT_TRUE(xml.fixed_occupations);
  EXPECT_FALSE(result_gap(xml).has_value());  // only filled bands: no gap to give
}

TEST(CalcParsers, QeMetalAndTruncatedXml) {
  CalcResult al = parse_qe_xml(slurp(data("qe_al_scf.xml")), "qe_al_scf.xml");
  auto gap = result_gap(al);
  ASSERT_TRUE(gap.has_value());
  EXPECT_TRUE(gap->metal);
  std::string text = slurp(data("qe_al_scf.xml"));
  EXPECT_THROW(parse_qe_xml(text.substr(0, text.size() / 2), "cut.xml"), ParseError);
}

TEST(CalcParsers, AbinitMainOutput) {
  // The main output lists the eigenvalues of the first k-point only (prtvol 0); the job
  // directory parser appends the _EIG file, which has them all.
  CalcResult first = parse_abinit_output(slurp(data("abinit_si.abo")), "abinit_si.abo");
  ASSERT_TRUE(first.bands.has_value());
  EXPECT_EQ(first.bands->kpoints.size(), 1u);
  CalcResult r = parse_abinit_output(slurp(data("abinit_si.abo")) + slurp(data("abinit_si_EIG")),
                                     "abinit_si.abo");
  EXPECT_NEAR(*r.energy_ev, -8.51771454 * kHartreeEv, 1e-5);
  EXPECT_NEAR(*r.fermi_ev, 0.174271069 * kHartreeEv, 1e-6);
  EXPECT_TRUE(r.completed && r.converged);
  EXPECT_EQ(r.forces_ev_a.size(), 2u);
  ASSERT_TRUE(r.stress_gpa.has_value());
  EXPECT_NEAR((*r.stress_gpa)[0], 1.33180363, 1e-6);
  ASSERT_TRUE(r.bands.has_value());
  EXPECT_EQ(r.bands->kpoints.size(), 8u);
  auto g = band_gap(*r.bands, *r.fermi_ev);
  EXPECT_FALSE(g.metal);
}

TEST(CalcParsers, AbinitSpinPolarisedMagnetisationAndDosFile) {
  // Lines as ABINIT 9.6.2 writes them for bcc Fe (nsppol 2); the last ground state counts.
  std::string abo =
      " ETOT  1  -123.69886812927    -1.24E+02 1.36E-01 7.01E+02\n"
      " ETOT  2  -123.94091395199    -2.42E-01 8.83E-04 2.37E+02\n"
      " Total magnetization (from the atomic spheres):             1.905247\n"
      " Total magnetization (exact up - dn):                       2.073799\n";
  CalcResult r = parse_abinit_output(abo, "fe.abo");
  ASSERT_TRUE(r.magnetization.has_value());
  EXPECT_DOUBLE_EQ(*r.magnetization, 2.073799);
  EXPECT_EQ(r.scf_steps, 2);
  std::string dos =
      "#\n# ABINIT package : DOS file  \n#\n# Fermi energy :       0.58661463\n"
      "#                Spin-up DOS\n"
      "  -0.100      1.000000      0.000000         0.000         0.000\n"
      "   0.000      2.000000      0.001000         0.000         0.000\n"
      "#                Spin-dn DOS\n"
      "  -0.100      0.500000      0.000000         0.000         0.000\n"
      "   0.000      0.250000      0.000500         0.000         0.000\n";
  Dos d = parse_abinit_dos(dos, "fe_DOS");
  ASSERT_EQ(d.total.size(), 2u);
  ASSERT_EQ(d.energies_ev.size(), 2u);
  EXPECT_NEAR(d.energies_ev[0], -0.1 * kHartreeEv, 1e-12);
  EXPECT_NEAR(d.total[0][1], 2 / kHartreeEv, 1e-12);  // per Hartree -> per eV
  EXPECT_NEAR(d.total[1][0], 0.5 / kHartreeEv, 1e-12);
  EXPECT_EQ(guess_output_kind("run/runo_DS2_DOS"), "abinit-dos");
  // A truncated spin-down channel and a file that is not a DOS fail with the line.
  try {
    parse_abinit_dos(dos.substr(0, dos.rfind("   0.000      0.25")), "fe_DOS");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("spin-down DOS has 1 points"), std::string::npos);
  }
  try {
    parse_abinit_dos("ndtset 2\n acell 3*1.0\n", "run.abi");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 1u);
  }
}

TEST(CalcParsers, GarbageNeverThrowsAnythingElse) {
  for (std::string kind : {"qe-xml", "qe-stdout", "vasprun", "outcar", "abinit", "abinit-dos"}) {
    for (std::string text :
         {std::string(), std::string("<a>"), std::string("\0\0\xff", 3),
          std::string("Eigenvalues (hartree) for nkpt= 1\n kpt#   1, nband=99999999999"),
          std::string(" total   stress\n1 2\n")}) {
      try {
        parse_output(kind, text, "x");
      } catch (const ParseError&) {
      }
    }
  }
}

TEST(CalcAnalysis, GapByFillingAndDosIntegral) {
  BandData b;
  b.kpoints = {{0, 0, 0}, {0.5, 0, 0}};
  b.weights = {0.5, 0.5};
  b.eigenvalues = {{{-5, 1.0, 3.0}, {-4, 0.5, 2.0}}};
  Gap g = band_gap_by_filling(b, 4);
  EXPECT_FALSE(g.metal);
  EXPECT_DOUBLE_EQ(g.gap_ev, 1.0);  // VBM 1.0 at k0, CBM 2.0 at k1
  EXPECT_FALSE(g.direct);
  Gap m = band_gap(b, 1.5);
  EXPECT_FALSE(m.metal);
  Dos d = density_of_states(b, 0.1, 2000);
  double integral = 0;
  for (std::size_t i = 1; i < d.energies_ev.size(); ++i) {
    integral += d.total[0][i] * (d.energies_ev[i] - d.energies_ev[i - 1]);
  }
  EXPECT_NEAR(integral, 6.0, 1e-3);  // 3 bands x 2 electrons
}

TEST(CalcPlot, NiceTicksAndSvg) {
  auto t = nice_ticks(-12, 8);
  ASSERT_FALSE(t.empty());
  EXPECT_DOUBLE_EQ(t.front(), -10);
  EXPECT_DOUBLE_EQ(t.back(), 5);
  EXPECT_DOUBLE_EQ(t[1] - t[0], 5);
  Dos d;
  d.energies_ev = {0, 1, 2};
  d.total = {{0, 1, 0}};
  std::string svg = dos_svg(d, 1, "a <test>");
  EXPECT_NE(svg.find("a &lt;test&gt;"), std::string::npos);
  EXPECT_NE(svg.find("E - E_F (eV)"), std::string::npos);
}

TEST(CalcWriters, QeInputFromTemplates) {
  Parameters p = default_parameters();
  set_parameter(p, "kmesh=4x4x4");
  InputSet in = find_code("qe").prepare(silicon(), Task::kScf, p, {});
  ASSERT_EQ(in.files.size(), 1u);
  const std::string& text = in.files[0].second;
  EXPECT_NE(text.find("ecutwfc = 40.0"), std::string::npos);  // no header suggestion: default
  EXPECT_NE(text.find("nat = 2"), std::string::npos);
  EXPECT_NE(text.find("  4 4 4 0 0 0"), std::string::npos);
  EXPECT_EQ(text.find("{{"), std::string::npos);
  EXPECT_EQ(in.steps[0], "pw.x -in scf.in > scf.out");
}

}  // namespace
}  // namespace pb::calc
