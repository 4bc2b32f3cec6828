// The HTTP service: cpp-httplib with a worker pool, gzip, limits, a JSON access log and a
// graceful stop on SIGTERM/SIGINT (the listener closes, requests in flight finish).
#include "server/server.hpp"

#include <pthread.h>
#include <signal.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "server/http.hpp"
#include "server/static_files.hpp"
#include "util/error.hpp"

namespace pb::server {

using nlohmann::ordered_json;

namespace {

// What the access log needs to know about the request this worker thread is handling.
struct RequestInfo {
  std::chrono::steady_clock::time_point start;
  std::string user;
};
thread_local RequestInfo t_request;

bool accepts_gzip(const httplib::Request& req) {
  const std::string v = req.get_header_value("Accept-Encoding");
  return v.find("gzip") != std::string::npos;
}

std::string gzip(const std::string& data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(zs.total_out);
  return out;
}

// cpp-httplib compresses text/*, application/json and a few others itself (and would compress
// twice); other types, such as OPTIMADE's application/vnd.api+json, are compressed here.
bool httplib_compresses(const std::string& content_type) {
  return content_type.rfind("text/", 0) == 0 || content_type.rfind("application/json", 0) == 0;
}

Identity identify(ServerState& state, const httplib::Request& req) {
  std::string token;
  bool cookie = false;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    token = auth.substr(7);
  } else {
    const std::string cookies = req.get_header_value("Cookie");
    const std::string key = "pb_session=";
    for (std::size_t pos = 0; pos < cookies.size();) {
      std::size_t end = cookies.find(';', pos);
      if (end == std::string::npos) end = cookies.size();
      std::string part = cookies.substr(pos, end - pos);
      part.erase(0, part.find_first_not_of(' '));
      if (part.rfind(key, 0) == 0) {
        token = part.substr(key.size());
        cookie = true;
      }
      pos = end + 1;
    }
  }
  if (token.empty()) return {};
  auto writer = state.pool.write();
  auto who = identify_token(writer.db->db.connection(), token);
  if (!who) {
    // A Bearer token that names nobody is an error the client must see; a stale cookie just
    // leaves the browser signed out.
    if (!cookie) throw HttpError(401, "the token is unknown or has expired");
    return {};
  }
  who->via_cookie = cookie;
  return *who;
}

class AccessLog {
 public:
  explicit AccessLog(const std::string& path) {
    if (!path.empty()) {
      file_.open(path, std::ios::app);
      if (!file_) throw InvalidArgument("cannot open access log " + path);
    }
  }
  void write(const httplib::Request& req, const httplib::Response& res) {
    auto elapsed = std::chrono::steady_clock::now() - t_request.start;
    ordered_json line = {
        {"time", utc_now()},
        {"remote", req.remote_addr},
        {"method", req.method},
        {"path", req.path},
        {"query", req.target.find('?') == std::string::npos
                      ? std::string()
                      : req.target.substr(req.target.find('?') + 1)},
        {"status", res.status},
        {"bytes", res.body.size()},
        {"ms", std::chrono::duration<double, std::milli>(elapsed).count()},
        {"user", t_request.user},
        {"agent", req.get_header_value("User-Agent")},
    };
    const std::string text = line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    std::ostream& out = file_.is_open() ? static_cast<std::ostream&>(file_) : std::cerr;
    out << text << '\n';
    out.flush();
  }

 private:
  std::mutex mutex_;
  std::ofstream file_;
};

}  // namespace

std::string utc_now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 553:
      return "Version Not Supported";
    default:
      return status < 400 ? "OK" : "Error";
  }
}

std::string Context::base_url() const {
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = state.options.bind + ":" + std::to_string(state.options.port);
  return "http://" + host;
}

std::optional<std::string> Context::param(const std::string& name) const {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

long long int_param(const std::string& name, const std::string& text) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    throw HttpError(400, name + " must be a non-negative integer, got '" + text + "'");
  }
  return v;
}

void send_text(Context& ctx, int status, std::string body, const std::string& content_type) {
  ctx.res.status = status;
  if (!httplib_compresses(content_type) && body.size() > 1024 && accepts_gzip(ctx.req)) {
    ctx.res.set_header("Content-Encoding", "gzip");
    body = gzip(body);
  }
  ctx.res.set_header("Vary", "Accept-Encoding");
  ctx.res.set_content(std::move(body), content_type.c_str());
}

void send_json(Context& ctx, int status, const ordered_json& body,
               const std::string& content_type) {
  // Text read from files may hold invalid UTF-8; replace it rather than failing the response.
  send_text(ctx, status, body.dump(-1, ' ', false, ordered_json::error_handler_t::replace),
            content_type);
}

void note_user(const std::string& name) { t_request.user = name; }

