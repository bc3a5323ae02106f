// Routing: using(), the router chain, an object's alias, allow_relation and
// allow_migrate. "default" is the backend under test and "other" an SQLite file beside
// it, so every backend also shows a statement routed across engines.
#include <unistd.h>

#include <filesystem>

#include "quarry/raw_sql.hpp"
#include "seed/models.hpp"
#include "support/backend.hpp"
#include "support/errors.hpp"

namespace quarry::test {
namespace {

using namespace seed;

std::string other_file(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("quarry-routing-" + std::to_string(getpid()) + "-" + name + ".db"))
      .string();
}

// Answers for Customer only: reads from "other", writes to "other".
struct CustomersElsewhere : Router {
  std::optional<std::string> db_for_read(const ModelMeta& m, const Hints&) override {
    if (m.name() == "Customer") return "other";
    return std::nullopt;
  }
  std::optional<std::string> db_for_write(const ModelMeta& m, const Hints&) override {
    if (m.name() == "Customer") return "other";
    return std::nullopt;
  }
};

// Answers everything with "default": behind CustomersElsewhere it only sees the rest.
struct EverythingDefault : Router {
  std::optional<std::string> db_for_read(const ModelMeta&, const Hints&) override {
    return "default";
  }
  std::optional<std::string> db_for_write(const ModelMeta&, const Hints&) override {
    return "default";
  }
};

// Allows every relation, wherever its ends are.
struct AnyRelation : Router {
  std::optional<bool> allow_relation(const ModelMeta&, std::string_view, const ModelMeta&,
                                     std::string_view) override {
    return true;
  }
};

// Answers nothing; remembers the hints of the last read and write it was asked about.
struct Recording : Router {
  struct Seen {
    bool read = false, for_update = false, raw = false, in_atomic = false;
    std::string instance_db;
  };
  static Seen& last() {
    static Seen s;
    return s;
  }
  static void note(bool read, const Hints& h) {
    last() = Seen{read, h.for_update, h.raw, h.in_atomic, std::string(h.instance_db)};
  }
  std::optional<std::string> db_for_read(const ModelMeta&, const Hints& h) override {
    note(true, h);
    return std::nullopt;
  }
  std::optional<std::string> db_for_write(const ModelMeta&, const Hints& h) override {
    note(false, h);
    return std::nullopt;
  }
};

void register_test_routers() {
  static const bool once = [] {
    register_router("customers_elsewhere",
                    [](const RouterSettings&) { return std::make_unique<CustomersElsewhere>(); });
    register_router("everything_default",
                    [](const RouterSettings&) { return std::make_unique<EverythingDefault>(); });
    register_router("any_relation",
                    [](const RouterSettings&) { return std::make_unique<AnyRelation>(); });
    register_router("recording",
                    [](const RouterSettings&) { return std::make_unique<Recording>(); });
    return true;
  }();
  (void)once;
}

class Routing : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!require_backend()) return;
    register_test_routers();
    ready_ = true;
  }
  void TearDown() override {
    if (!ready_) return;
    configure(Config::parse(yaml(""), "<routing test teardown>"));
    drop_seed_tables("default");
    drop_seed_tables("other");
    for (const char* f : {"other", "acme", "globex"}) std::filesystem::remove(other_file(f));
  }
  static std::string yaml(const std::string& routers) {
    return "databases:\n  default:\n    url: \"" + backend_url() +
           "\"\n  other:\n    url: \"sqlite://" + other_file("other") + "\"\n" + routers;
  }
  // The config with these routers, and the seed's tables on both aliases.
  void use(const std::string& routers) {
    configure(Config::parse(yaml(routers), "<routing test config>"));
    for (const char* alias : {"default", "other"}) {
      drop_seed_tables(alias);
      create_seed_tables(alias);
    }
  }
  // Rows of a table on one alias, asked without the ORM.
  static int64_t rows(const char* alias, const char* table) {
    PooledConnection c = database(alias).acquire();
    ResultSet rs = c->query("SELECT COUNT(*) FROM " + c->dialect().quote(table));
    rs.next();
    return rs.row().get<int64_t>(0);
  }
  bool ready_ = false;
};

