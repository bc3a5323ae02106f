// on_delete on every backend: CASCADE collects the rows pointing (and theirs), PROTECT
// and RESTRICT refuse with the blocking rows named and nothing deleted, SET_NULL and
// SET_DEFAULT change the rows pointing, DO_NOTHING leaves it to the database (whose
// foreign key refuses), many-to-many links go with either side.
#include <map>
#include <set>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

struct Owner {
  int64_t id = 0;
  std::string name{};
};
inline void quarry_model(ModelDef<Owner>& m) {
  m.table("qt_owner");
  m.field("id", &Owner::id, BigAutoField());
  m.field("name", &Owner::name, CharField(50));
}

struct Cascading {
  int64_t id = 0;
  Ref<Owner> owner{};
};
inline void quarry_model(ModelDef<Cascading>& m) {
  m.table("qt_cascading");
  m.field("id", &Cascading::id, BigAutoField());
  m.field("owner", &Cascading::owner, ForeignKey<Owner>(OnDelete::Cascade));
}

// Two levels down: a row pointing at a cascaded row.
struct Grandchild {
  int64_t id = 0;
  Ref<Cascading> parent{};
};
inline void quarry_model(ModelDef<Grandchild>& m) {
  m.table("qt_grandchild");
  m.field("id", &Grandchild::id, BigAutoField());
  m.field("parent", &Grandchild::parent, ForeignKey<Cascading>(OnDelete::Cascade));
}

struct Protected {
  int64_t id = 0;
  Ref<Owner> owner{};
};
inline void quarry_model(ModelDef<Protected>& m) {
  m.table("qt_protected");
  m.field("id", &Protected::id, BigAutoField());
  m.field("owner", &Protected::owner, ForeignKey<Owner>(OnDelete::Protect).null());
}

// RESTRICT, unless the same delete removes it through a CASCADE (its `via`).
struct Restricted {
  int64_t id = 0;
  Ref<Owner> owner{};
  Ref<Cascading> via{};
};
inline void quarry_model(ModelDef<Restricted>& m) {
  m.table("qt_restricted");
  m.field("id", &Restricted::id, BigAutoField());
  m.field("owner", &Restricted::owner, ForeignKey<Owner>(OnDelete::Restrict).related_name("+r"));
  m.field("via", &Restricted::via, ForeignKey<Cascading>(OnDelete::Cascade).null());
}

struct Nulled {
  int64_t id = 0;
  Ref<Owner> owner{};
  Ref<Owner> fallback{};
  Ref<Owner> loose{};
};
inline void quarry_model(ModelDef<Nulled>& m) {
  m.table("qt_nulled");
  m.field("id", &Nulled::id, BigAutoField());
  m.field("owner", &Nulled::owner,
          ForeignKey<Owner>(OnDelete::SetNull).null().related_name("nulled"));
  m.field(
      "fallback", &Nulled::fallback,
      ForeignKey<Owner>(OnDelete::SetDefault).null().related_name("defaulted").default_value(1));
  m.field("loose", &Nulled::loose,
          ForeignKey<Owner>(OnDelete::DoNothing).null().related_name("loose"));
}

class OnDeleteTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    drop();
    create_tables<Owner, Cascading, Grandchild, Protected, Restricted, Nulled>();
    keep_ = objects<Owner>().create(Owner{.name = "keep"});  // id 1: SET_DEFAULT's target
    gone_ = objects<Owner>().create(Owner{.name = "gone"});
  }
  void TearDown() override {
    if (ready_) drop();
    OrmTest::TearDown();
  }
  static void drop() { drop_tables<Owner, Cascading, Grandchild, Protected, Restricted, Nulled>(); }

  Owner keep_, gone_;
};

TEST_F(OnDeleteTest, CascadeDeletesWhatPointsAndWhatPointsAtThatInOneGo) {
  const Cascading a = objects<Cascading>().create(Cascading{.owner = gone_});
  const Cascading b = objects<Cascading>().create(Cascading{.owner = gone_});
  const Cascading other = objects<Cascading>().create(Cascading{.owner = keep_});
  objects<Grandchild>().create(Grandchild{.parent = a});
  objects<Grandchild>().create(Grandchild{.parent = b});
  objects<Grandchild>().create(Grandchild{.parent = other});
  // The owner, its two rows, their two: five rows.
  EXPECT_EQ(objects<Owner>().filter("name", "gone").remove(), 5);
  EXPECT_EQ(objects<Cascading>().count(), 1);
  EXPECT_EQ(objects<Grandchild>().count(), 1);
  EXPECT_EQ(objects<Grandchild>().get().parent.id(), other.id);
  // One object, the same way.
  EXPECT_EQ(quarry::remove(keep_), 3);
  EXPECT_EQ(objects<Cascading>().count(), 0);
}

