// The CIF syntax layer on small inline documents, one feature or error per test.
#include "crystal/cif_syntax.hpp"

#include <gtest/gtest.h>

using namespace pb::crystal::cif;

TEST(CifSyntax, ReadsItemsAndLoopsWithLineNumbers) {
  Document d = read_text(
      "data_NaCl\n"
      "_cell_length_a 5.6402(3)\n"
      "_symmetry_space_group_name_H-M 'F m -3 m'\n"
      "loop_\n"
      "_atom_site_label\n"
      "_atom_site_fract_x\n"
      "Na1 0.0\n"
      "Cl1 0.5\n",
      "nacl.cif");
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.blocks.size(), 1u);
  const Block& b = d.blocks[0];
  EXPECT_EQ(b.name, "NaCl");
  EXPECT_EQ(b.find("_cell_length_a")->text, "5.6402(3)");
  EXPECT_EQ(b.find("_CELL_LENGTH_A")->line, 2u);  // tags are case-insensitive
  EXPECT_EQ(b.find("_symmetry_space_group_name_H-M")->text, "F m -3 m");
  EXPECT_EQ(b.find("_symmetry_space_group_name_H-M")->kind, ValueKind::kSingleQuoted);
  const Loop* loop = b.find_loop("_atom_site_fract_x");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->rows(), 2u);
  EXPECT_EQ(loop->at(1, loop->column("_atom_site_label")).text, "Cl1");
  EXPECT_EQ(loop->at(1, 1).line, 8u);
  EXPECT_EQ(loop->line, 4u);
}

TEST(CifSyntax, HandlesCrLfTabsCommentsAndNoFinalNewline) {
  Document d = read_text("# comment\r\ndata_x\r\n_a\t1 # trailing comment\r\n_b\t'two words'", "t");
  ASSERT_TRUE(d.errors.empty());
  EXPECT_EQ(d.blocks[0].find("_a")->text, "1");
  EXPECT_EQ(d.blocks[0].find("_b")->text, "two words");
  EXPECT_EQ(d.blocks[0].find("_b")->line, 4u);
}

TEST(CifSyntax, ReadsTextFields) {
  Document d = read_text("data_x\n_title\n;Line one\r\nline two\r\n;\n_next 3\n");
  ASSERT_TRUE(d.errors.empty()) << d.errors[0].describe();
  const Value* v = d.blocks[0].find("_title");
  EXPECT_EQ(v->kind, ValueKind::kTextField);
  EXPECT_EQ(v->text, "Line one\r\nline two");
  EXPECT_EQ(v->line, 3u);
  EXPECT_EQ(d.blocks[0].find("_next")->line, 6u);
}

TEST(CifSyntax, QuotedValuesMayContainTheirQuote) {
  // CIF 1.1: a quote closes the string only when a blank follows it.
  Document d = read_text("data_x\n_a 'O'Brien's'\n_b \"a\"b\"\n_c '?'\n_d ?\n_e .\n");
  ASSERT_TRUE(d.errors.empty());
  EXPECT_EQ(d.blocks[0].find("_a")->text, "O'Brien's");
  EXPECT_EQ(d.blocks[0].find("_b")->text, "a\"b");
  // ... so "say "hi" now" ends at hi" and leaves now" without a tag.
  EXPECT_FALSE(read_text("data_x\n_b \"say \"hi\" now\"\n").errors.empty());
  EXPECT_EQ(d.blocks[0].find("_c")->kind, ValueKind::kSingleQuoted);
  EXPECT_FALSE(d.blocks[0].find("_c")->is_null());
  EXPECT_EQ(d.blocks[0].find("_d")->kind, ValueKind::kUnknown);
  EXPECT_EQ(d.blocks[0].find("_e")->kind, ValueKind::kInapplicable);
}

