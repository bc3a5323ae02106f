#include <mysql.h>

#include <cstring>
#include <stdexcept>

#include "raw_driver.hpp"

namespace bench {
namespace {

using quarry::Decimal;

// Result buffers for a row of bench_item, bound once per statement.
struct ItemBinds {
  int64_t id = 0;
  char name[128];
  unsigned long name_len = 0;
  char price[48];
  unsigned long price_len = 0;
  int32_t qty = 0;
  MYSQL_TIME created{};
  signed char active = 0;
  MYSQL_BIND b[6];

  ItemBinds() {
    std::memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    b[0].buffer = &id;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = name;
    b[1].buffer_length = sizeof name;
    b[1].length = &name_len;
    b[2].buffer_type = MYSQL_TYPE_STRING;
    b[2].buffer = price;
    b[2].buffer_length = sizeof price;
    b[2].length = &price_len;
    b[3].buffer_type = MYSQL_TYPE_LONG;
    b[3].buffer = &qty;
    b[4].buffer_type = MYSQL_TYPE_DATETIME;
    b[4].buffer = &created;
    b[5].buffer_type = MYSQL_TYPE_TINY;
    b[5].buffer = &active;
  }
  void to(Item& out) const {
    out.id = id;
    out.name.assign(name, name_len);
    out.price = *Decimal::parse({price, price_len});
    out.qty = qty;
    out.created_at = quarry::DateTime::from_unix_micros(
        quarry::civil::days_from_civil(created.year, created.month, created.day) *
            quarry::civil::kMicrosPerDay +
        ((int64_t{created.hour} * 60 + created.minute) * 60 + created.second) *
            quarry::civil::kMicrosPerSecond +
        created.second_part);
    out.is_active = active != 0;
  }
};

class My final : public RawDriver {
 public:
  explicit My(const quarry::DatabaseSettings& s) {
    c_ = mysql_init(nullptr);
    mysql_options(c_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(c_, s.host.c_str(), s.user.c_str(), s.password.c_str(), s.name.c_str(),
                            static_cast<unsigned>(std::stoi(s.port.empty() ? "3306" : s.port)),
                            nullptr, CLIENT_FOUND_ROWS)) {
      throw std::runtime_error(mysql_error(c_));
    }
    exec("SET time_zone = '+00:00'");
    prepare_reads();
  }
  // On quarry's own session (which set its time zone to UTC already).
  explicit My(MYSQL* session) : c_(session), owned_(false) { prepare_reads(); }
  ~My() override {
    for (MYSQL_STMT* s : {get_, fetch_, idp_, grp_, ins_}) {
      if (s) mysql_stmt_close(s);
    }
    if (owned_) mysql_close(c_);
  }
  std::string label() const override { return "libmariadb"; }

