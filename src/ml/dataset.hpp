#pragma once
/// A training table: a CSV read into records, turned into a feature matrix and a target by a
/// Featurizer, with rows the policy drops (and unusable rows) reported by line.
#include <map>
#include <string>
#include <vector>

#include "ml/featurizer.hpp"
#include "ml/matrix.hpp"
#include "ml/missing.hpp"

namespace pb::ml {

/// CSV records with their 1-based line numbers (one record per line).
struct Table {
  std::string path;
  std::string base_dir;  ///< directory of the file: relative structure paths start here
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
  std::string sha256;  ///< of the file's bytes: the training-data hash stored with a model
  /// Files the rows name, held in memory (structures of a table read from a database), by the
  /// path written in the row; written beside the CSV by write_table.
  std::map<std::string, std::string> files;
};

/// Reads a CSV file; throws NotFound or ParseError (file:line:col).
Table read_table(const std::string& path);

/// Features, target and grouping of the usable rows.
struct Dataset {
  Matrix x;
  std::vector<double> y;                ///< transformed (log10) when the spec says so
  std::vector<std::string> names;       ///< feature names
  std::vector<std::string> groups;      ///< descriptor group of each feature
  std::vector<std::string> row_groups;  ///< grouped-CV key of each row
  std::vector<std::size_t> lines;       ///< CSV line of each row
  std::vector<std::string> messages;    ///< "file:line: dropped: why" for each dropped row
  std::size_t dropped = 0;
  std::string sha256;
};

/// Builds the dataset: rows without a usable target, with an unreadable formula, or with a
/// missing value in a column whose policy is `drop` are left out (each reported).
/// Throws InvalidArgument when no row is left.
Dataset build_dataset(const Table& table, const Featurizer& featurizer,
                      const MissingPolicy& policy);

/// The table as CSV text (header, then the rows; fields quoted when needed).
std::string table_csv(const Table& table);

/// Writes the table to `path` and its in-memory files beside it (paths relative to the CSV's
/// directory); read_table reads back the same header and fields.
void write_table(const Table& table, const std::string& path);

/// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a newline.
std::string csv_quote(const std::string& s);

/// A dataset restricted to some feature columns (ablation).
Dataset select_features(const Dataset& d, const std::vector<std::size_t>& columns);

}  // namespace pb::ml
