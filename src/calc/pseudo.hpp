#pragma once
/// Pseudopotential libraries per code (docs/calc.md, "Pseudopotentials"): which file serves an
/// element, its valence charge and the cutoffs its header suggests.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calc/parameters.hpp"

namespace pb::calc {

/// Debian's Quantum ESPRESSO library.
inline constexpr const char* kQePseudoDir = "/usr/share/espresso/pseudo";
/// Debian's ABINIT library (package abinit-data): PseudoDojo norm-conserving, scalar relativistic.
inline constexpr const char* kAbinitLdaDir =
    "/usr/share/abinit/psp/Pseudodojo_nc_sr_04_pw_standard_psp8";
inline constexpr const char* kAbinitPbeDir =
    "/usr/share/abinit/psp/Pseudodojo_nc_sr_04_pbe_standard_psp8";
/// Environment variable naming the VASP POTCAR directory (one sub-directory per element).
inline constexpr const char* kPotcarEnv = "PB_VASP_POTCAR_DIR";

/// One pseudopotential file and what its header says.
struct Pseudo {
  std::string element;
  std::filesystem::path path;
  std::string kind;  ///< "NC", "US" or "PAW"
  double z_valence = 0;
  std::optional<double> wfc_cutoff_ry;  ///< suggested (UPF); nullopt when absent or zero
  std::optional<double> rho_cutoff_ry;
  std::optional<double> enmax_ev;  ///< POTCAR ENMAX
  std::string titel;               ///< POTCAR TITEL ("PAW_PBE Si 05Jan2001")
};

/// What a UPF file's header says (v1 and v2); throws pb::ParseError when it has no PP_HEADER.
Pseudo read_upf_header(const std::filesystem::path& path);
/// What a POTCAR's first header says (TITEL, ZVAL, ENMAX).
Pseudo read_potcar_header(const std::filesystem::path& path);

/// The pseudopotential of `element` for `code` ("qe", "abinit", "vasp") under the parameters
/// (`pseudo_dir`, `functional`, `pseudo.<El>` overrides). Throws pb::NotFound naming the element,
/// the directory searched and the names tried.
Pseudo find_pseudo(std::string_view code, std::string_view element, const Parameters& p);

/// The directory searched for `code` under the parameters.
std::filesystem::path pseudo_directory(std::string_view code, const Parameters& p);

}  // namespace pb::calc