  void get(int64_t id, Item& out) override {
    run_int(get_, id);
    while (mysql_stmt_fetch(get_) == 0) get_binds_.to(out);
    mysql_stmt_free_result(get_);
  }
  void fetch(int64_t up_to, std::vector<Item>& out) override {
    run_int(fetch_, up_to);
    out.clear();
    while (mysql_stmt_fetch(fetch_) == 0) {
      out.emplace_back();
      fetch_binds_.to(out.back());
    }
    mysql_stmt_free_result(fetch_);
  }
  void id_price(int64_t up_to, std::vector<std::pair<int64_t, Decimal>>& out) override {
    int64_t id = 0;
    char price[48];
    unsigned long len = 0;
    MYSQL_BIND b[2];
    std::memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    b[0].buffer = &id;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = price;
    b[1].buffer_length = sizeof price;
    b[1].length = &len;
    run_int(idp_, up_to);
    mysql_stmt_bind_result(idp_, b);
    out.clear();
    while (mysql_stmt_fetch(idp_) == 0) out.emplace_back(id, *Decimal::parse({price, len}));
    mysql_stmt_free_result(idp_);
  }
  void group_by(std::vector<std::tuple<bool, int64_t, int64_t>>& out) override {
    signed char active = 0;
    int64_t n = 0;
    char sum[48];
    unsigned long len = 0;
    MYSQL_BIND b[3];
    std::memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_TINY;
    b[0].buffer = &active;
    b[1].buffer_type = MYSQL_TYPE_LONGLONG;
    b[1].buffer = &n;
    b[2].buffer_type = MYSQL_TYPE_STRING;
    b[2].buffer = sum;
    b[2].buffer_length = sizeof sum;
    b[2].length = &len;
    if (mysql_stmt_execute(grp_)) throw std::runtime_error(mysql_stmt_error(grp_));
    mysql_stmt_bind_result(grp_, b);
    out.clear();
    while (mysql_stmt_fetch(grp_) == 0)
      out.emplace_back(active != 0, n, std::stoll(std::string(sum, len)));
    mysql_stmt_free_result(grp_);
  }
  void insert_batches(const std::vector<Item>& rows, std::size_t batch) override {
    if (batch_ != batch) {
      std::string sql = "INSERT INTO bench_bulk (name, price, qty, created_at, is_active) VALUES ";
      for (std::size_t i = 0; i < batch; ++i) sql += i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
      if (ins_) mysql_stmt_close(ins_);
      ins_ = prepare(sql);
      batch_ = batch;
    }
    std::vector<MYSQL_BIND> b(batch * 5);
    std::vector<std::string> prices(batch);
    std::vector<MYSQL_TIME> times(batch);
    std::vector<signed char> active(batch);
    exec("START TRANSACTION");
    for (std::size_t start = 0; start < rows.size(); start += batch) {
      std::memset(b.data(), 0, b.size() * sizeof(MYSQL_BIND));
      for (std::size_t i = 0; i < batch; ++i) {
        const Item& it = rows[start + i];
        MYSQL_BIND* p = &b[i * 5];
        p[0].buffer_type = MYSQL_TYPE_STRING;
        p[0].buffer = const_cast<char*>(it.name.data());
        p[0].buffer_length = static_cast<unsigned long>(it.name.size());
        prices[i] = it.price.to_string();
        p[1].buffer_type = MYSQL_TYPE_NEWDECIMAL;
        p[1].buffer = prices[i].data();
        p[1].buffer_length = static_cast<unsigned long>(prices[i].size());
        p[2].buffer_type = MYSQL_TYPE_LONG;
        p[2].buffer = const_cast<int32_t*>(&it.qty);
        const auto ymd = quarry::civil::civil_from_days(
            quarry::civil::floor_div(it.created_at.unix_micros(), quarry::civil::kMicrosPerDay));
        const auto tod =
            quarry::civil::time_of_day(it.created_at.unix_micros() % quarry::civil::kMicrosPerDay);
        times[i] = MYSQL_TIME{};
        times[i].year = static_cast<unsigned>(ymd.year);
        times[i].month = ymd.month;
        times[i].day = ymd.day;
        times[i].hour = tod.hour;
        times[i].minute = tod.minute;
        times[i].second = tod.second;
        times[i].second_part = tod.micros;
        times[i].time_type = MYSQL_TIMESTAMP_DATETIME;
        p[3].buffer_type = MYSQL_TYPE_DATETIME;
        p[3].buffer = &times[i];
        active[i] = it.is_active;
        p[4].buffer_type = MYSQL_TYPE_TINY;
        p[4].buffer = &active[i];
      }
      if (mysql_stmt_bind_param(ins_, b.data()) || mysql_stmt_execute(ins_)) {
        throw std::runtime_error(mysql_stmt_error(ins_));
      }
    }
    exec("COMMIT");
  }
  int64_t stream(const std::string& table, int64_t up_to) override {
    MYSQL_STMT* s = prepare("SELECT id, name, price, qty, created_at, is_active FROM " + table +
                            " WHERE id <= ?");
    ItemBinds binds;
    run_int(s, up_to);  // unbuffered: rows are read from the socket as fetched
    mysql_stmt_bind_result(s, binds.b);
    Item it;
    int64_t sum = 0;
    while (mysql_stmt_fetch(s) == 0) {
      binds.to(it);
      sum += it.qty;
    }
    mysql_stmt_close(s);
    return sum;
  }
  void exec(const std::string& sql) override {
    if (mysql_real_query(c_, sql.data(), sql.size())) throw std::runtime_error(mysql_error(c_));
    if (MYSQL_RES* r = mysql_store_result(c_)) mysql_free_result(r);
  }

 private:
  MYSQL_STMT* prepare(const std::string& sql) {
    MYSQL_STMT* s = mysql_stmt_init(c_);
    if (mysql_stmt_prepare(s, sql.data(), sql.size()))
      throw std::runtime_error(mysql_stmt_error(s));
    return s;
  }
  void run_int(MYSQL_STMT* s, int64_t v) {
    MYSQL_BIND p;
    std::memset(&p, 0, sizeof p);
    p.buffer_type = MYSQL_TYPE_LONGLONG;
    p.buffer = &v;
    if (mysql_stmt_bind_param(s, &p) || mysql_stmt_execute(s))
      throw std::runtime_error(mysql_stmt_error(s));
  }

  void prepare_reads() {
    get_ = prepare(sql::kGet);
    fetch_ = prepare(sql::kFetch);
    idp_ = prepare(sql::kIdPrice);
    grp_ = prepare(sql::kGroupBy);
    mysql_stmt_bind_result(get_, get_binds_.b);
    mysql_stmt_bind_result(fetch_, fetch_binds_.b);
  }

  MYSQL* c_;
  bool owned_ = true;
  MYSQL_STMT *get_ = nullptr, *fetch_ = nullptr, *idp_ = nullptr, *grp_ = nullptr, *ins_ = nullptr;
  ItemBinds get_binds_, fetch_binds_;
  std::size_t batch_ = 0;
};

}  // namespace

std::unique_ptr<RawDriver> raw_mysql(const quarry::DatabaseSettings& s) {
  return std::make_unique<My>(s);
}

std::unique_ptr<RawDriver> raw_mysql_on(void* session) {
  return std::make_unique<My>(static_cast<MYSQL*>(session));
}

}  // namespace bench
