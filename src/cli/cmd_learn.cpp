// `phasebook learn` (alias `ml`): descriptors, cross-validation, fitting, prediction, importance
// and screening on CSV data or on the property values of a database (docs/ml.md).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "cli/commands.hpp"
#include "ml/cv.hpp"
#include "ml/dataset.hpp"
#include "ml/db_dataset.hpp"
#include "ml/featurizer.hpp"
#include "ml/importance.hpp"
#include "ml/pipeline.hpp"
#include "ml/plots.hpp"
#include "ml/screen.hpp"
#include "plot/chart.hpp"
#include "store/database.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

// A table from a database: `--db FILE --property NAME [--unit U] [--dataset SEL]...`.
struct DbArgs {
  std::string db;
  ml::DbQuery query;
  double min_temperature = std::nan(""), max_temperature = std::nan("");
  bool no_structures = false;
  bool restricted = false;  ///< set by database_table: rows from a dataset that is not public
};

void add_db_options(CLI::App* cmd, DbArgs& a, bool required) {
  auto* db = cmd->add_option("--db", a.db,
                             "Phasebook database: learn from the values of one property kind "
                             "(with --property) instead of a CSV");
  db->check(CLI::ExistingFile);
  auto* p = cmd->add_option("--property", a.query.property,
                            "Property kind of the target, e.g. ionic_conductivity (with --db)");
  (void)p;
  if (required) db->required();
  cmd->add_option("--unit", a.query.unit,
                  "Unit of the target column (with --db; default the kind's stored unit)");
  cmd->add_option("--dataset", a.query.datasets,
                  "Datasets to read (with --db; repeat): public (every public dataset, the "
                  "default), members (every members-only dataset) or a dataset name")
      ->allow_extra_args(false);
  cmd->add_option("--min-temperature", a.min_temperature,
                  "With --db: only values measured at this temperature (K) or above");
  cmd->add_option("--max-temperature", a.max_temperature,
                  "With --db: only values measured at this temperature (K) or below");
  cmd->add_option("--elements", a.query.elements,
                  "With --db: only values whose formula holds all these elements, e.g. Li,O")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("--no-structures", a.no_structures,
                "With --db: no structure per substance (no structure descriptors)");
}

// Reads the values of a database as a table; reports what was found and left out on stderr.
// With `substances`, the candidates table (one row per substance with a structure) instead.
ml::Table database_table(DbArgs& a, bool substances = false) {
  if (a.query.property.empty() && !substances) {
    throw InvalidArgument("--db needs --property NAME (a property kind, e.g. ionic_conductivity)");
  }
  store::OpenOptions options;
  options.create = false;
  store::Database db = store::Database::open(a.db, options);
  a.query.structures = !a.no_structures;
  if (!std::isnan(a.min_temperature)) a.query.min_temperature_K = a.min_temperature;
  if (!std::isnan(a.max_temperature)) a.query.max_temperature_K = a.max_temperature;
  ml::DbSummary s;
  ml::Table t =
      substances ? ml::substance_table(db, a.query, &s) : ml::database_table(db, a.query, &s);

  std::string datasets;
  for (const auto& d : s.datasets) datasets += (datasets.empty() ? "" : ", ") + d;
  // A dataset missing from the dataset table is members-only, as the server treats it.
  auto visibility = db.connection().prepare("SELECT visibility FROM dataset WHERE name = ?");
  for (const auto& d : s.datasets) {
    visibility.reset();
    visibility.bind(1, d);
    if (!visibility.step() || visibility.column_text(0) != "public") a.restricted = true;
  }
  if (substances) {
    fmt::print(stderr, "{}: {} substances with a structure (datasets: {})\n", a.db, s.rows,
               datasets);
  } else {
    fmt::print(stderr,
               "{}: {} {} values in {} (datasets: {}); {} rows of {} substances, {} with a "
               "structure ({} structures)\n",
               a.db, s.rows, s.kind, s.unit, datasets, s.with_substance, s.substances,
               s.with_structure, s.structures);
  }
  if (s.filtered > 0) {
    fmt::print(stderr, "{}: {} {} left out by the temperature or element filters\n", a.db,
               s.filtered, substances ? "substances" : "values");
  }
  if (s.bounds_only > 0) {
    fmt::print(stderr, "{}: {} values given only as a bound or range are left out\n", a.db,
               s.bounds_only);
  }
  for (const auto& [name, n] : s.left_out) {
    fmt::print(stderr,
               "{}: dataset '{}' ({} values) not included (--dataset {} or --dataset members)\n",
               a.db, name, n, name);
  }
  return t;
}

// Options that describe a training table and its descriptors (shared by several subcommands).
struct DataArgs {
  std::string data;
  DbArgs db;
  std::string source;  // set by table_of: the CSV, or the database query
  ml::ColumnSpec columns;
  ml::DescriptorConfig descriptors;
  std::vector<std::string> side_a, side_b, missing;
  std::string missing_default = "median";
};

struct ModelArgs {
  std::string kind = "gbt";
  std::vector<std::string> params;
  std::uint64_t seed = 0;
  int folds = 5, repeats = 1;
  bool grouped = false;
};

