// Material mentions: formulas, aliases, document abbreviations, doped/mixture notation, and the
// look-alikes that must be rejected (issue 8 §2).
#include "mining/mentions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pb::mining {
namespace {

std::vector<Mention> mentions_of(std::string_view text) {
  const auto tokens = tokenize(text);
  AbbreviationTable abbreviations;
  find_abbreviations(text, tokens, abbreviations);
  return find_mentions(text, tokens, abbreviations);
}

AbbreviationTable abbreviations_of(std::string_view text) {
  AbbreviationTable table;
  find_abbreviations(text, tokenize(text), table);
  return table;
}

std::vector<std::string> kinds_of(std::string_view text) {
  std::vector<std::string> out;
  for (const Mention& m : mentions_of(text)) {
    out.push_back(m.text + ":" + std::string(to_string(m.kind)));
  }
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (const Mention& m : mentions_of(text)) out.push_back(m.text);
  return out;
}

TEST(MiningMentions, FormulasDopedAndMixtures) {
  EXPECT_EQ(words("Cubic Li6.4La3Zr1.4Ta0.6O12 and Ba0.95La0.05FeO3-\u03B4 were compared."),
            (std::vector<std::string>{"Li6.4La3Zr1.4Ta0.6O12", "Ba0.95La0.05FeO3-\u03B4"}));
  EXPECT_EQ(words("glasses of 75Li2S\u00B725P2S5 and 0.75Li2S\u20130.25P2S5"),
            (std::vector<std::string>{"75Li2S\u00B725P2S5", "0.75Li2S\u20130.25P2S5"}));
  EXPECT_EQ(words("Li1+xAlxTi2-x(PO4)3 with x = 0.3"),
            (std::vector<std::string>{"Li1+xAlxTi2-x(PO4)3", "x = 0.3"}));
  EXPECT_EQ(words("\u03B2-Li3PS4 and (Li,Na)CoO2"),
            (std::vector<std::string>{"\u03B2-Li3PS4", "(Li,Na)CoO2"}));
  const auto m = mentions_of("Ce0.9Gd0.1O1.95 electrolyte");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].reduced, "Ce0.9Gd0.1O1.95");
}

TEST(MiningMentions, AliasesAndCompositeWords) {
  const auto m = mentions_of("The Ni-YSZ anode, an LSCF cathode and LiCoO2/graphite cells");
  std::vector<std::string> got;
  for (const auto& x : m) got.push_back(x.text + ":" + std::string(to_string(x.kind)));
  EXPECT_EQ(got, (std::vector<std::string>{"Ni:formula", "YSZ:alias", "LSCF:alias",
                                           "LiCoO2:formula", "graphite:name"}));
  EXPECT_EQ(words("with nickel and ceria"), (std::vector<std::string>{"nickel", "ceria"}));
  EXPECT_EQ(words("Ni-8YSZ and PSCFN\u2013GDC and Pd+LSM"),
            (std::vector<std::string>{"Ni", "8YSZ", "GDC", "Pd", "LSM"}));
}

TEST(MiningMentions, DocumentAbbreviationsResolve) {
  const std::string text =
      "Garnet Li7La3Zr2O12 (LLZO) and Sr2Fe1.5Mo0.5Ox (SFM) were made. LLZO and SFM were "
      "then tested; LZP (LiZr2(PO4)3) too, and LZP again.";
  const auto tokens = tokenize(text);
  AbbreviationTable abbreviations;
  find_abbreviations(text, tokens, abbreviations);
  ASSERT_TRUE(abbreviations.count("SFM"));
  EXPECT_EQ(abbreviations.at("SFM").formula, "Sr2Fe1.5Mo0.5Ox");
  EXPECT_EQ(abbreviations.at("LZP").formula, "LiZr2(PO4)3");
  int sfm = 0, llzo = 0, lzp = 0;
  for (const Mention& m : find_mentions(text, tokens, abbreviations)) {
    if (m.text == "SFM") {
      ++sfm;
      EXPECT_EQ(m.kind, MentionKind::kAbbreviation);
    }
    if (m.text == "LLZO") {
      ++llzo;
      EXPECT_EQ(m.formula, "Li7La3Zr2O12");
    }
    if (m.text == "LZP") ++lzp;
  }
  EXPECT_EQ(sfm, 2);
  EXPECT_EQ(llzo, 2);
  EXPECT_EQ(lzp, 2);
  // A material named in words: "yttrium-doped barium zirconate (BZY)".
  const std::string named = "yttrium-doped barium zirconate (BZY) films; BZY was dense.";
  const auto ntok = tokenize(named);
  AbbreviationTable nab;
  find_abbreviations(named, ntok, nab);
  ASSERT_TRUE(nab.count("BZY"));
  EXPECT_TRUE(nab.at("BZY").material);
  EXPECT_EQ(nab.at("BZY").long_form, "yttrium-doped barium zirconate");
  int bzy = 0;
  for (const Mention& m : find_mentions(named, ntok, nab)) bzy += m.text == "BZY";
  EXPECT_EQ(bzy, 2);
}