// A tree (a CASCADE of a model to itself): children are deleted before their parents,
// in separate statements, on every backend (InnoDB checks a foreign key row by row
// within one DELETE), all in one transaction.
TEST_F(OnDeleteTest, ATreeIsDeletedChildrenBeforeParents) {
  using seed::Category;
  // name -> parent name ("" for a root).
  const std::vector<std::pair<std::string, std::string>> tree = {
      {"root", ""},  {"a", "root"}, {"b", "root"}, {"a1", "a"},
      {"a11", "a1"}, {"a12", "a1"}, {"other", ""}, {"o1", "other"}};
  const auto build = [&] {
    objects<Category>().all().remove();
    std::map<std::string, Category> made;
    for (const auto& [name, parent] : tree) {
      Category c{.name = name};
      if (!parent.empty()) c.parent = made.at(parent);
      made[name] = objects<Category>().create(c);
    }
  };
  // The rows a delete of `names` takes: them and everything under them.
  const auto under = [&](std::set<std::string> names) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [name, parent] : tree) {
        if (names.count(parent) && names.insert(name).second) grew = true;
      }
    }
    return static_cast<int64_t>(names.size());
  };
  const auto total = static_cast<int64_t>(tree.size());
  build();
  // Every row in one queryset: parents and children in the same delete.
  EXPECT_EQ(objects<Category>().all().remove(), total);
  EXPECT_EQ(objects<Category>().count(), 0);
  // A subtree's deletes: one statement per level, in one transaction.
  build();
  EXPECT_EQ(objects<Category>().filter("name", "a").remove(), under({"a"}));
  EXPECT_EQ(objects<Category>().count(), total - under({"a"}));
  // A parent and a grandchild named together, the child between them found by the cascade.
  build();
  EXPECT_EQ(objects<Category>().filter("name__in", std::vector<Value>{"root", "a1"}).remove(),
            under({"root", "a1"}));
  EXPECT_EQ(objects<Category>().count(), total - under({"root"}));
  // One object.
  build();
  Category root = objects<Category>().get("name", "root");
  EXPECT_EQ(quarry::remove(root), under({"root"}));
  EXPECT_EQ(objects<Category>().count(), total - under({"root"}));
}

// Django's delete() returns the total and the count per model; a cascade to rows that
// nothing else points at deletes them by the key they hold, with no SELECT of theirs
// (Django's "fast delete": DELETE ... WHERE owner_id IN (...)).
TEST_F(OnDeleteTest, DeleteCountsPerModelAndCascadesWithoutReadingTheLeaves) {
  using seed::Customer;
  using seed::Order;
  std::map<std::string, int> orders_of = {{"c1", 3}, {"c2", 2}, {"c3", 0}, {"keep", 1}};
  for (const auto& [name, n] : orders_of) {
    const Customer c = objects<Customer>().create(Customer{.name = name, .email = name});
    for (int i = 0; i < n; ++i) {
      Order o;
      o.customer = c;
      o.amount = Decimal("1");
      Order::objects().create(o);
    }
  }
  int64_t customers = 0, orders = 0;
  for (const auto& [name, n] : orders_of) {
    if (name == "keep") continue;
    ++customers;
    orders += n;
  }
  QueryCapture q;
  const DeleteResult r = objects<Customer>().exclude("name", "keep").remove();
  EXPECT_EQ(r.total, customers + orders);
  EXPECT_EQ(r.per_model,
            (std::map<std::string, int64_t>{{"Customer", customers}, {"Order", orders}}));
  int selects_of_orders = 0, deletes_of_orders = 0;
  for (const QueryRecord& rec : q.queries()) {
    const bool orders_table = rec.sql.find("shop_order") != std::string::npos;
    selects_of_orders += orders_table && rec.sql.starts_with("SELECT");
    deletes_of_orders += orders_table && rec.sql.starts_with("DELETE");
  }
  EXPECT_EQ(selects_of_orders, 0);
  EXPECT_EQ(deletes_of_orders, 1);
  EXPECT_EQ(Order::objects().count(), orders_of.at("keep"));
  // A delete of nothing: (0, {}); of one object with none: its model alone.
  const DeleteResult none = objects<Customer>().filter("name", "nobody").remove();
  EXPECT_EQ(none.total, 0);
  EXPECT_TRUE(none.per_model.empty());
  auto [total, per_model] = objects<Owner>().filter("name", "gone").remove();
  EXPECT_EQ(total, 1);
  EXPECT_EQ(per_model, (std::map<std::string, int64_t>{{"Owner", 1}}));
}

