#pragma once
/// The search conditions shared by `phasebook search` and `phasebook export`, as CLI options.
#include <optional>
#include <string>
#include <vector>

#include "query/search.hpp"

namespace CLI {
class App;
}

namespace pb::cli {

/// Option values as typed; to_query() checks and converts them.
struct SearchOptions {
  std::vector<std::string> elements, elements_any, elements_only, exclude;
  std::string nelements, formula, anonymous, contains, crystal_system, pearson, structure_type;
  std::optional<int> space_group;
  std::string a, b, c, alpha, beta, gamma;
  std::string property, unit, temperature;
  std::optional<double> min, max;
  std::string author, year, journal, doi, text, substance;
  std::string sort = "id";
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;

  /// The query; throws InvalidArgument for a malformed range, unit, sort field or a value
  /// option without --property.
  query::StructureQuery to_query() const;
};

/// Adds every condition, sort and paging option to `cmd`.
void add_search_options(CLI::App& cmd, SearchOptions& o);

}  // namespace pb::cli
