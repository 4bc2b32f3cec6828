// Shared parts of the code writers: the template context of a structure, the template
// directories and the code registry.
#include "calc/inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>

#include "calc/kpoints.hpp"
#include "calc/pseudo.hpp"
#include "chem/element.hpp"
#include "crystal/standard_cell.hpp"
#include "util/error.hpp"

namespace pb::calc {

namespace fs = std::filesystem;

std::string_view to_string(Task t) {
  switch (t) {
    case Task::kScf:
      return "scf";
    case Task::kRelax:
      return "relax";
    case Task::kDos:
      return "dos";
    case Task::kBands:
      return "bands";
  }
  return "scf";
}

Task parse_task(std::string_view text) {
  for (Task t : {Task::kScf, Task::kRelax, Task::kDos, Task::kBands}) {
    if (to_string(t) == text) return t;
  }
  throw InvalidArgument(fmt::format("unknown task '{}' (scf, relax, dos, bands)", text));
}

std::pair<std::string, std::string> TemplateSource::get(std::string_view code,
                                                        std::string_view file) const {
  for (const auto& dir : user_dirs) {
    fs::path path = dir / std::string(code) / std::string(file);
    std::ifstream in(path, std::ios::binary);
    if (in) return {std::string(std::istreambuf_iterator<char>(in), {}), path.string()};
  }
  std::string key = fmt::format("{}/{}", code, file);
  for (const auto& [name, text] : embedded_templates()) {
    if (name == key) return {std::string(text), "data/templates/" + key};
  }
  throw NotFound(fmt::format("no template {} (user directories: {}, then the built-in ones)", key,
                             user_dirs.size()));
}

namespace {

// Elements whose compounds are started spin-polarised (3d magnets and the common magnetic
// rare earths), as pymatgen's MPRelaxSet gives them a non-zero starting MAGMOM.
constexpr std::string_view kMagnetic[] = {"V",  "Cr", "Mn", "Fe", "Co", "Ni", "Ce", "Pr", "Nd",
                                          "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb"};
// p-block metals (the s, d and f blocks are metals except H and He).
constexpr std::string_view kPMetals[] = {"Al", "Ga", "In", "Sn", "Tl", "Pb", "Bi", "Po"};

bool is_magnetic(std::string_view el) {
  return std::find(std::begin(kMagnetic), std::end(kMagnetic), el) != std::end(kMagnetic);
}

bool is_metal(const chem::Element& e) {
  if (e.symbol == "H" || e.symbol == "He") return false;
  if (e.block != 'p') return true;
  return std::find(std::begin(kPMetals), std::end(kPMetals), e.symbol) != std::end(kPMetals);
}

// Headers are read once per (code, directory, functional, element, override).
Pseudo cached_pseudo(std::string_view code, const std::string& element, const Parameters& p) {
  static std::mutex mutex;
  static std::map<std::string, Pseudo> cache;
  std::string key = fmt::format(
      "{}|{}|{}|{}|{}", code, pseudo_directory(code, p).string(), param_text(p, "functional"),
      element, p.contains("pseudo." + element) ? p["pseudo." + element].dump() : "");
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  Pseudo ps;
  if (code == "vasp" && pseudo_directory(code, p).empty()) {
    // Inputs can be written without POTCARs: POTCAR.spec names them, the valence is unknown.
    ps.element = element;
    ps.path = element;
    ps.kind = "PAW";
  } else {
    ps = find_pseudo(code, element, p);
  }
  std::lock_guard lock(mutex);
  cache.emplace(key, ps);
  return ps;
}

// Fixed 10 decimals (what fmt "{:.10f}" gives), without a heap buffer: inputs of large cells
// format thousands of these.
std::string num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 10);
  if (ec != std::errc()) return fmt::format("{:.10f}", v);
  return std::string(buf, end);
}

// A template object from its keys and values, built in place (an initializer list would copy
// every value once more).
nlohmann::json object_of(std::initializer_list<std::pair<const char*, nlohmann::json*>> items) {
  nlohmann::json o(nlohmann::json::value_t::object);
  for (const auto& [key, value] : items) o[key] = std::move(*value);
  return o;
}

}  // namespace

