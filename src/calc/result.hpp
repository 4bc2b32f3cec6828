#pragma once
/// What a DFT run produced, in one unit system whatever the code: eV, Å, GPa, Bohr magnetons.
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pb::calc {

using Vec3 = std::array<double, 3>;

/// Kohn-Sham eigenvalues on a set of k-points.
struct BandData {
  std::vector<Vec3> kpoints;    ///< Cartesian, 1/Å (2π included)
  std::vector<double> weights;  ///< summing to 1 (uniform meshes) or all equal (paths)
  /// [spin][k][band] in eV; one spin channel unless spin-polarised.
  std::vector<std::vector<std::vector<double>>> eigenvalues;
};

/// Band gap from eigenvalues and the Fermi level.
struct Gap {
  double gap_ev = 0;  ///< 0 for a metal
  bool metal = false;
  bool direct = false;
  double vbm_ev = 0, cbm_ev = 0;
  std::size_t vbm_k = 0, cbm_k = 0;  ///< k-point indices
};

/// Gap analysis: a band with states on both sides of the Fermi level (within `tolerance_ev`)
/// makes a metal; otherwise the gap lies between the highest level at or below the Fermi level
/// and the lowest above it, direct when both are at the same k-point.
Gap band_gap(const BandData& bands, double fermi_ev, double tolerance_ev = 1e-3);

/// Total DOS (states/eV per cell, spin channels summed) with Gaussian broadening `sigma_ev` on
/// `points` energies spanning the eigenvalues ± 5 sigma.
struct Dos {
  std::vector<double> energies_ev;
  std::vector<std::vector<double>> total;  ///< [spin][energy]
};
Dos density_of_states(const BandData& bands, double sigma_ev = 0.1, std::size_t points = 1000);

/// Gap by band filling for fixed occupations without spin: the highest of band nelec/2 and
/// the lowest of the band above it (robust on k-paths that miss the mesh's Fermi level).
Gap band_gap_by_filling(const BandData& bands, double nelec);

/// One parsed run.
struct CalcResult {
  std::string code;                ///< "qe", "vasp", "abinit"
  std::string source;              ///< file(s) parsed
  bool completed = false;          ///< the program reached its normal end
  bool converged = false;          ///< electronic (and ionic, for relaxations) convergence reached
  bool scf_not_converged = false;  ///< the SCF loop hit its step limit
  bool walltime_exceeded = false;  ///< stopped by its own time limit
  int scf_steps = 0;
  int natoms = 0;
  std::optional<double> energy_ev;
  std::optional<double> fermi_ev;
  std::optional<double> magnetization;  ///< total, Bohr magnetons per cell
  std::vector<Vec3> forces_ev_a;
  std::optional<std::array<double, 9>> stress_gpa;  ///< row-major; positive = tensile
  std::optional<BandData> bands;
  /// The total DOS the code computed itself (VASP's <dos><total>), when its output holds one;
  /// otherwise density_of_states() broadens the eigenvalues.
  std::optional<Dos> dos;
  std::optional<double> nelec;      ///< valence electrons per cell
  bool fixed_occupations = false;   ///< no smearing: the lowest nelec/2 bands are filled
  std::vector<std::string> errors;  ///< the program's own error messages

  std::optional<double> energy_per_atom_ev() const {
    if (!energy_ev || natoms == 0) return std::nullopt;
    return *energy_ev / natoms;
  }
};

/// The gap the result implies (by filling when occupations are fixed, else by Fermi level).
std::optional<Gap> result_gap(const CalcResult& r);

/// The result as JSON (bands and DOS included when present) and back.
nlohmann::json to_json(const CalcResult& r);
CalcResult result_from_json(const nlohmann::json& j);

}  // namespace pb::calc