TEST(MiningMentions, LookAlikesAreRejected) {
  // Each of these parses as a formula (CV = C + V, NSW = N + S + W, PVDF = P + V + D + F,
  // In = indium) or is a unit after a number.
  EXPECT_TRUE(words("NSW, Australia").empty());
  EXPECT_TRUE(words("CV curves and SEM images").empty());
  // PVDF is a polymer (a reagent mention), never a formula of P, V, D and F.
  EXPECT_EQ(kinds_of("a PVDF binder"), (std::vector<std::string>{"PVDF:reagent"}));
  EXPECT_FALSE(check_formula_word("PVDF").accepted);
  EXPECT_TRUE(words("In this work, I measured").empty());
  EXPECT_TRUE(words("cycled to 5 V at 10 K and 3 Pa").empty());
  EXPECT_TRUE(words("labels S1 and C2 in region IV").empty());
  EXPECT_TRUE(words("Li+ and O2\u2212 ions").empty());
  EXPECT_TRUE(words("X-ray diffraction").empty());
  EXPECT_TRUE(
      words("solid oxide fuel cells (SOFCs) and the oxygen reduction reaction (ORR)").empty());
  // Defined in the document as a technique: stays rejected even if it were a formula.
  EXPECT_TRUE(
      words("cyclic voltammetry (CV) and electrochemical impedance spectroscopy (EIS)").empty());
  // Acronym plurals are acronyms, also with a citation number glued on; "oxygen" is a word.
  EXPECT_TRUE(words("with oxygen; SOFCs and PCFCs").empty());
  // Gases and solvents are ambient mentions, never materials that carry a property.
  // An oxidant is ambient; water and inert gases are the medium.
  std::vector<std::string> gases;
  for (const Mention& m : mentions_of("in O2, H2O and Ar")) {
    gases.push_back(m.text + ":" + std::string(to_string(m.kind)));
    EXPECT_FALSE(is_material(m.kind));
  }
  EXPECT_EQ(gases, (std::vector<std::string>{"O2:ambient", "H2O:medium", "Ar:medium"}));
  // ... but real all-capital compounds stay.
  EXPECT_EQ(words("BN and WC"), (std::vector<std::string>{"BN", "WC"}));
}

std::vector<std::string> kinds(std::string_view text) {
  std::vector<std::string> out;
  for (const Mention& m : mentions_of(text)) {
    out.push_back(m.text + ":" + std::string(to_string(m.kind)));
  }
  return out;
}

// Fuels and oxidants are substances of the experiment (SOFC-Exp annotates them, "fuel_used");
// they are mentions of kind ambient, which records never take as their material.
TEST(MiningMentions, FuelsAndOxidantsAreAmbient) {
  // SOFC-Exp PMC6249295 (Kim et al., Sci. Rep. 2018, CC BY).
  EXPECT_EQ(kinds("Figure 4a shows the power density and voltage as functions of current density "
                  "for the transforming cell with humidified H2 as fuel and air as the oxidant."),
            (std::vector<std::string>{"H2:ambient", "air:ambient"}));
  // SOFC-Exp PMC4673446 (Ding et al., Sci. Rep. 2015, CC BY): "H2S-containing H2" is H2 with
  // some H2S, the fuel is H2.
  EXPECT_EQ(kinds("The cells were tested from 600 to 800 °C with the static air as oxidant "
                  "and humid hydrogen (~3% H2O), methane or H2S-containing H2 as fuel."),
            (std::vector<std::string>{"air:ambient", "hydrogen:ambient", "H2O:medium",
                                      "methane:ambient", "H2:ambient"}));
}