nlohmann::json common_context(std::string_view code, const crystal::Structure& input, Task task,
                              const Parameters& p) {
  std::string cell_choice = param_text(p, "cell");
  crystal::Structure owned;  // the cell written, unless it is the input as it is
  const crystal::Structure* chosen = &owned;
  if (task == Task::kBands) {
    owned = kpath(input).cell;  // the path is defined for the standard primitive cell
  } else if (cell_choice == "primitive") {
    owned = crystal::primitive_cell(input);
  } else if (cell_choice == "conventional") {
    owned = crystal::conventional_cell(input);
  } else if (cell_choice == "as-is") {
    chosen = &input;
  } else {
    throw InvalidArgument(
        fmt::format("cell '{}' is not primitive, conventional or as-is", cell_choice));
  }
  const crystal::Structure& s = *chosen;
  // Species in order of first appearance; atoms grouped by species (VASP needs that order).
  std::vector<std::string> order;
  std::vector<std::pair<std::size_t, const crystal::Site*>> atoms;
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    const auto& site = s.sites[i];
    if (site.occupants.size() != 1 || std::abs(site.total_occupancy() - 1) > 1e-6) {
      throw InvalidArgument(fmt::format(
          "{}: site {} is disordered or partially occupied; DFT inputs need an ordered structure",
          input.name, i + 1));
    }
    std::string el = site.occupants[0].species.symbol();
    auto it = std::find(order.begin(), order.end(), el);
    if (it == order.end()) it = order.insert(order.end(), el);
    atoms.emplace_back(static_cast<std::size_t>(it - order.begin()), &site);
  }
  if (atoms.empty()) throw InvalidArgument(fmt::format("{}: no atoms", input.name));
  std::stable_sort(atoms.begin(), atoms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  nlohmann::json c;
  c["name"] = s.name;
  c["natoms"] = atoms.size();
  c["ntypes"] = order.size();
  c["formula"] = s.cell_composition().reduced_formula();

  std::string spin_choice = param_text(p, "spin");
  bool any_magnetic = false, all_metals = true;
  double nelec = 0;
  std::vector<int> counts(order.size());
  for (const auto& a : atoms) ++counts[a.first];
  nlohmann::json species = nlohmann::json::array();
  std::vector<Pseudo> pseudos;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const chem::Element* e = chem::find_element(order[i]);
    Pseudo ps = cached_pseudo(code, order[i], p);
    bool magnetic = is_magnetic(order[i]);
    any_magnetic = any_magnetic || magnetic;
    all_metals = all_metals && is_metal(*e);
    nelec += ps.z_valence * counts[i];
    double moment = magnetic ? param_real(p, "magmom") : 0;
    species.push_back(
        {{"index", i + 1},
         {"symbol", order[i]},
         {"z", e->z},
         {"mass", fmt::format("{:.4f}", e->atomic_mass())},
         {"count", counts[i]},
         {"pseudo", ps.path.filename().string()},
         {"pseudo_path", ps.path.string()},
         {"pseudo_kind", ps.kind},
         {"z_valence", ps.z_valence},
         {"wfc_cutoff_ry", ps.wfc_cutoff_ry.value_or(0)},
         {"rho_cutoff_ry", ps.rho_cutoff_ry.value_or(0)},
         {"magnetic", magnetic},
         {"magmom", moment},
         {"starting_magnetization",
          fmt::format("{:.4f}", std::min(1.0, moment / std::max(1.0, ps.z_valence)))}});
    pseudos.push_back(std::move(ps));
  }
  c["species"] = species;  // a copy: the atoms below read the moments from `species`
  nlohmann::json atom_list = nlohmann::json::array();
  atom_list.get_ref<nlohmann::json::array_t&>().reserve(atoms.size());
  for (const auto& [type, site] : atoms) {
    nlohmann::json symbol = order[type], index = type + 1, x = num(site->frac[0]),
                   y = num(site->frac[1]), z = num(site->frac[2]), magmom = species[type]["magmom"];
    atom_list.push_back(object_of({{"symbol", &symbol},
                                   {"type", &index},
                                   {"x", &x},
                                   {"y", &y},
                                   {"z", &z},
                                   {"magmom", &magmom}}));
  }
  c["atoms"] = std::move(atom_list);
  nlohmann::json cell = nlohmann::json::array();
  for (const auto& v : s.lattice.vectors())
    cell.push_back({{"x", num(v[0])}, {"y", num(v[1])}, {"z", num(v[2])}});
  c["cell"] = cell;
  c["volume"] = s.lattice.volume();

  bool spin = spin_choice == "on" || (spin_choice == "auto" && any_magnetic);
  if (spin_choice != "on" && spin_choice != "off" && spin_choice != "auto") {
    throw InvalidArgument(fmt::format("spin '{}' is not on, off or auto", spin_choice));
  }
  std::string occ = param_text(p, "occupations");
  bool smearing = occ == "smearing" || (occ == "auto" && (all_metals || spin));
  if (occ != "smearing" && occ != "fixed" && occ != "auto") {
    throw InvalidArgument(fmt::format("occupations '{}' is not fixed, smearing or auto", occ));
  }
  c["spin"] = spin;
  c["smearing"] = smearing;
  c["metal_guess"] = all_metals;
  c["nelec"] = nelec;
  int occupied = static_cast<int>(std::ceil(nelec / 2 - 1e-9));
  int nbnd = param_int(p, "nbnd");
  if (nbnd == 0) nbnd = std::max(static_cast<int>(std::ceil(1.2 * occupied)), occupied + 8);
  c["nbnd"] = nbnd;
  c["nbnd_set"] = param_int(p, "nbnd") > 0 || task == Task::kDos || task == Task::kBands;

  std::string mesh_text = param_text(p, "kmesh");
  KMesh mesh = mesh_text.empty() ? automatic_mesh(s, param_int(p, "kppra")) : parse_mesh(mesh_text);
  int shift = param_int(p, "kshift");
  c["kmesh"] = {{"k1", mesh.n[0]},
                {"k2", mesh.n[1]},
                {"k3", mesh.n[2]},
                {"shift", shift},
                {"half_shift", shift ? "0.5" : "0.0"},
                {"gamma", shift == 0}};
  KMesh dos_mesh = automatic_mesh(s, param_int(p, "dos_kppra"));
  c["dos_kmesh"] = {{"k1", dos_mesh.n[0]}, {"k2", dos_mesh.n[1]}, {"k3", dos_mesh.n[2]}};
  if (task == Task::kBands) {
    KPath path = kpath(input);
    auto points = path.points(param_real(p, "kpath_density"));
    nlohmann::json kp = nlohmann::json::array();
    for (const auto& pt : points) {
      kp.push_back({{"x", num(pt.frac[0])},
                    {"y", num(pt.frac[1])},
                    {"z", num(pt.frac[2])},
                    {"label", pt.label},
                    {"distance", pt.distance}});
    }
    c["kpath"] = kp;
    c["nkpath"] = kp.size();
    c["kpath_lattice"] = path.lattice;
  }
  c["mixing_beta"] = param_real(p, "mixing_beta");
  c["restart"] = param_int(p, "restart") == 1;
  // pw.x stops itself before the time limit, saving what a restart needs, ahead of the
  // runner's `timeout` (or Slurm) killing it: 5 % (at least a minute) early, or at half the
  // limit when it is under two minutes (saving takes a moment).
  double walltime = param_int(p, "walltime_s");
  c["max_seconds"] = std::max(0.5 * walltime, walltime - std::max(60.0, 0.05 * walltime));
  c["electron_maxstep"] = param_int(p, "electron_maxstep");
  c["pseudo_dir"] = pseudo_directory(code, p).string();
  c["task"] = std::string(to_string(task));
  return c;
}

