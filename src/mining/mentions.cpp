// Material mentions. The formula engine accepts many words that are not materials (CV = C + V,
// NSW = N + S + W, In = indium); the rules below reject them, each with a named reason that the
// tests and `phasebook mine mentions --explain` show.
#include "mining/mentions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "util/error.hpp"
#include "util/units.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

// A constant set of words, looked up by hash: every word of every document goes through several
// of them (profiling showed ordered-set string comparisons as the largest cost).
class WordSet {
 public:
  WordSet(std::initializer_list<std::string_view> words) : set_(words) {}
  std::size_t count(std::string_view word) const { return set_.count(word); }

 private:
  std::unordered_set<std::string_view> set_;
};

// Acronyms of techniques, devices, solvents and polymers that the formula engine would read as
// formulas or that papers use next to materials.
const WordSet kNotMaterials = {
    "NSW",   "CV",   "SEM",  "TEM",  "XRD",  "XPS",   "EDS",  "EDX",   "EIS",  "NMR",   "DFT",
    "BET",   "TGA",  "DSC",  "OCV",  "SOFC", "SOFCs", "SOEC", "PEM",   "RT",   "CE",    "SEI",
    "CEI",   "LIB",  "LIBs", "ASSB", "SSE",  "SSB",   "PEO",  "PTFE",  "PVDF", "NMP",   "CMC",
    "SBR",   "EC",   "DMC",  "DEC",  "EMC",  "FEC",   "VC",   "PC",    "DMF",  "THF",   "ICP",
    "HRTEM", "STEM", "SAED", "FIB",  "AFM",  "ASR",   "TPB",  "MIEC",  "CHP",  "IT",    "HT",
    "LT",    "NP",   "NPs",  "CNT",  "CNTs", "MOF",   "COF",  "SSR",   "XAS",  "XANES", "EXAFS",
    "FTIR",  "IR",   "UV",   "PDF",  "ND",   "CN",    "NC",   "SC",    "ALD",  "CVD",   "PVD",
    "PLD",   "SPS",  "HP",   "BSE",  "EELS", "GITT",  "PITT", "DRT",   "ECM",  "CPE",   "SPE",
    "GPE",   "PAN",  "PMMA", "PEG",  "PVP",  "PPy",   "PANI", "PEDOT", "PSS",  "CB",    "AB",
    "SP",    "KB",   "NCM",  "USA",  "UK",   "PhD",   "CNRS", "NIMS",  "NSF",  "DOE",   "EU",
    "OH",    "IC",   "GB",   "SI",   "WE",   "RE",    "CC",   "Co-",   "ICSD", "COD",   "MP",
    "PBE",   "GGA",  "LDA",  "VASP", "NEB",  "MD",    "AIMD", "BV",    "CI",   "PS"};

// Capitalised English words that are element symbols.
const WordSet kEnglishSymbols = {"In", "As", "At", "Be", "He", "No", "Am",
                                 "Es", "Ho", "Pa", "Hi", "Ra", "Re"};

// Gases and solvents: the atmosphere or the medium of an experiment, not a material of interest
// (SOFC-Exp does not annotate them as materials either).
const WordSet kAmbient = {"H2O",  "H2",    "O2",     "N2",    "CO2",  "CO",  "H2S",  "NH3",
                          "CH4",  "Ar",    "Ne",     "Kr",    "Xe",   "D2O", "H2O2", "HCl",
                          "HNO3", "H2SO4", "C2H5OH", "CH3OH", "NO",   "NO2", "SO2",  "Cl2",
                          "F2",   "HF",    "C2H6",   "C3H8",  "C4H10"};
// Of those, the inert gases, water and solvents: a medium, not a fuel or oxidant.
const WordSet kMediumFormulas = {"H2O", "N2", "Ar", "Ne", "Kr", "Xe", "D2O", "C2H5OH", "CH3OH"};
const WordSet kAmbientNames = {"oxygen",  "hydrogen", "nitrogen", "argon",    "helium", "neon",
                               "krypton", "xenon",    "chlorine", "fluorine", "radon"};

// Gases, fuels and solvents named in words, with their formula. Both annotated corpora count them
// as materials (SOFC-Exp: fuels and oxidants, "fuel_used"; the synthesis corpus: every substance
// of a procedure), so they are mentions of kind "ambient". "oxygen" is left out: papers use it for
// oxygen ions, vacancies and reduction far more than for the gas.
const std::pair<std::string_view, std::string_view> kAmbientWords[] = {
    {"hydrogen", "H2"},     {"methane", "CH4"},        {"air", ""},
    {"argon", "Ar"},        {"nitrogen", "N2"},        {"helium", "He"},
    {"water", "H2O"},       {"ethanol", "C2H5OH"},     {"methanol", "CH3OH"},
    {"acetone", "C3H6O"},   {"propane", "C3H8"},       {"butane", "C4H10"},
    {"ammonia", "NH3"},     {"steam", "H2O"},          {"syngas", ""},
    {"biogas", ""},         {"ethane", "C2H6"},        {"isooctane", "C8H18"},
    {"octane", "C8H18"},    {"hydrocarbon", ""},       {"hydrocarbons", ""},
    {"diesel", ""},         {"gasoline", ""},          {"kerosene", ""},
    {"propanol", "C3H7OH"}, {"isopropanol", "C3H7OH"}, {"butanol", "C4H9OH"}};
const WordSet kMediumWords = {"argon",    "nitrogen",    "helium",   "water",
                              "steam",    "ethanol",     "methanol", "acetone",
                              "propanol", "isopropanol", "butanol"};

// Reagents named in words (no formula is given): solvents, organic additives, polymers.
const WordSet kReagentWords = {"toluene",
                               "acetonitrile",
                               "chloroform",
                               "urea",
                               "hexane",
                               "cyclohexane",
                               "benzene",
                               "glycerol",
                               "glucose",
                               "sucrose",
                               "hydrazine",
                               "formamide",
                               "acetylacetone",
                               "dichloromethane",
                               "pyridine",
                               "ethylenediamine",
                               "triethylamine",
                               "oleylamine",
                               "phenanthroline",
                               "imidazole",
                               "thiourea",
                               "hexamethylenetetramine",
                               "TEOS",
                               "CTAB",
                               "KOH",
                               "NaOH",
                               "LiOH",
                               "GO",
                               "rGO",
                               "zeolite",
                               "zeolites",
                               "geopolymer",
                               "polyvinylpyrrolidone",
                               "ammonia",
                               "alcohol",
                               "tetrahydrofuran",
                               "dimethylformamide",
                               "glycine",
                               "gelatin",
                               "melamine",
                               "dicyandiamide",
                               "PVDF",
                               "PTFE",
                               "NMP",
                               "DMF",
                               "THF",
                               "PMMA",
                               "PVP",
                               "PAN",
                               "PEG",
                               "CNT",
                               "CNTs",
                               "MWCNTs",
                               "SWCNTs",
                               "EtOH",
                               "MeOH",
                               "DMSO",
                               "Nafion"};
// The anions (and hydrates) of salts named in words: "zinc nitrate hexahydrate",
// "cupric acetate hydrate", "ammonium hydroxide".
const WordSet kAnionWords = {"nitrate",
                             "nitrates",
                             "acetate",
                             "acetates",
                             "chloride",
                             "chlorides",
                             "sulfate",
                             "sulphate",
                             "hydroxide",
                             "carbonate",
                             "phosphate",
                             "citrate",
                             "oxalate",
                             "acetylacetonate",
                             "isopropoxide",
                             "ethoxide",
                             "methoxide",
                             "butoxide",
                             "bromide",
                             "iodide",
                             "nitrite",
                             "perchlorate",
                             "formate",
                             "molybdate",
                             "tungstate",
                             "metavanadate",
                             "dihydrogen",
                             "hydrogen",
                             "propoxide",
                             "acac",
                             "chloride hexahydrate"};
const WordSet kCationAdjectives = {"cupric",
                                   "cuprous",
                                   "ferric",
                                   "ferrous",
                                   "cobaltous",
                                   "cobaltic",
                                   "stannous",
                                   "stannic",
                                   "nickelous",
                                   "manganous",
                                   "ammonium",
                                   "tetraethylammonium",
                                   "tetramethylammonium",
                                   "tetrapropylammonium",
                                   "tetrabutylammonium"};
