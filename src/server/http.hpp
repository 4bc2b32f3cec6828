#pragma once
/// Internal to pb_server: the per-request context, JSON errors and helpers shared by the
/// OPTIMADE and native API handlers. Includes cpp-httplib, so keep it out of public headers (and
/// out of translation units that include Eigen: ARCHITECTURE.md §6).
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "server/auth.hpp"
#include "server/db_pool.hpp"
#include "server/server.hpp"

namespace pb::server {

/// An error with its HTTP status, converted to a JSON body at the boundary.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string detail)
      : std::runtime_error(std::move(detail)), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// The reason phrase of a status ("Bad Request"; 553 "Version Not Supported").
std::string status_title(int status);

/// State shared by every request.
struct ServerState {
  ServeOptions options;
  DbPool pool;
  explicit ServerState(const ServeOptions& o) : options(o), pool(o.db) {}
};

/// One request: who asks, until when it may work, and the response being built.
struct Context {
  ServerState& state;
  const httplib::Request& req;
  httplib::Response& res;
  Identity who;
  std::chrono::steady_clock::time_point deadline;

  Access access() const { return who.role >= Role::kMember ? Access::kMember : Access::kGuest; }
  DbPool::Lease read() { return state.pool.read(access(), deadline); }
  /// "http://host:port" as the client addressed us, for links.
  std::string base_url() const;
  /// A query parameter, or nullopt.
  std::optional<std::string> param(const std::string& name) const;
};

/// Sends JSON (gzip when the client accepts it); `content_type` defaults to application/json.
void send_json(Context& ctx, int status, const nlohmann::ordered_json& body,
               const std::string& content_type = "application/json");
/// Sends text as it is.
void send_text(Context& ctx, int status, std::string body, const std::string& content_type);

/// Runs a handler with the caller identified, converting every exception into a JSON error
/// body (`optimade` selects the OPTIMADE error envelope). Unexpected exceptions become a 500
/// without internals in the body, and are logged.
using Handler = std::function<void(Context&)>;
httplib::Server::Handler guarded(ServerState& state, bool optimade, Handler handler);

/// Records who made the current request, for the access log.
void note_user(const std::string& name);

/// Registers the OPTIMADE endpoints (/optimade/...).
void add_optimade_routes(httplib::Server& http, ServerState& state);
/// Registers the native API (/api/...).
void add_api_routes(httplib::Server& http, ServerState& state);

/// The OPTIMADE error envelope ({"errors": [...], "meta": {...}}).
nlohmann::ordered_json optimade_error_body(Context& ctx, int status, const std::string& detail);

/// The current UTC time as "2024-01-31T12:00:00Z".
std::string utc_now();

/// Parses a non-negative integer parameter; throws HttpError 400 naming it otherwise.
long long int_param(const std::string& name, const std::string& text);

}  // namespace pb::server
