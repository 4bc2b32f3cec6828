// Search options: declared once here so that search and export accept the same conditions.
#include "cli/search_options.hpp"

#include <CLI/CLI.hpp>

#include "util/error.hpp"

namespace pb::cli {

namespace {

query::Range optional_range(const std::string& text) {
  return text.empty() ? query::Range{} : query::parse_range(text);
}

// Splits "Li,Nb,O" items given as one argument; CLI11's delimiter already splits, this keeps
// empty items ("Li,,O") out.
std::vector<std::string> non_empty(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& s : items)
    if (!s.empty()) out.push_back(s);
  return out;
}

}  // namespace

void add_search_options(CLI::App& cmd, SearchOptions& o) {
  const char* range_help = " (range: MIN-MAX, MIN..MAX, VALUE, >=MIN, <=MAX)";
  auto list = [&](const char* name, std::vector<std::string>& v, const char* help) {
    cmd.add_option(name, v, help)->delimiter(',')->group("Conditions");
  };
  auto text = [&](const char* name, std::string& v, std::string help) {
    cmd.add_option(name, v, help)->group("Conditions");
  };
  list("--elements", o.elements, "Has every one of these elements (comma-separated)");
  list("--elements-any", o.elements_any, "Has at least one of these elements");
  list("--elements-only", o.elements_only, "Has exactly this set of elements");
  list("--exclude", o.exclude, "Has none of these elements");
  text("--nelements", o.nelements, std::string("Number of elements") + range_help);
  text("--formula", o.formula, "Reduced formula (any writing: O3NbLi matches LiNbO3)");
  text("--anonymous", o.anonymous, "Anonymous formula, e.g. ABC3");
  text("--contains", o.contains, "Has every element of this formula (and possibly more)");
  cmd.add_option("--space-group", o.space_group, "Space group number 1-230")->group("Conditions");
  text("--crystal-system", o.crystal_system, "triclinic ... cubic");
  text("--pearson", o.pearson, "Pearson symbol, e.g. hR10");
  text("--structure-type", o.structure_type, "Structure type of the substance");
  for (auto [name, v] : {std::pair{"--a", &o.a},
                         {"--b", &o.b},
                         {"--c", &o.c},
                         {"--alpha", &o.alpha},
                         {"--beta", &o.beta},
                         {"--gamma", &o.gamma}})
    text(name, *v, std::string("Lattice parameter (Å or degrees)") + range_help);
  text("--property", o.property, "The substance has a property of this kind");
  cmd.add_option("--min", o.min, "Smallest property value (in --unit)")->group("Conditions");
  cmd.add_option("--max", o.max, "Largest property value (in --unit)")->group("Conditions");
  text("--unit", o.unit, "Unit of --min/--max (default: the kind's SI unit)");
  text("--temperature", o.temperature, std::string("Property temperature in K") + range_help);
  text("--author", o.author, "Substring of a reference author");
  text("--year", o.year, std::string("Reference year") + range_help);
  text("--journal", o.journal, "Substring of the reference journal");
  text("--doi", o.doi, "Reference DOI");
  text("--text", o.text, "Free text: words in formulas, source files, reference titles");
  text("--substance", o.substance, "Substance id");
  std::string fields;
  for (const auto& f : query::structure_sort_fields()) fields += (fields.empty() ? "" : ", ") + f;
  cmd.add_option("--sort", o.sort, "FIELD or FIELD:desc; FIELD is one of " + fields)
      ->group("Output");
  cmd.add_option("--limit", o.limit, "At most this many rows (default: all)")->group("Output");
  cmd.add_option("--offset", o.offset, "Skip this many rows first")->group("Output");
}

query::StructureQuery SearchOptions::to_query() const {
  query::StructureQuery q;
  q.elements_all = non_empty(elements);
  q.elements_any = non_empty(elements_any);
  q.elements_only = non_empty(elements_only);
  q.elements_none = non_empty(exclude);
  q.nelements = optional_range(nelements);
  q.formula = formula;
  q.formula_anonymous = anonymous;
  q.formula_contains = contains;
  q.space_group_number = space_group;
  q.crystal_system = crystal_system;
  q.pearson_symbol = pearson;
  q.structure_type = structure_type;
  q.a = optional_range(a);
  q.b = optional_range(b);
  q.c = optional_range(c);
  q.alpha = optional_range(alpha);
  q.beta = optional_range(beta);
  q.gamma = optional_range(gamma);
  if (!property.empty()) {
    query::PropertyCondition p{property, {min, max}, optional_range(temperature)};
    if (!unit.empty()) p.value_si = query::range_to_si(p.value_si, property, unit);
    q.property = p;
  } else if (min || max || !unit.empty() || !temperature.empty()) {
    throw InvalidArgument("--min, --max, --unit and --temperature need --property");
  }
  q.reference.author = author;
  q.reference.journal = journal;
  q.reference.doi = doi;
  q.reference.year = optional_range(year);
  q.text = text;
  q.substance_id = substance;
  q.sort = query::parse_sort(sort, query::structure_sort_fields());
  q.paging = {limit, offset};
  return q;
}

}  // namespace pb::cli
