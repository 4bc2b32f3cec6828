#pragma once
/// Standalone SVG charts (axes with "nice" ticks, lines, points, bars, legends; no dependencies)
/// and their PNG rendering through librsvg. Used by the calculation plots (DOS, bands) and the
/// machine-learning plots (parity, importance, ablation, screening overlap).
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pb::plot {

/// "Nice" tick positions covering [lo, hi] with about `target` ticks (1, 2, 5 x 10^n steps).
std::vector<double> nice_ticks(double lo, double hi, int target = 6);
/// A tick label with as many decimals as the step needs.
std::string tick_text(double v, double step);
/// Text escaped for SVG/XML content and attributes.
std::string escape(std::string_view text);
/// Ten distinguishable colours (matplotlib's tab10), used in turn.
const char* colour(std::size_t i);

/// Space around the plot area, in pixels.
struct Margins {
  double left = 70, right = 20, top = 40, bottom = 60;
};

/// One SVG document with a rectangular plot area; data coordinates map linearly into it.
class Canvas {
 public:
  explicit Canvas(const std::string& title, double width = 640, double height = 480,
                  Margins margins = Margins{});

  /// Data range of the plot area.
  void set_range(double x0, double x1, double y0, double y1);
  double px(double x) const;
  double py(double y) const;
  double left() const { return m_.left; }
  double right() const { return width_ - m_.right; }
  double top() const { return m_.top; }
  double bottom() const { return height_ - m_.bottom; }

  /// The box around the plot area and a clip path (id "plot") for what is drawn inside.
  void frame();
  /// Ticks and numbers along x (bottom) or y (left), and the axis title.
  void x_axis(const std::string& title, int ticks = 8);
  void y_axis(const std::string& title, int ticks = 6);
  /// A tick label written at data position `x` below the plot area (categorical axes).
  void x_label(double x, const std::string& text, bool rotate = false);
  void y_label(double y, const std::string& text);
  void x_title(const std::string& text);

  /// Data-coordinate drawing. `dash` is an SVG stroke-dasharray ("" = solid).
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& colour,
                double width = 1.3, const std::string& dash = "");
  /// A pixel-coordinate line (e.g. marks on an axis).
  void pixel_line(double x1, double y1, double x2, double y2, const std::string& colour,
                  const std::string& dash = "");
  /// A marker: <circle class="point">, so that tests can count them.
  void point(double x, double y, const std::string& colour, double radius = 3);
  /// A bar between data rectangles (x0,y0)-(x1,y1): <rect class="bar">.
  void bar(double x0, double y0, double x1, double y1, const std::string& colour);
  /// An error bar (vertical when `vertical`, else horizontal) in data coordinates.
  void whisker(double at, double lo, double hi, bool vertical, const std::string& colour);
  /// Pixel-coordinate text.
  void text(double x, double y, const std::string& text, const std::string& anchor = "start",
            double size = 12);
  /// Legend entries (colour swatch, label) in the top-left corner of the plot area.
  void legend(const std::vector<std::pair<std::string, std::string>>& entries);
  /// Starts/ends a group clipped to the plot area.
  void begin_clip();
  void end_clip();

  /// The finished document.
  std::string svg() const;

 private:
  double width_, height_;
  Margins m_;
  double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
  std::string body_;
};

/// Renders an SVG document to PNG (librsvg + cairo) at its own size times `scale`; throws
/// std::runtime_error when the SVG does not parse.
std::string svg_to_png(const std::string& svg, double scale = 1.0);
/// Writes `svg` to `path`: SVG text, or a PNG when the name ends in .png.
void write_image(const std::string& svg, const std::filesystem::path& path);

}  // namespace pb::plot
