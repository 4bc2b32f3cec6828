#include "chem/aliases.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "util/csv.hpp"
#include "util/error.hpp"

namespace pb::chem {

namespace detail {
extern const char* const kAliasesCsv;
}

namespace {

struct AliasTable {
  std::vector<Alias> rows;
  std::unordered_map<std::string_view, const Alias*> by_name;
  std::size_t longest = 0;
};

AliasTable load() {
  AliasTable t;
  auto records = csv::parse(detail::kAliasesCsv, "data/formula_aliases.csv");
  const std::vector<std::string> header{"alias", "formula", "status", "source", "note"};
  if (records.empty() || records.front() != header) {
    throw ParseError({"data/formula_aliases.csv", 1, 1},
                     "header must be alias,formula,status,source,note");
  }
  for (std::size_t i = 1; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.size() != header.size()) {
      throw ParseError({"data/formula_aliases.csv", i + 1, 1}, "expected 5 fields");
    }
    AliasStatus status = r[2] == "exact"         ? AliasStatus::kExact
                         : r[2] == "approximate" ? AliasStatus::kApproximate
                         : r[2] == "ambiguous"
                             ? AliasStatus::kAmbiguous
                             : throw ParseError({"data/formula_aliases.csv", i + 1, 1},
                                                "status must be exact, approximate or ambiguous");
    t.rows.push_back(Alias{r[0], r[1], status, r[3], r[4]});
  }
  for (const Alias& a : t.rows) {
    t.by_name.emplace(a.name, &a);
    t.longest = std::max(t.longest, a.name.size());
  }
  return t;
}

const AliasTable& table() {
  static const AliasTable kTable = load();
  return kTable;
}

}  // namespace

std::string_view to_string(AliasStatus status) {
  switch (status) {
    case AliasStatus::kExact:
      return "exact";
    case AliasStatus::kApproximate:
      return "approximate";
    case AliasStatus::kAmbiguous:
      return "ambiguous";
  }
  return "exact";
}

std::span<const Alias> aliases() { return table().rows; }

std::size_t max_alias_length() { return table().longest; }

const Alias* find_alias(std::string_view name) {
  const auto& m = table().by_name;
  auto it = m.find(name);
  return it == m.end() ? nullptr : it->second;
}

}  // namespace pb::chem
