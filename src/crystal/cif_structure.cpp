#include "crystal/cif_structure.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "chem/element.hpp"
#include "crystal/symmetry.hpp"
#include "util/error.hpp"

namespace pb::crystal {

namespace {

using cif::Block;
using cif::Value;

// The first tag present among CIF 1.1 and DDLm spellings.
const Value* find_any(const Block& b, std::initializer_list<std::string_view> tags) {
  for (auto t : tags) {
    if (const Value* v = b.find(t)) return v;
  }
  return nullptr;
}

struct Column {
  const cif::Loop* loop = nullptr;
  int index = -1;
};

Column find_column(const Block& b, std::initializer_list<std::string_view> tags) {
  for (auto t : tags) {
    if (const cif::Loop* l = b.find_loop(t)) return Column{l, l->column(t)};
  }
  return {};
}

class Builder {
 public:
  Builder(const Block& block, const std::string& file, const StructureOptions& options)
      : block_(block), file_(file), options_(options) {}
  CifStructure run();

 private:
  [[noreturn]] void fail(std::uint32_t line, const std::string& message) const {
    throw ParseError({file_, line, 0}, message);
  }
  void warn(std::uint32_t line, std::string message) {
    out_.warnings.push_back(cif::Diagnostic{{file_, line, 0}, std::move(message), true});
  }
  void read_cell();
  void read_symmetry();
  void read_sites();
  void read_conditions();