const WordSet kHydrateWords = {"hydrate",      "monohydrate",  "dihydrate",   "trihydrate",
                               "tetrahydrate", "pentahydrate", "hexahydrate", "heptahydrate",
                               "octahydrate",  "nonahydrate",  "decahydrate"};
// Generic nouns for the materials of a procedure.
const WordSet kReferenceNouns = {
    "solution",    "solutions",    "mixture",    "mixtures",    "product",   "products",
    "sample",      "samples",      "suspension", "suspensions", "precursor", "precursors",
    "precipitate", "precipitates", "powder",     "powders",     "chemicals", "solvent",
    "solvents",    "pellets",      "pellet",     "particles",   "gel",       "reagents",
    "slurry",      "filtrate",     "residue",    "supernatant", "crystals",  "sol",
    "dispersion",  "colloid",      "xerogel",    "aerogel",     "solid",     "material",
    "materials",   "polymer",      "film",       "films",       "compound",  "compounds",
    "substrate",   "substrates",   "membrane",   "membranes"};
// Roles in a cell that name the supporting material: "electrolyte-supported".
constexpr std::string_view kRolePrefixes[] = {"anode", "cathode", "electrolyte", "metal",
                                              "substrate"};

// All-capital formulas without digits that are real compounds (the rule against NSW/CV would
// reject them).
const WordSet kCapitalCompounds = {"BN", "KF", "KI", "WC", "VN", "BP", "UN", "HI"};

// Elements written with a count that are materials on their own (gases, allotropes).
const WordSet kElementMolecules = {"Br2", "I2", "S8", "C60", "C70"};

// Common names of materials besides element names.
const std::pair<std::string_view, std::string_view> kMaterialNames[] = {
    {"ceria", "CeO2"},      {"zirconia", "ZrO2"},  {"alumina", "Al2O3"},   {"silica", "SiO2"},
    {"titania", "TiO2"},    {"yttria", "Y2O3"},    {"magnesia", "MgO"},    {"graphite", "C"},
    {"graphene", "C"},      {"hematite", "Fe2O3"}, {"magnetite", "Fe3O4"}, {"scandia", "Sc2O3"},
    {"gadolinia", "Gd2O3"}, {"samaria", "Sm2O3"},  {"lithia", "Li2O"}};

// Element names that are also ordinary English words.
const WordSet kAmbiguousNames = {"lead", "tin", "iron", "gold", "silver", "carbon", "mercury"};

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool has_lower_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool is_lower_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string lower(std::string_view s) { return utf8::ascii_lower(s); }

// True when the word ending at `end` is followed by a noun of a property or process that it
// modifies ("sulfur tolerance", "carbon deposition", "nickel content").
bool modifies_property_noun(std::string_view text, std::size_t end) {
  std::size_t k = end;
  if (k < text.size() && (text[k] == ' ' || text[k] == '-')) {
    ++k;
  } else if (text.substr(k).starts_with("\u2010")) {  // "Ni‐free" (SOFC-Exp PMC5700654)
    k += 3;
  } else {
    return false;
  }
  std::size_t e = k;
  while (e < text.size() && text[e] >= 'a' && text[e] <= 'z') ++e;
  const std::string_view next = text.substr(k, e - k);
  static constexpr std::string_view kNouns[] = {
      "tolerance", "tolerant",  "poisoning", "resistance",    "resistant",    "deposition",
      "content",   "contents",  "coking",    "species",       "vacancy",      "vacancies",
      "partial",   "removal",   "free",      "containing",    "loading",      "impurities",
      "doped",     "doping",    "ions",      "ion",           "site",         "sites",
      "position",  "positions", "valence",   "incorporation", "substitution", "cations",
      "cation",    "atoms",     "dopant",    "excess",        "deficiency",   "deficient"};
  for (std::string_view n : kNouns) {
    if (next == n) return true;
  }
  return false;
}

bool starts_with_dash(std::string_view s) {
  std::size_t len = 0;
  return !s.empty() && is_dash_cp(code_point_at(s, 0, len));
}

int distinct_elements(const chem::Composition& c) {
  std::set<int> z;
  for (const auto& e : c.entries()) z.insert(e.species.z);
  return static_cast<int>(z.size());
}

// chem::find_element_by_name for a lower-case name, through a hash table built once (the names
// of every word of every document are looked up).
const chem::Element* element_by_lower_name(std::string_view name) {
  static const std::unordered_map<std::string, const chem::Element*> table = [] {
    std::unordered_map<std::string, const chem::Element*> t;
    for (int z = 1; z <= 118; ++z) {
      if (const chem::Element* e = chem::find_element(z)) t.emplace(lower(e->name), e);
    }
    for (const char* alias : {"aluminum", "cesium", "sulphur"}) {
      if (const chem::Element* e = chem::find_element_by_name(alias)) t.emplace(alias, e);
    }
    return t;
  }();
  const auto it = table.find(std::string(name));
  return it == table.end() ? nullptr : it->second;
}

// The formula a name stands for ("nickel" -> Ni, "ceria" -> CeO2); empty when none.
std::string name_formula(std::string_view word) {
  const std::string w = lower(word);
  for (const auto& [name, formula] : kMaterialNames) {
    if (w == name) return std::string(formula);
  }
  if (w.size() < 4 || kAmbiguousNames.count(w) || kAmbientNames.count(w)) return {};
  if (const chem::Element* e = element_by_lower_name(w)) return std::string(e->symbol);
  return {};
}

// A word that looks like an abbreviation: 2-12 bytes, an upper-case letter, not all digits.
bool abbreviation_like(std::string_view w) {
  if (w.size() < 2 || w.size() > 12) return false;
  int upper = 0;
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') ++upper;
    if (c == ' ' || c == ',' || c == '=') return false;
  }
  return upper >= 1 && !(w[0] >= 'a' && w[0] <= 'z' && upper == 0);
}

// The long form of an abbreviation defined as "LONG FORM (ABBR)": after Schwartz & Hearst
// (PSB 2003), the shortest run of words before the parenthesis that contains the letters of the
// abbreviation in order and starts with its first letter; failing that (chemistry reorders words:
// "yttrium-doped barium zirconate (BZY)"), a run whose word initials include every letter.
std::string long_form(std::string_view text, std::size_t open, std::string_view abbr) {
  std::vector<std::size_t> starts;  // word starts going backwards
  std::size_t i = open;
  while (i > 0 && text[i - 1] == ' ') --i;
  const std::size_t end = i;
  const std::size_t max_words = std::min<std::size_t>(abbr.size() + 5, 2 * abbr.size());
  while (i > 0 && starts.size() < max_words) {
    while (i > 0 && text[i - 1] != ' ') --i;
    starts.push_back(i);
    while (i > 0 && text[i - 1] == ' ') --i;
    if (i > 0 && (text[i - 1] == '.' || text[i - 1] == ',' || text[i - 1] == ';' ||
                  text[i - 1] == ':' || text[i - 1] == '(' || text[i - 1] == ')')) {
      break;
    }
  }
  std::string letters;
  for (char c : abbr) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      letters += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (letters.empty()) return {};
  for (std::size_t s : starts) {
    const std::string candidate = lower(text.substr(s, end - s));
    // "3-aminopropyltriethoxysilane (APTES)": a locant before the first letter.
    const std::size_t first_letter = candidate.find_first_not_of("0123456789,'-()[] ");
    if (first_letter == std::string::npos || candidate[first_letter] != letters[0]) continue;
    std::size_t li = letters.size();
    std::size_t ci = candidate.size();
    while (li > 0 && ci > 0) {
      if (candidate[ci - 1] == letters[li - 1]) --li;
      --ci;
    }
    if (li == 0) return std::string(text.substr(s, end - s));
  }
  for (std::size_t s : starts) {
    const std::string candidate = lower(text.substr(s, end - s));
    std::string initials;
    for (std::size_t k = 0; k < candidate.size(); ++k) {
      if (std::isalpha(static_cast<unsigned char>(candidate[k])) &&
          (k == 0 || candidate[k - 1] == ' ' || candidate[k - 1] == '-')) {
        initials += candidate[k];
      }
    }
    if (initials.size() > letters.size() + 1) break;
    if (std::all_of(letters.begin(), letters.end(),
                    [&](char c) { return initials.find(c) != std::string::npos; })) {
      return std::string(text.substr(s, end - s));
    }
  }
  return {};
}

