#include "plot/chart.hpp"

#include <cairo.h>
#include <fmt/format.h>
#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace pb::plot {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
  double raw = (hi - lo) / std::max(1, target);
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(t);
  return out;
}

std::string tick_text(double v, double step) {
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", std::abs(v) < step * 1e-6 ? 0.0 : v, decimals);
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* colour(std::size_t i) {
  static constexpr const char* kTab10[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kTab10[i % 10];
}

Canvas::Canvas(const std::string& title, double width, double height, Margins margins)
    : width_(width), height_(height), m_(margins) {
  body_ = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{3}</text>\n",
      width_, height_, width_ / 2, escape(title));
}

void Canvas::set_range(double x0, double x1, double y0, double y1) {
  x0_ = x0;
  x1_ = x1 > x0 ? x1 : x0 + 1;
  y0_ = y0;
  y1_ = y1 > y0 ? y1 : y0 + 1;
}

double Canvas::px(double x) const { return left() + (x - x0_) / (x1_ - x0_) * (right() - left()); }
double Canvas::py(double y) const {
  return bottom() - (y - y0_) / (y1_ - y0_) * (bottom() - top());
}

void Canvas::frame() {
  body_ += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n"
      "<clipPath id=\"plot\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
      left(), top(), right() - left(), bottom() - top(), left(), top(), right() - left(),
      bottom() - top());
}

void Canvas::x_axis(const std::string& title, int ticks) {
  auto t = nice_ticks(x0_, x1_, ticks);
  double step = t.size() > 1 ? t[1] - t[0] : 1;
  for (double v : t) {
    double x = px(v);
    pixel_line(x, bottom(), x, bottom() - 5, "black");
    text(x, bottom() + 16, tick_text(v, step), "middle");
  }
  x_title(title);
}

void Canvas::x_title(const std::string& title) {
  text((left() + right()) / 2, height_ - 18, title, "middle");
}

void Canvas::y_axis(const std::string& title, int ticks) {
  auto t = nice_ticks(y0_, y1_, ticks);
  double step = t.size() > 1 ? t[1] - t[0] : 1;
  for (double v : t) {
    double y = py(v);
    pixel_line(left(), y, left() + 5, y, "black");
    text(left() - 6, y + 4, tick_text(v, step), "end");
  }
  double mid = (top() + bottom()) / 2;
  body_ += fmt::format(
      "<text x=\"18\" y=\"{0:.2f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 "
      "{0:.2f})\">{1}</text>\n",
      mid, escape(title));
}

void Canvas::x_label(double x, const std::string& label, bool rotate) {
  double X = px(x), Y = bottom() + 14;
  if (!rotate) {
    text(X, Y, label, "middle");
    return;
  }
  body_ += fmt::format(
      "<text x=\"{0:.2f}\" y=\"{1:.2f}\" text-anchor=\"end\" font-size=\"10\" "
      "transform=\"rotate(-40 {0:.2f} {1:.2f})\">{2}</text>\n",
      X, Y, escape(label));
}

void Canvas::y_label(double y, const std::string& label) {
  body_ += fmt::format(
      "<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"end\" font-size=\"11\">{}</text>\n",
      left() - 6, py(y) + 4, escape(label));
}

void Canvas::polyline(const std::vector<std::pair<double, double>>& pts, const std::string& c,
                      double width, const std::string& dash) {
  std::string d;
  for (const auto& [x, y] : pts) d += fmt::format("{:.2f},{:.2f} ", px(x), py(y));
  body_ +=
      fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n",
                  d, c, width, dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"");
}

void Canvas::pixel_line(double x1, double y1, double x2, double y2, const std::string& c,
                        const std::string& dash) {
  body_ += fmt::format(
      "<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\"{}/>\n", x1, y1,
      x2, y2, c, dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"");
}

void Canvas::point(double x, double y, const std::string& c, double radius) {
  body_ += fmt::format(
      "<circle class=\"point\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{}\" fill=\"{}\" "
      "fill-opacity=\"0.7\"/>\n",
      px(x), py(y), radius, c);
}

void Canvas::bar(double x0, double y0, double x1, double y1, const std::string& c) {
  double a = px(std::min(x0, x1)), b = px(std::max(x0, x1));
  double top_px = py(std::max(y0, y1)), bottom_px = py(std::min(y0, y1));
  body_ += fmt::format(
      "<rect class=\"bar\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" "
      "fill=\"{}\"/>\n",
      a, top_px, b - a, bottom_px - top_px, c);
}

void Canvas::whisker(double at, double lo, double hi, bool vertical, const std::string& c) {
  if (vertical) {
    pixel_line(px(at), py(lo), px(at), py(hi), c);
  } else {
    pixel_line(px(lo), py(at), px(hi), py(at), c);
  }
}

void Canvas::text(double x, double y, const std::string& t, const std::string& anchor,
                  double size) {
  body_ += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"{}\"{}>{}</text>\n", x, y,
                       anchor, size == 12 ? "" : fmt::format(" font-size=\"{}\"", size), escape(t));
}

void Canvas::legend(const std::vector<std::pair<std::string, std::string>>& entries) {
  double y = top() + 14;
  for (const auto& [c, label] : entries) {
    body_ +=
        fmt::format("<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n",
                    left() + 8, y - 9, c);
    text(left() + 22, y, label);
    y += 16;
  }
}

void Canvas::begin_clip() { body_ += "<g clip-path=\"url(#plot)\">\n"; }
void Canvas::end_clip() { body_ += "</g>\n"; }

std::string Canvas::svg() const { return body_ + "</svg>\n"; }

std::string svg_to_png(const std::string& svg, double scale) {
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, decltype(&g_object_unref)> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error),
      g_object_unref);
  if (!handle) {
    std::string why = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw std::runtime_error("SVG does not parse: " + why);
  }
  gdouble w = 0, h = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &w, &h)) {
    throw std::runtime_error("SVG has no size in pixels");
  }
  int pw = static_cast<int>(std::lround(w * scale)), ph = static_cast<int>(std::lround(h * scale));
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
  RsvgRectangle viewport{0, 0, static_cast<double>(pw), static_cast<double>(ph)};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    std::string why = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw std::runtime_error("SVG does not render: " + why);
  }
  std::string png;
  auto sink = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  if (cairo_surface_write_to_png_stream(surface.get(), sink, &png) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("PNG encoding failed");
  }
  return png;
}

void write_image(const std::string& svg, const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << (ext == ".png" ? svg_to_png(svg) : svg);
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace pb::plot