httplib::Server::Handler guarded(ServerState& state, bool optimade, Handler handler) {
  return [&state, optimade, handler = std::move(handler)](const httplib::Request& req,
                                                          httplib::Response& res) {
    Context ctx{state,
                req,
                res,
                {},
                std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(state.options.request_time_limit_ms)};
    int status = 500;
    std::string detail;
    // OPTIMADE is public and read-only: any web page may query it. Credentials are not allowed
    // cross-origin with "*", so this opens nothing that a cookie would protect.
    if (optimade) res.set_header("Access-Control-Allow-Origin", "*");
    try {
      ctx.who = identify(state, req);
      note_user(ctx.who.name);
      handler(ctx);
      return;
    } catch (const HttpError& e) {
      status = e.status();
      detail = e.what();
    } catch (const ParseError& e) {
      status = 400;
      detail = e.describe();
    } catch (const InvalidArgument& e) {
      status = 400;
      detail = e.what();
    } catch (const NotFound& e) {
      status = 404;
      detail = e.what();
    } catch (const std::exception& e) {
      if (is_timeout(e)) {
        status = 503;
        detail = "the request took longer than the limit of " +
                 std::to_string(state.options.request_time_limit_ms) + " ms; narrow it down";
      } else {
        status = 500;
        detail = "internal error; the server log has the details";
        std::cerr << "phasebook serve: " << req.method << ' ' << req.path << ": " << e.what()
                  << '\n';
      }
    }
    res.headers.erase("Content-Encoding");
    if (optimade) {
      send_json(ctx, status, optimade_error_body(ctx, status, detail), "application/vnd.api+json");
    } else {
      send_json(
          ctx, status,
          {{"error", {{"status", status}, {"title", status_title(status)}, {"detail", detail}}}});
    }
  };
}

int serve(const ServeOptions& options) {
  // SIGTERM and SIGINT are taken by one thread with sigwait(); every other thread (the workers
  // start after this) inherits the blocked mask, so no handler runs in the middle of a request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ServerState state(options);
  AccessLog log(options.access_log);
  httplib::Server http;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads =
      options.threads > 0 ? static_cast<std::size_t>(options.threads) : 16 * cores;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_keep_alive_max_count(options.keep_alive_max_requests);
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.read_timeout_s, 0);
  http.set_payload_max_length(options.max_body_bytes);
  http.set_tcp_nodelay(true);
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    t_request = {std::chrono::steady_clock::now(), {}};
    // cpp-httplib 0.11 keeps the text after the last '=' of a parameter as its value, so an
    // unencoded filter=_x_field=2 (legal in a query string) would arrive as "2". Parse again,
    // splitting at the first '='. The request object is not const; httplib only hands it so.
    auto& params = const_cast<httplib::Request&>(req).params;
    params.clear();
    if (std::size_t q = req.target.find('?'); q != std::string::npos) {
      std::string_view query = std::string_view(req.target).substr(q + 1);
      while (!query.empty()) {
        std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        if (pair.empty()) continue;
        std::size_t eq = pair.find('=');
        std::string key(pair.substr(0, eq));
        std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        params.emplace(httplib::detail::decode_url(key, true),
                       httplib::detail::decode_url(value, true));
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Requests no route matched, and those cpp-httplib refused itself (413, 400), get a JSON body.
  http.set_error_handler([&state](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Context ctx{state, req, res, {}, std::chrono::steady_clock::now()};
    const int status = res.status;
    std::string detail = status == 404 ? "no endpoint " + req.method + " " + req.path
                         : status == 413
                             ? "the request body is larger than " +
                                   std::to_string(state.options.max_body_bytes) + " bytes"
                             : status_title(status);
    if (req.path.rfind("/optimade", 0) == 0) {
      send_json(ctx, status, optimade_error_body(ctx, status, detail), "application/vnd.api+json");
    } else {
      send_json(
          ctx, status,
          {{"error", {{"status", status}, {"title", status_title(status)}, {"detail", detail}}}});
    }
    res.status = status;
  });
  http.set_logger(
      [&log](const httplib::Request& req, const httplib::Response& res) { log.write(req, res); });

  add_optimade_routes(http, state);
  add_api_routes(http, state);
  add_static_routes(http, state);  // last: the API routes take precedence

  int port = options.port;
  if (port == 0) {
    port = http.bind_to_any_port(options.bind);
    if (port < 0) throw std::runtime_error("cannot bind " + options.bind);
  } else if (!http.bind_to_port(options.bind, port)) {
    throw std::runtime_error("cannot bind " + options.bind + ":" + std::to_string(port) +
                             " (in use?)");
  }
  state.options.port = port;

  std::thread stopper([&http, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    http.stop();
  });
  const std::string url = "http://" + options.bind + ":" + std::to_string(port);
  if (options.on_listening) options.on_listening(url);
  const bool ok = http.listen_after_bind();
  // listen_after_bind() returns once stop() closed the socket and the workers drained. If it
  // ended for another reason, wake the signal thread so it can be joined.
  if (http.is_running() || !ok) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace pb::server
