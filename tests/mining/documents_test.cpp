// Document readers on the fixtures of tests/data/mining (see SOURCES.md there).
#include <gtest/gtest.h>

#include <filesystem>

#include "mining/document.hpp"
#include "util/error.hpp"

namespace pb::mining {
namespace {

const std::filesystem::path kData = std::filesystem::path(PB_SOURCE_DIR) / "tests/data/mining";

std::vector<std::string> of_kind(const Document& d, BlockKind kind) {
  std::vector<std::string> out;
  for (const Block& b : d.blocks) {
    if (b.kind == kind) out.push_back(b.text);
  }
  return out;
}

std::string all_text(const Document& d) {
  std::string out;
  for (const Block& b : d.blocks) out += b.text + "\n";
  return out;
}

TEST(MiningDocuments, HtmlMetadataSectionsCaptionsTables) {
  const Document d = read_document_file(kData / "nasicon_cathode_note.html");
  EXPECT_EQ(d.format, DocumentFormat::kHtml);
  EXPECT_EQ(d.meta.title, "Carbon-coated Na3V2(PO4)3 and LiFePO4 cathodes at high rates");
  EXPECT_EQ(d.meta.authors, (std::vector<std::string>{"Example, Ada", "Sample, Ben"}));
  EXPECT_EQ(d.meta.journal, "Journal of Test Electrochemistry");
  EXPECT_EQ(d.meta.year, 2023);
  EXPECT_EQ(d.meta.doi, "10.5555/pb.mining.0002");
  EXPECT_EQ(d.content_hash.size(), 64u);
  const auto abstract = of_kind(d, BlockKind::kAbstract);
  ASSERT_EQ(abstract.size(), 1u);
  EXPECT_NE(abstract[0].find("162 mAh g\u22121 at 0.1C"), std::string::npos);
  EXPECT_EQ(
      of_kind(d, BlockKind::kHeading),
      (std::vector<std::string>{"Carbon-coated Na3V2(PO4)3 and LiFePO4 cathodes at high rates",
                                "Abstract", "Experimental", "Results"}));
  const auto captions = of_kind(d, BlockKind::kCaption);
  ASSERT_EQ(captions.size(), 2u);
  EXPECT_EQ(captions[0], "Fig. 1. SEM image of LFP particles (scale bar 1 \u00B5m).");
  EXPECT_EQ(captions[1], "Table 1. Discharge capacities of LFP.");
  const auto tables = of_kind(d, BlockKind::kTable);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0], "Rate\tCapacity (mAh g\u22121)\n0.1C\t162\n1C\t148");
  // Scripts, styles, navigation and footers are not text.
  const std::string text = all_text(d);
  EXPECT_EQ(text.find("LiCoO2 1 mS/cm"), std::string::npos);
  EXPECT_EQ(text.find("LiMn2O4 menu"), std::string::npos);
  EXPECT_EQ(text.find("Test Publisher"), std::string::npos);
  for (const Block& b : d.blocks) {
    if (b.text.starts_with("The average voltage")) {
      EXPECT_EQ(b.section, "Results");
    }
  }
}

TEST(MiningDocuments, JatsMetadataAbstractFloats) {
  const Document d = read_document_file(kData / "llzo_jats.xml");
  EXPECT_EQ(d.format, DocumentFormat::kJats);
  EXPECT_EQ(d.meta.title, "Aluminium-stabilised Li7La3Zr2O12 by sol\u2013gel synthesis");
  EXPECT_EQ(d.meta.authors, (std::vector<std::string>{"Ada Example", "Ben Sample"}));
  EXPECT_EQ(d.meta.journal, "Test Journal of Solid State Ionics");
  EXPECT_EQ(d.meta.year, 2022);
  EXPECT_EQ(d.meta.doi, "10.5555/pb.mining.0003");
  const auto abstract = of_kind(d, BlockKind::kAbstract);
  ASSERT_EQ(abstract.size(), 1u);
  EXPECT_EQ(abstract[0],
            "Li7La3Zr2O12 (LLZO) doped with 0.25 Al reached 4.0 \u00D7 10\u22124 S cm\u22121 at "
            "25 \u00B0C.");
  const auto paragraphs = of_kind(d, BlockKind::kParagraph);
  ASSERT_EQ(paragraphs.size(), 2u);
  EXPECT_EQ(paragraphs[1],
            "The activation energy of LLZO was 0.34 \u00B1 0.02 eV between "
            "25\u201380 \u00B0C.");  // the nested figure is a block of its own
  EXPECT_EQ(of_kind(d, BlockKind::kCaption),
            (std::vector<std::string>{"Arrhenius plot of Al-doped LLZO.",
                                      "Conductivity of LLZO pellets."}));
  EXPECT_EQ(
      of_kind(d, BlockKind::kTable),
      (std::vector<std::string>{"Sample\t\u03C3 (S cm\u22121)\nLLZO-1\t4.0 \u00D7 10\u22124"}));
  EXPECT_EQ(all_text(d).find("Not mined"), std::string::npos);
}

