// `phasebook serve`: the HTTP service over one database (docs/api.md).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "server/server.hpp"
#include "store/database.hpp"

namespace pb::cli {

Runner add_serve_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto o = std::make_shared<server::ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "HTTP service: OPTIMADE under /optimade, the native API under /api");
  add_db_option(*cmd, *db);
  cmd->add_option("--port", o->port, "TCP port; 0 picks a free one (default 8080)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", o->bind, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--threads", o->threads, "Worker threads (default 16 per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--access-log", o->access_log,
                  "Append the access log (one JSON object per request) here instead of stderr");
  cmd->add_option("--max-body", o->max_body_bytes, "Largest request body in bytes (default 1 MiB)");
  cmd->add_option("--time-limit", o->request_time_limit_ms,
                  "Database time per request in ms before a 503 (default 10000)")
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("--count-time-limit", o->count_time_limit_ms,
                  "Time in ms for counting an OPTIMADE filter's matches; longer counts are left "
                  "out of the response (default 1000)")
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("--max-page-limit", o->max_page_limit,
                  "Largest OPTIMADE page_limit (default 1000)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--web", o->web_dir,
                  "Directory of the built web UI served at / (default: the build's web/dist)");
  cmd->add_option("--models", o->models_dir,
                  "Publish read-only the model directories of `learn fit` (and the CSVs of "
                  "`learn screen`) in this directory under /api/models")
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--models-members-only", o->models_members_only,
                "Show the published models and screens to signed-in members only");
  // Hidden: registers /api/_test/sleep for the graceful-shutdown test.
  cmd->add_flag("--test-endpoints", o->test_endpoints)->group("");
  return [db, o]() {
    server::ServeOptions options = *o;
    options.db = resolve_db_path(*db);
    // The server opens the file read-mostly; create and migrate it here so that a fresh path
    // serves an empty database instead of failing.
    store::Database::open(options.db);
    options.on_listening = [](const std::string& url) {
      fmt::print("Phasebook serving {} (OPTIMADE: {}/optimade/v1/info, API: {}/api/openapi.json)\n",
                 url, url, url);
      std::fflush(stdout);
    };
    return server::serve(options);
  };
}

}  // namespace pb::cli
