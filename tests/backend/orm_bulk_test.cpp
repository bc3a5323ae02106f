// bulk_create through each engine's fast path (SQLite statements of many rows with keys
// from the rowids, PostgreSQL COPY, MariaDB array binding) and through INSERT
// statements where a path is declined or conflicts are ignored: every value type
// survives, every object gets its own row's key, a failure leaves nothing behind.
#include <map>
#include <set>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

// A column of every kind, the nullable ones optional.
struct Sample {
  int64_t id = 0;
  std::string code{};
  std::string label{};
  std::optional<std::string> note{};
  Bytes blob{};
  Decimal amount{};
  std::optional<Decimal> discount{};
  double ratio = 0;
  int32_t count = 0;
  bool flag = false;
  Date day{};
  Time at{};
  DateTime stamp{};
  std::optional<DateTime> seen{};
  Json doc{};
  std::optional<Uuid> ref{};

  friend bool operator==(const Sample&, const Sample&) = default;
};

inline void quarry_model(ModelDef<Sample>& m) {
  m.table("qt_sample");
  m.field("id", &Sample::id, BigAutoField());
  m.field("code", &Sample::code, CharField(40).unique());
  m.field("label", &Sample::label, CharField(200));
  m.field("note", &Sample::note, TextField());
  m.field("blob", &Sample::blob, BinaryField());
  m.field("amount", &Sample::amount, DecimalField(12, 3));
  m.field("discount", &Sample::discount, DecimalField(6, 2));
  m.field("ratio", &Sample::ratio, FloatField());
  m.field("count", &Sample::count, IntegerField());
  m.field("flag", &Sample::flag, BooleanField());
  m.field("day", &Sample::day, DateField());
  m.field("at", &Sample::at, TimeField());
  m.field("stamp", &Sample::stamp, DateTimeField());
  m.field("seen", &Sample::seen, DateTimeField());
  m.field("doc", &Sample::doc, JSONField());
  m.field("ref", &Sample::ref, UUIDField());
}

Sample sample(int i) {
  Sample s;
  s.code = "c" + std::to_string(i);
  s.label = "row " + std::to_string(i);
  s.amount = Decimal::from_parts(static_cast<unsigned __int128>(i) * 1001, 3, i % 2 == 1);
  s.ratio = i / 8.0;
  s.count = i * 7 - 100;
  s.flag = i % 3 == 0;
  s.day = Date(1969 + i % 60, 1 + i % 12, 1 + i % 28);
  s.at = Time(i % 24, i % 60, i % 60, i % 1000000);
  s.stamp = DateTime(Date(2024, 2, 29), Time(23, 59, 59, 999999)) - std::chrono::hours(i);
  s.doc = Json::parse(R"({"i": )" + std::to_string(i) + "}");
  if (i % 2) {
    s.note = "note " + std::to_string(i);
    s.discount = Decimal("-1.25");
    s.seen = DateTime(Date(1999, 12, 31), Time(12, 0, 0, 5));
    s.ref = Uuid::v4();
  }
  return s;
}

class Bulk : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    drop_tables<Sample>();
    create_tables<Sample>();
  }
  void TearDown() override {
    if (ready_) {
      drop_tables<Sample>();
      run("DROP TABLE IF EXISTS " + quoted("qt_declined"));
    }
    OrmTest::TearDown();
  }
  static void run(const std::string& sql) { database().acquire()->execute_script(sql); }
  static std::string quoted(const std::string& name) { return database().dialect().quote(name); }
  // The statements and bulk calls an operation ran.
  static std::size_t writes(const QueryCapture& c) {
    std::size_t n = 0;
    for (const auto& q : c.queries()) {
      n += q.sql.rfind("INSERT", 0) == 0 || q.sql.rfind("BULK INSERT", 0) == 0;
    }
    return n;
  }
};