void add_data_options(CLI::App* cmd, DataArgs& d) {
  cmd->add_option("--data", d.data, "CSV table, one row per sample, header first")
      ->check(CLI::ExistingFile);
  add_db_options(cmd, d.db, false);
  cmd->add_option("--target", d.columns.target,
                  "Column to learn (with --db: default the property's column)");
  cmd->add_flag("--log10-target", d.columns.log10_target,
                "Learn log10 of the target; predictions are given back in its scale");
  cmd->add_option("--formula", d.columns.formula, "Formula column (material, or side A)");
  cmd->add_option("--formula-b", d.columns.formula_b, "Formula column of side B (interfaces)");
  cmd->add_option("--formula-b-value", d.columns.formula_b_value,
                  "Side B formula shared by every row, e.g. Ga2O3");
  cmd->add_option("--structure", d.columns.structure,
                  "Side-A structure file per row, a template with {column}, relative to the CSV, "
                  "e.g. 'substrate_poscars/{id}.POSCAR'");
  cmd->add_option("--numeric", d.columns.numeric, "Condition columns used as numbers")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--categorical", d.columns.categorical, "Condition columns one-hot encoded")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--group", d.columns.group,
                  "Column naming the material or interface of a row (grouped CV); default: the "
                  "formulas of the row");
  cmd->add_option("--side-a", d.side_a,
                  "Acoustic input of side A, KEY=COLUMN or KEY=NUMBER; keys: mass (g/mol per "
                  "atom), density (g/cm3), melting (K), debye (K), velocity (m/s)")
      ->allow_extra_args(false);
  cmd->add_option("--side-b", d.side_b, "Same for side B")->allow_extra_args(false);
  cmd->add_option("--preset", d.descriptors.preset,
                  "Element properties of the composition statistics: magpie or basic")
      ->capture_default_str();
  cmd->add_option("--properties", d.descriptors.properties,
                  "Element properties instead of a preset (keys of `phasebook element`)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--groups", d.descriptors.groups,
                  "Descriptor groups to use: composition, structure, acoustic, pair, baseline, "
                  "conditions (default: all that apply)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--features", d.descriptors.select,
                  "Keep only these features (names, or prefixes ending in *)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--missing", d.missing,
                  "Missing-value rule PATTERN=mean|median|zero|drop (PATTERN: a feature name or "
                  "a prefix ending in *); the first matching rule wins")
      ->allow_extra_args(false);
  cmd->add_option("--missing-default", d.missing_default, "Rule for features no --missing matches")
      ->capture_default_str();
}

void add_model_options(CLI::App* cmd, ModelArgs& m, bool cv) {
  std::string kinds;
  for (const auto& k : ml::model_kinds()) kinds += (kinds.empty() ? "" : "|") + std::string(k.name);
  cmd->add_option("--model", m.kind,
                  "Model: " + kinds + " (`phasebook learn models` lists parameters)")
      ->capture_default_str();
  cmd->add_option("-p,--param", m.params, "Hyper-parameter NAME=VALUE")->allow_extra_args(false);
  cmd->add_option("--seed", m.seed, "Seed of folds, subsampling and restarts")
      ->capture_default_str();
  if (!cv) return;
  cmd->add_option("--folds", m.folds, "Number of folds")->capture_default_str();
  cmd->add_option("--repeats", m.repeats, "Repeats with reshuffled folds")->capture_default_str();
  cmd->add_flag("--grouped", m.grouped,
                "Grouped folds: rows of one material/interface (--group) never split");
}

ml::MissingPolicy policy_of(const DataArgs& d) {
  ml::MissingPolicy p;
  p.fallback = ml::parse_missing_action(d.missing_default);
  for (const auto& r : d.missing) p.add(r);
  return p;
}

std::map<std::string, std::string> assignments(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& s : items) out.insert(ml::parse_assignment(s));
  return out;
}

struct Loaded {
  ml::Featurizer featurizer;
  ml::Dataset data;
};

// The table of --data, or of --db with its default columns: target = the property, formula,
// group = the substance (else the reduced formula), structure = each substance's structure.
ml::Table table_of(DataArgs& d) {
  if (d.data.empty() == d.db.db.empty()) {
    throw InvalidArgument(
        "give the table: --data FILE.csv, or --db FILE --property NAME (not both)");
  }
  if (!d.data.empty()) {
    if (!d.db.query.property.empty()) throw InvalidArgument("--property goes with --db");
    d.source = d.data;
    return ml::read_table(d.data);
  }
  ml::Table t = database_table(d.db);
  const ml::DbQuery& q = d.db.query;
  d.source = fmt::format("{} --property {} --unit {}", d.db.db, t.header[4], t.rows[0][5]);
  for (const auto& s : q.datasets) d.source += " --dataset " + s;
  if (q.min_temperature_K) d.source += fmt::format(" --min-temperature {}", *q.min_temperature_K);
  if (q.max_temperature_K) d.source += fmt::format(" --max-temperature {}", *q.max_temperature_K);
  for (std::size_t i = 0; i < q.elements.size(); ++i)
    d.source += (i ? "," : " --elements ") + q.elements[i];
  if (d.db.no_structures) d.source += " --no-structures";
  ml::ColumnSpec& c = d.columns;
  if (c.target.empty()) c.target = t.header[4];
  if (c.formula.empty() && c.structure.empty()) c.formula = "formula";
  if (c.group.empty()) c.group = "group";
  if (c.structure.empty() && !t.files.empty()) c.structure = "{structure}";
  return t;
}