TEST_F(Routing, WithoutRoutersEverythingIsDefaultAndUsingPicksTheAlias) {
  if (!ready_) return;
  use("");
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  Customer bob = objects<Customer>().using_("other").create({{"name", "Bob"}, {"email", "b@x"}});
  EXPECT_EQ(rows("default", "customer"), 1);
  EXPECT_EQ(rows("other", "customer"), 1);
  EXPECT_EQ(objects<Customer>().get({{"name", "Ann"}}).id, ann.id);
  EXPECT_EQ(objects<Customer>().using_("other").get({{"name", "Bob"}}).id, bob.id);
  EXPECT_EQ(objects<Customer>().using_("other").filter({{"name", "Ann"}}).count(), 0);
  // save() and remove() take the alias too.
  Customer cy{.name = "Cy", .email = "c@x"};
  save(cy, SaveOptions{.using_ = "other"});
  EXPECT_EQ(rows("other", "customer"), 2);
  remove(cy, "other");
  EXPECT_EQ(rows("other", "customer"), 1);
  // The query log names the alias that ran each statement.
  QueryCapture log;
  (void)objects<Customer>().using_("other").count();
  (void)objects<Customer>().count();
  ASSERT_EQ(log.count(), 2u);
  EXPECT_EQ(log.queries()[0].alias, "other");
  EXPECT_EQ(log.queries()[1].alias, "default");
}

TEST_F(Routing, TheFirstRouterThatAnswersWinsAndUsingWinsOverAll) {
  if (!ready_) return;
  use("routers: [customers_elsewhere, everything_default]\n");
  Customer c = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  Classroom r = objects<Classroom>().create({{"name", "R1"}});
  EXPECT_EQ(rows("other", "customer"), 1);  // the first router's answer
  EXPECT_EQ(rows("default", "customer"), 0);
  EXPECT_EQ(rows("default", "classroom"), 1);  // the second's
  EXPECT_EQ(objects<Customer>().get({{"id", c.id}}).name, "Ann");
  EXPECT_EQ(objects<Classroom>().get({{"id", r.id}}).name, "R1");
  // An explicit using() is not asked of any router.
  objects<Customer>().using_("default").create({{"name", "Zed"}, {"email", "z@x"}});
  EXPECT_EQ(rows("default", "customer"), 1);
  EXPECT_EQ(objects<Customer>().using_("default").get({{"name", "Zed"}}).name, "Zed");
  EXPECT_FALSE(objects<Customer>().filter({{"name", "Zed"}}).exists());
  // Bulk writes, update() and delete() go where the routers write.
  std::vector<Customer> more = {{.name = "B1", .email = "1"}, {.name = "B2", .email = "2"}};
  objects<Customer>().bulk_create(more);
  EXPECT_EQ(rows("other", "customer"), 3);
  EXPECT_EQ(objects<Customer>().filter({{"name__startswith", "B"}}).update({{"email", "b"}}), 2);
  EXPECT_EQ(objects<Customer>().filter({{"email", "b"}}).remove().total, 2);
  EXPECT_EQ(rows("other", "customer"), 1);
}

TEST_F(Routing, RawSqlGoesWhereTheRoutersSendItsModelAndUsingWins) {
  if (!ready_) return;
  use("routers: [customers_elsewhere, everything_default]\n");
  const auto insert = [](const std::string& alias) {
    const Dialect& d = database(alias).dialect();
    std::string sql = "INSERT INTO " + d.quote("customer") + " (" + d.quote("name") + ", " +
                      d.quote("email") + ") VALUES (";
    d.append_placeholder(sql, 1);
    sql += ", ";
    d.append_placeholder(sql, 2);
    return sql + ")";
  };
  QueryCapture log;
  // With its model, where the routers write Customer: "other".
  EXPECT_EQ(
      execute_sql(insert("other"), {Value("Ann"), Value("a@x")}, {.model = &meta<Customer>()}), 1);
  EXPECT_EQ(rows("other", "customer"), 1);
  EXPECT_EQ(log.queries().at(0).alias, "other");
  const std::string count =
      "SELECT COUNT(*) AS n FROM " + database("other").dialect().quote("customer");
  EXPECT_EQ(query_sql(count, {}, {.model = &meta<Customer>()}).at(0).get<int64_t>("n"), 1);
  EXPECT_EQ(log.queries().back().alias, "other");
  // using() wins over the routers; without a model nor using(), "default".
  EXPECT_EQ(execute_sql(insert("default"), {Value("Bob"), Value("b@x")},
                        {.using_ = "default", .model = &meta<Customer>()}),
            1);
  EXPECT_EQ(rows("default", "customer"), 1);
  EXPECT_EQ(query_sql("SELECT COUNT(*) AS n FROM " + database().dialect().quote("customer"))
                .at(0)
                .get<int64_t>("n"),
            1);
  EXPECT_EQ(log.queries().back().alias, "default");
}