TEST_F(Bulk, EveryValueSurvivesAndEveryObjectGetsItsRowsKey) {
  std::vector<Sample> rows;
  for (int i = 0; i < 40; ++i) rows.push_back(sample(i));
  // What COPY's text format, SQL quoting and array binding could each get wrong.
  rows[1].label = "tab\there, newline\nhere, CR\rhere, backslash\\N and \\\\";
  rows[2].label = "quotes ' \" ` and unicode: ñ 漢字 🎉";
  rows[3].note = std::string("\\N");
  rows[4].blob = Bytes(std::string("\0\x01\\\t\n\xff", 6));
  rows[5].doc = Json::parse(R"({"s": "a\tb\\c\nd", "u": "é"})");
  rows[6].amount = Decimal("-999999999.999");
  rows[7].ratio = -0.1;
  objects<Sample>().bulk_create(rows);
  std::set<int64_t> keys;
  for (const auto& s : rows) {
    ASSERT_GT(s.id, 0) << s.code;
    keys.insert(s.id);
    const Sample back = objects<Sample>().get("pk", s.id);
    EXPECT_EQ(back, s) << s.code << ": the row with this object's key holds this object";
  }
  EXPECT_EQ(keys.size(), rows.size());
  EXPECT_EQ(objects<Sample>().count(), 40);
  // Columns that are NULL in every row of a call.
  std::vector<Sample> nulls = {sample(100), sample(102)};
  objects<Sample>().bulk_create(nulls);
  for (const auto& s : nulls) EXPECT_EQ(objects<Sample>().get("pk", s.id), s) << s.code;
}

TEST_F(Bulk, KeysFollowTheRowsAcrossStatementsAndCalls) {
  std::vector<Sample> rows;
  for (int i = 0; i < 2500; ++i) rows.push_back(sample(i));
  QueryCapture capture;
  objects<Sample>().bulk_create(rows, 1000);
  EXPECT_EQ(writes(capture), 3u) << "ceil(2500 / 1000) bulk calls or statements";
  std::map<int64_t, std::string> code_of;
  const auto pairs = objects<Sample>().values_list<int64_t, std::string>("id", "code");
  for (const auto& [id, code] : pairs) code_of[id] = code;
  ASSERT_EQ(code_of.size(), rows.size());
  for (const auto& s : rows) EXPECT_EQ(code_of[s.id], s.code);
}

TEST_F(Bulk, GivenKeysAreKept) {
  std::vector<Sample> rows = {sample(1), sample(2)};
  rows[0].id = 501;
  rows[1].id = 502;
  objects<Sample>().bulk_create(rows);
  EXPECT_EQ(objects<Sample>().get("pk", 502).code, "c2");
  // The sequence or rowid is not disturbed: keys handed out later do not collide.
  Sample later = sample(4);
  save(later);
  EXPECT_NE(later.id, 501);
  EXPECT_NE(later.id, 502);
}

TEST_F(Bulk, AFailureLeavesNothingBehind) {
  std::vector<Sample> first = {sample(1)};
  objects<Sample>().bulk_create(first);
  std::vector<Sample> rows;
  for (int i = 2; i < 300; ++i) rows.push_back(sample(i));
  rows.push_back(sample(1));  // the last row repeats a unique code
  EXPECT_THROW(objects<Sample>().bulk_create(rows), IntegrityError);
  EXPECT_EQ(objects<Sample>().count(), 1);
  // The connection is usable afterwards.
  std::vector<Sample> again = {sample(7)};
  objects<Sample>().bulk_create(again);
  EXPECT_EQ(objects<Sample>().count(), 2);
}

TEST_F(Bulk, IgnoreConflictsSkipsRowsAndLeavesKeysUnset) {
  if (!require_feature("supports_ignore_conflicts")) return;
  std::vector<Sample> first = {sample(1), sample(2)};
  objects<Sample>().bulk_create(first);
  std::vector<Sample> rows = {sample(2), sample(3), sample(1), sample(4)};
  QueryCapture capture;
  objects<Sample>().bulk_create(rows, {.ignore_conflicts = true});
  for (const auto& q : capture.queries()) {
    if (q.sql.find("INSERT") != std::string::npos) {
      EXPECT_EQ(q.sql.rfind("INSERT", 0), 0u) << "statements, not a bulk call: " << q.sql;
    }
  }
  EXPECT_EQ(objects<Sample>().count(), 4);
  for (const auto& s : rows) EXPECT_EQ(s.id, 0) << "as in Django: no keys with ignore_conflicts";
  EXPECT_EQ(objects<Sample>().get("code", "c3").label, "row 3");
}

TEST_F(Bulk, StatementsStayWithinTheParameterLimit) {
  // Conflicts can only be ignored by statements: a value a column (all but the key), and
  // enough rows to pass the backend's parameter limit once.
  if (!require_feature("supports_ignore_conflicts")) return;
  const std::size_t limit = database().dialect().max_params();
  const std::size_t columns = meta<Sample>().fields().size() - 1;
  std::vector<Sample> rows;
  for (std::size_t i = 0; i < limit / columns + 10; ++i)
    rows.push_back(sample(static_cast<int>(i)));
  QueryCapture capture;
  objects<Sample>().bulk_create(rows, {.ignore_conflicts = true});
  std::size_t inserts = 0, most = 0;
  for (const auto& q : capture.queries()) {
    if (q.sql.rfind("INSERT", 0) != 0) continue;
    ++inserts;
    most = std::max(most, q.params.size());
  }
  EXPECT_EQ(inserts, 2u);
  EXPECT_LE(most, limit);
  EXPECT_EQ(objects<Sample>().count(), static_cast<int64_t>(rows.size()));
}