bool compound_formula(std::string_view word);

// True when a long form names a material: an element or material name, or a class of compounds;
// and no device, process or technique word ("solid oxide fuel cell", "oxygen reduction
// reaction").
bool long_form_is_material(std::string_view long_form_text) {
  const std::string l = lower(long_form_text);
  if (l.starts_with("poly")) return false;
  static constexpr std::string_view kNotMaterial[] = {
      "cell",       "batter",    "reaction",    "spectroscop", "microscop", "diffraction",
      "voltammetr", "method",    "deposition",  "analysis",    "technique", "temperature",
      "process",    "density",   "resistance",  "conductiv",   "efficien",  "energy",
      "boundary",   "interface", "calculation", "theory",      "model",     "membrane",
      "evolution",  "exchange",  "potential",   "capacity",    "voltage",   "sintering"};
  for (std::string_view w : kNotMaterial) {
    if (l.find(w) != std::string::npos) return false;
  }
  static constexpr std::string_view kClasses[] = {
      "oxide",    "sulfide",   "phosphate",  "zirconate", "titanate",   "cobaltite",
      "ferrite",  "manganite", "nickelate",  "gallate",   "cerate",     "aluminate",
      "silicate", "garnet",    "perovskite", "spinel",    "oxynitride", "carbonate",
      "nitride",  "fluoride",  "chloride",   "glass",     "cermet",     "argyrodite",
      "nasicon",  "lisicon",   "ceria",      "zirconia",  "steel"};
  for (std::string_view w : kClasses) {
    if (l.find(w) != std::string::npos) return true;
  }
  // "palm oil fuel ash (POFA)", "nitrogen-doped carbon (NC)", "rGO sponge (GS)": a long form
  // whose head noun is a material.
  // Morphology words are left out: "nanofibers (NFs)" follows a material's own name ("PSCFN
  // NFs", SOFC-Exp PMC5706185).
  static const WordSet kMaterialHeads = {
      "ash",  "slag",      "cement",     "clay",    "rubber", "sponge", "carbon",  "graphene",
      "foam", "framework", "frameworks", "zeolite", "alloy",  "resin",  "aerogel", "hydroxide"};
  const std::size_t last_space = l.find_last_of(" -");
  const std::string_view head =
      std::string_view(l).substr(last_space == std::string::npos ? 0 : last_space + 1);
  if (kMaterialHeads.count(head)) return true;
  std::size_t pos = 0;
  while (pos < l.size()) {
    std::size_t next = l.find_first_of(" -", pos);
    if (next == std::string::npos) next = l.size();
    if (!name_formula(l.substr(pos, next - pos)).empty()) return true;
    // "SnO2 nanocrystal/nitrogen-doped RGO hybrid (SnO2NC@N-RGO)": a formula of a compound.
    if (compound_formula(long_form_text.substr(pos, next - pos))) return true;
    pos = next + 1;
  }
  return false;
}

// True when a long form names a reagent: a solvent, an additive, a salt or an acid named in words
// ("N,N-dimethylformamide", "cetyltrimethylammonium bromide", "(3-aminopropyl)triethoxysilane",
// "polyethylenimine"), so that its abbreviation is a reagent mention.
bool long_form_is_reagent(std::string_view long_form_text) {
  const std::string l = lower(long_form_text);
  if (l.starts_with("poly")) return true;
  static constexpr std::string_view kSuffixes[] = {"amine",    "imine",    "amide",   "silane",
                                                   "siloxane", "nitrile",  "alcohol", "glycol",
                                                   "acid",     "ammonium", "ketone"};
  std::size_t pos = 0;
  while (pos < l.size()) {
    std::size_t next = l.find_first_of(" -,()", pos);
    if (next == std::string::npos) next = l.size();
    const std::string_view word = std::string_view(l).substr(pos, next - pos);
    if (!word.empty()) {
      if (kReagentWords.count(word) || kAnionWords.count(word)) return true;
      for (std::string_view suffix : kSuffixes) {
        if (word.ends_with(suffix)) return true;
      }
    }
    pos = next + 1;
  }
  return false;
}

// The formula with composition variable `v` ("x") that a mention or an abbreviation of the
// document names, if any: "Ba1−xSrxFeO3−δ", "La1-xSrxMnO3 (LSM)".
bool variable_formula(std::string_view formula, char v) {
  for (std::size_t k = 0; k < formula.size(); ++k) {
    if (formula[k] != v) continue;
    // The variable follows an element symbol or a digit/sign of a count: "Srx", "1−x", "2-x".
    const bool after = k > 0 && (std::isalpha(static_cast<unsigned char>(formula[k - 1])) ||
                                 formula[k - 1] == '-' || formula[k - 1] == '+' ||
                                 static_cast<unsigned char>(formula[k - 1]) >= 0x80);
    if (after) return true;
  }
  return false;
}

// "x = 0.05", "x = 0.05 and 0.10", "x = 0–0.4", "x=0.1": the value of a composition variable of a
// variable formula mentioned in the same text (or defined as an abbreviation). SOFC-Exp annotates
// them as materials since they name the compound ("La1−xSrxCoO3 ... x = 0.05", PMC5456866).
void add_composition_values(std::string_view text, const std::vector<Token>& tokens,
                            const AbbreviationTable& abbreviations, std::vector<Mention>& out) {
  auto has_formula = [&](char v, std::size_t before) {
    for (const Mention& m : out) {
      if (m.begin < before && m.kind != MentionKind::kComposition && variable_formula(m.text, v)) {
        return true;
      }
    }
    for (const auto& [k, a] : abbreviations) {
      if (a.material && variable_formula(a.formula, v)) return true;
    }
    return false;
  };
  std::vector<Mention> found;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind != TokenKind::kWord) continue;
    const std::string_view w = t.text;
    if (w.empty() || (w[0] != 'x' && w[0] != 'y' && w[0] != 'z')) continue;
    const char v = w[0];
    std::size_t end = 0;
    std::size_t k = i + 1;
    if (w.size() > 2 && w[1] == '=' &&
        w.find_first_not_of("0123456789.", 2) == std::string_view::npos) {
      end = t.end;  // "x=0.1"
    } else if (w.size() == 1 && k + 1 < tokens.size() && tokens[k].text == "=" &&
               tokens[k + 1].kind == TokenKind::kNumber) {
      end = tokens[k + 1].end;
      k += 2;
      // Listed or ranged values: ", 0.10", "and 0.10", "–0.4".
      while (k + 1 < tokens.size() && tokens[k + 1].kind == TokenKind::kNumber &&
             (tokens[k].text == "," || tokens[k].text == "and" || tokens[k].text == "or" ||
              tokens[k].text == "to" || starts_with_dash(tokens[k].text))) {
        end = tokens[k + 1].end;
        k += 2;
      }
      if (k + 2 < tokens.size() && tokens[k].text == "," && tokens[k + 1].text == "and" &&
          tokens[k + 2].kind == TokenKind::kNumber) {
        end = tokens[k + 2].end;
      }
    }
    if (end == 0 || !has_formula(v, t.begin)) continue;
    Mention m;
    m.begin = t.begin;
    m.end = end;
    m.text = std::string(text.substr(t.begin, end - t.begin));
    m.kind = MentionKind::kComposition;
    for (const Mention& f : out) {
      if (f.begin < t.begin && variable_formula(f.text, v)) {
        m.formula = f.formula;
        m.reduced = f.reduced;
        m.elements = f.elements;
      }
    }
    if (m.formula.empty()) {
      if (const auto it = abbreviations.find(std::string(1, v) + " ="); it != abbreviations.end()) {
        m.formula = it->second.formula;
        m.reduced = it->second.formula;
      }
    }
    found.push_back(std::move(m));
  }
  if (found.empty()) return;
  out.insert(out.end(), found.begin(), found.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
}

// The element a cation word names: "zinc", "titanium(IV)", "cupric" (kCationAdjectives), else
// false.
bool cation_word(std::string_view w) {
  const std::string l = lower(w.substr(0, std::min(w.find('('), w.size())));
  if (kCationAdjectives.count(l)) return true;
  return l.size() >= 4 && !kAmbientNames.count(l) && element_by_lower_name(l) != nullptr;
}

