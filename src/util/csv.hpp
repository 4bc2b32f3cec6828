#pragma once
/// RFC 4180 CSV records: fields separated by commas, optionally double-quoted, "" for a quote.
#include <string>
#include <string_view>
#include <vector>

namespace pb::csv {

/// Splits one record (no embedded newlines) into fields; throws ParseError (column of the
/// problem) on an unterminated quote or text after a closing quote.
std::vector<std::string> split(std::string_view line);

/// Splits a whole document into records, skipping empty lines; the line numbers in errors are
/// 1-based and the file name is `name`.
std::vector<std::vector<std::string>> parse(std::string_view text, std::string_view name = {});

}  // namespace pb::csv
