#include "crystal/structure_io.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "crystal/optimade_json.hpp"
#include "crystal/poscar.hpp"
#include "crystal/xyz.hpp"
#include "util/error.hpp"

namespace pb::crystal {

namespace {

using Reader = LoadResult (*)(std::string text, const std::string& source,
                              const StructureOptions& options);
using Writer = std::string (*)(const Structure& s, const CifWriteOptions& options);

LoadResult read_cif(std::string text, const std::string& source, const StructureOptions& options) {
  LoadResult out;
  cif::Document doc = cif::read_text(std::move(text), source);
  for (const auto& e : doc.errors) out.errors.push_back(e.describe());
  for (const auto& w : doc.warnings) out.warnings.push_back(w.describe());
  for (const cif::Block& b : doc.blocks) {
    try {
      CifStructure cs = read_structure(b, source, options);
      LoadedStructure l;
      l.structure = cs.structure;
      if (l.structure.name.empty()) l.structure.name = std::string(b.name);
      l.source = source + " data_" + std::string(b.name);
      for (const auto& w : cs.warnings) l.warnings.push_back(w.describe());
      l.cif = std::move(cs);
      out.structures.push_back(std::move(l));
    } catch (const ParseError& e) {
      out.errors.emplace_back(e.what());
    }
  }
  if (doc.blocks.empty() && doc.errors.empty()) out.errors.push_back(source + ": no data block");
  return out;
}

LoadResult read_poscar_file(std::string text, const std::string& source, const StructureOptions&) {
  LoadResult out;
  try {
    LoadedStructure l;
    l.structure = read_poscar(text, source).structure();
    l.source = source;
    out.structures.push_back(std::move(l));
  } catch (const ParseError& e) {
    out.errors.emplace_back(e.what());
  } catch (const InvalidArgument& e) {
    out.errors.push_back(source + ": error: " + e.what());
  }
  return out;
}

template <std::vector<Structure> (*Read)(const std::string&, const std::string&)>
LoadResult read_all(std::string text, const std::string& source, const StructureOptions&) {
  LoadResult out;
  try {
    std::size_t k = 0;
    for (Structure& s : Read(text, source)) {
      LoadedStructure l;
      l.structure = std::move(s);
      l.source = source + (++k > 1 ? " #" + std::to_string(k) : "");
      out.structures.push_back(std::move(l));
    }
  } catch (const ParseError& e) {
    out.errors.emplace_back(e.what());
  }
  return out;
}

std::string write_cif_file(const Structure& s, const CifWriteOptions& o) { return write_cif(s, o); }
std::string write_poscar_file(const Structure& s, const CifWriteOptions&) {
  return write_poscar(s);
}
std::string write_xyz_file(const Structure& s, const CifWriteOptions&) { return write_xyz(s); }
std::string write_optimade_file(const Structure& s, const CifWriteOptions&) {
  return write_optimade_json(s);
}

struct Entry {
  StructureFormat format;
  Reader read;
  Writer write;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
      {{"cif", "Crystallographic Information File (CIF 1.1, CIF 2.0 subset)"},
       read_cif,
       write_cif_file},
      {{"poscar", "VASP POSCAR/CONTCAR (VASP 4 and 5)"}, read_poscar_file, write_poscar_file},
      {{"xyz", "extended XYZ (Lattice= and Properties= on the comment line)"},
       read_all<read_xyz>,
       write_xyz_file},
      {{"optimade", "OPTIMADE structure entry or response (JSON)"},
       read_all<read_optimade_json>,
       write_optimade_file},
  };
  return kEntries;
}

const Entry& entry(const std::string& name) {
  for (const Entry& e : entries()) {
    if (e.format.name == name) return e;
  }
  std::string known;
  for (const Entry& e : entries())
    known += (known.empty() ? "" : ", ") + std::string(e.format.name);
  throw InvalidArgument("unknown structure format '" + name + "' (known: " + known + ")");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<StructureFormat>& structure_formats() {
  static const std::vector<StructureFormat> kFormats = [] {
    std::vector<StructureFormat> v;
    for (const Entry& e : entries()) v.push_back(e.format);
    return v;
  }();
  return kFormats;
}

std::optional<std::string> guess_format(std::string_view path) {
  std::string name = lower(path.substr(
      path.find_last_of('/') == std::string_view::npos ? 0 : path.find_last_of('/') + 1));
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".cif") || ends(".mcif")) return "cif";
  if (ends(".xyz") || ends(".extxyz")) return "xyz";
  if (ends(".json")) return "optimade";
  if (ends(".vasp") || ends(".poscar") || name.starts_with("poscar") ||
      name.starts_with("contcar")) {
    return "poscar";
  }
  return std::nullopt;
}

LoadResult read_structures_text(std::string text, const std::string& source,
                                const std::string& format, const StructureOptions& options) {
  return entry(format).read(std::move(text), source, options);
}

LoadResult read_structures(const std::string& path, const std::string& format,
                           const StructureOptions& options) {
  std::string f = format;
  if (f.empty()) {
    auto g = guess_format(path);
    if (!g) {
      throw InvalidArgument("cannot tell the format of '" + path +
                            "' from its name; give it (cif, poscar, xyz, optimade)");
    }
    f = *g;
  }
  const Entry& e = entry(f);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot open '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return e.read(std::move(text).str(), path, options);
}

std::string write_structure(const Structure& s, const std::string& format,
                            const CifWriteOptions& cif_options) {
  return entry(format).write(s, cif_options);
}

}  // namespace pb::crystal
