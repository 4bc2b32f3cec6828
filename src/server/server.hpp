#pragma once
/// `phasebook serve`: the HTTP service (OPTIMADE under /optimade, the native API under /api) over
/// one database file. docs/api.md describes the endpoints.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace pb::server {

/// Settings of the service, each with its documented default.
struct ServeOptions {
  std::filesystem::path db;
  std::string bind = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (the chosen one is announced)
  /// Worker threads; 0 = 16 per core. cpp-httplib keeps a worker for each open keep-alive
  /// connection, so the pool bounds the number of clients served at once: with one worker per
  /// core, a few idle keep-alive clients would starve the busy ones. Idle workers cost a stack.
  int threads = 0;
  std::size_t max_body_bytes = 1 << 20;  ///< larger request bodies get 413
  int request_time_limit_ms = 10000;     ///< database work per request; then 503
  /// Counting the matches of an OPTIMADE filter may take this long; then data_returned is left
  /// out (with a warning) and the page is still served.
  int count_time_limit_ms = 1000;
  int read_timeout_s = 5;        ///< a client sending its request slower gets cut off
  int keep_alive_timeout_s = 5;  ///< idle keep-alive connections are closed after this
  std::size_t keep_alive_max_requests = 1000;
  std::string access_log;     ///< file for the JSON access log; empty: stderr
  int max_page_limit = 1000;  ///< OPTIMADE page_limit above this gets 403
  int default_page_limit = 20;
  /// The built web UI served at `/`; empty: the build's web/dist (docs/web.md).
  std::filesystem::path web_dir;
  /// Saved ML models (`learn fit` directories) and `learn screen` CSVs published read-only under
  /// /api/models and /api/screens; empty: none (docs/api.md, "Models").
  std::filesystem::path models_dir;
  bool models_members_only = false;  ///< every published model and screen for members only
  bool test_endpoints = false;       ///< /api/_test/sleep, for the shutdown test
  /// Called once the socket listens, with the URL ("http://127.0.0.1:8080").
  std::function<void(const std::string&)> on_listening;
};

/// Serves until SIGTERM or SIGINT; requests in flight finish before it returns. Returns 0, or
/// throws when the database cannot be opened or the address cannot be bound.
int serve(const ServeOptions& options);

}  // namespace pb::server