// "x = 0.05 and x = 0.10" after a formula with x names compounds (SOFC-Exp annotates them).
TEST(MiningMentions, CompositionVariableValues) {
  // SOFC-Exp PMC4992832 (Lan et al., Sci. Rep. 2016, CC BY).
  EXPECT_EQ(kinds("It has been reported that SrFe1-xTixO3−δ where x = 0.3, 0.4 combined "
                  "with Ce0.9Gd0.1O2−δ performs well as an anode for SOFCs19."),
            (std::vector<std::string>{"SrFe1-xTixO3−δ:formula", "x = 0.3, 0.4:composition",
                                      "Ce0.9Gd0.1O2−δ:formula"}));
  // Without a formula with that variable, "x = 2" is not a mention.
  EXPECT_TRUE(words("the fit gives x = 2 for the slope").empty());
  const auto m = mentions_of("Ba1−xSrxFeO3−δ with x = 0.05 and 0.10");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].text, "x = 0.05 and 0.10");
  EXPECT_EQ(m[1].formula, "Ba1−xSrxFeO3−δ");
  EXPECT_FALSE(is_material(m[1].kind));
}

// Superscript citations lost in text extraction glue reference numbers to words.
TEST(MiningMentions, ReferenceNumbersGluedToWords) {
  // SOFC-Exp PMC4895149 (Hanifi et al., Sci. Rep. 2016, CC BY).
  EXPECT_EQ(words("The effectiveness of using calcined YSZ in the development of a porous "
                  "structure for infiltration of nickel1415 or LSBT16 anodes"),
            (std::vector<std::string>{"YSZ", "nickel"}));
  EXPECT_EQ(check_formula_word("SOFCs19").reason, "an acronym in the plural");
  EXPECT_EQ(check_formula_word("PCFC4041424344454647").reason,
            "an implausible count (a reference number glued on)");
  EXPECT_TRUE(check_formula_word("Li7La3Zr2O12").accepted);
  EXPECT_TRUE(check_formula_word("Li0.33La0.557TiO3").accepted);
}

// An element name modifying a property noun names no material.
TEST(MiningMentions, ElementNamesModifyingPropertyNouns) {
  // SOFC-Exp PMC4222441 (Wu et al., Beilstein J. Nanotechnol. 2014, CC BY), title.
  EXPECT_EQ(words("Nanocrystalline ceria coatings on solid oxide fuel cell anodes: the role of "
                  "organic surfactant pretreatments on coating microstructures and sulfur "
                  "tolerance"),
            (std::vector<std::string>{"ceria"}));
  EXPECT_EQ(words("infiltrated with nickel and cobalt"),
            (std::vector<std::string>{"nickel", "cobalt"}));
}

TEST(MiningMentions, CheckExplainsRejections) {
  EXPECT_EQ(check_formula_word("NSW").reason, "known non-material acronym");
  EXPECT_EQ(check_formula_word("CVD").reason, "known non-material acronym");
  EXPECT_EQ(check_formula_word("CNO").reason, "capital letters only (an acronym)");
  EXPECT_EQ(check_formula_word("In").reason, "an English word");
  EXPECT_EQ(check_formula_word("V").reason, "a single letter (pronoun, unit or label)");
  EXPECT_EQ(check_formula_word("S1").reason, "an element with a number (a sample label)");
  EXPECT_TRUE(check_formula_word("LiFePO4").accepted);
  EXPECT_EQ(check_formula_word("LiFePO4").reduced, "LiFePO4");
}

