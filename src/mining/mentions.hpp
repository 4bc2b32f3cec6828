#pragma once
/// Material mentions: formulas accepted by the formula engine and a plausibility check,
/// abbreviations defined in the document ("Li7La3Zr2O12 (LLZO)") or in the alias table, and
/// common names (ceria, nickel); look-alikes such as NSW, CV, SEM, PVDF, "In" and unit symbols
/// after numbers are rejected (docs/mining.md lists the rules).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mining/text.hpp"

namespace pb::mining {

/// How a mention was recognised.
enum class MentionKind {
  kFormula,       ///< parsed by the formula engine
  kAlias,         ///< a name from data/formula_aliases.csv
  kAbbreviation,  ///< an abbreviation defined in this document
  kName,          ///< an element or common material name ("nickel", "ceria")
  /// A gas, fuel, solvent or atmosphere ("H2", "CH4", "air", "water"): a substance of the
  /// experiment (fuel, oxidant, medium) but never the material a property record belongs to.
  kAmbient,
  /// The value of a composition variable of a formula in the same text ("x = 0.05" after
  /// "Ba1−xSrxFeO3−δ"); `formula` is the variable formula it specifies.
  kComposition,
  /// An inert gas, water or a solvent ("N2", "Ar", "steam", "water", "ethanol"): the medium or
  /// protective atmosphere of a step, not a fuel or oxidant (SOFC-Exp leaves them unannotated,
  /// the synthesis corpus annotates them); never a record's material.
  kMedium,
  /// A reagent named in words, without a formula: acids ("citric acid"), salts ("cupric acetate
  /// hydrate"), organic solvents and additives ("toluene", "urea", "TEOS"); never a record's
  /// material.
  kReagent,
  /// A generic noun for a material of a procedure ("the solution", "the mixture", "the
  /// precipitate", "the powders"); never a record's material.
  kReference,
  /// A material named by its role in a cell: "electrolyte-supported", "anode-supported",
  /// "metal-supported" (SOFC-Exp annotates them); never a record's material.
  kRole,
  /// A span the learned tagger (mining/tagger.hpp) marks where no rule names a material
  /// ("the precursor", "POFA"); never a record's material.
  kLearned,
};

/// True for mentions that can carry properties (formulas, aliases, abbreviations, names); false
/// for ambient and medium substances, composition values, reagents, references and roles.
bool is_material(MentionKind kind);

std::string_view to_string(MentionKind kind);

/// One material mention in a text.
struct Mention {
  std::size_t begin = 0;  ///< byte offsets into the text that was scanned
  std::size_t end = 0;
  std::string text;     ///< as written
  std::string formula;  ///< the formula it stands for (as parsed)
  std::string reduced;  ///< reduced formula (or the parsed formula when it has variables)
  MentionKind kind = MentionKind::kFormula;
  int elements = 0;  ///< number of distinct elements
};

/// An abbreviation introduced in a document: "yttria-stabilized zirconia (YSZ)".
struct Abbreviation {
  std::string short_form;
  std::string long_form;
  std::string formula;  ///< empty when the long form is not a material
  bool material = false;
  /// The long form names a reagent ("N,N-dimethylformamide (DMF)", "cetyltrimethylammonium
  /// bromide (CTAB)"): its mentions are of kind reagent.
  bool reagent = false;
  /// Not defined in the text but read off the element symbols of one of its formulas ("BLF" for
  /// Ba0.95La0.05FeO3−δ): an explicit definition of the same short form replaces it.
  bool derived = false;
};

/// Abbreviations of a document, by short form (the first definition wins). The keys "x =", "y ="
/// and "z =" (which no word matches) hold the document's first formula with that composition
/// variable ("SrCo1−xRexO3−δ"), so that "x = 0.05" in a later sentence names its compound.
using AbbreviationTable = std::map<std::string, Abbreviation, std::less<>>;

/// Finds abbreviation definitions in one text ("LONG FORM (SHORT)", "FORMULA (SHORT)",
/// "SHORT (FORMULA)", "FORMULA (SHORT, M = ...)", "FORMULA (x = ...) (SHORT)") and the formulas
/// with composition variables, and adds them to `table`.
void find_abbreviations(std::string_view text, const std::vector<Token>& tokens,
                        AbbreviationTable& table);

/// Why a word is or is not a material formula; `reason` names the rule for rejections.
struct FormulaCheck {
  bool accepted = false;
  std::string reason;
  std::string formula;
  std::string reduced;
  int elements = 0;
};

/// Checks one word (no context) against the formula engine and the look-alike rules. Gases and
/// solvents ("H2", "CH4") are rejected unless `allow_ambient`.
FormulaCheck check_formula_word(std::string_view word, bool allow_ambient = false);

/// Material mentions in a tokenized text, using the document's abbreviations.
std::vector<Mention> find_mentions(std::string_view text, const std::vector<Token>& tokens,
                                   const AbbreviationTable& abbreviations);

}  // namespace pb::mining
