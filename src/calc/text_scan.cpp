#include "calc/text_scan.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace pb::calc {

bool LineScanner::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  std::size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = end + 1;
  ++line_;
  return true;
}

std::vector<double> scan_numbers(std::string_view text) {
  std::vector<double> out;
  std::size_t i = 0;
  std::string buf;
  while (i < text.size()) {
    char c = text[i];
    bool starts = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    if (!starts) {
      // Skip a whole word so "sigma(1" or "E-fermi" does not yield numbers.
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '=' &&
               text[i] != ',' && text[i] != '[' && text[i] != ']' && text[i] != ':')
          ++i;
      } else {
        ++i;
      }
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != ',' &&
           text[j] != ']' && text[j] != ')' && text[j] != '<' && text[j] != '=')
      ++j;
    buf.assign(text.substr(i, j - i));
    for (char& d : buf) {
      if (d == 'D' || d == 'd') d = 'e';
    }
    const char* b = buf.data();
    if (*b == '+') ++b;
    double v = 0;
    auto [end, ec] = std::from_chars(b, buf.data() + buf.size(), v);
    if (ec == std::errc() && end == buf.data() + buf.size() && std::isfinite(v)) {
      out.push_back(v);
    } else if (ec == std::errc() && end != b) {
      // "1.0-5" (Fortran exponent without E) or "1.3(2)": keep the leading number.
      out.push_back(v);
    }
    i = j;
  }
  return out;
}

std::optional<double> number_after(std::string_view line, std::string_view marker) {
  std::size_t at = line.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  auto v = scan_numbers(line.substr(at + marker.size()));
  if (v.empty()) return std::nullopt;
  return v[0];
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace pb::calc