bool word_token(const Token& t) { return t.kind == TokenKind::kWord; }

// Mentions of procedures that span words, at token i: salts named in words ("zinc nitrate
// hexahydrate", "titanium(IV) isopropoxide"), acids ("citric acid", "1,4-phenyldiphosphonic
// acid"), roles ("electrolyte-supported") and generic nouns ("the mixture"). Returns the number
// of tokens used (0 when none).
std::size_t procedure_mention(std::string_view text, const std::vector<Token>& tokens,
                              std::size_t i, std::vector<Mention>& out) {
  const Token& t = tokens[i];
  auto add = [&](std::size_t begin, std::size_t end, MentionKind kind) {
    const std::string span(text.substr(begin, end - begin));
    out.push_back({begin, end, span, span, span, kind, 0});
  };
  const std::string l = lower(t.text);
  // A cation word followed by anion (and hydrate) words.
  if (i + 1 < tokens.size() && word_token(tokens[i + 1]) &&
      kAnionWords.count(lower(tokens[i + 1].text)) && cation_word(t.text)) {
    std::size_t k = i + 1;
    while (k < tokens.size() && word_token(tokens[k]) &&
           (kAnionWords.count(lower(tokens[k].text)) || kHydrateWords.count(tokens[k].text))) {
      ++k;
    }
    if (k > i + 1 && !kHydrateWords.count(tokens[i + 1].text)) {
      add(t.begin, tokens[k - 1].end, MentionKind::kReagent);
      return k - i;
    }
  }
  // "<word> acid": the word before names it ("citric acid"); a locant glued in front
  // ("1,4-phenyldiphosphonic") belongs to it.
  if (i + 1 < tokens.size() && word_token(tokens[i + 1]) &&
      (tokens[i + 1].text == "acid" || tokens[i + 1].text == "acids" ||
       tokens[i + 1].text == "glycol") &&
      word_token(t) &&
      is_lower_word(
          l.substr(l.find_last_of("-,") == std::string::npos ? 0 : l.find_last_of("-,") + 1)) &&
      l != "the" && l != "of" && l != "and" && l != "an" && l != "with" && l != "or" && l != "in") {
    std::size_t begin = t.begin;
    for (std::size_t k = i; k > 0 && tokens[k - 1].end == tokens[k].begin; --k) {
      begin = tokens[k - 1].begin;
    }
    if (!out.empty() && out.back().begin >= begin) out.pop_back();
    add(begin, tokens[i + 1].end, MentionKind::kReagent);
    return 2;
  }
  for (std::string_view role : kRolePrefixes) {
    const std::string_view w = t.text;
    if (w.find("-support") == std::string_view::npos) break;
    if (w.size() > role.size() + 1 && lower(w.substr(0, role.size())) == role &&
        (w.substr(role.size()) == "-supported" || w.substr(role.size()) == "-support")) {
      add(t.begin, t.end, MentionKind::kRole);
      return 1;
    }
  }
  // A generic noun refers to a material after a determiner ("the mixture", "the resulting
  // powder", "all chemicals"), one or two words before; "NaOH solution", "precursor powder" and
  // "aqueous solution of X" name X, not a material of their own (the synthesis corpus: 79% of
  // such nouns right after a determiner are annotated, 32% of those without one).
  // "solution A", "Solution B": a labelled solution or mixture of the procedure ("NH4F (50%
  // excess) was dissolved in 25 mL of water (solution A).", synthesis corpus
  // 10.1016/j.jallcom.2015.11.182).
  if (kReferenceNouns.count(l) && i + 1 < tokens.size() && word_token(tokens[i + 1]) &&
      tokens[i + 1].begin == t.end + 1 && text[t.end] == ' ' && tokens[i + 1].text.size() == 1 &&
      tokens[i + 1].text[0] >= 'A' && tokens[i + 1].text[0] <= 'D') {
    add(t.begin, tokens[i + 1].end, MentionKind::kReference);
    return 2;
  }
  // "a solution of TiCl4", "a mixture of V2O5 and H3PO4": the material is what follows "of";
  // "the precursor solution": the last noun is the head (synthesis corpus, train/dev: 39 of 40
  // such nouns before "of" unannotated).
  const bool head =
      i + 1 >= tokens.size() || !word_token(tokens[i + 1]) ||
      (tokens[i + 1].text != "of" && !kReferenceNouns.count(lower(tokens[i + 1].text)));
  if (kReferenceNouns.count(l) && head) {
    static const WordSet kDeterminers = {
        "the",       "a",     "an",          "this",        "that",      "these",
        "those",     "each",  "both",        "all",         "resulting", "obtained",
        "resultant", "final", "as-prepared", "as-obtained", "above"};
    auto word_at = [&](std::size_t back) -> std::string {
      if (i < back || !word_token(tokens[i - back])) return {};
      return lower(tokens[i - back].text);
    };
    const std::string prev = word_at(1);
    const std::string prev2 = word_at(2);
    if (kDeterminers.count(prev) ||
        (kDeterminers.count(prev2) && is_lower_word(prev) && prev != "aqueous")) {
      add(t.begin, t.end, MentionKind::kReference);
      return 1;
    }
  }
  return 0;
}

// The oxygen non-stoichiometry written apart from its formula: "BaZr0.4Ce0.4Y0.2O3− δ",
// "La0.6Sr0.4CoO3 − δ" (SOFC-Exp PMC5700654, PMC4986314). Token `j` is "δ"; returns the formula
// written together ("BaZr0.4Ce0.4Y0.2O3−δ") and sets `first` to the token it starts at, or returns
// an empty string.
std::string split_delta_formula(const std::vector<Token>& tokens, std::size_t j,
                                std::size_t& first) {
  if (j >= tokens.size() || tokens[j].text != "\u03B4") return {};
  std::string joined;
  auto ends_with_dash = [](std::string_view w) {
    return w.ends_with("-") || w.ends_with("\u2212") || w.ends_with("\u2013");
  };
  if (j >= 1 && tokens[j - 1].kind == TokenKind::kWord && ends_with_dash(tokens[j - 1].text)) {
    first = j - 1;
    joined = tokens[j - 1].text;
  } else if (j >= 2 && tokens[j - 1].kind == TokenKind::kSymbol &&
             starts_with_dash(tokens[j - 1].text) && tokens[j - 1].text.size() <= 3 &&
             tokens[j - 2].kind == TokenKind::kWord) {
    first = j - 2;
    joined = std::string(tokens[j - 2].text) + std::string(tokens[j - 1].text);
  } else {
    return {};
  }
  joined += "\u03B4";
  const FormulaCheck f = check_formula_word(joined);
  return f.accepted && f.elements >= 2 ? joined : std::string{};
}

// "Sr2MMoO6", "LnBaM2O5+δ", "La0.33Sr0.67Ti1−xMxO3": a general formula with a placeholder for a
// set of elements, M (a metal) or Ln (a lanthanide), that the text then defines ("SMMO, M = Mg,
// Fe, Co", SOFC-Exp PMC4673446). Checked by the formula engine with an element in the
// placeholder's place; at least two real elements besides it.
FormulaCheck placeholder_formula(std::string_view word) {
  FormulaCheck r;
  if (word.size() > 60 || !has_digit(word) || word[0] < 'A' || word[0] > 'Z') return r;
  auto lower_at = [&](std::size_t k) {
    return k < word.size() && word[k] >= 'a' && word[k] <= 'z';
  };
  // A placeholder is followed by no lower-case letter, or by a composition variable ("Mx").
  auto free_after = [&](std::size_t k) {
    return !lower_at(k) ||
           ((word[k] == 'x' || word[k] == 'y' || word[k] == 'z') && !lower_at(k + 1));
  };
  std::string probe;
  int placeholders = 0;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (word[k] == 'M' && free_after(k + 1)) {
      probe += "Tc";
      ++placeholders;
    } else if (word[k] == 'L' && k + 1 < word.size() && word[k + 1] == 'n' && free_after(k + 2)) {
      probe += "Pm";
      ++placeholders;
      ++k;
    } else {
      probe += word[k];
    }
  }
  if (placeholders == 0) return r;
  const FormulaCheck f = check_formula_word(probe);
  if (!f.accepted || f.elements < placeholders + 2) return r;
  r.accepted = true;
  r.formula = std::string(word);
  r.reduced = std::string(word);
  r.elements = f.elements;
  return r;
}

