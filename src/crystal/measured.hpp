#pragma once
/// Numbers as crystallographic files write them: a value with an optional standard uncertainty
/// in parentheses, "5.4309(2)" = 5.4309 ± 0.0002, "-0.123(15)", "1.2E-3(4)".
#include <optional>
#include <string_view>

namespace pb::crystal {

/// A value and its standard uncertainty (0 when none was written).
struct Measured {
  double value = 0;
  double su = 0;
};

/// Parses a CIF number; nullopt for anything else (including "?" and ".").
std::optional<Measured> parse_measured(std::string_view text);

}  // namespace pb::crystal