// Substances of procedures that are not materials of records: reagents named in words, generic
// nouns after a determiner, media, and the supporting layer of a cell.
TEST(MiningMentions, ReagentsReferencesMediaAndRoles) {
  // Synthesis corpus 10.1039/b910641c (train split): "a mixture of X" names X, not a mixture of
  // its own.
  EXPECT_EQ(kinds_of("A mixture of V2O5 (0.078g, 0.429mmol), cupric acetate hydrate (0.212g, "
                     "1.17mmol), 1,10-phenanthroline (0.087 g, 0.483 mmol), "
                     "1,3-phenyldiphosphonic acid (0.048 g, 0.202 mmol), and H2O (5.00 mL)"),
            (std::vector<std::string>{"V2O5:formula", "cupric acetate hydrate:reagent",
                                      "phenanthroline:reagent",
                                      "1,3-phenyldiphosphonic acid:reagent", "H2O:medium"}));
  // Synthesis corpus 10.1002/ejic.201201429 (train split).
  EXPECT_EQ(kinds_of("Materials: Cobalt(II) nitrate hexahydrate (VWR Prolabo, 98 %), sodium "
                     "borohydride (Sigma-Aldrich, 98 %), citric acid monohydrate"),
            (std::vector<std::string>{"Cobalt(II) nitrate hexahydrate:reagent", "sodium:name",
                                      "citric acid:reagent"}));
  // Synthesis corpus 10.1038/srep45030 (train split): "the resulting mixture" refers to a
  // material; "10% HCl" is an acid, "DI water" the medium.
  EXPECT_EQ(kinds_of("The resulting mixture was washed by centrifugation with 10% HCl and then "
                     "with DI water several times"),
            (std::vector<std::string>{"mixture:reference", "HCl:ambient", "water:medium"}));
  // "NaOH solution" and "aqueous solution of X" name NaOH and X, not a material of their own.
  EXPECT_EQ(kinds_of("2 M NaOH solution and an aqueous solution of RuCl3"),
            (std::vector<std::string>{"NaOH:reagent", "RuCl3:formula"}));
  // SOFC-Exp PMC4673446 (Ding et al., Sci. Rep. 2015, CC BY; train split).
  EXPECT_EQ(kinds_of("a LSGM electrolyte-supported SOFC with steam and N2"),
            (std::vector<std::string>{"electrolyte-supported:role", "steam:medium", "N2:medium"}));
  for (const Mention& m : mentions_of("the mixture, citric acid, steam, anode-supported")) {
    EXPECT_FALSE(is_material(m.kind)) << m.text;
  }
}

// An element as a dopant or a site is not a material mention.
TEST(MiningMentions, ElementsAsDopantsAndSites) {
  // SOFC-Exp PMC5456866 (dev split).
  EXPECT_EQ(words("In a previous work we studied the Nb incorporation at the Co positions in the "
                  "SrCo1\u2212xNbxO3\u2212\u03B4 system"),
            (std::vector<std::string>{"SrCo1\u2212xNbxO3\u2212\u03B4"}));
  EXPECT_TRUE(words("the effect of Nb-doping and a Cu-free anode").empty());
}

// "(LSCM)12" (a citation glued to the bracket) and "LSGM (La0.9Sr0.1Ga0.8Mg0.2O3)" (a long
// formula after the abbreviation) define abbreviations.
TEST(MiningMentions, AbbreviationsWithCitationsAndLongFormulas) {
  // SOFC-Exp PMC4673446 (train split).
  const std::string text =
      "several oxides, such as La0.75Sr0.25Cr0.5Mn0.5O3 (LSCM)12, have been investigated. "
      "on a LSGM (La0.9Sr0.1Ga0.8Mg0.2O3) electrolyte";
  const AbbreviationTable table = abbreviations_of(text);
  ASSERT_TRUE(table.count("LSCM"));
  EXPECT_EQ(table.at("LSCM").formula, "La0.75Sr0.25Cr0.5Mn0.5O3");
  ASSERT_TRUE(table.count("LSGM"));
  EXPECT_EQ(table.at("LSGM").formula, "La0.9Sr0.1Ga0.8Mg0.2O3");
}

