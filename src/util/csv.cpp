#include "util/csv.hpp"

#include "util/error.hpp"

namespace pb::csv {

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> fields(1);
  std::size_t i = 0;
  bool field_start = true;
  while (i < line.size()) {
    char c = line[i];
    if (field_start && c == '"') {
      std::size_t open = i++;
      for (;;) {
        if (i >= line.size()) throw ParseError({"", 0, open + 1}, "unterminated quoted field");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        fields.back() += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        throw ParseError({"", 0, i + 1}, "text after a closing quote",
                         "quote the whole field and double the quotes inside it");
      }
      field_start = false;
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      field_start = true;
    } else if (c != '\r' || i + 1 != line.size()) {
      fields.back() += c;
      field_start = false;
    }
    ++i;
  }
  return fields;
}

std::vector<std::vector<std::string>> parse(std::string_view text, std::string_view name) {
  std::vector<std::vector<std::string>> rows;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line == "\r") continue;
    try {
      rows.push_back(split(line));
    } catch (const ParseError& e) {
      throw ParseError({std::string(name), line_no, e.where().column}, e.message(), e.hint());
    }
  }
  return rows;
}

}  // namespace pb::csv