TEST_F(Routing, TheHintsSayWhatKindOfStatementAndWhetherABlockIsOpen) {
  if (!ready_) return;
  use("routers: [recording]\n");
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  EXPECT_FALSE(Recording::last().read);
  EXPECT_FALSE(Recording::last().in_atomic);
  (void)objects<Customer>().count();
  EXPECT_TRUE(Recording::last().read);
  EXPECT_FALSE(Recording::last().for_update);
  EXPECT_FALSE(Recording::last().raw);
  EXPECT_FALSE(Recording::last().in_atomic);
  const Dialect& d = database().dialect();
  execute_sql("DELETE FROM " + d.quote("customer") + " WHERE 1 = 0", {},
              {.model = &meta<Customer>()});
  EXPECT_FALSE(Recording::last().read);
  EXPECT_TRUE(Recording::last().raw);
  atomic([&] {
    if (database().features().has("has_select_for_update")) {
      (void)objects<Customer>().select_for_update().size();
      EXPECT_TRUE(Recording::last().for_update);
    }
    (void)objects<Customer>().count();
    EXPECT_TRUE(Recording::last().in_atomic);
    (void)query_sql("SELECT 1 AS one", {}, {.model = &meta<Customer>()});
    EXPECT_TRUE(Recording::last().raw);
    EXPECT_TRUE(Recording::last().in_atomic);
  });
  // A related lookup from an object tells the routers where the object came from.
  Order o{.amount = Decimal("1.00")};
  o.customer = ann;
  save(o);
  Order again = objects<Order>().get({{"id", o.id}});
  (void)again.customer.get();
  EXPECT_TRUE(Recording::last().read);
  EXPECT_EQ(Recording::last().instance_db, "default");
}

TEST_F(Routing, APrimaryThatIsDownIsAnOperationalErrorNamingTheAlias) {
  if (!ready_) return;
  // The backend's scheme on a port nothing listens on; a file database: a file in no
  // folder.
  const std::string url = backend_url();
  const std::string scheme = url.substr(0, url.find("://"));
  const bool file = url.compare(scheme.size(), 4, ":///") == 0;  // SQLite and its kin
  const std::string gone = file ? scheme + ":///nonexistent-quarry-folder/gone.db"
                                : scheme + "://quarry@127.0.0.1:1/gone";
  // The alias's name appears nowhere in its URL: the error must name the alias itself.
  configure(
      Config::parse(yaml("") + "  offline:\n    url: \"" + gone + "\"\n", "<routing test config>"));
  try {
    (void)objects<Customer>().using_("offline").count();
    FAIL() << "no error";
  } catch (const OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("offline"), std::string::npos) << e.what();
  }
  try {
    Customer c{.name = "X", .email = "x"};
    save(c, SaveOptions{.using_ = "offline"});
    FAIL() << "no error";
  } catch (const OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("offline"), std::string::npos) << e.what();
  }
}