// A table whose keys the engine's fast path cannot learn: SQLite with a trigger that
// could insert into it, PostgreSQL with an identity GENERATED ALWAYS (COPY may not set
// it). The engine declines, and the core's INSERT ... RETURNING still gets every key;
// without RETURNING for many rows the keys stay unset, as in Django.
struct Declined {
  int64_t id = 0;
  std::string code{};
};
inline void quarry_model(ModelDef<Declined>& m) {
  m.table("qt_declined");
  m.field("id", &Declined::id, BigAutoField());
  m.field("code", &Declined::code, CharField(20));
}

// Each vendor's plugin has its own fast path (docs/plugin-guide.md) and its own cases it
// declines: a test per vendor.
TEST_F(Bulk, WhereEachVendorsFastPathDeclinesStatementsGetTheKeys) {
  const std::string t = quoted("qt_declined");
  if (is("sqlite")) {
    run("CREATE TABLE " + t + " (id integer PRIMARY KEY AUTOINCREMENT, code varchar(20))");
    run("CREATE TRIGGER qt_declined_log AFTER INSERT ON " + t + " BEGIN SELECT 1; END");
  } else if (is("postgres")) {
    run("CREATE TABLE " + t +
        " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code varchar(20))");
  } else {
    // MariaDB's array binding takes every table; MySQL servers decline all of them,
    // which the statements of the other tests here cover.
    create_tables<Declined>();
  }
  std::vector<Declined> rows;
  for (int i = 0; i < 30; ++i) rows.push_back(Declined{0, "d" + std::to_string(i)});
  QueryCapture capture;
  objects<Declined>().bulk_create(rows);
  if (!is("mysql")) {
    for (const auto& q : capture.queries()) {
      EXPECT_NE(q.sql.rfind("BULK INSERT", 0), 0u) << "declined, so nothing logged as a bulk call";
    }
  }
  EXPECT_EQ(objects<Declined>().count(), 30);
  const bool keys = has_feature("can_return_rows_from_bulk_insert");
  for (const auto& d : rows) {
    if (!keys) {
      EXPECT_EQ(d.id, 0);
      continue;
    }
    ASSERT_GT(d.id, 0);
    EXPECT_EQ(objects<Declined>().get("pk", d.id).code, d.code);
  }
}

TEST_F(Bulk, SQLiteKeysAfterDeletedRowsUnderAutoincrement) {
  if (!is("sqlite")) GTEST_SKIP() << "SQLite's AUTOINCREMENT counter";
  std::vector<Sample> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(sample(i));
  objects<Sample>().bulk_create(rows);
  // The counter stays above the deleted rows; new keys continue from it.
  objects<Sample>().filter("id__gt", rows[4].id).remove();
  std::vector<Sample> more;
  for (int i = 10; i < 15; ++i) more.push_back(sample(i));
  objects<Sample>().bulk_create(more);
  for (const auto& s : more) {
    EXPECT_GT(s.id, rows.back().id);
    EXPECT_EQ(objects<Sample>().get("pk", s.id).code, s.code);
  }
}

TEST_F(Bulk, PostgresKeysWhenTheSequenceMovesDuringTheCopy) {
  if (!is("postgres")) GTEST_SKIP() << "PostgreSQL's sequences";
  // A trigger drawing from the same sequence for every row: the sequence moves by 2n
  // across the copy, so the keys cannot be read off it and are drawn beforehand.
  run(R"(
    CREATE OR REPLACE FUNCTION qt_sample_draw() RETURNS trigger AS $$
    BEGIN PERFORM nextval(pg_get_serial_sequence('"qt_sample"', 'id')); RETURN NEW; END
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER qt_sample_draw BEFORE INSERT ON "qt_sample"
      FOR EACH ROW EXECUTE FUNCTION qt_sample_draw();)");
  std::vector<Sample> rows;
  for (int i = 0; i < 200; ++i) rows.push_back(sample(i));
  objects<Sample>().bulk_create(rows);
  for (const auto& s : rows) EXPECT_EQ(objects<Sample>().get("pk", s.id).code, s.code);
  EXPECT_EQ(objects<Sample>().count(), 200);
}

}  // namespace
}  // namespace quarry::test