// A formula word or a placeholder formula with at least two elements.
bool compound_formula(std::string_view word) {
  const FormulaCheck f = check_formula_word(word);
  return (f.accepted && f.elements >= 2) || placeholder_formula(word).accepted;
}

// "Sr-Fe-Mo-oxide", "LaSrCoFe-oxide", "SmCe-oxide", "Ni0.8Co0.15Al0.05Li-oxide": an oxide named by
// its cations (SOFC-Exp PMC4495617, PMC4021905; the SOFC-Exp guidelines' own example). Returns the
// number of cations, 0 when the word is not one.
int cation_oxide_name(std::string_view w) {
  std::string_view stem;
  for (std::string_view suffix : {"-oxides", "-oxide", "\u2010oxide"}) {
    if (w.size() > suffix.size() + 1 && w.ends_with(suffix)) {
      stem = w.substr(0, w.size() - suffix.size());
      break;
    }
  }
  if (stem.empty() || stem[0] < 'A' || stem[0] > 'Z') return 0;
  std::string cations;
  for (char c : stem) {
    if (c != '-') cations += c;
  }
  const FormulaCheck f = check_formula_word(cations);
  return f.accepted && f.elements >= 2 ? f.elements : 0;
}

// "ScSZ", "Sc1CeSZ" (of "10Sc1CeSZ"), "CaSZ": stabilized zirconia named by its dopant oxides'
// element symbols, each with its mol-% (SOFC-Exp PMC5457246: "10 mole % Sc2O3 stabilized ZrO2
// with 1 mole % CeO2 addition (10Sc1CeSZ)"). Returns the number of dopants, 0 when not one.
int stabilized_zirconia_name(std::string_view w) {
  if (w.size() < 4 || !w.ends_with("SZ")) return 0;
  const std::string_view dopants = w.substr(0, w.size() - 2);
  int n = 0;
  for (std::size_t k = 0; k < dopants.size();) {
    while (k < dopants.size() && ((dopants[k] >= '0' && dopants[k] <= '9') || dopants[k] == '.'))
      ++k;
    if (k == dopants.size()) break;
    if (dopants[k] < 'A' || dopants[k] > 'Z') return 0;
    const std::size_t len =
        k + 1 < dopants.size() && dopants[k + 1] >= 'a' && dopants[k + 1] <= 'z' ? 2 : 1;
    if (!chem::find_element(dopants.substr(k, len))) return 0;
    k += len;
    ++n;
  }
  return n;
}

// "(LSM)", "(LSCM)12": a bracketed word, possibly with a reference number glued on; the offset of
// its closing bracket, 0 when the piece is not one.
std::size_t bracketed_end(std::string_view piece) {
  if (piece.size() < 3 || piece[0] != '(') return 0;
  const std::size_t close = piece.find(')');
  if (close == std::string_view::npos || close < 2) return 0;
  for (std::size_t k = close + 1; k < piece.size(); ++k) {
    if (piece[k] < '0' || piece[k] > '9') return 0;
  }
  return close;
}

// True when the word after `end` is a piece of labware that the material before it is made of
// ("alumina crucible", "stainless steel autoclave", "agate mortar").
bool names_labware(std::string_view text, std::size_t end) {
  if (end >= text.size() || text[end] != ' ') return false;
  std::size_t e = end + 1;
  while (e < text.size() && text[e] >= 'a' && text[e] <= 'z') ++e;
  static const WordSet kLabware = {
      "crucible", "crucibles", "autoclave", "autoclaves", "mortar",    "vessel",  "vessels",
      "jar",      "jars",      "vial",      "vials",      "container", "beaker",  "beakers",
      "boat",     "boats",     "reactor",   "balls",      "die",       "mold",    "mould",
      "pestle",   "bottle",    "bottles",   "flask",      "flasks",    "spatula", "cup"};
  return kLabware.count(text.substr(end + 1, e - end - 1)) > 0;
}
}  // namespace

bool is_material(MentionKind kind) {
  return kind == MentionKind::kFormula || kind == MentionKind::kAlias ||
         kind == MentionKind::kAbbreviation || kind == MentionKind::kName;
}

std::string_view to_string(MentionKind kind) {
  switch (kind) {
    case MentionKind::kAmbient:
      return "ambient";
    case MentionKind::kComposition:
      return "composition";
    case MentionKind::kFormula:
      return "formula";
    case MentionKind::kAlias:
      return "alias";
    case MentionKind::kAbbreviation:
      return "abbreviation";
    case MentionKind::kName:
      return "name";
    case MentionKind::kMedium:
      return "medium";
    case MentionKind::kReagent:
      return "reagent";
    case MentionKind::kReference:
      return "reference";
    case MentionKind::kRole:
      return "role";
    case MentionKind::kLearned:
      return "learned";
  }
  return "formula";
}

FormulaCheck check_formula_word(std::string_view word, bool allow_ambient) {
  FormulaCheck r;
  if (word.empty() || word.size() > 100) {
    r.reason = "length";
    return r;
  }
  if (kNotMaterials.count(word)) {
    r.reason = "known non-material acronym";
    return r;
  }
  // Greek polymorph prefixes ("β-Li3PS4") are fine; otherwise a formula starts with an element,
  // a bracket or a mixture coefficient.
  const unsigned char first = static_cast<unsigned char>(word[0]);
  if (first >= 'a' && first <= 'z') {
    r.reason = "starts in lower case";
    return r;
  }
  const char last = word.back();
  if (last == '+' || word.ends_with("\u2212") || word.ends_with("\u207A") ||
      word.ends_with("\u207B") || (last == '-' && !word.ends_with("-\u03B4"))) {
    r.reason = "an ion or a truncated word";
    return r;
  }
  if (kAmbient.count(word) && !allow_ambient) {
    r.reason = "a gas or solvent (an ambient mention, not a material of interest)";
    return r;
  }
  // "SOFCs", "PCFCs", "TF-SOFCs": the plural of an acronym (P + C + F + Cs would parse), also
  // with a reference number glued on ("SOFCs19", "SOFCs.98": superscript citations lost in
  // text extraction, SOFC-Exp PMC4021905).
  {
    std::string_view stem = word;
    while (!stem.empty() && ((stem.back() >= '0' && stem.back() <= '9') || stem.back() == '.'))
      stem.remove_suffix(1);
    if (stem.size() >= 3 && stem.back() == 's' && stem[stem.size() - 2] >= 'A' &&
        stem[stem.size() - 2] <= 'Z' && !has_digit(stem)) {
      r.reason = "an acronym in the plural";
      return r;
    }
  }
  // A count of four or more digits without a decimal point is a reference number glued to a
  // word ("PCFC4041424344454647"), not a subscript.
  {
    std::size_t run = 0;
    for (std::size_t k = 0; k <= word.size(); ++k) {
      const bool digit = k < word.size() && word[k] >= '0' && word[k] <= '9';
      if (digit) {
        ++run;
        continue;
      }
      if (run >= 4 && !(k < word.size() && word[k] == '.') &&
          !(k > run && word[k - run - 1] == '.')) {
        r.reason = "an implausible count (a reference number glued on)";
        return r;
      }
      run = 0;
    }
  }
  // A run of two or more lower-case letters that does not finish an element symbol ("Figure",
  // "Table", "Sample") cannot be a formula: rejected before the parser, which would throw.
  for (std::size_t k = 0, run = 0; k < word.size(); ++k) {
    const char c = word[k];
    if (c < 'a' || c > 'z') {
      run = 0;
      continue;
    }
    const bool symbol = run == 0 && k > 0 && word[k - 1] >= 'A' && word[k - 1] <= 'Z' &&
                        chem::find_element(word.substr(k - 1, 2)) != nullptr;
    if (symbol) continue;
    if (++run >= 2) {
      r.reason = "not a formula";
      return r;
    }
  }
  chem::FormulaOptions options;
  options.aliases = false;
  chem::ParsedFormula parsed;
  try {
    parsed = chem::parse_formula(word, options);
  } catch (const ParseError&) {
    r.reason = "not a formula";
    return r;
  } catch (const InvalidArgument&) {
    r.reason = "not a formula";
    return r;
  }
  if (parsed.composition.empty()) {
    r.reason = "empty composition";
    return r;
  }
  r.elements = distinct_elements(parsed.composition);
  // "(K-PSCFN)16": a bracketed acronym with a citation glued on has no subscripts.
  const std::size_t close = word.starts_with("(") ? word.rfind(')') : std::string_view::npos;
  const bool digits = close != std::string_view::npos && close > 0
                          ? has_digit(word.substr(0, close))
                          : has_digit(word);
  const bool lowercase = has_lower_ascii(word);
  if (!digits && !lowercase && r.elements >= 2 && !kCapitalCompounds.count(word)) {
    r.reason = "capital letters only (an acronym)";
    return r;
  }
  if (r.elements == 1) {
    const std::size_t letters =
        static_cast<std::size_t>(std::count_if(word.begin(), word.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c));
        }));
    if (!digits && letters == 1) {
      r.reason = "a single letter (pronoun, unit or label)";
      return r;
    }
    if (!digits && !lowercase) {
      r.reason = "a Roman numeral or initials";
      return r;
    }
    if (!digits && kEnglishSymbols.count(word)) {
      r.reason = "an English word";
      return r;
    }
    if (digits && !kElementMolecules.count(word)) {
      r.reason = "an element with a number (a sample label)";
      return r;
    }
  }
  if (parsed.composition.symbolic() && r.elements < 2) {
    r.reason = "a variable without a compound";
    return r;
  }
  r.accepted = true;
  r.formula = std::string(word);
  try {
    r.reduced = parsed.composition.symbolic() ? parsed.composition.formula()
                                              : parsed.composition.reduced_formula();
  } catch (const std::exception&) {
    r.reduced = parsed.composition.formula();
  }
  return r;
}

