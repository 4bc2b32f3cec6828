#pragma once
/// Small helpers for line-oriented output files: numbers in Fortran notation, one pass.
#include <optional>
#include <string_view>
#include <vector>

namespace pb::calc {

/// Lines of a text without their end-of-line characters.
class LineScanner {
 public:
  explicit LineScanner(std::string_view text) : text_(text) {}
  bool next(std::string_view& line);
  std::size_t line_number() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0, line_ = 0;
};

/// Every number in the text (whitespace, commas, brackets and '=' separate them; Fortran 'D'
/// exponents accepted; words are skipped).
std::vector<double> scan_numbers(std::string_view text);
/// The first number after the first occurrence of `marker`.
std::optional<double> number_after(std::string_view line, std::string_view marker);
inline bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}
std::string_view trim(std::string_view s);

}  // namespace pb::calc