Loaded load(DataArgs& d) {
  d.columns.side_a = assignments(d.side_a);
  d.columns.side_b = assignments(d.side_b);
  ml::Table table = table_of(d);
  ml::Featurizer f(d.columns, d.descriptors);
  f.prepare(table.header, table.rows);
  ml::Dataset data = ml::build_dataset(table, f, policy_of(d));
  for (std::size_t i = 0; i < data.messages.size() && i < 5; ++i) {
    fmt::print(stderr, "{}\n", data.messages[i]);
  }
  if (data.messages.size() > 5) {
    fmt::print(stderr, "... {} rows dropped in all\n", data.messages.size());
  }
  return {std::move(f), std::move(data)};
}

ml::PipelineConfig pipeline_of(const ModelArgs& m, const DataArgs& d) {
  ml::PipelineConfig c;
  c.kind = std::string(ml::find_model_kind(m.kind).name);
  c.params = assignments(m.params);
  c.missing = policy_of(d);
  c.seed = m.seed;
  ml::resolve_params(ml::find_model_kind(c.kind), c.params);  // fail early on a bad name
  return c;
}

ml::CvOptions cv_of(const ModelArgs& m) { return {m.folds, m.repeats, m.seed, m.grouped}; }

std::string num(double v) { return std::isnan(v) ? std::string() : fmt::format("{:.10g}", v); }

nlohmann::ordered_json cv_json(const ml::CvResult& r) {
  auto s = [](const ml::Spread& x) {
    return nlohmann::ordered_json{{"mean", x.mean}, {"sd", x.sd}};
  };
  nlohmann::ordered_json j = {{"r2", s(r.r2)},
                              {"rmse", s(r.rmse)},
                              {"mae", s(r.mae)},
                              {"fit_seconds", s(r.fit_seconds)},
                              {"predict_seconds", s(r.predict_seconds)}};
  j["folds"] = nlohmann::json::array();
  for (const auto& f : r.folds) {
    j["folds"].push_back({{"repeat", f.repeat},
                          {"fold", f.fold},
                          {"n_train", f.n_train},
                          {"n_test", f.n_test},
                          {"r2", f.scores.r2},
                          {"rmse", f.scores.rmse},
                          {"mae", f.scores.mae},
                          {"fit_seconds", f.fit_seconds},
                          {"predict_seconds", f.predict_seconds}});
  }
  return j;
}

void print_cv(const ml::CvResult& r, const ml::Dataset& data, const ml::CvOptions& cv,
              const std::string& kind) {
  double rows_per_s = 0;
  std::size_t tested = 0;
  double seconds = 0;
  for (const auto& f : r.folds) {
    tested += f.n_test;
    seconds += f.predict_seconds;
  }
  if (seconds > 0) rows_per_s = static_cast<double>(tested) / seconds;
  fmt::print("{}: {} rows, {} features, {}{}-fold CV x {} (seed {})\n", kind, data.x.rows,
             data.names.size(), cv.grouped ? "grouped " : "", cv.folds, cv.repeats, cv.seed);
  fmt::print("  R2    {:.4f} +- {:.4f}\n", r.r2.mean, r.r2.sd);
  fmt::print("  RMSE  {:.4f} +- {:.4f}\n", r.rmse.mean, r.rmse.sd);
  fmt::print("  MAE   {:.4f} +- {:.4f}\n", r.mae.mean, r.mae.sd);
  fmt::print("  fit   {:.3f} s per fold; predict {:.0f} rows/s\n", r.fit_seconds.mean, rows_per_s);
}

void write_predictions(const std::string& path, const ml::Dataset& data, const ml::CvResult& r) {
  std::ofstream out(path);
  if (!out) throw InvalidArgument("cannot write " + path);
  out << "line,group,fold,target,predicted,predicted_std\n";
  for (std::size_t i = 0; i < data.x.rows; ++i) {
    out << data.lines[i] << "," << ml::csv_quote(data.row_groups[i]) << "," << r.fold_of[i] << ","
        << num(data.y[i]) << "," << num(r.oof[i]) << "," << num(r.oof_std[i]) << "\n";
  }
}

void add_descriptors(CLI::App& ml_cmd, std::function<int()>& run) {
  auto d = std::make_shared<DataArgs>();
  auto out = std::make_shared<std::string>();
  auto names_only = std::make_shared<bool>(false);
  CLI::App* cmd = ml_cmd.add_subcommand(
      "descriptors",
      "The feature table of a CSV: line, group, target, then one column per feature");
  add_data_options(cmd, *d);
  cmd->add_option("-o,--output", *out, "Write here instead of standard output");
  cmd->add_flag("--names", *names_only, "Only list the feature names and their groups");
  run = [d, out, names_only] {
    if (d->columns.target.empty() && d->db.db.empty())
      throw InvalidArgument("give --target (the feature table keeps the target)");
    Loaded l = load(*d);
    std::ofstream file;
    if (!out->empty()) {
      file.open(*out);
      if (!file) throw InvalidArgument("cannot write " + *out);
    }
    std::ostream& o = out->empty() ? std::cout : file;
    if (*names_only) {
      o << "feature,group\n";
      for (std::size_t c = 0; c < l.data.names.size(); ++c) {
        o << l.data.names[c] << "," << l.data.groups[c] << "\n";
      }
      return kExitOk;
    }
    o << "line,group,target";
    for (const auto& n : l.data.names) o << "," << ml::csv_quote(n);
    o << "\n";
    for (std::size_t r = 0; r < l.data.x.rows; ++r) {
      o << l.data.lines[r] << "," << ml::csv_quote(l.data.row_groups[r]) << "," << num(l.data.y[r]);
      for (double v : l.data.x.row(r)) o << "," << num(v);
      o << "\n";
    }
    return kExitOk;
  };
}