TEST_F(OnDeleteTest, ProtectNamesTheBlockingRowsAndDeletesNothing) {
  objects<Cascading>().create(Cascading{.owner = gone_});
  const Protected p = objects<Protected>().create(Protected{.owner = gone_});
  try {
    quarry::remove(gone_);
    FAIL();
  } catch (const ProtectedError& e) {
    EXPECT_EQ(e.message(),
              "Cannot delete some instances of model 'Owner' because they are referenced "
              "through protected foreign keys: 'Protected.owner'.");
    EXPECT_EQ(e.blocking(),
              std::vector<std::string>{"Protected object (" + std::to_string(p.id) + ")"});
  }
  EXPECT_EQ(objects<Owner>().count(), 2);
  EXPECT_EQ(objects<Cascading>().count(), 1);  // the cascade did not run either
  objects<Protected>().filter("pk", p.id).update({{"owner", Value()}});
  EXPECT_EQ(quarry::remove(gone_), 2);
}

TEST_F(OnDeleteTest, RestrictGivesWayOnlyToACascadeOfTheSameDelete) {
  const Cascading c = objects<Cascading>().create(Cascading{.owner = gone_});
  // Deleted through its `via` cascade along with the owner: allowed.
  objects<Restricted>().create(Restricted{.owner = gone_, .via = c});
  EXPECT_EQ(quarry::remove(gone_), 3);
  EXPECT_EQ(objects<Restricted>().count(), 0);
  // Pointing on its own: refused, and named.
  const Restricted r = objects<Restricted>().create(Restricted{.owner = keep_});
  try {
    quarry::remove(keep_);
    FAIL();
  } catch (const RestrictedError& e) {
    EXPECT_EQ(e.blocking(),
              std::vector<std::string>{"Restricted object (" + std::to_string(r.id) + ")"});
  }
  EXPECT_EQ(objects<Owner>().count(), 1);
}

TEST_F(OnDeleteTest, SetNullAndSetDefaultChangeThePointingRows) {
  Nulled n;
  n.owner = gone_;
  n.fallback = gone_;
  n = objects<Nulled>().create(n);
  EXPECT_EQ(quarry::remove(gone_), 1);
  const Nulled after = objects<Nulled>().get("pk", n.id);
  EXPECT_TRUE(after.owner.is_null());
  EXPECT_EQ(after.fallback.id(), keep_.id);
}

TEST_F(OnDeleteTest, DoNothingLeavesItToTheDatabaseWhichRefusesAndNothingChanges) {
  Nulled n;
  n.owner = gone_;
  n.loose = gone_;
  n = objects<Nulled>().create(n);
  EXPECT_THROW(quarry::remove(gone_), IntegrityError);
  EXPECT_EQ(objects<Owner>().count(), 2);
  EXPECT_EQ(objects<Nulled>().get("pk", n.id).owner.id(), gone_.id);  // SET_NULL rolled back
}

TEST_F(OnDeleteTest, ManyToManyLinksGoWithEitherSide) {
  seed::Author ann = objects<seed::Author>().create(seed::Author{.name = "Ann"});
  const seed::Author bob = objects<seed::Author>().create(seed::Author{.name = "Bob"});
  seed::Book b = objects<seed::Book>().create(seed::Book{.title = "One"});
  seed::Book c = objects<seed::Book>().create(seed::Book{.title = "Two"});
  b.authors.add(ann, bob);
  c.authors.add(ann);
  EXPECT_EQ(quarry::remove(ann), 3);  // the author and its two links
  EXPECT_EQ(b.authors.count(), 1);
  EXPECT_EQ(quarry::remove(b), 2);
  EXPECT_EQ(objects<seed::Author>().get().books.count(), 0);
}

}  // namespace
}  // namespace quarry::test