TEST(CifSyntax, ReadsSeveralBlocksAndSaveFrames) {
  Document d = read_text("data_a\n_x 1\nDATA_b\n_x 2\nsave_frame1\n_y 3\nsave_\n_z 4\n");
  ASSERT_TRUE(d.errors.empty()) << d.errors[0].describe();
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.find_block("B")->find("_x")->text, "2");
  ASSERT_EQ(d.blocks[1].frames.size(), 1u);
  EXPECT_EQ(d.blocks[1].frames[0].name, "frame1");
  EXPECT_EQ(d.blocks[1].frames[0].find("_y")->text, "3");
  EXPECT_EQ(d.blocks[1].find("_z")->text, "4");
}

TEST(CifSyntax, KeepsNonUtf8Bytes) {
  Document d = read_text(std::string("data_x\n_name 'M\xFCller'\n"));
  ASSERT_TRUE(d.errors.empty());
  EXPECT_EQ(d.blocks[0].find("_name")->text, "M\xFCller");
}

TEST(CifSyntax, ReadsCif2TripleQuotesListsAndTables) {
  Document d = read_text(
      "#\\#CIF_2.0\ndata_x\n_a '''it's\nmultiline'''\n_b [1 2 [3 'a]b']]\n_c {'k':v}\n_d 'x y'\n");
  ASSERT_TRUE(d.cif2);
  ASSERT_TRUE(d.errors.empty()) << d.errors[0].describe();
  const Block& b = d.blocks[0];
  EXPECT_EQ(b.find("_a")->text, "it's\nmultiline");
  EXPECT_EQ(b.find("_a")->kind, ValueKind::kTripleQuoted);
  EXPECT_EQ(b.find("_b")->text, "[1 2 [3 'a]b']]");
  EXPECT_EQ(b.find("_b")->kind, ValueKind::kList);
  EXPECT_EQ(b.find("_c")->kind, ValueKind::kTable);
  EXPECT_EQ(b.find("_b")->line, 5u);
  EXPECT_EQ(b.find("_d")->line, 7u);
}

TEST(CifSyntax, ABadBlockIsReportedAndTheOthersAreRead) {
  Document d = read_text("data_good1\n_a 1\ndata_bad\n_b 'open\n_c 2\ndata_good2\n_d 3\n", "f.cif");
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.blocks[1].name, "good2");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].describe(), "f.cif:4: error: unterminated single-quoted string");
}

TEST(CifSyntax, ReportsErrorsWithTheirLine) {
  auto first_error = [](const std::string& text) {
    Document d = read_text(text, "e.cif");
    return d.errors.empty() ? std::string() : d.errors[0].describe();
  };
  EXPECT_EQ(first_error("data_x\nloop_\n_a\n_b\n1 2 3\n"),
            "e.cif:2: error: loop_ with 2 tags has 3 values, not a whole number of rows");
  EXPECT_EQ(first_error("data_x\n_a\n_b 1\n"), "e.cif:3: error: _a has no value");
  EXPECT_EQ(first_error("data_x\n_a 1\n_a 2\n"),
            "e.cif:3: error: duplicate tag _a (also on line 2)");
  EXPECT_EQ(first_error("_a 1\n"), "e.cif:1: error: expected data_ before '_a'");
  EXPECT_EQ(first_error("data_x\n_t\n;never closed\n"),
            "e.cif:3: error: unterminated text field (no line starting with ';' closes it)");
  EXPECT_EQ(first_error("data_x\n_a 1\nstray\n"), "e.cif:3: error: value 'stray' without a tag");
  EXPECT_EQ(first_error("data_x\nloop_\n1 2\n"), "e.cif:2: error: loop_ without tags");
  EXPECT_EQ(first_error("data_x\nsave_f\n_a 1\n"), "e.cif:2: error: save frame f is never closed");
  EXPECT_EQ(first_error("data_x\n_a 1\n"), "");
}

TEST(CifSyntax, WarnsAboutRecoverableOddities) {
  std::vector<std::string> seen;
  ReadOptions o;
  o.on_warning = [&](const Diagnostic& d) { seen.push_back(d.describe()); };
  Document d = read_text("data_\n_a 1\n\x1A", "w.cif", o);
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"w.cif:1: warning: data_ block without a name",
                                            "w.cif:3: warning: Ctrl-Z (DOS end-of-file) character "
                                            "read as a blank"}));
}
