#include <sqlite3.h>

#include <stdexcept>

#include "raw_driver.hpp"

namespace bench {
namespace {

using quarry::Decimal;

class Lite final : public RawDriver {
 public:
  explicit Lite(const quarry::DatabaseSettings& s) {
    if (sqlite3_open_v2(s.name.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 5000);
    prepare_reads();
  }
  // On quarry's own connection.
  explicit Lite(sqlite3* session) : db_(session), owned_(false) { prepare_reads(); }
  ~Lite() override {
    for (sqlite3_stmt* s : {get_, fetch_, idp_, grp_, ins_}) sqlite3_finalize(s);
    if (owned_) sqlite3_close_v2(db_);
  }
  std::string label() const override { return "sqlite3"; }

  void get(int64_t id, Item& out) override {
    sqlite3_bind_int64(get_, 1, id);
    while (sqlite3_step(get_) == SQLITE_ROW) read(get_, out);
    sqlite3_reset(get_);
  }
  void fetch(int64_t up_to, std::vector<Item>& out) override {
    sqlite3_bind_int64(fetch_, 1, up_to);
    out.clear();
    while (sqlite3_step(fetch_) == SQLITE_ROW) {
      out.emplace_back();
      read(fetch_, out.back());
    }
    sqlite3_reset(fetch_);
  }
  void id_price(int64_t up_to, std::vector<std::pair<int64_t, Decimal>>& out) override {
    sqlite3_bind_int64(idp_, 1, up_to);
    out.clear();
    while (sqlite3_step(idp_) == SQLITE_ROW) {
      out.emplace_back(sqlite3_column_int64(idp_, 0), price(idp_, 1));
    }
    sqlite3_reset(idp_);
  }
  void group_by(std::vector<std::tuple<bool, int64_t, int64_t>>& out) override {
    out.clear();
    while (sqlite3_step(grp_) == SQLITE_ROW) {
      out.emplace_back(sqlite3_column_int(grp_, 0) != 0, sqlite3_column_int64(grp_, 1),
                       sqlite3_column_int64(grp_, 2));
    }
    sqlite3_reset(grp_);
  }
  void insert_batches(const std::vector<Item>& rows, std::size_t batch) override {
    if (batch_ != batch) {
      std::string sql = "INSERT INTO bench_bulk (name, price, qty, created_at, is_active) VALUES ";
      for (std::size_t i = 0; i < batch; ++i) sql += i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
      sqlite3_finalize(ins_);
      ins_ = prepare(sql);
      batch_ = batch;
    }
    exec("BEGIN");
    char buf[quarry::civil::kDateTimeBuffer];
    char dec[Decimal::kTextBuffer];
    for (std::size_t start = 0; start < rows.size(); start += batch) {
      for (std::size_t i = 0; i < batch; ++i) {
        const Item& it = rows[start + i];
        const int p = static_cast<int>(i * 5);
        sqlite3_bind_text(ins_, p + 1, it.name.data(), static_cast<int>(it.name.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_, p + 2, dec, static_cast<int>(it.price.format(dec)),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int(ins_, p + 3, it.qty);
        sqlite3_bind_text(
            ins_, p + 4, buf,
            static_cast<int>(quarry::civil::format_datetime(it.created_at.unix_micros(), buf)),
            SQLITE_TRANSIENT);
        sqlite3_bind_int(ins_, p + 5, it.is_active);
      }
      if (sqlite3_step(ins_) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
      sqlite3_reset(ins_);
    }
    exec("COMMIT");
  }
  int64_t stream(const std::string& table, int64_t up_to) override {
    sqlite3_stmt* s = prepare("SELECT id, name, price, qty, created_at, is_active FROM " + table +
                              " WHERE id <= ?");
    sqlite3_bind_int64(s, 1, up_to);
    Item it;
    int64_t sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      read(s, it);
      sum += it.qty;
    }
    sqlite3_finalize(s);
    return sum;
  }
  void exec(const std::string& sql) override {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    return s;
  }
  // SQLite keeps numeric(10,2) as REAL: 15 digits, rounded to the places.
  static Decimal price(sqlite3_stmt* s, int col) {
    Decimal d = Decimal::from_double(sqlite3_column_double(s, col), 15);
    return d.scale() == 2 ? d : d.rescale(2);
  }
  static void read(sqlite3_stmt* s, Item& out) {
    out.id = sqlite3_column_int64(s, 0);
    out.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                    static_cast<std::size_t>(sqlite3_column_bytes(s, 1)));
    out.price = price(s, 2);
    out.qty = sqlite3_column_int(s, 3);
    out.created_at = quarry::DateTime::from_unix_micros(
        *quarry::civil::parse_datetime({reinterpret_cast<const char*>(sqlite3_column_text(s, 4)),
                                        static_cast<std::size_t>(sqlite3_column_bytes(s, 4))}));
    out.is_active = sqlite3_column_int(s, 5) != 0;
  }

  void prepare_reads() {
    get_ = prepare(sql::kGet);
    fetch_ = prepare(sql::kFetch);
    idp_ = prepare(sql::kIdPrice);
    grp_ = prepare(sql::kGroupBy);
  }

  sqlite3* db_ = nullptr;
  bool owned_ = true;
  sqlite3_stmt *get_ = nullptr, *fetch_ = nullptr, *idp_ = nullptr, *grp_ = nullptr,
               *ins_ = nullptr;
  std::size_t batch_ = 0;
};

}  // namespace

std::unique_ptr<RawDriver> raw_sqlite(const quarry::DatabaseSettings& s) {
  return std::make_unique<Lite>(s);
}

std::unique_ptr<RawDriver> raw_sqlite_on(void* session) {
  return std::make_unique<Lite>(static_cast<sqlite3*>(session));
}

}  // namespace bench