// Notations of SOFC papers, from the train/dev errors (pb-mining-rules/4).
TEST(MiningMentions, DeltaWrittenApartFromItsFormula) {
  // SOFC-Exp PMC5700654 (Song et al., Adv. Sci. 2017, CC BY; train split): "O3− δ" with a space.
  const std::string text =
      "During synthesis, Ni nanoparticles, water\u2010storable BaZr0.4Ce0.4Y0.2O3\u2212 \u03B4 "
      "(BZCY) perovskite, and amorphous BaO are formed in situ and deposited on the surface of a "
      "Sm0.2Ce0.8O1.9 (SDC) scaffold. A cell with Ni\u2010free BZCY anode.";
  const AbbreviationTable table = abbreviations_of(text);
  ASSERT_TRUE(table.count("BZCY"));
  EXPECT_TRUE(table.at("BZCY").material);
  EXPECT_EQ(table.at("BZCY").formula, "BaZr0.4Ce0.4Y0.2O3\u2212\u03B4");
  EXPECT_EQ(words(text),
            (std::vector<std::string>{"Ni", "water", "BaZr0.4Ce0.4Y0.2O3\u2212 \u03B4", "BZCY",
                                      "BaO", "Sm0.2Ce0.8O1.9", "SDC", "BZCY"}));
  // SOFC-Exp PMC4986314 (Kubicek et al., Solid State Ionics 2014, CC BY; train split): spaces on
  // both sides of the minus.
  const std::string lsc =
      "This contribution reports the results of a study applying EIS and IEDP to one and the same "
      "La0.6Sr0.4CoO3 \u2212 \u03B4 (LSC) thin film";
  EXPECT_EQ(kinds_of(lsc),
            (std::vector<std::string>{"La0.6Sr0.4CoO3 \u2212 \u03B4:formula", "LSC:abbreviation"}));
}

TEST(MiningMentions, AbbreviationsInCompositesAndWithDefinitions) {
  // SOFC-Exp PMC4313086 (Duan et al., Sci. Rep. 2015, CC BY; train split), also the SOFC-Exp
  // guidelines' example: the bracketed abbreviation joined to YSZ.
  EXPECT_EQ(
      words("The cells consisted of Ni-YSZ functional anode, YSZ electrolyte and "
            "(La0.8Sr0.2)0.95MnO3-\u03B4 (LSM)-YSZ cathode prepared in sequence"),
      (std::vector<std::string>{"Ni", "YSZ", "YSZ", "(La0.8Sr0.2)0.95MnO3-\u03B4", "LSM", "YSZ"}));
  // SOFC-Exp PMC4673446 (Ding et al., Sci. Rep. 2015, CC BY; train split): "(LSTO, M = ...)"
  // defines LSTO; "Sr2MMoO6" has a placeholder M; the elements that fill it are no mentions.
  const std::string text =
      "several oxides, such as La0.75Sr0.25Cr0.5Mn0.5O3 (LSCM)12, La0.33Sr0.67Ti1\u2212xMxO3 "
      "(LSTO, M = Fen+, Mnn+, Sc)13, Sr2MMoO6 (SMMO, M = Mg, Fe, Co)81415 and "
      "Pr0.8Sr1.2(Co,Fe)0.8Nb0.2O4 (K-PSCFN)16, have been investigated as the potential anode "
      "materials. For instance, without a Pd or Ni catalyst, pure LSTO or LSCM anode could not "
      "provide reasonable performance";
  EXPECT_EQ(words(text), (std::vector<std::string>{"La0.75Sr0.25Cr0.5Mn0.5O3", "LSCM",
                                                   "La0.33Sr0.67Ti1\u2212xMxO3", "LSTO", "Sr2MMoO6",
                                                   "SMMO", "Pr0.8Sr1.2(Co,Fe)0.8Nb0.2O4", "K-PSCFN",
                                                   "Pd", "Ni", "LSTO", "LSCM"}));
  // SOFC-Exp PMC5457058 (Troncoso et al., Materials 2016, CC BY; dev split): composition values
  // between the formula and its abbreviation.
  const std::string scro =
      "with LSGM as the electrolyte, SrCo1\u2212xRexO3\u2212\u03B4 (x = 0.05, 0.10) (SCRO) as "
      "cathode materials";
  const AbbreviationTable table = abbreviations_of(scro);
  ASSERT_TRUE(table.count("SCRO"));
  EXPECT_EQ(table.at("SCRO").formula, "SrCo1\u2212xRexO3\u2212\u03B4");
  // SOFC-Exp PMC3730159 (Tang et al., Sci. World J. 2013, CC BY; train split): a bracket across
  // the parts of a composite.
  EXPECT_EQ(words("The cell composed of (La2Sn2O7 + YSZ)/Pt composite electrode"),
            (std::vector<std::string>{"La2Sn2O7", "YSZ", "Pt"}));
  // SOFC-Exp PMC4578433 (Ji et al., Beilstein J. Nanotechnol. 2015, CC BY; train split): the
  // plural of a material abbreviation; "SOFCs" stays rejected.
  EXPECT_EQ(words("anodic aluminum oxide (AAO) supports. AAOs with 80 nm-sized pores and SOFCs"),
            (std::vector<std::string>{"aluminum", "AAO", "AAOs"}));
  // SOFC-Exp PMC4735809 (Nenning et al., J. Phys. Chem. C 2015, CC BY; dev split): a gas in
  // brackets does not become an abbreviation of "oxidizing".
  const std::string o2 =
      "as cathodes in oxidizing (O2) and as anodes in reducing (H2/H2O) atmospheres. 0.5 mbar of "
      "O2";
  const AbbreviationTable none = abbreviations_of(o2);
  EXPECT_FALSE(none.count("O2"));
  EXPECT_EQ(words(o2), (std::vector<std::string>{"O2", "H2", "H2O", "O2"}));
}

