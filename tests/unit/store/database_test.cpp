#include "store/database.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"
#include "util/error.hpp"

using pb::store::Connection;
using pb::store::Database;
using pb::store::SqliteError;
using pb::store::Transaction;

TEST(Database, MigratesAFreshFileAndReopens) {
  pb::test::TempDir dir;
  const auto path = dir / "fresh.db";
  {
    Database db = Database::open(path);
    EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(db.connection().query_int64("SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(pb::store::migrations().size()));
    db.connection().exec("INSERT INTO substance(id, host_formula) VALUES ('s1', 'LiNbO3')");
  }
  Database again = Database::open(path);
  EXPECT_EQ(again.schema_version(), Database::latest_schema_version());
  EXPECT_EQ(again.connection().query_int64("SELECT count(*) FROM substance"), 1);
  EXPECT_EQ(again.connection().query_int64("SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(pb::store::migrations().size()));
  EXPECT_GT(again.connection().query_int64("SELECT count(*) FROM property_kind").value_or(0), 20);
}

TEST(Database, WalModeIsOnInTheFile) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "wal.db");
  EXPECT_EQ(db.journal_mode(), "wal");
  // WAL is persistent: a plain connection sees it without asking for it.
  Connection plain(dir / "wal.db", false);
  EXPECT_EQ(plain.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(dir / "wal.db-wal"));
}

TEST(Database, ForeignKeysAreEnforced) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "fk.db");
  EXPECT_EQ(db.connection().query_int64("PRAGMA foreign_keys"), 1);
  try {
    db.connection().exec(
        "INSERT INTO structure(source_file, content_hash, substance_id) VALUES ('x.cif', 'h', "
        "'no-such-substance')");
    FAIL() << "expected a foreign key error";
  } catch (const SqliteError& e) {
    EXPECT_TRUE(e.constraint()) << e.what();
    EXPECT_NE(std::string(e.what()).find("FOREIGN KEY"), std::string::npos) << e.what();
  }
}

TEST(Database, RefusesANewerSchema) {
  pb::test::TempDir dir;
  const auto path = dir / "future.db";
  { Database::open(path); }
  {
    Connection c(path);
    c.exec("INSERT INTO schema_migrations(version, description) VALUES (999, 'from the future')");
  }
  try {
    Database::open(path);
    FAIL() << "expected SchemaError";
  } catch (const pb::store::SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newer phasebook"), std::string::npos) << e.what();
  }
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "tx.db");
  Connection& c = db.connection();
  {
    Transaction tx(c);
    c.exec("INSERT INTO substance(id, host_formula) VALUES ('a', 'NaCl')");
  }
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM substance"), 0);
  {
    Transaction tx(c);
    c.exec("INSERT INTO substance(id, host_formula) VALUES ('a', 'NaCl')");
    {
      pb::store::Savepoint sp(c, "inner");
      c.exec("INSERT INTO substance(id, host_formula) VALUES ('b', 'KCl')");
    }  // rolled back
    tx.commit();
  }
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM substance"), 1);
  EXPECT_FALSE(c.in_transaction());
}

TEST(Database, StatementBindsByIndexAndName) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "bind.db");
  Connection& c = db.connection();
  c.exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, n TEXT)");
  c.prepare("INSERT INTO t VALUES (:i, :d, :s, :n)")
      .bind(":i", std::int64_t{42})
      .bind(":d", 2.5)
      .bind(":s", std::string("text"))
      .bind(":n", std::optional<std::string>{})
      .run();
  auto s = c.prepare("SELECT i, d, s, n FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 42);
  EXPECT_DOUBLE_EQ(s.column_double(1), 2.5);
  EXPECT_EQ(s.column_text(2), "text");
  EXPECT_FALSE(s.column_optional_text(3).has_value());
  EXPECT_FALSE(s.step());
  EXPECT_THROW(c.prepare("SELEC 1"), SqliteError);
}

TEST(Database, OnlineBackupIsACompleteCopy) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "live.db");
  db.connection().exec("INSERT INTO substance(id, host_formula) VALUES ('s1', 'LiNbO3')");
  db.backup(dir / "copy.db");
  EXPECT_THROW(db.backup(dir / "copy.db"), pb::InvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir / "copy.db.partial"));
  Database copy = Database::open(dir / "copy.db");
  EXPECT_EQ(copy.connection().query_int64("SELECT count(*) FROM substance"), 1);
  EXPECT_EQ(copy.schema_version(), Database::latest_schema_version());
}

TEST(Database, FullTextFindsReferenceTitles) {
  pb::test::TempDir dir;
  Database db = Database::open(dir / "fts.db");
  db.connection().exec(
      "INSERT INTO reference(title, authors, journal) VALUES ('Lithium garnet electrolytes', "
      "'[\"Thangadurai, V.\"]', 'Chem. Soc. Rev.')");
  EXPECT_EQ(db.connection().query_int64(
                "SELECT rowid FROM reference_fts WHERE reference_fts MATCH 'garnet'"),
            1);
  db.connection().exec("DELETE FROM reference");
  EXPECT_EQ(db.connection().query_int64("SELECT count(*) FROM reference_fts"), 0);
}