void add_dataset(CLI::App& ml_cmd, std::function<int()>& run) {
  auto a = std::make_shared<DbArgs>();
  auto out = std::make_shared<std::string>();
  auto substances = std::make_shared<bool>(false);
  CLI::App* cmd = ml_cmd.add_subcommand(
      "dataset",
      "Write the values of one property kind in a database as a training CSV (property_id, "
      "substance_id, group, formula, the value, unit, temperature_K, pressure_kPa, method, "
      "reference, dataset, structure_id, structure, then the free conditions) and each "
      "substance's structure as a CIF file beside it");
  add_db_options(cmd, *a, true);
  cmd->add_option("--structures-dir", a->query.structure_dir,
                  "Directory of the CIF files, relative to the CSV")
      ->capture_default_str();
  cmd->add_flag("--substances", *substances,
                "Candidates instead of values: one row per substance with a structure "
                "(substance_id, group, formula, dataset, structure_id, structure), for `learn "
                "predict` or `learn screen --candidates` with a model fitted with --db");
  cmd->add_option("--unmeasured", a->query.unmeasured,
                  "With --substances: leave out substances that have a value of this property "
                  "kind (candidates not measured yet)");
  cmd->add_option("-o,--output", *out, "CSV file")->required();
  run = [a, out, substances] {
    if (!*substances && !a->query.unmeasured.empty())
      throw InvalidArgument("--unmeasured goes with --substances");
    if (*substances && !a->query.property.empty())
      throw InvalidArgument("--substances takes no --property");
    ml::Table t = database_table(*a, *substances);
    ml::write_table(t, *out);
    if (*substances) {
      fmt::print("{} substances -> {} ({} structures in {})\n", t.rows.size(), *out, t.files.size(),
                 (std::filesystem::path(*out).parent_path() / a->query.structure_dir).string());
      return kExitOk;
    }
    fmt::print("{} rows, {} columns -> {}", t.rows.size(), t.header.size(), *out);
    if (!t.files.empty()) {
      fmt::print(" ({} structures in {})", t.files.size(),
                 (std::filesystem::path(*out).parent_path() / a->query.structure_dir).string());
    }
    fmt::print("\nlearn from it with: --data {} --target {} --formula formula --group group{}\n",
               *out, t.header[4], t.files.empty() ? "" : " --structure '{structure}'");
    return kExitOk;
  };
}

void add_cv(CLI::App& ml_cmd, std::function<int()>& run) {
  auto d = std::make_shared<DataArgs>();
  auto m = std::make_shared<ModelArgs>();
  auto grid = std::make_shared<std::vector<std::string>>();
  auto predictions = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = ml_cmd.add_subcommand(
      "cv",
      "Cross-validate a model: R2, RMSE, MAE per fold with mean and spread; --grid searches "
      "hyper-parameters");
  add_data_options(cmd, *d);
  add_model_options(cmd, *m, true);
  cmd->add_option("--grid", *grid, "Hyper-parameter axis NAME=V1,V2,... (repeat for a grid)")
      ->allow_extra_args(false);
  cmd->add_option("--predictions", *predictions,
                  "Write out-of-fold predictions (first repeat): line,group,fold,target,"
                  "predicted,predicted_std");
  cmd->add_flag("--json", *json, "Print JSON");
  run = [d, m, grid, predictions, json] {
    Loaded l = load(*d);
    ml::PipelineConfig config = pipeline_of(*m, *d);
    ml::CvOptions cv = cv_of(*m);
    if (!grid->empty()) {
      std::vector<std::pair<std::string, std::vector<std::string>>> axes;
      for (const auto& g : *grid) axes.push_back(ml::parse_grid_axis(g));
      auto points = ml::grid_search(l.data, config, axes, cv);
      nlohmann::ordered_json j = nlohmann::json::array();
      for (const auto& p : points) {
        std::string label;
        for (const auto& [k, v] : p.params) label += (label.empty() ? "" : " ") + k + "=" + v;
        if (*json) {
          j.push_back({{"params", p.params}, {"cv", cv_json(p.result)}});
        } else {
          fmt::print("{:<40} R2 {:.4f} +- {:.4f}  RMSE {:.4f}  MAE {:.4f}\n", label,
                     p.result.r2.mean, p.result.r2.sd, p.result.rmse.mean, p.result.mae.mean);
        }
      }
      if (*json) fmt::print("{}\n", j.dump(1));
      return kExitOk;
    }
    ml::CvResult r = ml::cross_validate(l.data, config, cv);
    if (!predictions->empty()) write_predictions(*predictions, l.data, r);
    if (*json) {
      nlohmann::ordered_json j = {
          {"model", config.kind},
          {"params", ml::resolve_params(ml::find_model_kind(config.kind), config.params)},
          {"rows", l.data.x.rows},
          {"dropped", l.data.dropped},
          {"features", l.data.names.size()},
          {"grouped", cv.grouped},
          {"folds", cv.folds},
          {"repeats", cv.repeats},
          {"seed", cv.seed},
          {"cv", cv_json(r)}};
      fmt::print("{}\n", j.dump(1));
    } else {
      print_cv(r, l.data, cv, config.kind);
    }
    return kExitOk;
  };
}