TEST(MiningMentions, CompositionValuesNameADocumentFormula) {
  // SOFC-Exp PMC5457058 (dev split): the sentence with "x = 0.05 and x = 0.10" has no formula;
  // the document's SrCo1−xRexO3−δ gives it.
  const std::string text =
      "SrCo1\u2212xRexO3\u2212\u03B4 (x = 0.05, 0.10) oxides were prepared. The electrical "
      "conductivity gave maximum values of 43.5 S\u00B7cm\u22121 and 51.6 S\u00B7cm\u22121 for "
      "x = 0.05 and x = 0.10, respectively, at 850 \u00B0C.";
  const AbbreviationTable table = abbreviations_of(text);
  const std::string second = text.substr(text.find("The electrical"));
  std::vector<std::string> got;
  for (const Mention& m : find_mentions(second, tokenize(second), table)) {
    got.push_back(m.text + ":" + std::string(to_string(m.kind)) + ":" + m.formula);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"x = 0.05:composition:SrCo1\u2212xRexO3\u2212\u03B4",
                                           "x = 0.10:composition:SrCo1\u2212xRexO3\u2212\u03B4"}));
}

TEST(MiningMentions, MaterialNamesOfSofcPapers) {
  // SOFC-Exp PMC4495617 (Liu et al., Sci. Rep. 2015, CC BY; dev split): an oxide named by its
  // cations.
  EXPECT_EQ(kinds_of("which show Sr-Fe-Mo-oxide particles are highly dispersed on the surface of "
                     "flowerlike CeO2 microspheres"),
            (std::vector<std::string>{"Sr-Fe-Mo-oxide:name", "CeO2:formula"}));
  // SOFC-Exp PMC4021905 (Faes et al., Membranes 2012, CC BY; train split): stabilized zirconia
  // named by its dopants with their mol-%, and CGO from the alias table.
  EXPECT_EQ(words("Kerafol observed a constant ASR for 3 RedOx cycles at 850 \u00B0C using a "
                  "10Sc1CeSZ electrolyte and a Ni-8YSZ anode."),
            (std::vector<std::string>{"10Sc1CeSZ", "Ni", "8YSZ"}));
  EXPECT_EQ(words("(Sr0.86,Y0.08)TiO3/CGO/NiO anodes"),
            (std::vector<std::string>{"(Sr0.86,Y0.08)TiO3", "CGO", "NiO"}));
  // SOFC-Exp PMC4772004 (Joong et al., Sci. Rep. 2016, CC BY; train split): steel, and an
  // abbreviation of it.
  const std::string sts =
      "by employing oxide-based thin-film electrode and porous stainless steel (STS) substrate. "
      "the YSZ and STS";
  EXPECT_EQ(words(sts), (std::vector<std::string>{"steel", "STS", "YSZ", "STS"}));
  // SOFC-Exp PMC4992832 (Lan et al., Sci. Rep. 2016, CC BY; train split): a percentage glued to a
  // gas.
  EXPECT_EQ(words("exhibits a conductivity of 63 Scm\u22121and 60 Scm\u22121 at 415 \u00B0C in air "
                  "and 5%H2/Ar respectively."),
            (std::vector<std::string>{"air", "5%H2", "Ar"}));
}

