#include "ml/dataset.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/csv.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::ml {

Table read_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  Table t;
  t.path = path;
  t.base_dir = std::filesystem::path(path).parent_path().string();
  t.sha256 = Sha256().update(text).hex();
  std::size_t pos = 0, line = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view record(text.data() + pos, end - pos);
    pos = end + 1;
    ++line;
    if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
    if (line == 1 && record.starts_with("\xEF\xBB\xBF")) record.remove_prefix(3);  // BOM
    if (record.empty()) continue;
    std::vector<std::string> fields;
    try {
      fields = csv::split(record);
    } catch (const ParseError& e) {
      throw ParseError({path, line, e.where().column}, e.message(), e.hint());
    }
    if (t.header.empty()) {
      for (auto& f : fields) {
        while (!f.empty() && f.back() == ' ') f.pop_back();
        while (!f.empty() && f.front() == ' ') f.erase(f.begin());
      }
      t.header = std::move(fields);
      continue;
    }
    t.rows.push_back(std::move(fields));
    t.lines.push_back(line);
  }
  if (t.header.empty()) throw ParseError({path, 1, 1}, "the file is empty", "a header row first");
  return t;
}

Dataset build_dataset(const Table& table, const Featurizer& featurizer,
                      const MissingPolicy& policy) {
  const ColumnSpec& spec = featurizer.columns();
  if (spec.target.empty()) throw InvalidArgument("give the target column (--target)");
  Featurizer::Layout layout = featurizer.bind(table.header, table.base_dir, true);
  if (!table.files.empty()) layout.files = &table.files;
  Dataset d;
  d.names = featurizer.names();
  d.groups = featurizer.groups();
  d.sha256 = table.sha256;
  std::vector<bool> drop(d.names.size());
  for (std::size_t c = 0; c < d.names.size(); ++c) {
    drop[c] = policy.action_for(d.names[c]) == MissingAction::kDrop;
  }
  std::size_t cols = d.names.size();
  d.x.cols = cols;
  std::vector<double> row(cols);
  MaterialCache cache;
  std::string group;
  auto report = [&](std::size_t i, const std::string& why) {
    ++d.dropped;
    d.messages.push_back(table.path + ":" + std::to_string(table.lines[i]) + ": dropped: " + why);
  };
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& fields = table.rows[i];
    double y =
        parse_number(static_cast<std::size_t>(layout.target) < fields.size() ? fields[layout.target]
                                                                             : std::string());
    if (std::isnan(y)) {
      report(i, "no numeric target in column '" + spec.target + "'");
      continue;
    }
    if (spec.log10_target) {
      if (y <= 0) {
        report(i, "target " + fields[layout.target] + " has no log10");
        continue;
      }
      y = std::log10(y);
    }
    try {
      featurizer.compute(layout, fields, row, cache, &group);
    } catch (const ParseError& e) {
      report(i, e.what());
      continue;
    } catch (const InvalidArgument& e) {
      report(i, e.what());
      continue;
    } catch (const NotFound& e) {
      report(i, e.what());
      continue;
    }
    std::string dropped_by;
    for (std::size_t c = 0; c < cols && dropped_by.empty(); ++c) {
      if (drop[c] && std::isnan(row[c])) dropped_by = d.names[c];
    }
    if (!dropped_by.empty()) {
      report(i, "missing " + dropped_by + " (policy: drop)");
      continue;
    }
    d.x.data.insert(d.x.data.end(), row.begin(), row.end());
    ++d.x.rows;
    d.y.push_back(y);
    d.row_groups.push_back(group);
    d.lines.push_back(table.lines[i]);
  }
  if (d.x.rows == 0) {
    throw InvalidArgument(table.path + ": no usable row" +
                          (d.messages.empty() ? std::string() : " (first: " + d.messages[0] + ")"));
  }
  return d;
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string table_csv(const Table& table) {
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (c) out += ',';
      out += csv_quote(fields[c]);
    }
    out += '\n';
  };
  line(table.header);
  for (const auto& r : table.rows) line(r);
  return out;
}

void write_table(const Table& table, const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  for (const auto& [name, text] : table.files) {
    std::filesystem::path file = dir / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw InvalidArgument("cannot write " + file.string());
  }
  std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << table_csv(table);
    if (!out) throw InvalidArgument("cannot write " + path);
  }
  std::filesystem::rename(tmp, path);
}

Dataset select_features(const Dataset& d, const std::vector<std::size_t>& columns) {
  Dataset out = d;
  out.x = d.x.select_cols(columns);
  out.names.clear();
  out.groups.clear();
  for (std::size_t c : columns) {
    out.names.push_back(d.names[c]);
    out.groups.push_back(d.groups[c]);
  }
  return out;
}

}  // namespace pb::ml