void add_fit(CLI::App& ml_cmd, std::function<int()>& run) {
  auto d = std::make_shared<DataArgs>();
  auto m = std::make_shared<ModelArgs>();
  auto out = std::make_shared<std::string>();
  auto with_cv = std::make_shared<bool>(false);
  CLI::App* cmd = ml_cmd.add_subcommand(
      "fit",
      "Fit a model on the whole table and save it (a directory: model.json + the model's "
      "own file)");
  add_data_options(cmd, *d);
  add_model_options(cmd, *m, true);
  cmd->add_option("-o,--output", *out, "Model directory")->required();
  cmd->add_flag("--cv", *with_cv,
                "Cross-validate first and store the figures in the model, the out-of-fold "
                "predictions in MODEL/cv_predictions.csv (as `cv --predictions`)");
  run = [d, m, out, with_cv] {
    Loaded l = load(*d);
    ml::PipelineConfig config = pipeline_of(*m, *d);
    std::string metrics = "{}";
    std::optional<ml::CvResult> cv_result;
    if (*with_cv) {
      ml::CvOptions cv = cv_of(*m);
      ml::CvResult& r = cv_result.emplace(ml::cross_validate(l.data, config, cv));
      print_cv(r, l.data, cv, config.kind);
      nlohmann::ordered_json j = cv_json(r);
      j["grouped"] = cv.grouped;
      j["folds_k"] = cv.folds;
      j["repeats"] = cv.repeats;
      metrics = j.dump();
    }
    auto t0 = std::chrono::steady_clock::now();
    ml::SavedModel model = ml::fit_model(l.featurizer, l.data, config);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    model.metrics_json = metrics;
    model.data_source = d->source;
    model.members_only = d->db.restricted;
    if (model.members_only) {
      fmt::print(stderr,
                 "{}: trained on members-only data: marked members_only (phasebook serve "
                 "--models shows it to members only)\n",
                 *out);
    }
    ml::save_model(model, *out);
    // The parity plot of `phasebook serve --models` (docs/api.md) draws these points; a refit
    // without --cv leaves no stale ones behind.
    const auto oof = std::filesystem::path(*out) / "cv_predictions.csv";
    if (cv_result) {
      write_predictions(oof.string(), l.data, *cv_result);
    } else {
      std::filesystem::remove(oof);
    }
    fmt::print("{}: fitted on {} rows x {} features in {:.2f} s -> {}\n", config.kind,
               l.data.x.rows, l.data.names.size(), s, *out);
    for (const auto& [k, v] : model.pipeline.regressor().fitted()) {
      if (k.starts_with("length_scale_") && model.featurizer.names().size() > 8) continue;
      fmt::print("  {} = {:.6g}\n", k, v);
    }
    return kExitOk;
  };
}

void add_predict(CLI::App& ml_cmd, std::function<int()>& run) {
  struct Args {
    std::string model, data, out;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = ml_cmd.add_subcommand(
      "predict",
      "Predict with a saved model: the input rows plus `predicted` in the target's original "
      "scale (and, for GP models, `predicted_std`, also in the original scale, plus "
      "`predicted_log10_std` for a --log10-target model)");
  cmd->add_option("--model", a->model, "Model directory")->required();
  cmd->add_option("--data", a->data, "CSV with the columns the model was trained on")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->out, "Write here instead of standard output");
  run = [a] {
    ml::SavedModel model = ml::load_model(a->model);
    ml::Table table = ml::read_table(a->data);
    auto layout = model.featurizer.bind(table.header, table.base_dir, false);
    for (const auto& c : layout.absent) {
      fmt::print(stderr, "warning: no column '{}': treated as missing in every row\n", c);
    }
    ml::Prediction p = ml::predict_table(model, table);
    std::ofstream file;
    if (!a->out.empty()) {
      file.open(a->out);
      if (!file) throw InvalidArgument("cannot write " + a->out);
    }
    std::ostream& o = a->out.empty() ? std::cout : file;
    bool with_std = model.pipeline.has_std();
    bool log10 = model.featurizer.columns().log10_target;
    for (std::size_t c = 0; c < table.header.size(); ++c)
      o << (c ? "," : "") << ml::csv_quote(table.header[c]);
    o << ",predicted" << (with_std ? ",predicted_std" : "")
      << (with_std && log10 ? ",predicted_log10_std" : "") << "\n";
    int failed = 0;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const auto& r = table.rows[i];
      for (std::size_t c = 0; c < table.header.size(); ++c) {
        o << (c ? "," : "") << (c < r.size() ? ml::csv_quote(r[c]) : std::string());
      }
      o << "," << num(p.value[i]);
      if (with_std) o << "," << num(p.std[i]);
      if (with_std && log10) o << "," << num(p.model_std[i]);
      o << "\n";
      if (!p.error[i].empty()) {
        ++failed;
        fmt::print(stderr, "{}:{}: no prediction: {}\n", a->data, table.lines[i], p.error[i]);
      }
    }
    return failed == 0 ? kExitOk : kExitFailed;
  };
}

