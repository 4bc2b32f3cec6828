#pragma once
/// Energy and force conversions between the codes' units (CODATA 2018, as Quantum ESPRESSO).
namespace pb::calc {

inline constexpr double kRydbergEv = 13.605693122994;
inline constexpr double kHartreeEv = 2 * kRydbergEv;
inline constexpr double kBohrAngstrom = 0.529177210903;
/// 1 Ry/Bohr in eV/Å.
inline constexpr double kRyBohrEvA = kRydbergEv / kBohrAngstrom;
/// 1 Ha/Bohr in eV/Å.
inline constexpr double kHaBohrEvA = kHartreeEv / kBohrAngstrom;
/// 1 Ha/Bohr³ in GPa.
inline constexpr double kHaBohr3Gpa = 29421.02648438959;

}  // namespace pb::calc