// Adds a definition unless the short form is already defined (the first definition wins); a
// derived one gives way.
void define(AbbreviationTable& table, Abbreviation a) {
  auto [it, inserted] = table.try_emplace(a.short_form, a);
  if (!inserted && it->second.derived && !a.derived) it->second = std::move(a);
}

// The acronyms a formula of three or more elements goes by, read off the first letters of its
// element symbols in written order: with and without its oxygen ("Li7La3Zr2O12": "LLZO" and
// "LLZ"; "Li1.3Al0.3Ti1.7(PO4)3": "LATP"; "Ba0.95La0.05FeO3−δ": "BLF"). Empty for anything
// else.
std::vector<std::string> formula_acronyms(std::string_view formula) {
  const FormulaCheck f = check_formula_word(formula);
  if (!f.accepted || f.elements < 3) return {};
  std::string all;
  std::string without_oxygen;
  for (std::size_t k = 0; k < formula.size(); ++k) {
    const char c = formula[k];
    if (c < 'A' || c > 'Z') continue;
    const bool two = k + 1 < formula.size() && formula[k + 1] >= 'a' && formula[k + 1] <= 'z' &&
                     chem::find_element(formula.substr(k, 2));
    if (!two && !chem::find_element(formula.substr(k, 1))) return {};
    all += c;
    if (two || c != 'O') without_oxygen += c;
  }
  std::vector<std::string> out;
  for (std::string* a : {&all, &without_oxygen}) {
    if (a->size() >= 3 && a->size() <= 6 && !kNotMaterials.count(*a) &&
        !check_formula_word(*a).accepted && std::find(out.begin(), out.end(), *a) == out.end()) {
      out.push_back(*a);
    }
  }
  return out;
}

void find_abbreviations(std::string_view text, const std::vector<Token>& tokens,
                        AbbreviationTable& table) {
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    // "La0.75Sr0.25Cr0.5Mn0.5O3 (LSCM)12": a reference number glued to the closing bracket
    // (SOFC-Exp PMC4673446) makes one word of "(LSCM)12".
    if (tokens[i].kind == TokenKind::kWord && tokens[i - 1].kind == TokenKind::kWord &&
        tokens[i].text.starts_with("(")) {
      const std::string_view w = tokens[i].text;
      const std::size_t close = w.find(')');
      if (close != std::string_view::npos && close > 1 && close + 1 < w.size() &&
          std::all_of(w.begin() + static_cast<std::ptrdiff_t>(close) + 1, w.end(),
                      [](char c) { return c >= '0' && c <= '9'; })) {
        const std::string_view inner = w.substr(1, close - 1);
        const FormulaCheck f = check_formula_word(tokens[i - 1].text);
        if (abbreviation_like(inner) && f.accepted && f.elements >= 2 &&
            !check_formula_word(inner).accepted) {
          define(table, Abbreviation{std::string(inner), std::string(tokens[i - 1].text),
                                     std::string(tokens[i - 1].text), true});
        }
      }
    }
    if (i + 2 >= tokens.size()) break;
    const Token& open = tokens[i];
    if (open.kind != TokenKind::kPunct || open.text != "(") continue;
    const Token& inner = tokens[i + 1];
    const Token& close = tokens[i + 2];
    // "(SMMO, M = Mg, Fe, Co)": an abbreviation followed by the definition of a placeholder or
    // a composition variable.
    const bool defines_symbol = close.text == "," && i + 4 < tokens.size() &&
                                tokens[i + 3].text.size() <= 2 && tokens[i + 4].text == "=";
    if (inner.kind != TokenKind::kWord || (close.text != ")" && close.text != ",")) continue;
    // The formula that defines it: the word before, a formula with its "− δ" written apart
    // ("BaZr0.4Ce0.4Y0.2O3− δ (BZCY)"), or the word before a bracket of composition values
    // ("SrCo1−xRexO3−δ (x = 0.05, 0.10) (SCRO)", SOFC-Exp PMC5457058).
    std::string defining;
    {
      std::size_t b = i - 1;
      if (tokens[b].text == ")" && b >= 4) {
        std::size_t o = b;
        while (o > 0 && b - o < 16 && tokens[o].text != "(") --o;
        if (tokens[o].text == "(" && o >= 1 && o + 2 < b && tokens[o + 2].text == "=" &&
            tokens[o + 1].text.size() <= 2) {
          b = o - 1;
        }
      }
      std::size_t first = 0;
      if (const std::string joined = split_delta_formula(tokens, b, first); !joined.empty()) {
        defining = joined;
      } else if (tokens[b].kind == TokenKind::kWord && compound_formula(tokens[b].text)) {
        defining = tokens[b].text;
      }
    }
    // "Li7La3Zr2O12 (LLZO)", "Sr2MMoO6 (SMMO, M = Mg, Fe, Co)": a formula defines the
    // abbreviation.
    if (!defining.empty() && (close.text == ")" || defines_symbol) &&
        abbreviation_like(inner.text) && !check_formula_word(inner.text).accepted) {
      define(table, Abbreviation{std::string(inner.text), defining, defining, true});
      continue;
    }
    // "Polyethyleneimine (PEI, Mw 25 000)": a long form's definition may go on with details of
    // the product.
    const bool closed = close.text == ")";
    if (!closed && close.text != ",") continue;
    const Token& before = tokens[i - 1];
    if (closed && before.kind == TokenKind::kWord) {
      const FormulaCheck f = check_formula_word(before.text);
      // "LLZO (Li7La3Zr2O12)": the abbreviation comes first.
      FormulaCheck g = check_formula_word(inner.text);
      const auto capitals = std::count_if(before.text.begin(), before.text.end(),
                                          [](char c) { return c >= 'A' && c <= 'Z'; });
      // "5 mS (...)": a unit after a number is no abbreviation.
      bool unit = false;
      if (i >= 2 && tokens[i - 2].kind == TokenKind::kNumber) {
        try {
          (void)units::parse_unit(before.text);
          unit = true;
        } catch (const std::exception&) {
        }
      }
      if (g.accepted && g.elements >= 2 && !f.accepted && abbreviation_like(before.text) &&
          before.text.size() <= 10 && capitals >= 2 && !unit) {
        define(table, Abbreviation{std::string(before.text), std::string(inner.text),
                                   std::string(inner.text), true});
        continue;
      }
    }
    // "oxidizing (O2)" (SOFC-Exp PMC4735809): a gas in brackets is no abbreviation.
    if (!abbreviation_like(inner.text) || kAmbient.count(inner.text) ||
        check_formula_word(inner.text).accepted) {
      continue;
    }
    const std::string lf = long_form(text, open.begin, inner.text);
    if (lf.empty()) continue;
    Abbreviation a{std::string(inner.text), lf, "", false};
    a.material = long_form_is_material(lf);
    a.reagent = !a.material && long_form_is_reagent(lf);
    if (!closed && !a.material && !a.reagent) continue;
    // A name gives no composition; the alias table may ("yttria-stabilized zirconia (YSZ)").
    if (a.material) {
      if (const chem::Alias* alias = chem::find_alias(inner.text)) a.formula = alias->formula;
    }
    define(table, std::move(a));
  }
  // Formulas of the document (a capital letter, a digit, four bytes or more) define two things.
  // "A porous BLF support" in a paper on Ba0.95La0.05FeO3−δ (synthesis corpus
  // 10.1002/adma.200903953, train split): an acronym of a formula, also where the document never
  // defines it. "SrCo1−xRexO3−δ": "x = 0.05" in a later sentence names one of its compositions
  // (SOFC-Exp PMC5457058), kept under the key "x =", which no word matches.
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kWord || t.text.size() < 4 || t.text[0] < 'A' || t.text[0] > 'Z' ||
        !has_digit(t.text)) {
      continue;
    }
    for (std::string& acronym : formula_acronyms(t.text)) {
      Abbreviation a{acronym, std::string(t.text), std::string(t.text), true};
      a.derived = true;
      define(table, std::move(a));
    }
    for (const char v : {'x', 'y', 'z'}) {
      if (!variable_formula(t.text, v)) continue;
      const std::string key = std::string(1, v) + " =";
      if (table.count(key) == 0 && compound_formula(t.text)) {
        table.try_emplace(key, Abbreviation{key, std::string(t.text), std::string(t.text), true});
      }
    }
  }
}