void add_importance(CLI::App& ml_cmd, std::function<int()>& run) {
  auto d = std::make_shared<DataArgs>();
  auto m = std::make_shared<ModelArgs>();
  struct Opts {
    int repeats = 3, top = 20, threads = 0;
    bool by_group = false, ablation = false, tree = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = ml_cmd.add_subcommand(
      "importance",
      "Descriptor importance: permutation importance on held-out folds (any model), "
      "--tree gain and mean |SHAP| (gbt), --ablation by descriptor group");
  add_data_options(cmd, *d);
  add_model_options(cmd, *m, true);
  cmd->add_option("--permutations", o->repeats, "Shuffles per feature and fold")
      ->capture_default_str();
  cmd->add_flag("--by-group", o->by_group, "Shuffle whole descriptor groups");
  cmd->add_flag("--ablation", o->ablation, "CV without each group, and with each group alone");
  cmd->add_flag("--tree", o->tree, "Gain and mean |SHAP| of boosted trees fitted on all rows");
  cmd->add_option("--top", o->top, "Features to print (0: all)")->capture_default_str();
  cmd->add_option("--threads", o->threads, "Worker threads (0: all cores)")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print JSON");
  run = [d, m, o] {
    Loaded l = load(*d);
    ml::PipelineConfig config = pipeline_of(*m, *d);
    ml::CvOptions cv = cv_of(*m);
    nlohmann::ordered_json j;
    auto limit = [&](std::size_t n) { return o->top > 0 ? std::min<std::size_t>(n, o->top) : n; };
    ml::Importance imp =
        ml::permutation_importance(l.data, config, cv, o->repeats, o->by_group, o->threads);
    std::vector<std::size_t> order(imp.names.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return imp.mean[a] > imp.mean[b]; });
    j["baseline_r2"] = imp.baseline_r2;
    j["permutation"] = nlohmann::json::array();
    if (!o->json) {
      fmt::print("{}: permutation importance (drop of held-out R2; baseline {:.4f})\n", config.kind,
                 imp.baseline_r2);
    }
    for (std::size_t k = 0; k < limit(order.size()); ++k) {
      std::size_t i = order[k];
      j["permutation"].push_back(
          {{"name", imp.names[i]}, {"mean", imp.mean[i]}, {"sd", imp.sd[i]}});
      if (!o->json)
        fmt::print("  {:<45} {:8.4f} +- {:.4f}\n", imp.names[i], imp.mean[i], imp.sd[i]);
    }
    if (o->tree) {
      ml::TreeImportance t = ml::tree_importance(l.data, config);
      std::vector<std::size_t> by(l.data.names.size());
      std::iota(by.begin(), by.end(), 0);
      std::stable_sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) {
        return t.mean_abs_shap[a] > t.mean_abs_shap[b];
      });
      j["tree"] = nlohmann::json::array();
      if (!o->json) fmt::print("tree: mean |SHAP| and total gain (fitted on all rows)\n");
      for (std::size_t k = 0; k < limit(by.size()); ++k) {
        std::size_t i = by[k];
        j["tree"].push_back({{"name", l.data.names[i]},
                             {"mean_abs_shap", t.mean_abs_shap[i]},
                             {"gain", t.gain[i]}});
        if (!o->json) {
          fmt::print("  {:<45} {:8.4f}  gain {:.4g}\n", l.data.names[i], t.mean_abs_shap[i],
                     t.gain[i]);
        }
      }
    }
    if (o->ablation) {
      j["ablation"] = nlohmann::json::array();
      if (!o->json) fmt::print("ablation by descriptor group\n");
      for (const auto& row : ml::ablation(l.data, config, cv)) {
        j["ablation"].push_back({{"label", row.label},
                                 {"features", row.features},
                                 {"r2", row.r2.mean},
                                 {"r2_sd", row.r2.sd},
                                 {"rmse", row.rmse.mean}});
        if (!o->json) {
          fmt::print("  {:<28} {:4} features  R2 {:.4f} +- {:.4f}  RMSE {:.4f}\n", row.label,
                     row.features, row.r2.mean, row.r2.sd, row.rmse.mean);
        }
      }
    }
    if (o->json) fmt::print("{}\n", j.dump(1));
    return kExitOk;
  };
}

