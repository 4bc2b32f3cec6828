// Pseudopotential choice. Quantum ESPRESSO files follow the naming convention
// `El.[rel-]functional-[...]type.UPF` (pseudopotentials page of quantum-espresso.org); we choose
// among files of the requested functional, norm-conserving before ultrasoft before PAW, scalar-
// before fully relativistic, then by name, so the choice is deterministic.
#include "calc/pseudo.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace pb::calc {

namespace fs = std::filesystem;

namespace {

std::string read_head(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound(fmt::format("cannot open {}", path.string()));
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::optional<double> number_at(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"' || text.front() == '\''))
    text.remove_prefix(1);
  std::string s(text.substr(0, std::min<std::size_t>(text.size(), 40)));
  for (char& c : s) {
    if (c == 'D' || c == 'd') c = 'e';  // Fortran exponents
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

std::optional<double> attribute(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    bool word_start = at == 0 || header[at - 1] == ' ' || header[at - 1] == '\n' ||
                      header[at - 1] == '\t' || header[at - 1] == '\r';
    std::size_t eq = at + name.size();
    while (eq < header.size() && header[eq] == ' ') ++eq;
    if (word_start && eq < header.size() && header[eq] == '=')
      return number_at(header.substr(eq + 1));
    at += name.size();
  }
  return std::nullopt;
}

std::optional<double> positive(std::optional<double> v) {
  if (v && *v > 0) return v;
  return std::nullopt;
}

// Ranks a QE file name: lower is preferred.
int qe_rank(std::string_view tag) {
  int rank = 0;
  if (tag.find("paw") != std::string_view::npos) {
    rank = 2;
  } else if (tag.find("rrkjus") != std::string_view::npos ||
             tag.find("van") != std::string_view::npos) {
    rank = 1;
  }
  return rank;
}

std::string functional_of_tag(std::string_view tag) {
  std::string_view f = tag.substr(0, tag.find('-'));
  if (f == "pz" || f == "pw") return "lda";
  return std::string(f);
}

}  // namespace

Pseudo read_upf_header(const fs::path& path) {
  std::string text = read_head(path, 1 << 16);
  Pseudo p;
  p.path = path;
  std::size_t h = text.find("<PP_HEADER");
  if (h == std::string::npos) {
    throw ParseError({path.string(), 0, 0}, "no <PP_HEADER> in the first 64 KiB",
                     "is this a UPF pseudopotential?");
  }
  std::size_t end = text.find('>', h);
  bool v2 = end != std::string::npos && text.compare(h, 11, "<PP_HEADER>") != 0;
  if (v2) {
    std::size_t close = text.find("/>", h);
    std::string_view header(text.data() + h,
                            (close == std::string::npos ? text.size() : close) - h);
    p.z_valence = attribute(header, "z_valence").value_or(0);
    p.wfc_cutoff_ry = positive(attribute(header, "wfc_cutoff"));
    p.rho_cutoff_ry = positive(attribute(header, "rho_cutoff"));
    std::size_t t = header.find("pseudo_type");
    if (t != std::string_view::npos) {
      std::size_t q = header.find_first_of("\"'", t);
      std::string type(header.substr(q + 1, header.find_first_of("\"'", q + 1) - q - 1));
      p.kind = type == "USPP" || type == "US" ? "US" : type == "PAW" ? "PAW" : "NC";
    }
  } else {
    // UPF v1: fixed lines "value  Z valence", "wfc rho  Suggested cutoff for wfc and rho".
    std::istringstream lines(text.substr(h, text.find("</PP_HEADER>", h) - h));
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      ++n;
      std::string_view l = line;
      if (n == 3) {
        std::string_view t = l.substr(
            l.find_first_not_of(' ') == std::string_view::npos ? 0 : l.find_first_not_of(' '));
        p.kind = t.starts_with("US") ? "US" : t.starts_with("PAW") ? "PAW" : "NC";
      }
      if (l.find("Z valence") != std::string_view::npos) p.z_valence = number_at(l).value_or(0);
      if (l.find("Suggested cutoff") != std::string_view::npos) {
        std::istringstream nums(line);
        double wfc = 0, rho = 0;
        nums >> wfc >> rho;
        p.wfc_cutoff_ry = positive(wfc);
        p.rho_cutoff_ry = positive(rho);
      }
    }
  }
  // Converted files often leave the header at zero and say it in PP_INFO.
  if (!p.wfc_cutoff_ry) {
    std::size_t s = text.find("Suggested minimum cutoff for wavefunctions:");
    if (s != std::string::npos) p.wfc_cutoff_ry = positive(number_at(text.substr(s + 44)));
    s = text.find("Suggested minimum cutoff for charge density:");
    if (s != std::string::npos) p.rho_cutoff_ry = positive(number_at(text.substr(s + 45)));
  }
  if (p.z_valence <= 0) {
    throw ParseError({path.string(), 0, 0}, "PP_HEADER gives no z_valence");
  }
  return p;
}

Pseudo read_potcar_header(const fs::path& path) {
  std::string text = read_head(path, 1 << 14);
  Pseudo p;
  p.path = path;
  p.kind = "PAW";
  std::size_t t = text.find("TITEL");
  if (t != std::string::npos) {
    std::size_t eq = text.find('=', t);
    std::size_t nl = text.find('\n', eq);
    p.titel = text.substr(eq + 1, nl - eq - 1);
    p.titel.erase(0, p.titel.find_first_not_of(' '));
    while (!p.titel.empty() && (p.titel.back() == ' ' || p.titel.back() == '\r'))
      p.titel.pop_back();
  }
  if (std::size_t z = text.find("ZVAL"); z != std::string::npos) {
    p.z_valence = number_at(text.substr(text.find('=', z) + 1)).value_or(0);
  }
  if (std::size_t e = text.find("ENMAX"); e != std::string::npos) {
    p.enmax_ev = positive(number_at(text.substr(text.find('=', e) + 1)));
  }
  if (p.z_valence <= 0) throw ParseError({path.string(), 0, 0}, "POTCAR header gives no ZVAL");
  return p;
}

fs::path pseudo_directory(std::string_view code, const Parameters& p) {
  std::string dir = param_text(p, "pseudo_dir");
  if (!dir.empty()) return dir;
  if (code == "qe") return kQePseudoDir;
  if (code == "abinit") return param_text(p, "functional") == "pbe" ? kAbinitPbeDir : kAbinitLdaDir;
  if (const char* env = std::getenv(kPotcarEnv)) return env;
  return {};
}

Pseudo find_pseudo(std::string_view code, std::string_view element, const Parameters& p) {
  fs::path dir = pseudo_directory(code, p);
  std::string el(element);
  std::string functional = param_text(p, "functional");
  auto override_it = p.find("pseudo." + el);
  std::vector<std::string> tried;
  auto load = [&](const fs::path& path) {
    Pseudo ps = code == "vasp"                                    ? read_potcar_header(path)
                : code == "abinit" && path.extension() == ".psp8" ? Pseudo{}
                                                                  : read_upf_header(path);
    if (code == "abinit" && path.extension() == ".psp8") {
      // psp8 line 2: zatom, zion, pspd.
      std::istringstream in(read_head(path, 4096));
      std::string first;
      std::getline(in, first);
      double zatom = 0;
      in >> zatom >> ps.z_valence;
      ps.kind = "NC";
      ps.path = path;
    }
    ps.element = el;
    return ps;
  };
  if (code == "vasp" && dir.empty()) {
    throw NotFound(fmt::format("no POTCAR directory for {}: give --set pseudo_dir=DIR or set ${}",
                               el, kPotcarEnv));
  }
  if (override_it != p.end()) {
    fs::path f = override_it->get<std::string>();
    if (f.is_relative()) f = dir / f;
    if (!fs::exists(f)) {
      throw NotFound(fmt::format("pseudopotential for {} not found: {}", el, f.string()));
    }
    return load(f);
  }
  std::error_code ec;
  if (code == "vasp") {
    // Plain element first, then the common semicore variants (VASP POTCAR naming).
    for (std::string name : {el, el + "_pv", el + "_sv", el + "_d", el + "_3"}) {
      tried.push_back(name + "/POTCAR");
      if (fs::exists(dir / name / "POTCAR", ec)) return load(dir / name / "POTCAR");
    }
  } else if (code == "abinit") {
    tried.push_back(el + ".psp8");
    if (fs::exists(dir / (el + ".psp8"), ec)) return load(dir / (el + ".psp8"));
    // Variants such as Mg-low.psp8 or Fe-sp.psp8.
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string n = e.path().filename().string();
      if (n.starts_with(el + "-") && n.ends_with(".psp8")) found.push_back(e.path());
    }
    tried.push_back(el + "-*.psp8");
    std::sort(found.begin(), found.end());
    if (!found.empty()) return load(found.front());
  } else {
    std::vector<std::pair<int, fs::path>> found;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string n = e.path().filename().string();
      std::string lower = n;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (!n.starts_with(el + ".") || !lower.ends_with(".upf")) continue;
      std::string tag = lower.substr(el.size() + 1, lower.size() - el.size() - 5);
      int rank = qe_rank(tag);
      if (tag.starts_with("rel-")) continue;  // fully relativistic: needs noncolin/lspinorb
      if (functional_of_tag(tag) != functional) continue;
      found.emplace_back(rank, e.path());
    }
    tried.push_back(fmt::format("{}.{}-*.UPF", el, functional == "lda" ? "pz" : functional));
    std::sort(found.begin(), found.end());
    if (!found.empty()) return load(found.front().second);
  }
  throw NotFound(fmt::format(
      "no {} pseudopotential for {} in {} (looked for {}); give "
      "--set pseudo.{}=FILE or --set pseudo_dir=DIR",
      code == "vasp" ? "POTCAR" : functional, el, dir.string(), fmt::join(tried, ", "), el));
}

}  // namespace pb::calc
