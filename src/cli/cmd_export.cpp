// `phasebook export`: the structures a search selects (default: all), in bulk, as JSON Lines
// (every stored column and the sites) or as one CIF file with a data block per structure.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "cli/search_options.hpp"
#include "crystal/cif_writer.hpp"
#include "query/record_json.hpp"
#include "store/sqlite_repositories.hpp"
#include "store/structure_record.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

/// Ids per read: the search pages through ids so memory stays flat on a 365k-entry database.
constexpr std::int64_t kExportPage = 1000;

}  // namespace

Runner add_export_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto options = std::make_shared<SearchOptions>();
  auto format = std::make_shared<std::string>("jsonl");
  auto out = std::make_shared<std::string>("-");
  CLI::App* cmd = app.add_subcommand(
      "export", "Write the structures a search selects (none given: every structure)");
  add_db_option(*cmd, *db);
  add_search_options(*cmd, *options);
  cmd->add_option("--format", *format, "jsonl (every column and the sites) or cif")
      ->check(CLI::IsMember({"jsonl", "cif"}))
      ->group("Output");
  cmd->add_option("-o,--output", *out, "File to write ('-': standard output)")->group("Output");
  return [db, options, format, out]() {
    query::StructureQuery q = options->to_query();  // bad values fail before any file opens
    store::Database database = open_database(*db);
    store::Repositories repos = store::make_repositories(database);

    // Write to a temporary file and rename at the end: a failed export leaves no partial file.
    std::string tmp = *out == "-" ? "" : *out + ".part";
    std::ofstream file;
    if (!tmp.empty()) {
      file.open(tmp, std::ios::binary | std::ios::trunc);
      if (!file) throw std::runtime_error("cannot write " + tmp);
    }
    auto emit = [&](const std::string& text) {
      if (tmp.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
      } else {
        file << text;
      }
    };

    std::int64_t first = q.paging.offset;
    std::optional<std::int64_t> wanted = q.paging.limit;
    std::int64_t written = 0, total = 0;
    for (;;) {
      std::int64_t page = wanted ? std::min(kExportPage, *wanted - written) : kExportPage;
      if (page <= 0) break;
      q.paging = {page, first + written};
      query::Results<query::StructureRow> results = query::search_structures(database, q);
      total = results.total;
      for (const query::StructureRow& row : results.rows) {
        std::optional<store::StructureRecord> r = repos.structures->get(row.id);
        if (!r) continue;  // deleted while exporting
        if (*format == "jsonl") {
          emit(query::structure_record_json(*r, true).dump(
                   -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
               "\n");
        } else {
          crystal::Structure s = store::to_structure(*r);
          s.name = "phasebook_" + std::to_string(r->id);
          emit("# structure " + std::to_string(r->id) + " of substance " +
               r->substance_id.value_or("-") + ", from " + r->source_file +
               (r->source_block.empty() ? "" : ":" + r->source_block) + "\n");
          emit(crystal::write_cif(s) + "\n");
        }
      }
      written += static_cast<std::int64_t>(results.rows.size());
      if (results.rows.size() < static_cast<std::size_t>(page)) break;
    }
    if (!tmp.empty()) {
      file.close();
      if (!file) throw std::runtime_error("cannot write " + tmp);
      if (std::rename(tmp.c_str(), out->c_str()) != 0)
        throw std::runtime_error("cannot rename " + tmp);
    }
    fmt::print(stderr, "{} of {} structures exported\n", written, total);
    return kExitOk;
  };
}

}  // namespace pb::cli
