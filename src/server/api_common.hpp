#pragma once
/// Internal to pb_server: helpers the native API's handler files share (api_routes.cpp,
/// api_editing.cpp, api_ingest.cpp, api_calc.cpp, api_mining.cpp, api_models.cpp). Includes
/// cpp-httplib through http.hpp.
#include <nlohmann/json.hpp>
#include <string>

#include "server/auth.hpp"
#include "server/http.hpp"

namespace pb::server {

/// The request body as a JSON object; 415 unless sent as application/json (which an HTML form on
/// another site cannot send), 400 when it is not a JSON object.
nlohmann::ordered_json json_body(const Context& ctx);

/// A string member of a JSON body; 400 naming it when it has another type or is missing and
/// required.
std::string string_field(const nlohmann::ordered_json& body, const std::string& name,
                         bool required = true);

/// Signed in (401) with the role (403); for a write (every POST) from a cookie session also the
/// login's CSRF token in the X-CSRF-Token header (403). Reads (GET) need no CSRF token: they
/// change nothing, and the SameSite=Strict cookie keeps other sites from reading answers.
void require(Context& ctx, Role role, bool write = true);

/// An integer path segment (regex group `group`), else 404 "no <what> '<text>'".
std::int64_t path_id(const Context& ctx, int group, const char* what);

/// Split and the audit trail (api_editing.cpp).
void add_editing_routes(httplib::Server& http, ServerState& state);
/// Ingest uploads with a progress job (api_ingest.cpp).
void add_ingest_routes(httplib::Server& http, ServerState& state);
/// Calculation jobs and results with DOS and bands (api_calc.cpp).
void add_calc_routes(httplib::Server& http, ServerState& state);
/// Mined records and their review (api_mining.cpp).
void add_mining_routes(httplib::Server& http, ServerState& state);
/// Saved ML models and screening results of `serve --models DIR` (api_models.cpp).
void add_model_routes(httplib::Server& http, ServerState& state);

/// OpenAPI path items of the routes above, merged into /api/openapi.json.
nlohmann::ordered_json editing_openapi_paths();
nlohmann::ordered_json ingest_openapi_paths();
nlohmann::ordered_json calc_openapi_paths();
nlohmann::ordered_json mining_openapi_paths();
nlohmann::ordered_json models_openapi_paths();

}  // namespace pb::server