TEST_F(Routing, ByModelRouterFromTheConfigAndTablesOnlyWhereTheyBelong) {
  if (!ready_) return;
  configure(Config::parse(yaml("routers: [{name: by_model, routes: {Product: other}}]\n"),
                          "<routing test config>"));
  drop_tables<Product>("default");
  drop_tables<Product>("other");
  // allow_migrate: Product's table is made on "other" only; Classroom's on both.
  create_tables<Product, Classroom>("default");
  create_tables<Product, Classroom>("other");
  const auto has_table = [](const char* alias, const char* table) {
    PooledConnection c = database(alias).acquire();
    try {
      c->query("SELECT COUNT(*) FROM " + c->dialect().quote(table)).next();
      return true;
    } catch (const DatabaseError&) {
      return false;
    }
  };
  EXPECT_FALSE(has_table("default", "product"));
  EXPECT_TRUE(has_table("other", "product"));
  EXPECT_TRUE(has_table("default", "classroom"));
  EXPECT_TRUE(has_table("other", "classroom"));
  Product::objects().create({{"name", "Pen"}, {"price", Decimal("1.50")}});
  EXPECT_EQ(rows("other", "product"), 1);
  EXPECT_EQ(Product::objects().count(), 1);
  drop_tables<Product, Classroom>("other");
  drop_tables<Classroom>("default");
}

TEST_F(Routing, AnObjectRemembersItsAliasAndItsRelationsFollowIt) {
  if (!ready_) return;
  use("");
  Classroom room = objects<Classroom>().using_("other").create({{"name", "Lab"}});
  Student s{.name = "Ann", .course = "Math", .gpa = 3.0};
  s.classroom = room;
  save(s, SaveOptions{.using_ = "other"});
  Assignment a{.title = "Essay", .score = 9};
  a.student = s;
  save(a, SaveOptions{.using_ = "other"});

  Student read = objects<Student>().using_("other").get({{"name", "Ann"}});
  EXPECT_EQ(read.state.db, "other");
  // save() without using(): where it was read from (Django's instance._state.db).
  read.gpa = 3.5;
  save(read);
  EXPECT_EQ(rows("default", "student"), 0);
  EXPECT_EQ(objects<Student>().using_("other").get({{"id", read.id}}).gpa, 3.5);
  // Its ForeignKey and its reverse relation read from there too.
  QueryCapture log;
  EXPECT_EQ(read.classroom->name, "Lab");
  EXPECT_EQ(read.assignments.all().count(), 1);
  ASSERT_EQ(log.count(), 2u);
  EXPECT_EQ(log.queries()[0].alias, "other");
  EXPECT_EQ(log.queries()[1].alias, "other");
  // prefetch_related reads each side where its objects are.
  log.clear();
  auto students = objects<Student>().using_("other").prefetch_related("assignments").all();
  ASSERT_EQ(students.size(), 1u);
  EXPECT_EQ(students[0].assignments.all().size(), 1u);
  ASSERT_EQ(log.count(), 2u);
  EXPECT_EQ(log.queries()[1].alias, "other");
  // refresh_from_db() too.
  refresh_from_db(read);
  EXPECT_EQ(read.gpa, 3.5);
}

TEST_F(Routing, ARelationAcrossAliasesIsRefusedBeforeAnySql) {
  if (!ready_) return;
  use("routers: [customers_elsewhere]\n");
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});  // on other
  // Orders live on "default", their customers on "other": an order may not point at one
  // (Django has no cross-database relations).
  Order o{.amount = Decimal("5.00")};
  o.customer = ann;
  {
    QueryCapture log;
    const auto e = error_of<ValueError>([&] { save(o); });
    EXPECT_NE(e.find("Order.customer"), std::string::npos) << e;
    EXPECT_NE(e.find("'other'"), std::string::npos) << e;
    EXPECT_EQ(log.count(), 0u);
  }
  // Nor may a query join them.
  {
    QueryCapture log;
    const auto e =
        error_of<ValueError>([&] { (void)Order::objects().select_related("customer").size(); });
    EXPECT_NE(e.find("cannot join Customer"), std::string::npos) << e;
    const auto f = error_of<ValueError>([&] {
      (void)Order::objects().filter({{"customer__name", "Ann"}}).count();
    });
    EXPECT_NE(f.find("customer"), std::string::npos) << f;
    EXPECT_EQ(log.count(), 0u);
  }
}