void add_kpath_info(const nlohmann::json& c, nlohmann::json& info) {
  if (!c.contains("kpath")) return;
  info["kpath_lattice"] = c["kpath_lattice"];
  nlohmann::json labels = nlohmann::json::array();
  for (std::size_t i = 0; i < c["kpath"].size(); ++i) {
    const auto& k = c["kpath"][i];
    if (!k["label"].get<std::string>().empty()) {
      labels.push_back({{"index", i}, {"label", k["label"]}, {"distance", k["distance"]}});
    }
  }
  info["kpath_labels"] = std::move(labels);
}

const std::vector<CodeWriter>& code_writers() {
  static const std::vector<CodeWriter> kWriters = {qe_writer(), vasp_writer(), abinit_writer()};
  return kWriters;
}

const CodeWriter& find_code(std::string_view name) {
  for (const auto& w : code_writers()) {
    if (w.name == name) return w;
  }
  throw InvalidArgument(fmt::format("unknown code '{}' (qe, vasp, abinit)", name));
}

void write_input_set(const InputSet& in, const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& [name, text] : in.files) {
    std::ofstream out(dir / name, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", (dir / name).string()));
  }
  std::ofstream info(dir / "info.json");
  info << in.info.dump(2) << '\n';
}

}  // namespace pb::calc