TEST(MiningDocuments, ElsevierFullText) {
  const Document d = read_document_file(kData / "elsevier_fulltext.xml");
  EXPECT_EQ(d.format, DocumentFormat::kElsevier);
  EXPECT_EQ(d.meta.title, "Silicon\u2013graphite composite anodes with high areal capacity");
  EXPECT_EQ(d.meta.authors, (std::vector<std::string>{"Example, Ada", "Sample, Ben"}));
  EXPECT_EQ(d.meta.journal, "Test Journal of Power Sources");
  EXPECT_EQ(d.meta.year, 2021);
  EXPECT_EQ(d.meta.doi, "10.5555/pb.mining.0004");
  const auto abstract = of_kind(d, BlockKind::kAbstract);
  ASSERT_EQ(abstract.size(), 1u);
  EXPECT_NE(abstract[0].find("650 mAh g\u22121 after 100 cycles"), std::string::npos);
  EXPECT_EQ(of_kind(d, BlockKind::kHeading), (std::vector<std::string>{"Introduction", "Results"}));
  EXPECT_EQ(of_kind(d, BlockKind::kCaption),
            (std::vector<std::string>{"Cycling of Si/graphite at 25 \u00B0C.", "Capacities."}));
  EXPECT_EQ(of_kind(d, BlockKind::kTable), (std::vector<std::string>{"Cycle\tCapacity\n100\t650"}));
}

TEST(MiningDocuments, PdfInfoDictionaryAndText) {
  const Document d = read_document_file(kData / "solid_electrolyte_note.pdf");
  EXPECT_EQ(d.format, DocumentFormat::kPdf);
  EXPECT_EQ(d.meta.title, "Tantalum-doped garnet electrolytes for lithium metal cells");
  EXPECT_EQ(d.meta.authors, (std::vector<std::string>{"A. Example", "B. Sample"}));
  EXPECT_EQ(d.meta.journal, "Journal of Test Materials");
  EXPECT_EQ(d.meta.year, 2024);
  EXPECT_EQ(d.meta.doi, "10.5555/pb.mining.0001");
  const auto abstract = of_kind(d, BlockKind::kAbstract);
  ASSERT_EQ(abstract.size(), 1u);
  // Hyphenation at the line end is undone.
  EXPECT_NE(abstract[0].find("with an activation energy of 0.41 eV."), std::string::npos);
  EXPECT_NE(abstract[0].find("6.1 \u00D7 10^-4 S cm-1 at 25 \u00B0C"), std::string::npos);
  EXPECT_EQ(
      of_kind(d, BlockKind::kCaption),
      (std::vector<std::string>{"Fig. 1. Arrhenius plot of LLZTO between 25 and 100 \u00B0C."}));
  EXPECT_EQ(all_text(d).find("reference list"), std::string::npos);
  const auto headings = of_kind(d, BlockKind::kHeading);
  EXPECT_EQ(headings, (std::vector<std::string>{"Abstract", "1. Introduction", "2. Results"}));
}

TEST(MiningDocuments, PlainTextAndBadInput) {
  const Document d = read_document_file(kData / "li3ps4_note.txt");
  EXPECT_EQ(d.format, DocumentFormat::kText);
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.blocks[1].text,
            "The Li3PS4 electrolyte showed 0.16 mS/cm at room temperature. Its activation energy "
            "was 35 kJ mol-1.");
  // Sentence-per-line files broken at a decimal point or after "Fig." (as SOFC-Exp texts are).
  const Document lines = read_document(
      "It was 0.\n05 S cm\u22121 at 600 \u00B0C.\nSee Fig.\n2a for details.\nNext line.\n",
      "x.txt");
  ASSERT_EQ(lines.blocks.size(), 3u);
  EXPECT_EQ(lines.blocks[0].text, "It was 0.05 S cm\u22121 at 600 \u00B0C.");
  EXPECT_EQ(lines.blocks[1].text, "See Fig. 2a for details.");
  EXPECT_THROW(read_document("<article><front>", "broken.xml"), ParseError);
  EXPECT_THROW(read_document("%PDF-1.4 not really", "broken.pdf"), ParseError);
  EXPECT_THROW(read_document_file(kData / "missing.txt"), NotFound);
  EXPECT_NO_THROW(read_document("<html><p>unclosed <b>tags & stray < signs", "x.html"));
}

TEST(MiningDocuments, FormatDetectionAndDoi) {
  EXPECT_EQ(detect_format("a.bin", "%PDF-1.7"), DocumentFormat::kPdf);
  EXPECT_EQ(detect_format("a", "<?xml version='1.0'?>\n<!DOCTYPE article><article>"),
            DocumentFormat::kJats);
  EXPECT_EQ(detect_format("a", "<full-text-retrieval-response>"), DocumentFormat::kElsevier);
  EXPECT_EQ(detect_format("a", "<!doctype html><HTML>"), DocumentFormat::kHtml);
  EXPECT_EQ(detect_format("a.txt", "plain"), DocumentFormat::kText);
  EXPECT_EQ(find_doi("see https://doi.org/10.1021/acs.chemmater.9b01234)."),
            "10.1021/acs.chemmater.9b01234");
  EXPECT_EQ(find_doi("no doi 10.12/x"), "");
}

}  // namespace
}  // namespace pb::mining
