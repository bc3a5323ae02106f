#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "raw_driver.hpp"

namespace bench {
namespace {

using quarry::Decimal;

// The statement with PostgreSQL's "$1" for its one "?".
std::string numbered(std::string_view sql) {
  std::string out(sql);
  out.replace(out.find('?'), 1, "$1");
  return out;
}

class Pg final : public RawDriver {
 public:
  explicit Pg(const quarry::DatabaseSettings& s) {
    const char* keys[] = {"host", "port", "dbname", "user", "password", "options", nullptr};
    const std::string port = s.port.empty() ? "5432" : s.port;
    const char* values[] = {
        s.host.c_str(), port.c_str(),       s.name.c_str(),
        s.user.c_str(), s.password.c_str(), "-c TimeZone=UTC -c DateStyle=ISO,YMD",
        nullptr};
    c_ = PQconnectdbParams(keys, values, 0);
    if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c_));
    prepare_reads();
  }
  // On quarry's own session: its statements are left alone, and this driver's are
  // deallocated when it goes.
  explicit Pg(PGconn* session) : c_(session), owned_(false) { prepare_reads(); }
  ~Pg() override {
    if (owned_) {
      PQfinish(c_);
      return;
    }
    std::string sql = "DEALLOCATE get; DEALLOCATE fetch; DEALLOCATE idp; DEALLOCATE grp";
    if (prepared_batch_) sql += "; DEALLOCATE ins";
    PQclear(PQexec(c_, sql.c_str()));
  }
  std::string label() const override { return "libpq"; }