TEST(MiningMentions, AuthorsDopantListsAndLabwareAreNoMaterials) {
  // SOFC-Exp PMC4021905 (train split): an author, and elements a compound is doped with.
  EXPECT_EQ(words("Li et al. measured the performance of anode-supported cells"),
            (std::vector<std::string>{"anode-supported"}));
  EXPECT_EQ(words("A parallel patent proposed SrTiO3 doped with Y, La, Gd that shows expansion "
                  "during RedOx cycles when infiltrated by Ni [241]."),
            (std::vector<std::string>{"SrTiO3", "Ni"}));
  // Synthesis corpus 10.1002/aenm.201300174 (dev split): the crucible's alumina is labware.
  EXPECT_EQ(words("The starting materials were transferred into an alumina crucible, covered by "
                  "B2O3 powders and then compacted."),
            (std::vector<std::string>{"materials", "B2O3"}));
  EXPECT_EQ(words("heated in a Teflon-lined stainless steel autoclave"),
            std::vector<std::string>{});
}

// Reagents and references of procedures, from the synthesis corpus's train/dev errors.
TEST(MiningMentions, ReagentAbbreviationsAndLabelledSolutions) {
  // Synthesis corpus 10.1016/j.electacta.2012.12.112 (train split): abbreviations of reagents
  // named in words are reagent mentions wherever they recur.
  const std::string text =
      "Dimethylformamide (DMF), acetonitrile (ACN), and acetone were purchased from Merck. It was "
      "rinsed with ACN and dried; DMF was removed.";
  const AbbreviationTable table = abbreviations_of(text);
  ASSERT_TRUE(table.count("DMF"));
  EXPECT_TRUE(table.at("DMF").reagent);
  EXPECT_FALSE(table.at("DMF").material);
  EXPECT_EQ(kinds_of(text), (std::vector<std::string>{
                                "Dimethylformamide:reagent", "DMF:reagent", "acetonitrile:reagent",
                                "ACN:reagent", "acetone:medium", "ACN:reagent", "DMF:reagent"}));
  // Synthesis corpus 10.1016/j.jallcom.2015.11.182 (train split): a labelled solution.
  EXPECT_EQ(kinds_of("NH4F (50% excess) was dissolved in 25 mL of water (solution A)."),
            (std::vector<std::string>{"NH4F:formula", "water:medium", "solution A:reference"}));
  // Synthesis corpus 10.1002/cssc.201200775 (train split): "a solution of X" names X.
  EXPECT_EQ(kinds_of("Thus, a solution of TiCl4 (1 g) in ethanol (2.53 mL) was dispersed"),
            (std::vector<std::string>{"TiCl4:formula", "ethanol:medium"}));
  // A label on the next line is not one: "... electrode material\nA 200 mg KMnO4" (synthesis
  // corpus 10.1016/j.matlet.2013.12.007, title and first sentence).
  EXPECT_EQ(kinds_of("as supercapacitor electrode material\nA 200 mg KMnO4"),
            (std::vector<std::string>{"KMnO4:formula"}));
  // "the precursor solution": the head noun only.
  EXPECT_EQ(words("the precursor solution was dried"), (std::vector<std::string>{"solution"}));
}

