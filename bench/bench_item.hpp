// The benchmark's row: the table of issue 7 (id, name varchar(100), price numeric(10,2),
// qty int, created_at timestamp, is_active bool), as one struct that both the raw
// drivers and quarry fill.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/quarry.hpp"

namespace bench {

struct Item {
  int64_t id = 0;
  std::string name{};
  quarry::Decimal price{};
  int32_t qty = 0;
  quarry::DateTime created_at{};
  bool is_active = false;
};

inline void quarry_model(quarry::ModelDef<Item>& m) {
  using namespace quarry;
  m.table("bench_item");
  m.field("id", &Item::id, BigAutoField());
  m.field("name", &Item::name, CharField(100));
  m.field("price", &Item::price, DecimalField(10, 2));
  m.field("qty", &Item::qty, IntegerField());
  m.field("created_at", &Item::created_at, DateTimeField());
  m.field("is_active", &Item::is_active, BooleanField());
}

// The same columns in a second table, for the bulk-insert workloads.
struct BulkItem : Item {};
inline void quarry_model(quarry::ModelDef<BulkItem>& m) {
  using namespace quarry;
  m.table("bench_bulk");
  m.field("id", &BulkItem::id, BigAutoField());
  m.field("name", &BulkItem::name, CharField(100));
  m.field("price", &BulkItem::price, DecimalField(10, 2));
  m.field("qty", &BulkItem::qty, IntegerField());
  m.field("created_at", &BulkItem::created_at, DateTimeField());
  m.field("is_active", &BulkItem::is_active, BooleanField());
}

// The same columns again, for the iterator() memory workload's million rows.
struct BigItem : Item {};
inline void quarry_model(quarry::ModelDef<BigItem>& m) {
  using namespace quarry;
  m.table("bench_big");
  m.field("id", &BigItem::id, BigAutoField());
  m.field("name", &BigItem::name, CharField(100));
  m.field("price", &BigItem::price, DecimalField(10, 2));
  m.field("qty", &BigItem::qty, IntegerField());
  m.field("created_at", &BigItem::created_at, DateTimeField());
  m.field("is_active", &BigItem::is_active, BooleanField());
}

// Row i of the data set, the same every run.
template <class T = Item>
T make_item(int64_t i) {
  T it;
  it.name = "item-" + std::to_string(i);
  it.price =
      quarry::Decimal::from_parts(static_cast<unsigned __int128>((i * 37) % 100000), 2, false);
  it.qty = static_cast<int32_t>(i % 1000);
  it.created_at = quarry::DateTime(quarry::Date(2024, 1, 1), quarry::Time()) +
                  std::chrono::seconds(i * 61) + std::chrono::microseconds(i % 1000000);
  it.is_active = i % 3 != 0;
  return it;
}

}  // namespace bench