void add_screen(CLI::App& ml_cmd, std::function<int()>& run) {
  struct Args {
    std::vector<std::string> models;
    ml::ScreenOptions options;
    double threshold = std::nan("");
    std::string out;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = ml_cmd.add_subcommand(
      "screen",
      "Score candidates with several saved models and keep those that at least k "
      "models rank in their top fraction (or beyond a threshold)");
  cmd->add_option("--model", a->models, "Model directory (repeat; the column takes its name)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--candidates", a->options.candidates, "CSV of candidates")
      ->check(CLI::ExistingFile);
  cmd->add_option("--list-a", a->options.list_a, "Formulas of side A, one a line (all pairs)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--list-b", a->options.list_b, "Formulas of side B (default: --list-a)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--top-fraction", a->options.top_fraction, "Each model keeps this fraction")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threshold", a->threshold, "Keep predictions beyond this value instead");
  cmd->add_flag("--lower", a->options.lower_is_better, "Lower predictions are better");
  cmd->add_option("-k,--min-agree", a->options.min_agree, "Models that must agree (0: all)")
      ->capture_default_str();
  cmd->add_option("--threads", a->options.threads, "Worker threads (0: all cores)")
      ->capture_default_str();
  cmd->add_option("--chunk", a->options.chunk, "Rows per work item")->capture_default_str();
  cmd->add_flag("--all", a->options.write_all, "Write every candidate with its n_agree");
  cmd->add_flag("!--no-parts", a->options.by_parts,
                "Pairs of lists: evaluate every model on every full feature row instead of kernel "
                "models by parts (the same numbers to rounding, slower; for comparisons)");
  cmd->add_option("-o,--output", a->out, "Output CSV")->required();
  run = [a] {
    if (!std::isnan(a->threshold)) a->options.threshold = a->threshold;
    // Loaded side by side: parsing a booster's JSON takes about 0.2 s, as long as the rest of a
    // screen of 80,000 pairs.
    std::vector<std::future<ml::SavedModel>> loading;
    for (const auto& path : a->models) {
      loading.push_back(std::async(std::launch::async, [path] { return ml::load_model(path); }));
    }
    std::vector<ml::SavedModel> models;
    models.reserve(a->models.size());
    for (auto& f : loading) models.push_back(f.get());
    std::vector<ml::ScreenModel> refs;
    for (std::size_t i = 0; i < models.size(); ++i) {
      std::string name = std::filesystem::path(a->models[i]).filename().string();
      if (name.empty())
        name = std::filesystem::path(a->models[i]).parent_path().filename().string();
      refs.push_back({name, &models[i]});
    }
    std::ofstream out(a->out);
    if (!out) throw InvalidArgument("cannot write " + a->out);
    ml::ScreenSummary s = ml::screen(refs, a->options, out);
    for (const auto& c : s.absent) {
      fmt::print(stderr, "warning: no column '{}': filled by the model's missing-value policy\n",
                 c);
    }
    fmt::print(
        "{} candidates x {} models: predicted in {:.2f} s ({:.0f} candidates/s), {} "
        "without a prediction\n",
        s.candidates, refs.size(), s.predict_seconds,
        s.predict_seconds > 0 ? static_cast<double>(s.candidates) / s.predict_seconds : 0.0,
        s.failed);
    for (std::size_t k = 0; k < refs.size(); ++k) {
      fmt::print("  {:<20} cut-off {:.6g}\n", refs[k].name, s.cutoffs[k]);
    }
    for (std::size_t k = s.agree_counts.size(); k-- > 0;) {
      fmt::print("  kept by {} model(s): {}\n", k, s.agree_counts[k]);
    }
    fmt::print("{} kept -> {} ({:.2f} s in all)\n", s.kept, a->out, s.total_seconds);
    return kExitOk;
  };
}

int column_of(const ml::Table& t, const std::string& name, const std::string& path) {
  auto it = std::find(t.header.begin(), t.header.end(), name);
  if (it == t.header.end()) throw InvalidArgument(path + ": no column '" + name + "'");
  return static_cast<int>(it - t.header.begin());
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw NotFound("cannot open " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(path + ": not JSON (" + e.what() + "); give `learn importance --json`");
  }
}

void add_plot(CLI::App& ml_cmd, std::function<int()>& run) {
  struct Args {
    std::string kind, input, title, measured = "target", predicted = "predicted", fold = "fold";
    std::string label;
    std::vector<std::string> out;
    int top = 20;
    bool tree = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = ml_cmd.add_subcommand(
      "plot",
      "Figures as SVG or PNG (by the -o extension): parity (from `cv --predictions` or "
      "`predict`), importance and ablation (from `importance --json`), overlap (from `screen`)");
  cmd->add_option("kind", a->kind, "parity | importance | ablation | overlap")
      ->required()
      ->check(CLI::IsMember({"parity", "importance", "ablation", "overlap"}));
  cmd->add_option("input", a->input,
                  "parity: CSV with measured, predicted (and fold) columns; importance, "
                  "ablation: the JSON of `learn importance --json`; overlap: the CSV of "
                  "`learn screen`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->out, "Image file, .svg or .png (repeat for both)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--title", a->title, "Title (default: from the kind and the input name)");
  cmd->add_option("--measured", a->measured, "parity: column of measured values")
      ->capture_default_str();
  cmd->add_option("--predicted", a->predicted, "parity: column of predictions")
      ->capture_default_str();
  cmd->add_option("--fold", a->fold, "parity: column of CV folds (colours; absent: one colour)")
      ->capture_default_str();
  cmd->add_option("--label", a->label, "parity: quantity and unit on the axes, e.g. 'log10 S/cm'");
  cmd->add_option("--top", a->top, "importance: bars to draw (0: all)")->capture_default_str();
  cmd->add_flag("--tree", a->tree, "importance: mean |SHAP| of the trees instead of permutation");
  run = [a] {
    std::string name = std::filesystem::path(a->input).stem().string();
    std::string title = a->title;
    std::string svg;
    std::size_t items = 0;
    if (a->kind == "parity") {
      ml::Table t = ml::read_table(a->input);
      int cm = column_of(t, a->measured, a->input), cp = column_of(t, a->predicted, a->input);
      auto fit = std::find(t.header.begin(), t.header.end(), a->fold);
      int cf = fit == t.header.end() ? -1 : static_cast<int>(fit - t.header.begin());
      ml::ParityData d;
      for (const auto& r : t.rows) {
        auto field = [&](int c) { return c >= 0 && c < static_cast<int>(r.size()) ? r[c] : ""; };
        d.measured.push_back(ml::parse_number(field(cm)));
        d.predicted.push_back(ml::parse_number(field(cp)));
        double f = cf >= 0 ? ml::parse_number(field(cf)) : 0;
        d.fold.push_back(std::isfinite(f) ? static_cast<int>(f) : 0);
        if (std::isfinite(d.measured.back()) && std::isfinite(d.predicted.back())) ++items;
      }
      if (items == 0) throw InvalidArgument(a->input + ": no row with both values");
      if (title.empty()) title = "Parity: " + name;
      svg = ml::parity_svg(d, title, a->label);
    } else if (a->kind == "importance" || a->kind == "ablation") {
      nlohmann::json j = read_json_file(a->input);
      ml::Bars b;
      std::string axis;
      if (a->kind == "ablation") {
        if (!j.contains("ablation"))
          throw InvalidArgument(a->input +
                                ": no ablation; run `learn importance --ablation --json`");
        for (const auto& row : j["ablation"]) {
          b.labels.push_back(row.at("label").get<std::string>() + " (" +
                             std::to_string(row.at("features").get<int>()) + ")");
          b.value.push_back(row.at("r2").get<double>());
          b.sd.push_back(row.value("r2_sd", 0.0));
        }
        axis = "cross-validated R\u00b2";
        if (title.empty()) title = "Ablation by descriptor group: " + name;
      } else {
        const char* key = a->tree ? "tree" : "permutation";
        if (!j.contains(key))
          throw InvalidArgument(a->input + ": no '" + key + "' list; run `learn importance --json" +
                                (a->tree ? " --tree`" : "`"));
        for (const auto& row : j[key]) {
          if (a->top > 0 && static_cast<int>(b.labels.size()) >= a->top) break;
          b.labels.push_back(row.at("name").get<std::string>());
          b.value.push_back(row.at(a->tree ? "mean_abs_shap" : "mean").get<double>());
          b.sd.push_back(a->tree ? 0.0 : row.value("sd", 0.0));
        }
        axis = a->tree ? "mean |SHAP|" : "drop of held-out R\u00b2 when permuted";
        if (title.empty()) title = "Descriptor importance: " + name;
      }
      items = b.labels.size();
      if (items == 0) throw InvalidArgument(a->input + ": nothing to plot");
      svg = ml::bars_svg(b, title, axis);
    } else {
      ml::Table t = ml::read_table(a->input);
      int ck = column_of(t, "kept_by", a->input);
      std::map<std::string, std::size_t> counts;
      for (const auto& r : t.rows) {
        std::string k = ck < static_cast<int>(r.size()) ? r[ck] : "";
        ++counts[k.empty() ? "(none)" : k];
      }
      std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
      std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) {
        return std::count(x.first.begin(), x.first.end(), '+') >
                   std::count(y.first.begin(), y.first.end(), '+') ||
               (std::count(x.first.begin(), x.first.end(), '+') ==
                    std::count(y.first.begin(), y.first.end(), '+') &&
                x.second > y.second);
      });
      ml::Bars b;
      for (const auto& [k, n] : sorted) {
        b.labels.push_back(k);
        b.value.push_back(static_cast<double>(n));
      }
      items = b.labels.size();
      if (items == 0) throw InvalidArgument(a->input + ": no candidates");
      if (title.empty()) title = "Screening overlap: " + name;
      svg = ml::overlap_svg(b, title);
    }
    for (const auto& path : a->out) {
      plot::write_image(svg, path);
      fmt::print("{}: {} {} -> {}\n", a->kind, items, a->kind == "parity" ? "points" : "bars",
                 path);
    }
    return kExitOk;
  };
}

void add_models(CLI::App& ml_cmd, std::function<int()>& run) {
  ml_cmd.add_subcommand("models", "Model kinds and their hyper-parameters (defaults, bounds)");
  run = [] {
    for (const auto& k : ml::model_kinds()) {
      std::string aliases;
      for (auto a : k.aliases) aliases += " " + std::string(a);
      fmt::print("{} ({}){}\n", k.name, k.description, aliases.empty() ? "" : ", also:" + aliases);
      for (const auto& p : k.params) {
        fmt::print("  {:<18} {:<10g} [{:g}, {:g}]{}  {}\n", p.name, p.value, p.lo, p.hi,
                   p.integer ? " int" : "", p.help);
      }
    }
    fmt::print("descriptor groups ({}):\n", ml::kDescriptorVersion);
    for (const auto& g : ml::descriptor_groups())
      fmt::print("  {:<12} {}\n", g.name, g.description);
    return kExitOk;
  };
}

}  // namespace

Runner add_learn_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("learn",
                                     "Machine learning on CSV tables or database properties: "
                                     "datasets, descriptors, cross-validation, fit, predict, "
                                     "importance, screening, plots (docs/ml.md); `ml` is an alias");
  cmd->alias("ml");
  cmd->require_subcommand(1);
  auto runners = std::make_shared<std::map<std::string, std::function<int()>>>();
  add_dataset(*cmd, (*runners)["dataset"]);
  add_descriptors(*cmd, (*runners)["descriptors"]);
  add_cv(*cmd, (*runners)["cv"]);
  add_fit(*cmd, (*runners)["fit"]);
  add_predict(*cmd, (*runners)["predict"]);
  add_importance(*cmd, (*runners)["importance"]);
  add_screen(*cmd, (*runners)["screen"]);
  add_plot(*cmd, (*runners)["plot"]);
  add_models(*cmd, (*runners)["models"]);
  return [cmd, runners] {
    for (CLI::App* sub : cmd->get_subcommands()) return runners->at(sub->get_name())();
    return kExitUsage;
  };
}

}  // namespace pb::cli
