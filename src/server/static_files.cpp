// The web UI's static files (docs/web.md): content types, cache headers, ETags and the
// single-page-application fallback.
#include "server/static_files.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <system_error>

#ifndef PB_WEB_DIST_DIR
#define PB_WEB_DIST_DIR "web/dist"
#endif

namespace pb::server {

namespace {

// Vite names every file under assets/ after a hash of its content, so a changed file gets a new
// URL and the old one may be cached for good (RFC 8246 "immutable").
constexpr const char* kHashedCache = "public, max-age=31536000, immutable";
// index.html and unhashed files: the browser revalidates (cheap with the ETag) on every load.
constexpr const char* kRevalidate = "no-cache";

std::string_view content_type(std::string_view ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "application/javascript";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A request path as a relative file path, or empty when it tries to leave the root (a ".."
// segment, a backslash or a NUL byte) or names a directory.
std::filesystem::path relative_file(std::string_view path) {
  std::filesystem::path out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(pos, end - pos);
    if (seg == ".." || seg.find('\\') != std::string_view::npos ||
        seg.find('\0') != std::string_view::npos) {
      return {};
    }
    if (!seg.empty() && seg != ".") out /= std::string(seg);
    pos = end + 1;
  }
  return out;
}

bool read_file(const std::filesystem::path& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// A weak validator from size and modification time: cheap, and it changes with every build.
std::string etag(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto time = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
  std::ostringstream s;
  s << "W/\"" << std::hex << size << '-' << time << '"';
  return s.str();
}

void send_file(const httplib::Request& req, httplib::Response& res,
               const std::filesystem::path& file, const char* cache) {
  const std::string tag = etag(file);
  res.set_header("Cache-Control", cache);
  res.set_header("ETag", tag);
  // The page makes no requests to other origins (docs/web.md); the policy keeps it that way.
  // Plotly's bundle compiles a few functions at run time, hence 'unsafe-eval'.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
                 "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                 "worker-src 'self' blob:");
  res.set_header("X-Content-Type-Options", "nosniff");
  if (req.get_header_value("If-None-Match") == tag) {
    res.status = 304;
    return;
  }
  std::string body;
  if (!read_file(file, body)) {
    res.status = 404;
    return;
  }
  res.status = 200;
  res.set_content(std::move(body), std::string(content_type(file.extension().string())));
}

}  // namespace

std::filesystem::path web_root(const ServeOptions& options) {
  return options.web_dir.empty() ? std::filesystem::path(PB_WEB_DIST_DIR) : options.web_dir;
}

void add_static_routes(httplib::Server& http, ServerState& state) {
  const std::filesystem::path root = web_root(state.options);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(root / "index.html", ec)) {
    const std::string page =
        "<!doctype html><title>Phasebook</title><h1>Phasebook</h1><p>The web UI is not built "
        "in " +
        root.string() +
        " (run <code>make</code>, or pass <code>--web DIR</code>). OPTIMADE API: <a "
        "href=\"/optimade/v1/info\">/optimade/v1/info</a>. Native API: <a "
        "href=\"/api/openapi.json\">/api/openapi.json</a>.</p>";
    http.Get("/", [page](const httplib::Request&, httplib::Response& res) {
      res.set_content(page, "text/html; charset=utf-8");
    });
    return;
  }
  http.Get(R"(/.*)", [root](const httplib::Request& req, httplib::Response& res) {
    const std::string_view path = req.path;
    // API paths no route matched: leave the body empty so the error handler answers in JSON.
    if (starts_with(path, "/api/") || path == "/api" || starts_with(path, "/optimade")) {
      res.status = 404;
      return;
    }
    // A decoded NUL or other control character (/index.html%00.png) names no file.
    if (std::any_of(path.begin(), path.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      res.status = 400;
      return;
    }
    const std::filesystem::path rel = relative_file(path);
    std::error_code file_error;
    if (!rel.empty() && std::filesystem::is_regular_file(root / rel, file_error)) {
      send_file(req, res, root / rel, starts_with(path, "/assets/") ? kHashedCache : kRevalidate);
      return;
    }
    // A missing file (a name with an extension, or anything under /assets/) is a 404; any
    // other path is a client route of the single-page app.
    const std::string last = rel.filename().string();
    if (starts_with(path, "/assets/") || last.find('.') != std::string::npos ||
        path.find("/..") != std::string_view::npos) {
      res.status = 404;
      return;
    }
    send_file(req, res, root / "index.html", kRevalidate);
  });
}

}  // namespace pb::server
