// The seed tour: every example of the seed guide (shared/seed/django-orm-guide.md) that
// quarry can run so far, on the database a config names (configs/sqlite.yaml by default).
//
//   seed_tour [CONFIG]
//
// Each section prints its name, the SQL that ran and the result. It grows as the
// issues that bring the rest of the seed land.
#include <iostream>
#include <sstream>

#include "quarry/quarry.hpp"
#include "tour.hpp"

using namespace quarry;

int main(int argc, char** argv) {
  const std::string config_path = argc > 1 ? argv[1] : "configs/sqlite.yaml";
  try {
    configure(config_path);
  } catch (const Error& e) {
    std::cerr << "seed_tour: " << e.what() << "\n";
    return 1;
  }
  Database& db = database();
  tour::Tour t(db);
  std::cout << "quarry " << kVersion << " seed tour on '" << db.alias() << "' (" << config_path
            << ")\n";

  t.section("Setup: the engine plugin, loaded at run time", [&] {
    std::ostringstream out;
    out << db.engine().name() << " plugin " << db.engine().version() << " (plugin ABI "
        << db.engine().abi_major() << "." << db.engine().abi_minor() << ") from "
        << db.engine().path() << "; server " << db.dialect().server_version();
    return out.str();
  });

  t.section("Setup: what this backend can do (feature flags)", [&] {
    std::string on;
    for (const auto& [name, value] : db.features().all()) {
      if (value) on += (on.empty() ? "" : ", ") + name;
    }
    return on;
  });

  auto conn = db.acquire();
  const Dialect& d = db.dialect();
  const std::string table = d.quote("tour_product");

  t.section("Setup: a table for the examples", [&] {
    conn->execute_script("DROP TABLE IF EXISTS " + table);
    conn->execute_script("CREATE TABLE " + table + " (id " +
                         std::string(d.text("type.IntegerField")) + " PRIMARY KEY, name " +
                         Dialect::render_text(d.text("type.CharField"), {{"max_length", "100"}}) +
                         ", price " +
                         Dialect::render_text(d.text("type.DecimalField"),
                                              {{"max_digits", "10"}, {"decimal_places", "2"}}) +
                         ", created_at " + std::string(d.text("type.DateTimeField")) + ")");
    return std::string("created ") + table;
  });

  auto ph = [&](std::size_t n) {
    std::string s;
    d.append_placeholder(s, n);
    return s;
  };

  t.section("Values are bound parameters: exact decimals, UTC datetimes", [&] {
    const DateTime created(Date(2024, 5, 1), Time(10, 0, 0, 123456));
    conn->execute("INSERT INTO " + table + " VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) +
                      ", " + ph(4) + ")",
                  {1, "Laptop", Decimal("999.99"), created});
    conn->execute("INSERT INTO " + table + " VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) +
                      ", " + ph(4) + ")",
                  {2, "Café crème", Decimal("4.10"), created + std::chrono::hours(26)});
    std::ostringstream out;
    for (Row r : conn->query("SELECT name, price, created_at FROM " + table + " ORDER BY id")) {
      out << r.get<std::string>(0) << " " << r.get<Decimal>(1).rescale(2).to_string() << " "
          << r.get<DateTime>(2).to_string() << "; ";
    }
    return out.str();
  });

  t.section("1. F expressions, done by hand until the QuerySet lands: price = price + 10", [&] {
    const int64_t n = conn->execute("UPDATE " + table + " SET price = price + " + ph(1), {10});
    return std::to_string(n) + " rows updated; Laptop now costs " +
           conn->query_value<Decimal>("SELECT price FROM " + table + " WHERE id = " + ph(1), {1})
               .rescale(2)
               .to_string();
  });

  t.section("Advanced 6. Transactions: a failed block leaves nothing behind", [&] {
    try {
      Transaction tx(*conn);
      conn->execute("UPDATE " + table + " SET price = " + ph(1), {Decimal("0.01")});
      conn->execute("INSERT INTO " + table + " (id, name) VALUES (" + ph(1) + ", " + ph(2) + ")",
                    {1, "duplicate id"});
      tx.commit();
    } catch (const IntegrityError& e) {
      return std::string("rolled back after ") + e.what() + "; prices unchanged: " +
             std::to_string(conn->query_value<int64_t>(
                 "SELECT COUNT(*) FROM " + table + " WHERE price > " + ph(1), {1})) +
             " products over 1.00";
    }
    return std::string("no error?");
  });

  t.section("8.7 Debug queries: connection.queries is the query log", [&] {
    db.query_log().clear();
    db.query_log().enable();
    conn->query_value<int64_t>("SELECT COUNT(*) FROM " + table);
    db.query_log().enable(false);
    std::ostringstream out;
    for (const auto& q : db.query_log().entries())
      out << q.sql << " (" << q.duration.count() << " us)";
    return out.str();
  });

  conn->execute_script("DROP TABLE IF EXISTS " + table);
  std::cout << "\n" << (t.failures() ? "tour finished with failures" : "tour finished") << "\n";
  return t.failures() ? 1 : 0;
}
