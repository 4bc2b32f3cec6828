#include "store/property_kinds.hpp"

#include <cctype>

#include "util/csv.hpp"
#include "util/error.hpp"

namespace pb::store {

namespace detail {
extern const char* const kPropertyKindsCsv;
}

namespace {

// "Ionic conductivity", "ionic_conductivity" and "ionic-conductivity" compare equal.
std::string fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<PropertyKind> load() {
  auto rows = csv::parse(detail::kPropertyKindsCsv, "data/property_kinds.csv");
  std::vector<PropertyKind> kinds;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    if (f.size() != 5)
      throw InvalidArgument("data/property_kinds.csv: row " + std::to_string(r + 1) +
                            " needs 5 fields");
    PropertyKind k{f[0], units::parse_unit(f[1]), {}, f[3], f[4]};
    std::string_view aliases = f[2];
    while (!aliases.empty()) {
      std::size_t semi = aliases.find(';');
      k.aliases.emplace_back(aliases.substr(0, semi));
      aliases = semi == std::string_view::npos ? std::string_view{} : aliases.substr(semi + 1);
    }
    kinds.push_back(std::move(k));
  }
  return kinds;
}

}  // namespace

std::string_view property_kinds_csv() { return detail::kPropertyKindsCsv; }

const std::vector<PropertyKind>& property_kinds() {
  static const std::vector<PropertyKind> kKinds = load();
  return kKinds;
}

const PropertyKind* find_property_kind(std::string_view name) {
  const std::string key = fold(name);
  if (key.empty()) return nullptr;
  for (const auto& k : property_kinds()) {
    if (fold(k.name) == key) return &k;
  }
  for (const auto& k : property_kinds()) {
    for (const auto& a : k.aliases) {
      if (fold(a) == key) return &k;
    }
  }
  return nullptr;
}

}  // namespace pb::store
