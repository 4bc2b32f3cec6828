#pragma once
/// Training tables from a Phasebook database: the values of one property kind with their
/// substance, formula, measurement conditions, reference and dataset, and the structure that
/// stands for each substance, as the same Table a CSV gives (docs/ml.md, "From a database").
#include <optional>
#include <string>
#include <vector>

#include "ml/dataset.hpp"

namespace pb::store {
class Database;
}

namespace pb::ml {

/// Which values: a property kind (name or alias), the unit of the target column and the datasets.
struct DbQuery {
  std::string property;
  std::string unit;  ///< empty: the kind's canonical unit
  /// "public" (every dataset whose visibility is public; the default when empty), "members"
  /// (every members-only dataset, including names missing from the dataset table), or a name.
  std::vector<std::string> datasets;
  /// Only values measured within these temperatures (K); a bound leaves out values without one.
  std::optional<double> min_temperature_K, max_temperature_K;
  /// Only values whose formula holds every one of these elements.
  std::vector<std::string> elements;
  /// Substance tables: leave out substances with a value of this kind (in a selected dataset).
  std::string unmeasured;
  bool structures = true;                    ///< link each substance's structure (a CIF file)
  std::string structure_dir = "structures";  ///< where the CIF files go, relative to the CSV
};

/// What a query found.
struct DbSummary {
  std::string kind, unit;       ///< canonical kind name; unit of the target column
  std::size_t rows = 0;         ///< rows in the table
  std::size_t bounds_only = 0;  ///< values given only as a bound or range (left out)
  std::size_t filtered = 0;     ///< values the temperature or element filters leave out
  std::size_t with_substance = 0, substances = 0, with_structure = 0, structures = 0;
  std::vector<std::string> datasets;  ///< datasets the rows come from
  /// Datasets with values of this kind that the selection leaves out, with their row counts.
  std::vector<std::pair<std::string, std::size_t>> left_out;
};

/// Header of a database table, in order; then one column per key of the properties' free
/// conditions (a key that repeats a fixed name gets the prefix "conditions.").
/// target = the kind's name: the value in DbQuery::unit.
/// group = the substance id, else the reduced formula: rows of one substance from several papers
/// share it (the grouped-CV key).
std::vector<std::string> database_columns(const std::string& kind);

/// The table; throws InvalidArgument for an unknown kind, unit or dataset selector, or when no
/// value matches. Its fields are text, numbers with 15 significant digits, exactly what
/// write_table writes: learning from the table and from that CSV gives the same numbers, and
/// `sha256` is that CSV text's. Rows are in property id order.
Table database_table(store::Database& db, const DbQuery& query, DbSummary* summary = nullptr);

/// Header of a substance table: substance_id, group (= substance_id), formula, dataset,
/// structure_id, structure.
std::vector<std::string> substance_columns();

/// Candidates from a database: one row per substance with a structure in the selected datasets
/// (its first structure member there), formula = the cell's composition, the structure as a CIF
/// file; no target. Filters: `elements`, `unmeasured` (the property, unit and temperatures are
/// not used).
/// A model fitted with --db predicts on it (`learn predict`, `learn screen --candidates`).
Table substance_table(store::Database& db, const DbQuery& query, DbSummary* summary = nullptr);

}  // namespace pb::ml