  void get(int64_t id, Item& out) override {
    PGresult* r = exec_int("get", id);
    if (PQntuples(r) == 1) read(r, 0, out);
    PQclear(r);
  }
  void fetch(int64_t up_to, std::vector<Item>& out) override {
    PGresult* r = exec_int("fetch", up_to);
    const int n = PQntuples(r);
    out.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) read(r, i, out[static_cast<std::size_t>(i)]);
    PQclear(r);
  }
  void id_price(int64_t up_to, std::vector<std::pair<int64_t, Decimal>>& out) override {
    PGresult* r = exec_int("idp", up_to);
    const int n = PQntuples(r);
    out.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      out[static_cast<std::size_t>(i)] = {
          std::atoll(PQgetvalue(r, i, 0)),
          *Decimal::parse({PQgetvalue(r, i, 1), static_cast<std::size_t>(PQgetlength(r, i, 1))})};
    }
    PQclear(r);
  }
  void group_by(std::vector<std::tuple<bool, int64_t, int64_t>>& out) override {
    PGresult* r = PQexecPrepared(c_, "grp", 0, nullptr, nullptr, nullptr, 0);
    check(r);
    out.clear();
    for (int i = 0; i < PQntuples(r); ++i) {
      out.emplace_back(PQgetvalue(r, i, 0)[0] == 't', std::atoll(PQgetvalue(r, i, 1)),
                       std::atoll(PQgetvalue(r, i, 2)));
    }
    PQclear(r);
  }
  void insert_batches(const std::vector<Item>& rows, std::size_t batch) override {
    if (prepared_batch_ != batch) {
      std::string sql = "INSERT INTO bench_bulk (name, price, qty, created_at, is_active) VALUES ";
      for (std::size_t i = 0; i < batch; ++i) {
        const std::size_t b = i * 5;
        sql += (i ? ", (" : "(") + ph(b + 1) + ", " + ph(b + 2) + ", " + ph(b + 3) + ", " +
               ph(b + 4) + ", " + ph(b + 5) + ")";
      }
      if (prepared_batch_) exec("DEALLOCATE ins");
      prepare("ins", sql);
      prepared_batch_ = batch;
    }
    exec("BEGIN");
    std::vector<std::string> text(batch * 5);
    std::vector<const char*> values(batch * 5);
    for (std::size_t start = 0; start < rows.size(); start += batch) {
      for (std::size_t i = 0; i < batch; ++i) {
        const Item& it = rows[start + i];
        text[i * 5] = it.name;
        text[i * 5 + 1] = it.price.to_string();
        text[i * 5 + 2] = std::to_string(it.qty);
        char buf[quarry::civil::kDateTimeBuffer];
        text[i * 5 + 3].assign(buf,
                               quarry::civil::format_datetime(it.created_at.unix_micros(), buf));
        text[i * 5 + 3] += "+00";
        text[i * 5 + 4] = it.is_active ? "t" : "f";
      }
      for (std::size_t k = 0; k < values.size(); ++k) values[k] = text[k].c_str();
      PGresult* r = PQexecPrepared(c_, "ins", static_cast<int>(values.size()), values.data(),
                                   nullptr, nullptr, 0);
      check(r);
      PQclear(r);
    }
    exec("COMMIT");
  }
  bool has_copy() const override { return true; }
  void copy(const std::vector<Item>& rows) override {
    PGresult* r =
        PQexec(c_, "COPY bench_bulk (name, price, qty, created_at, is_active) FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) throw std::runtime_error(PQerrorMessage(c_));
    PQclear(r);
    std::string buf;
    buf.reserve(1 << 20);
    for (const Item& it : rows) {
      buf += it.name;
      buf += '\t';
      buf += it.price.to_string();
      buf += '\t';
      buf += std::to_string(it.qty);
      buf += '\t';
      char ts[quarry::civil::kDateTimeBuffer];
      buf.append(ts, quarry::civil::format_datetime(it.created_at.unix_micros(), ts));
      buf += "+00\t";
      buf += it.is_active ? "t\n" : "f\n";
      if (buf.size() > (1 << 20) - 256) {
        PQputCopyData(c_, buf.data(), static_cast<int>(buf.size()));
        buf.clear();
      }
    }
    PQputCopyData(c_, buf.data(), static_cast<int>(buf.size()));
    PQputCopyEnd(c_, nullptr);
    r = PQgetResult(c_);
    check(r);
    PQclear(r);
    while ((r = PQgetResult(c_))) PQclear(r);
  }
  int64_t stream(const std::string& table, int64_t up_to) override {
    const std::string sql =
        "SELECT id, name, price, qty, created_at, is_active FROM " + table + " WHERE id <= $1";
    const std::string v = std::to_string(up_to);
    const char* params[] = {v.c_str()};
    if (!PQsendQueryParams(c_, sql.c_str(), 1, nullptr, params, nullptr, nullptr, 0)) {
      throw std::runtime_error(PQerrorMessage(c_));
    }
    PQsetSingleRowMode(c_);
    Item it;
    int64_t sum = 0;
    while (PGresult* r = PQgetResult(c_)) {
      if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
        read(r, 0, it);
        sum += it.qty;
      }
      PQclear(r);
    }
    return sum;
  }
  void exec(const std::string& sql) override {
    PGresult* r = PQexec(c_, sql.c_str());
    check(r);
    PQclear(r);
  }

 private:
  static std::string ph(std::size_t n) { return "$" + std::to_string(n); }
  void prepare(const char* name, const std::string& sql) {
    PGresult* r = PQprepare(c_, name, sql.c_str(), 0, nullptr);
    check(r);
    PQclear(r);
  }
  void prepare_reads() {
    prepare("get", numbered(sql::kGet));
    prepare("fetch", numbered(sql::kFetch));
    prepare("idp", numbered(sql::kIdPrice));
    prepare("grp", sql::kGroupBy);
  }
  void check(PGresult* r) {
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string m = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(m);
    }
  }
  PGresult* exec_int(const char* stmt, int64_t v) {
    char buf[24];
    *std::to_chars(buf, buf + 23, v).ptr = '\0';
    const char* values[] = {buf};
    PGresult* r = PQexecPrepared(c_, stmt, 1, values, nullptr, nullptr, 0);
    check(r);
    return r;
  }
  static void read(const PGresult* r, int row, Item& out) {
    auto text = [&](int col) {
      return std::string_view(PQgetvalue(r, row, col),
                              static_cast<std::size_t>(PQgetlength(r, row, col)));
    };
    out.id = std::atoll(PQgetvalue(r, row, 0));
    out.name.assign(text(1));
    out.price = *Decimal::parse(text(2));
    out.qty = std::atoi(PQgetvalue(r, row, 3));
    out.created_at = quarry::DateTime::from_unix_micros(*quarry::civil::parse_datetime(text(4)));
    out.is_active = PQgetvalue(r, row, 5)[0] == 't';
  }

  PGconn* c_;
  bool owned_ = true;
  std::size_t prepared_batch_ = 0;
};

}  // namespace

std::unique_ptr<RawDriver> raw_postgres(const quarry::DatabaseSettings& s) {
  return std::make_unique<Pg>(s);
}

std::unique_ptr<RawDriver> raw_postgres_on(void* session) {
  return std::make_unique<Pg>(static_cast<PGconn*>(session));
}

}  // namespace bench