std::vector<Mention> find_mentions(std::string_view text, const std::vector<Token>& tokens,
                                   const AbbreviationTable& abbreviations) {
  std::vector<Mention> out;
  auto add = [&](std::size_t begin, std::size_t end, std::string formula, std::string reduced,
                 MentionKind kind, int elements) {
    out.push_back({begin, end, std::string(text.substr(begin, end - begin)), std::move(formula),
                   std::move(reduced), kind, elements});
  };
  // Tries one word (or part of one) as a mention; true when it is one.
  std::function<bool(std::size_t, std::size_t, bool)> try_word =
      [&](std::size_t begin, std::size_t end, bool after_number) -> bool {
    std::string_view w = text.substr(begin, end - begin);
    if (w.empty()) return false;
    // Polymers, solvents and carbons written as acronyms: substances, not formulas, also when the
    // document defines them ("multi-walled carbon nanotubes (CNTs)").
    if (kReagentWords.count(w) && w.size() > 1 && w[1] >= 'A' && w[1] <= 'Z') {
      add(begin, end, std::string(w), std::string(w), MentionKind::kReagent, 0);
      return true;
    }
    if (auto it = abbreviations.find(w); it != abbreviations.end()) {
      if (it->second.reagent) {
        add(begin, end, it->second.long_form, it->second.long_form, MentionKind::kReagent, 0);
        return true;
      }
      if (!it->second.material) return false;  // "CV" defined as cyclic voltammetry
      const FormulaCheck f = check_formula_word(it->second.formula);
      const std::string& named =
          it->second.formula.empty() ? it->second.long_form : it->second.formula;
      add(begin, end, named, f.accepted ? f.reduced : named, MentionKind::kAbbreviation,
          f.elements);
      return true;
    }
    // "AAOs": the plural of a material abbreviation of the document or of the alias table
    // (SOFC-Exp PMC4578433).
    if (w.size() >= 3 && w.back() == 's' && w[w.size() - 2] >= 'A' && w[w.size() - 2] <= 'Z') {
      const std::string_view singular = w.substr(0, w.size() - 1);
      const auto it = abbreviations.find(singular);
      if (((it != abbreviations.end() && it->second.material) || chem::find_alias(singular)) &&
          try_word(begin, end - 1, false)) {
        out.back().end = end;
        out.back().text = std::string(w);
        return true;
      }
    }
    if (kNotMaterials.count(w)) return false;
    // Gases, fuels and solvents: "H2", "CH4", "air", "hydrogen"; not in "H2S-containing H2", which
    // is a fuel H2 with some H2S (SOFC-Exp PMC4673446; 0 of 5 "X-containing" annotated in its
    // train/dev experiment sentences).
    if (kAmbient.count(w) && text.substr(end).starts_with("-containing")) return false;
    if (kAmbient.count(w)) {
      const FormulaCheck f = check_formula_word(w, true);
      add(begin, end, std::string(w), f.reduced,
          kMediumFormulas.count(w) ? MentionKind::kMedium : MentionKind::kAmbient, f.elements);
      return true;
    }
    const std::string l = lower(w);
    const bool capitalised_word = w[0] == l[0] || w.size() == 1 || (w[1] >= 'a' && w[1] <= 'z');
    if (capitalised_word) {
      static const std::unordered_map<std::string_view, std::string_view> ambient_words = [] {
        std::unordered_map<std::string_view, std::string_view> m;
        for (const auto& [name, formula] : kAmbientWords) m.emplace(name, formula);
        return m;
      }();
      if (const auto it = ambient_words.find(l); it != ambient_words.end()) {
        const std::string_view formula = it->second;
        const FormulaCheck f = formula.empty() ? FormulaCheck{} : check_formula_word(formula, true);
        add(begin, end, std::string(formula), f.reduced,
            kMediumWords.count(l) ? MentionKind::kMedium : MentionKind::kAmbient, f.elements);
        return true;
      }
    }
    if (kReagentWords.count(w) || (capitalised_word && kReagentWords.count(l))) {
      add(begin, end, std::string(w), std::string(w), MentionKind::kReagent, 0);
      return true;
    }
    if (const chem::Alias* alias = chem::find_alias(w)) {
      const FormulaCheck f = check_formula_word(alias->formula);
      add(begin, end, alias->formula, f.reduced, MentionKind::kAlias, f.elements);
      return true;
    }
    if (const int cations = cation_oxide_name(w)) {
      add(begin, end, std::string(w), std::string(w), MentionKind::kName, cations + 1);
      return true;
    }
    if (const int dopants = stabilized_zirconia_name(w)) {
      add(begin, end, std::string(w), std::string(w), MentionKind::kName, dopants + 2);
      return true;
    }
    // After a number, a word that is a unit is a unit ("5 V", "10 K", "3 Pa").
    if (after_number) {
      try {
        (void)units::parse_unit(w);
        return false;
      } catch (const std::exception&) {
      }
    }
    const FormulaCheck f = check_formula_word(w);
    // "Nb-doping", "Cu-free", "Co ions", "Fe valence": an element as a dopant or a site.
    if (f.accepted && f.elements == 1 && f.reduced.size() <= 2 && modifies_property_noun(text, end))
      return false;
    if (f.accepted) {
      add(begin, end, f.formula, f.reduced, MentionKind::kFormula, f.elements);
      return true;
    }
    if (const FormulaCheck p = placeholder_formula(w); p.accepted) {
      add(begin, end, p.formula, p.reduced, MentionKind::kFormula, p.elements);
      return true;
    }
    // "stainless steel (STS) substrate" (SOFC-Exp PMC4772004).
    if (l == "steel" || l == "steels") {
      add(begin, end, std::string(w), std::string(w), MentionKind::kName, 0);
      return true;
    }
    const std::string name = name_formula(w);
    // "sulfur tolerance", "carbon deposition": an element name modifying a property or process
    // noun names no material (SOFC-Exp PMC4222441: "sulfur tolerance of Ni-based anodes").
    if (!name.empty() && modifies_property_noun(text, end)) return false;
    if (!name.empty() &&
        !(w[0] >= 'A' && w[0] <= 'Z' && w.size() > 1 && w[1] >= 'A' && w[1] <= 'Z')) {
      const FormulaCheck g = check_formula_word(name);
      add(begin, end, name, g.accepted ? g.reduced : name, MentionKind::kName, g.elements);
      return true;
    }
    // "nickel1415", "hydrocarbons910": a word with reference numbers glued on (superscript
    // citations lost in text extraction, SOFC-Exp PMC4021905); the word alone is tried.
    std::size_t stem = w.size();
    while (stem > 0 && w[stem - 1] >= '0' && w[stem - 1] <= '9') --stem;
    if (stem >= 4 && stem < w.size() && is_lower_word(w.substr(0, stem))) {
      return try_word(begin, begin + stem, false);
    }
    // "LSM1718", "AAO101112": an abbreviation of the document or the alias table with reference
    // numbers glued on (SOFC-Exp PMC4021905, PMC4578433).
    if (stem >= 2 && stem < w.size()) {
      const std::string_view s = w.substr(0, stem);
      const auto it = abbreviations.find(s);
      if ((it != abbreviations.end() && it->second.material) || chem::find_alias(s)) {
        return try_word(begin, begin + stem, false);
      }
    }
    return false;
  };
  // "M = Mg, Fe, Co" (SOFC-Exp PMC4673446), "doped with Y, La, Gd" (PMC4021905): elements that
  // fill a placeholder or dope a compound are not materials of their own.
  bool element_list = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (element_list) {
      if (t.text == "," || t.text == "and" || t.text == "or") continue;
      if (t.kind == TokenKind::kWord && !t.text.empty() && t.text.size() <= 2 && t.text[0] >= 'A' &&
          t.text[0] <= 'Z' && chem::find_element(t.text)) {
        continue;
      }
      element_list = false;
    }
    if (t.text == "=" && i > 0) {
      static const WordSet kPlaceholders = {"M", "Ln", "Me", "A", "B", "RE", "TM"};
      element_list = kPlaceholders.count(tokens[i - 1].text) > 0;
      continue;
    }
    if (t.kind != TokenKind::kWord) continue;
    if ((t.text == "with" || t.text == "by") && i > 0 &&
        (tokens[i - 1].text == "doped" || tokens[i - 1].text == "co-doped" ||
         tokens[i - 1].text == "substituted")) {
      element_list = true;
      continue;
    }
    // "Li et al.": an author.
    if (i + 2 < tokens.size() && tokens[i + 1].text == "et" && tokens[i + 2].text.starts_with("al"))
      continue;
    // "BaZr0.4Ce0.4Y0.2O3− δ", "La0.6Sr0.4CoO3 − δ": one formula.
    bool joined_delta = false;
    for (std::size_t j = i + 1; j <= i + 2 && j < tokens.size() && !joined_delta; ++j) {
      std::size_t first = 0;
      const std::string joined = split_delta_formula(tokens, j, first);
      if (joined.empty() || first != i) continue;
      const FormulaCheck f = check_formula_word(joined);
      add(t.begin, tokens[j].end, f.formula, f.reduced, MentionKind::kFormula, f.elements);
      i = j;
      joined_delta = true;
    }
    if (joined_delta) continue;
    const bool after_number = i > 0 && tokens[i - 1].kind == TokenKind::kNumber;
    // "75Li2S·25P2S5": a coefficient glued to a formula is a mixture.
    if (after_number && tokens[i - 1].end == t.begin) {
      const Token& n = tokens[i - 1];
      const FormulaCheck f = check_formula_word(text.substr(n.begin, t.end - n.begin));
      if (f.accepted && f.elements >= 2 && has_lower_ascii(t.text)) {
        add(n.begin, t.end, f.formula, f.reduced, MentionKind::kFormula, f.elements);
        continue;
      }
      // "8YSZ", "10CGO", "10Sc1CeSZ": a mol-% prefix on a name.
      if ((chem::find_alias(t.text) || stabilized_zirconia_name(t.text)) &&
          try_word(t.begin, t.end, false)) {
        out.back().begin = n.begin;
        out.back().text = std::string(text.substr(n.begin, t.end - n.begin));
        continue;
      }
    }
    // "Co., Ltd." is a company.
    if (t.text == "Co" && t.end < text.size() && text[t.end] == '.') continue;
    // "lithium ion batteries", "sodium-ion": the element names a technology, not a material.
    if (i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::kWord && is_lower_word(t.text)) {
      const std::string_view next = tokens[i + 1].text;
      if (next == "ion" || next == "ions" || next.starts_with("batter")) continue;
    }
    if (const std::size_t used = procedure_mention(text, tokens, i, out)) {
      i += used - 1;
      continue;
    }
    if (try_word(t.begin, t.end, after_number)) continue;
    // "(K-PSCFN)16" (SOFC-Exp PMC4673446): a bracketed abbreviation with a citation glued on.
    if (const std::size_t close = bracketed_end(t.text);
        close > 0 && try_word(t.begin + 1, t.begin + close, false)) {
      continue;
    }
    // Ions ("Li+", "O2−") are not split into their element.
    if (t.text.ends_with("+") || t.text.ends_with("\u2212") || t.text.ends_with("\u207A") ||
        t.text.ends_with("\u207B") || t.text.ends_with("-")) {
      continue;
    }
    // Composite words: "LiCoO2/graphite", "Li|LLZO|Li", "Al-doped", "PSCFN–GDC", "Pd+LSM".
    // Element ratios ("Li/Ni/Mn=2.1:1:3", "Li:Ni:Co") are not mentions.
    const std::size_t before_parts = out.size();
    std::size_t part = t.begin;
    for (std::size_t k = t.begin; k <= t.end;) {
      std::size_t len = 1;
      const char32_t c = k < t.end ? code_point_at(text, k, len) : U' ';
      const bool boundary =
          k == t.end || c == '/' || c == '|' || c == ':' || c == '+' || is_dash_cp(c);
      if (boundary) {
        // "(La2Sn2O7 + YSZ)/Pt" (SOFC-Exp PMC3730159): a bracket opened or closed in another part.
        std::size_t stop = k;
        if (k > part + 1) {
          const std::string_view piece = text.substr(part, k - part);
          if (piece.back() == ')' && piece.find('(') == std::string_view::npos) --stop;
        }
        if (stop > part) {
          // "8YSZ" in "Ni-8YSZ": a mol-percent prefix on an abbreviation.
          std::size_t from = part;
          while (from < stop && text[from] >= '0' && text[from] <= '9') ++from;
          if (from > part && from < stop && chem::find_alias(text.substr(from, stop - from))) {
            if (try_word(from, stop, false)) {
              out.back().begin = part;
              out.back().text = std::string(text.substr(part, stop - part));
            }
          } else if (text[part] == '%' && part == t.begin && after_number &&
                     tokens[i - 1].end == t.begin) {
            // "5%H2/Ar" (SOFC-Exp PMC4992832): a gas with its percentage.
            if (try_word(part + 1, stop, false)) {
              out.back().begin = tokens[i - 1].begin;
              out.back().text = std::string(text.substr(out.back().begin, stop - out.back().begin));
            }
          } else if (text[part] == '(' && bracketed_end(text.substr(part, stop - part))) {
            // "(LSM)-YSZ" (SOFC-Exp PMC4313086), "(LSCM)12" with a citation glued on: the
            // bracketed abbreviation.
            try_word(part + 1, part + bracketed_end(text.substr(part, stop - part)), false);
          } else if (stop - part >= 2 || (k < t.end && c != '-')) {
            // Only pieces that are whole parts of a compound word, not "X" of "X-ray".
            try_word(part, stop, false);
          }
        }
        part = k + len;
      }
      k += len;
    }
    const bool ratio = out.size() - before_parts >= 2 &&
                       std::all_of(out.begin() + static_cast<std::ptrdiff_t>(before_parts),
                                   out.end(), [](const Mention& m) {
                                     return m.elements == 1 && m.kind == MentionKind::kFormula;
                                   });
    if (ratio) out.resize(before_parts);
  }
  // "Al2O3 crucible", "stainless steel autoclave", "ZrO2 balls": the material of labware, not a
  // material of the experiment (the synthesis corpus marks them as apparatus descriptors).
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Mention& m) { return names_labware(text, m.end); }),
            out.end());
  add_composition_values(text, tokens, abbreviations, out);
  return out;
}

}  // namespace pb::mining