  const Block& block_;
  const std::string& file_;
  const StructureOptions& options_;
  CifStructure out_;
};

void Builder::read_cell() {
  static constexpr std::string_view kTags[6][2] = {
      {"_cell_length_a", "_cell.length_a"},     {"_cell_length_b", "_cell.length_b"},
      {"_cell_length_c", "_cell.length_c"},     {"_cell_angle_alpha", "_cell.angle_alpha"},
      {"_cell_angle_beta", "_cell.angle_beta"}, {"_cell_angle_gamma", "_cell.angle_gamma"}};
  for (int i = 0; i < 6; ++i) {
    const Value* v = find_any(block_, {kTags[i][0], kTags[i][1]});
    if (v == nullptr || v->is_null()) {
      if (i < 3)
        fail(block_.line,
             "data_" + std::string(block_.name) + " has no " + std::string(kTags[i][0]));
      // cod-tools 2004198-no-cell-angles: orthogonal cells are written without angles.
      warn(v ? v->line : block_.line, std::string(kTags[i][0]) + " is missing; assuming 90");
      out_.cell[i] = Measured{90, 0};
      continue;
    }
    auto m = parse_measured(v->text);
    if (!m || m->value <= 0 || (i >= 3 && m->value >= 180)) {
      fail(v->line,
           std::string(kTags[i][0]) +
               (i < 3 ? " is not a positive number: '" : " is not an angle in (0, 180): '") +
               std::string(v->text) + "'");
    }
    out_.cell[i] = *m;
  }
  out_.structure.lattice = Lattice(out_.cell[0].value, out_.cell[1].value, out_.cell[2].value,
                                   out_.cell[3].value, out_.cell[4].value, out_.cell[5].value);
  if (!(out_.structure.lattice.volume() > 1e-6)) fail(block_.line, "the cell has no volume");
}

void Builder::read_symmetry() {
  if (const Value* v = find_any(block_, {"_symmetry_space_group_name_H-M",
                                         "_space_group_name_H-M_alt", "_space_group.name_H-M_alt"});
      v && !v->is_null()) {
    out_.space_group_hm = std::string(v->text);
  }
  if (const Value* v = find_any(block_, {"_symmetry_space_group_name_Hall",
                                         "_space_group_name_Hall", "_space_group.name_Hall"});
      v && !v->is_null()) {
    out_.space_group_hall = std::string(v->text);
  }
  if (const Value* v = find_any(block_, {"_symmetry_Int_Tables_number", "_space_group_IT_number",
                                         "_space_group.IT_number"});
      v && !v->is_null()) {
    auto m = parse_measured(v->text);
    if (m && m->value >= 1 && m->value <= 230 && m->value == std::floor(m->value)) {
      out_.space_group_number = static_cast<int>(m->value);
    } else {
      warn(v->line, "space-group number '" + std::string(v->text) + "' is not 1..230; ignored");
    }
  }
  auto add = [&](const Value& v) {
    try {
      out_.symops.push_back(parse_symop(v.text));
    } catch (const ParseError& e) {
      fail(v.line, e.message());
    }
  };
  std::initializer_list<std::string_view> tags = {
      "_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz",
      "_symmetry_equiv_pos_as_xyz", "_symmetry_equiv.pos_as_xyz"};
  if (Column c = find_column(block_, tags); c.loop != nullptr) {
    for (std::size_t r = 0; r < c.loop->rows(); ++r) add(c.loop->at(r, c.index));
  } else if (const Value* v = find_any(block_, tags)) {
    add(*v);
  }
  if (!out_.symops.empty()) return;
  // No operations listed: from the Hall symbol, else the Hermann-Mauguin symbol (spglib's
  // tables; the standard setting unless the symbol says ":2", ":R" and so on).
  std::optional<int> hall = hall_number_from_hall(out_.space_group_hall);
  std::string used = out_.space_group_hall;
  if (!hall) {
    hall = hall_number_from_hm(out_.space_group_hm);
    used = out_.space_group_hm;
    // An R symbol without ":H" or ":R" means hexagonal axes in the tables; a rhombohedral cell
    // (a = b = c, equal angles other than 90) means the ":R" setting.
    const Lattice& l = out_.structure.lattice;
    bool rhombohedral = std::fabs(l.a() - l.b()) < 1e-3 * l.a() &&
                        std::fabs(l.a() - l.c()) < 1e-3 * l.a() &&
                        std::fabs(l.alpha() - l.beta()) < 0.01 &&
                        std::fabs(l.alpha() - l.gamma()) < 0.01 && std::fabs(l.alpha() - 90) > 0.01;
    std::size_t first = used.find_first_not_of(' ');
    bool r_symbol = first != std::string::npos && (used[first] == 'R' || used[first] == 'r');
    if (hall && rhombohedral && r_symbol && used.find(':') == std::string::npos) {
      if (auto r = hall_number_from_hm(used + ":R")) hall = r;
    }
  }
  if (hall) {
    out_.symops = operations_of(*hall);
    if (out_.space_group_number == 0) out_.space_group_number = number_of(*hall);
    warn(block_.line, "symmetry operations taken from the space-group symbol '" + used + "'");
    return;
  }
  if (!out_.space_group_hm.empty() || !out_.space_group_hall.empty()) {
    fail(block_.line,
         "no symmetry operations, and the space-group symbol '" +
             (out_.space_group_hall.empty() ? out_.space_group_hm : out_.space_group_hall) +
             "' is not one spglib knows");
  }
  if (out_.space_group_number > 1) {
    fail(block_.line, "no symmetry operations and no space-group symbol, only the number " +
                          std::to_string(out_.space_group_number));
  }
  if (out_.space_group_number != 1) warn(block_.line, "no symmetry given; assuming P1");
  out_.symops.push_back(parse_symop("x,y,z"));
}

void Builder::read_sites() {
  Column x = find_column(block_, {"_atom_site_fract_x", "_atom_site.fract_x"});
  if (x.loop == nullptr) {
    fail(block_.line, "data_" + std::string(block_.name) + " has no _atom_site_fract_x loop");
  }
  const cif::Loop& loop = *x.loop;
  auto col = [&](std::initializer_list<std::string_view> tags) {
    for (auto t : tags) {
      if (int c = loop.column(t); c >= 0) return c;
    }
    return -1;
  };
  int cy = col({"_atom_site_fract_y", "_atom_site.fract_y"});
  int cz = col({"_atom_site_fract_z", "_atom_site.fract_z"});
  int label = col({"_atom_site_label", "_atom_site.label"});
  int type = col({"_atom_site_type_symbol", "_atom_site.type_symbol"});
  int occ = col({"_atom_site_occupancy", "_atom_site.occupancy"});
  if (cy < 0 || cz < 0) fail(loop.line, "the atom-site loop lacks fract_y or fract_z");
  if (label < 0 && type < 0) fail(loop.line, "the atom-site loop has neither labels nor types");
  const Lattice& lattice = out_.structure.lattice;
  auto& sites = out_.structure.sites;
  for (std::size_t r = 0; r < loop.rows(); ++r) {
    Vec3 f{};
    AtomSite written;
    const int cols[3] = {x.index, cy, cz};
    for (int k = 0; k < 3; ++k) {
      const Value& v = loop.at(r, cols[k]);
      auto m = parse_measured(v.text);
      if (!m || v.is_null())
        fail(v.line, "coordinate '" + std::string(v.text) + "' is not a number");
      written.frac[k] = *m;
      if (k == 0) written.line = v.line;
      f[k] = m->value;
      // 0.3333 for 1/3: special positions written with four decimals snap to the multiple of
      // 1/12 they stand for, or their images would not coincide (pymatgen's frac_tolerance).
      double twelfths = std::round(f[k] * 12) / 12;
      if (std::fabs(f[k] - twelfths) <= options_.frac_tolerance) f[k] = twelfths;
    }
    bool by_type = type >= 0 && !loop.at(r, type).is_null();
    const Value& name = loop.at(r, by_type ? type : label);
    Occupant o;
    o.label = label >= 0 ? std::string(loop.at(r, label).text) : std::string(name.text);
    try {
      // Mineral structures label water oxygens "Wat1" (COD 9000195): oxygen, not tungsten.
      bool water = !by_type && name.text.size() >= 3 && cif::iequals(name.text.substr(0, 3), "wat");
      o.species = parse_type_symbol(water ? std::string_view("O") : name.text);
    } catch (const InvalidArgument& e) {
      fail(name.line, e.what());
    }
    if (occ >= 0) {
      const Value& v = loop.at(r, occ);
      if (v.is_null()) {
        warn(v.line, "occupancy of " + o.label + " is '" + std::string(v.text) + "'; taken as 1");
      } else {
        // Exact decimal: 0.875 is 7/8, so eight such sites make exactly 7 atoms.
        std::string_view text = v.text.substr(0, v.text.find('('));
        if (!chem::Number::parse(text, o.occupancy) || o.occupancy.negative()) {
          fail(v.line, "occupancy '" + std::string(v.text) + "' is not a number");
        }
        if (auto m = parse_measured(v.text)) written.occupancy = *m;
      }
    }
    written.label = o.label;
    written.species = o.species;
    out_.atom_sites.push_back(std::move(written));
    // Images of the atom under every operation, without repeats (special positions).
    std::vector<Vec3> images;
    bool near_images = false;
    for (const SymOp& op : out_.symops) {
      Vec3 g = op.apply(f);
      for (double& c : g) {
        c -= std::floor(c);
        if (c >= 1) c = 0;  // -1e-17 - floor(-1e-17) rounds to exactly 1
      }
      bool seen = false;
      for (const Vec3& h : images) {
        if (lattice.within(g, h, options_.duplicate_tolerance)) {
          seen = true;
          break;
        }
        // Images this close are rarely two atoms: more often a special position written with
        // rounded coordinates (0.333 for 1/3), which multiplies the atom. Say so.
        if (!near_images && lattice.within(g, h, options_.close_image_warning)) near_images = true;
      }
      if (!seen) images.push_back(g);
    }
    if (near_images) {
      warn(x.loop->line, "images of " + o.label + " are closer than " +
                             std::to_string(options_.close_image_warning) +
                             " A but not within duplicate_tolerance: rounded special position?");
    }
    for (const Vec3& g : images) {
      Site* target = nullptr;
      for (Site& s : sites) {
        if (lattice.within(s.frac, g, options_.site_tolerance)) {
          target = &s;
          break;
        }
      }
      if (target == nullptr) {
        sites.push_back(Site{g, {}});
        target = &sites.back();
      }
      target->occupants.push_back(o);
    }
  }
  for (const Site& s : sites) {
    if (s.total_occupancy() > 1 + options_.occupancy_excess) {
      std::string labels;
      for (const auto& o : s.occupants) labels += (labels.empty() ? "" : ", ") + o.label;
      warn(loop.line, "occupancies at one site add up to " + std::to_string(s.total_occupancy()) +
                          " (" + labels + ")");
    }
  }
}

// The value of the first present tag, whitespace collapsed; empty for ? and . or when absent.
std::string text_of(const Block& block, std::initializer_list<std::string_view> tags) {
  const Value* v = find_any(block, tags);
  if (v == nullptr || v->is_null()) return {};
  std::string out;
  bool space = false;
  for (char c : v->text) {
    bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    out += c;
    space = false;
  }
  return out;
}

void Builder::read_conditions() {
  auto first = [&](std::initializer_list<std::string_view> tags) -> std::optional<Measured> {
    for (auto t : tags) {
      const Value* v = block_.find(t);
      if (v == nullptr || v->is_null()) continue;
      if (auto m = parse_measured(v->text)) return m;
      warn(v->line, std::string(t) + " is not a number: '" + std::string(v->text) + "'");
    }
    return std::nullopt;
  };
  out_.conditions.temperature_K =
      first({"_diffrn_ambient_temperature", "_diffrn.ambient_temperature",
             "_cell_measurement_temperature", "_cell_measurement.temperature"});
  out_.conditions.pressure_kPa =
      first({"_diffrn_ambient_pressure", "_diffrn.ambient_pressure", "_cell_measurement_pressure",
             "_cell_measurement.pressure"});
}

CifStructure Builder::run() {
  out_.structure.name = std::string(block_.name);
  read_cell();
  read_symmetry();
  read_sites();
  out_.citation = read_citation(block_);
  read_conditions();
  if (const Value* v = find_any(block_, {"_chemical_formula_sum", "_chemical_formula.sum"});
      v && !v->is_null()) {
    out_.formula_sum = std::string(v->text);
  }
  return std::move(out_);
}

}  // namespace

Citation read_citation(const Block& block) {
  Citation c;
  auto text = [&](std::initializer_list<std::string_view> tags) { return text_of(block, tags); };
  if (Column a = find_column(block, {"_publ_author_name", "_publ_author.name"}); a.loop) {
    for (std::size_t r = 0; r < a.loop->rows(); ++r) {
      const Value& v = a.loop->at(r, a.index);
      if (!v.is_null()) c.authors.emplace_back(v.text);
    }
  } else if (std::string one = text({"_publ_author_name", "_publ_author.name"}); !one.empty()) {
    c.authors.push_back(one);
  }
  c.title = text({"_publ_section_title", "_publ_section.title"});
  c.journal = text({"_journal_name_full", "_journal.name_full"});
  if (c.journal.empty()) c.journal = text({"_journal_name_abbrev", "_journal.name_abbrev"});
  if (auto y = parse_measured(text({"_journal_year", "_journal.year"}));
      y && y->value >= 1000 && y->value <= 9999) {
    c.year = static_cast<int>(y->value);
  }
  c.volume = text({"_journal_volume", "_journal.volume"});
  c.issue = text({"_journal_issue", "_journal.issue"});
  c.first_page = text({"_journal_page_first", "_journal.page_first"});
  c.last_page = text({"_journal_page_last", "_journal.page_last"});
  c.doi = text({"_journal_paper_doi", "_journal.paper_doi"});
  for (const cif::Item& item : block.items) {
    std::string_view tag = item.tag;
    if (item.value.is_null()) continue;
    if (cif::iequals(tag, "_cod_database_code")) {
      c.database_codes.emplace_back("COD", std::string(item.value.text));
    } else if (tag.size() > 15 && cif::iequals(tag.substr(0, 15), "_database_code_")) {
      c.database_codes.emplace_back(std::string(tag.substr(15)), std::string(item.value.text));
    }
  }
  return c;
}

CifStructure read_structure(const cif::Block& block, const std::string& file,
                            const StructureOptions& options) {
  return Builder(block, file, options).run();
}

}  // namespace pb::crystal
