#pragma once
/// Descriptor sets: from the columns of one CSV record (formula of a material or of the two sides
/// A/B of an interface, an optional structure file, condition columns) to a fixed list of named
/// features. Names are stable within a version (kDescriptorVersion); docs/ml.md lists them.
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pb::chem {
class CompositionDescriptors;
}

namespace pb::ml {

/// Bumped whenever a name or a formula of an existing descriptor changes.
inline constexpr std::string_view kDescriptorVersion = "pb-ml-descriptors/1";

/// Which columns of the CSV feed what.
struct ColumnSpec {
  std::string target;                ///< empty when predicting
  bool log10_target = false;         ///< learn log10(target); predictions are transformed back
  std::string formula;               ///< material, or side A of an interface
  std::string formula_b;             ///< side B column (interfaces)
  std::string formula_b_value;       ///< side B the same for every row (e.g. "Ga2O3")
  std::string structure;             ///< side A structure file, "dir/{id}.POSCAR" (CSV-relative)
  std::vector<std::string> numeric;  ///< condition columns used as numbers
  std::vector<std::string> categorical;  ///< condition columns one-hot encoded
  std::string group;                     ///< grouped-CV key; default: the formulas of the row
  /// Acoustic inputs per side: mass, density, melting, debye, velocity -> column or number.
  std::map<std::string, std::string> side_a, side_b;

  bool pair() const { return !formula_b.empty() || !formula_b_value.empty(); }
};

/// Which descriptors: the element-property list of the composition statistics, enabled groups,
/// and an optional selection of names (exact, or a prefix ending in '*').
struct DescriptorConfig {
  std::string preset = "magpie";
  std::vector<std::string> properties;
  std::vector<std::string> groups;
  std::vector<std::string> select;
};

/// A descriptor group and what it holds.
struct DescriptorGroupInfo {
  std::string_view name;
  std::string_view description;
};
const std::vector<DescriptorGroupInfo>& descriptor_groups();

/// Per-thread memo of what a formula or structure file gives (screening sees each material in
/// many pairs).
class MaterialCache;

/// One descriptor set bound to a column layout.
class Featurizer {
 public:
  Featurizer() = default;
  Featurizer(ColumnSpec columns, DescriptorConfig config);

  /// Learns the categorical levels from training rows and fixes the feature list.
  void prepare(const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

  const ColumnSpec& columns() const { return columns_; }
  const DescriptorConfig& config() const { return config_; }
  /// Selected feature names and the group of each.
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<std::string>& groups() const { return groups_; }

  /// Column positions of one CSV header; throws InvalidArgument naming a missing column
  /// (condition columns may be absent when `need_target` is false).
  struct Layout {
    int formula = -1, formula_b = -1, group = -1, target = -1;
    std::vector<int> numeric, categorical;
    std::map<std::string, int> side_a, side_b;                 // -1 = constant
    std::vector<std::pair<std::string, int>> structure_parts;  // literal text or column
    std::string base_dir;
    std::vector<std::string> absent;  ///< condition columns the header lacks (prediction only)
    /// Structure files held in memory (a table from a database), by the path the template
    /// gives; looked up before the file system.
    const std::map<std::string, std::string>* files = nullptr;
  };
  Layout bind(const std::vector<std::string>& header, const std::string& base_dir,
              bool need_target) const;

  /// The features of one record (NaN where a value is missing) and, when `group` is given, its
  /// grouped-CV key (the --group column, else the reduced formulas "A|B"). Throws ParseError or
  /// InvalidArgument when a formula or structure cannot be used.
  void compute(const Layout& layout, const std::vector<std::string>& fields, std::span<double> out,
               MaterialCache& cache, std::string* group = nullptr) const;

  void to_json(nlohmann::json& j) const;
  void from_json(const nlohmann::json& j);

 private:
  void build_names();
  ColumnSpec columns_;
  DescriptorConfig config_;
  std::shared_ptr<const chem::CompositionDescriptors> descriptors_;
  std::vector<std::string> composition_names_;
  std::map<std::string, std::vector<std::string>> levels_;  // categorical column -> levels
  std::vector<std::string> all_names_, all_groups_;
  std::vector<std::size_t> selected_;
  std::vector<std::string> names_, groups_;
};

class MaterialCache {
 public:
  MaterialCache();
  ~MaterialCache();
  struct Entry;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries;
};

/// Parses a number as written in data files: empty, NA, NaN, "?" and "-" give NaN.
double parse_number(std::string_view text);

}  // namespace pb::ml