// Abbreviations defined other ways than "LONG FORM (ABBR)", from the synthesis corpus's train
// split errors.
TEST(MiningMentions, AcronymsOfTheDocumentsFormulas) {
  // Synthesis corpus 10.1002/adma.200903953 (train split): BLF is never defined; the title's
  // formula Ba0.95La0.05FeO3-δ gives its element initials B, L, F (O left out).
  const std::string text =
      "High-Performance Oxygen-Permeable Membranes with an Asymmetric Structure Using "
      "Ba0.95La0.05FeO3-\u03B4 Perovskite-Type Oxide\nA porous BLF support was fabricated by an "
      "oxalate method 28.";
  const AbbreviationTable table = abbreviations_of(text);
  ASSERT_TRUE(table.count("BLF"));
  EXPECT_TRUE(table.at("BLF").derived);
  EXPECT_EQ(kinds_of(text),
            (std::vector<std::string>{"Ba0.95La0.05FeO3-\u03B4:formula", "BLF:abbreviation"}));
  EXPECT_EQ(mentions_of(text).back().formula, "Ba0.95La0.05FeO3-\u03B4");
  // With and without the oxygen; two-element formulas and known non-material acronyms give none.
  const AbbreviationTable llzo =
      abbreviations_of("Li7La3Zr2O12 and Li1.3Al0.3Ti1.7(PO4)3, LiCoO2, TiO2");
  for (const char* a : {"LLZO", "LLZ", "LATP", "LCO"}) EXPECT_TRUE(llzo.count(a)) << a;
  EXPECT_FALSE(llzo.count("TO"));
  EXPECT_EQ(words("The LATP was sintered"), (std::vector<std::string>{"LATP"}));  // alias table
  EXPECT_EQ(words("The SEM images"), std::vector<std::string>{});
  // An explicit definition, earlier or later in the document, wins over an acronym read off a
  // formula: Ca, Va... here "CVO" of CaV2O6 defined as a technique stays a technique.
  const AbbreviationTable defined =
      abbreviations_of("CaV2O6 was made. The cyclic voltammetry overpotential (CVO) was low.");
  ASSERT_TRUE(defined.count("CVO"));
  EXPECT_FALSE(defined.at("CVO").derived);
  EXPECT_FALSE(defined.at("CVO").material);
}

TEST(MiningMentions, LongFormsOfMaterialsAndReagents) {
  // Synthesis corpus 10.1016/j.conbuildmat.2014.05.031 (train split): the head noun "ash".
  EXPECT_EQ(kinds_of("The palm oil fuel ash (POFA), obtained from burning of palm oil shells, husk "
                     "and fibers, was collected. The chemical composition of the POFA by XRF"),
            (std::vector<std::string>{"POFA:abbreviation", "POFA:abbreviation"}));
  // Synthesis corpus 10.1016/j.matdes.2016.08.043 (train split): a framework.
  EXPECT_EQ(words("during metal organic framework (MOF-5) carbonization process. The MOF-5 was "
                  "prepared"),
            (std::vector<std::string>{"MOF-5", "MOF-5"}));
  // Synthesis corpus 10.1002/adma.201300071 (train split): a formula inside the long form.
  const AbbreviationTable hybrid = abbreviations_of(
      "Synthesis of SnO2 nanocrystal/nitrogen-doped RGO hybrid (SnO2NC@N-RGO): Typically");
  ASSERT_TRUE(hybrid.count("SnO2NC@N-RGO"));
  EXPECT_TRUE(hybrid.at("SnO2NC@N-RGO").material);
  // Synthesis corpus 10.1002/ejic.201201429 (train split): a locant before the long form and the
  // supplier after the abbreviation.
  EXPECT_EQ(kinds_of("3-aminopropyltriethoxysilane (APTES, Sigma-Aldrich, 99 %) was added. APTES"),
            (std::vector<std::string>{"APTES:reagent", "APTES:reagent"}));
  // A technique after a formula, followed by a comma, defines nothing.
  const AbbreviationTable xrd = abbreviations_of("Li7La3Zr2O12 (XRD, Fig. 2) is cubic.");
  EXPECT_FALSE(xrd.count("XRD"));
  // Synthesis corpus 10.1039/c6ta02139e (train split): nitrogen-doped carbon.
  const auto nc = kinds_of(
      "Graphene (G) and nitrogen-doped carbon (NC) were prepared via the "
      "same process");
  ASSERT_FALSE(nc.empty());
  EXPECT_EQ(nc.back(), "NC:abbreviation");
}

}  // namespace
}  // namespace pb::mining
