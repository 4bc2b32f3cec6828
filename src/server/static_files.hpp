#pragma once
/// Internal to pb_server: the web UI (web/dist, built by Vite) served at `/`. Includes
/// cpp-httplib through http.hpp, so keep it out of public headers.
#include <filesystem>

#include "server/http.hpp"

namespace pb::server {

/// The directory the UI is served from: `options.web_dir`, or the build's web/dist.
std::filesystem::path web_root(const ServeOptions& options);

/// Registers `GET /...` for the built UI; register it after the API routes, which take
/// precedence. Files under /assets/ carry content hashes in their names and are cached for a
/// year; everything else (index.html) is revalidated on every load. Paths without a file
/// extension that name no file get index.html, so that client routes (/substances/ID,
/// /search?...) survive a reload. Unknown /api and /optimade paths stay JSON 404s. Without a
/// built UI, `/` is a short page saying how to build it.
void add_static_routes(httplib::Server& http, ServerState& state);

}  // namespace pb::server