TEST_F(Routing, AllowRelationLetsARouterPermitWhatTheDefaultRefuses) {
  if (!ready_) return;
  use("routers: [customers_elsewhere, any_relation]\n");
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  Order o{.amount = Decimal("5.00")};
  o.customer = ann;
  // quarry lets it through; the database then holds the ForeignKey's constraint, which a
  // key of another database does not meet (as in Django, whose FOREIGN KEY spans one).
  QueryCapture log;
  EXPECT_NE(error_of<IntegrityError>([&] { save(o); }), "(no error)");
  EXPECT_GE(log.count(), 1u);
  EXPECT_EQ(rows("default", "shop_order"), 0);
}

TEST_F(Routing, TheTenantRouterPicksTheDatabaseOfTheCurrentTenant) {
  if (!ready_) return;
  configure(Config::parse(
      "databases:\n  default:\n    url: \"" + backend_url() + "\"\n  other:\n    url: \"sqlite://" +
          other_file("other") + "\"\n  tenant_acme:\n    url: \"sqlite://" + other_file("acme") +
          "\"\n  tenant_globex:\n    url: \"sqlite://" + other_file("globex") +
          "\"\nrouters: [{name: tenant, pattern: \"tenant_{tenant}\", shared: [Classroom]}]\n",
      "<tenant config>"));
  for (const char* t : {"tenant_acme", "tenant_globex"}) create_tables<Customer, Order>(t);
  {
    TenantScope acme("acme");
    objects<Customer>().create({{"name", "Wile"}, {"email", "w@acme"}});
  }
  {
    TenantScope globex("globex");
    objects<Customer>().create({{"name", "Hank"}, {"email", "h@globex"}});
    objects<Customer>().create({{"name", "Homer"}, {"email", "h2@globex"}});
    EXPECT_EQ(objects<Customer>().count(), 2);
    {
      TenantScope inner("acme");  // the innermost scope is the tenant
      EXPECT_EQ(objects<Customer>().get().name, "Wile");
    }
    EXPECT_EQ(objects<Customer>().count(), 2);
  }
  EXPECT_EQ(rows("tenant_acme", "customer"), 1);
  EXPECT_EQ(rows("tenant_globex", "customer"), 2);
  // A tenant without a database is refused, naming it, before any SQL.
  TenantScope nobody("initech");
  QueryCapture log;
  const auto e = error_of<ImproperlyConfigured>([] { (void)objects<Customer>().count(); });
  EXPECT_NE(e.find("'initech'"), std::string::npos) << e;
  EXPECT_EQ(log.count(), 0u);
  for (const char* t : {"tenant_acme", "tenant_globex"}) drop_tables<Customer, Order>(t);
}

TEST_F(Routing, ConfigErrorsNameTheRouterAndTheReplica) {
  if (!ready_) return;
  const auto unknown = error_of<ImproperlyConfigured>(
      [] { Databases d(Config::parse(yaml("routers: [no_such]\n"), "app.yaml")); });
  EXPECT_NE(unknown.find("no router named 'no_such'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("by_model"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("app.yaml:"), std::string::npos) << unknown;
  const auto option = error_of<ImproperlyConfigured>([] {
    Databases d(Config::parse(yaml("routers: [{name: by_model, rotues: {A: b}}]\n"), "app.yaml"));
  });
  EXPECT_NE(option.find("takes no option 'rotues.A'"), std::string::npos) << option;
  const auto replica = error_of<ImproperlyConfigured>([] {
    Config::parse("databases:\n  default:\n    url: \"sqlite:///tmp/x.db\"\n    replicas: [nope]\n",
                  "app.yaml");
  });
  EXPECT_NE(replica.find("databases.default.replicas[0]"), std::string::npos) << replica;
  EXPECT_NE(replica.find("no database alias 'nope'"), std::string::npos) << replica;
  const auto engine = error_of<ImproperlyConfigured>([] {
    Config::parse(
        "databases:\n  default:\n    url: \"sqlite:///tmp/x.db\"\n    replicas: [r]\n  r:\n"
        "    url: \"postgres://u@127.0.0.1:1/x\"\n",
        "app.yaml");
  });
  EXPECT_NE(engine.find("a replica runs the engine of its primary"), std::string::npos) << engine;
}

}  // namespace
}  // namespace quarry::test
