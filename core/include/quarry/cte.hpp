// Common table expressions, beyond Django's core (as the django-cte package has them):
// a queryset named in a WITH clause, then selected from or joined to models.
//
//   quarry::With big(Order::objects().filter("amount__gt", 100), "big_orders");
//   big.queryset().filter("amount__lt", 500)                 // its rows, as Records
//   big.join(objects<Customer>(), "id", "customer_id")       // customers joined to it
//       .annotate("amount", big.col("amount"));
//
// A recursive CTE is built from a function given the CTE itself, returning the base
// rows united (union_(..., true): UNION ALL) with rows joined to the CTE:
//
//   auto tree = quarry::With::recursive("tree", [](const quarry::With& self) {
//     return objects<Category>().filter("parent__isnull", true)
//         .values({"id", "name"})
//         .annotate({{"depth", Value(0)}, {"path", Cast("name", TextField())}})
//         .union_(self.join(objects<Category>(), "parent", "id")
//                     .values({"id", "name"})
//                     .annotate({{"depth", self.col("depth") + 1},
//                                {"path", Concat({self.col("path"), Value("/"), "name"})}}),
//                 true);
//   });
//   for (const Record& r : tree.queryset().order_by({"path"})) ...
//
// The CTE's columns are the fields (by column name: "customer_id") and annotations its
// queryset selects, typed as that queryset's are. Its name is checked as an identifier.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "quarry/queryset.hpp"

namespace quarry {

namespace detail {
struct CteNode;
// The row type of a CTE's queryset: a tag (its rows are Records; the model describing
// its columns is derived from the CTE's query).
struct CteRow {};

std::shared_ptr<CteNode> make_cte(std::shared_ptr<const Query> q, std::string name);
std::shared_ptr<CteNode> make_recursive_cte(std::string name);
void finish_recursive_cte(CteNode& node, std::shared_ptr<const Query> q);
const std::string& cte_name(const CteNode& node);
Expr cte_column(const CteNode& node, std::string column);
std::shared_ptr<const Query> cte_rows(const std::shared_ptr<const CteNode>& node);
std::shared_ptr<const Query> with_cte_join(const Query& q,
                                           const std::shared_ptr<const CteNode>& node,
                                           const std::string& field, const std::string& column);
}  // namespace detail

class With {
 public:
  // WITH name AS (queryset).
  template <class QS>
  requires requires(const QS& qs) { qs.query_ptr(); }
  With(const QS& queryset, std::string name)
      : node_(detail::make_cte(queryset.query_ptr(), std::move(name))) {}

  // WITH RECURSIVE name AS (make(self)): make returns the queryset that defines it.
  template <class Make>
  static With recursive(std::string name, Make&& make) {
    With self(detail::make_recursive_cte(std::move(name)));
    const auto qs = make(static_cast<const With&>(self));
    detail::finish_recursive_cte(*self.node_, qs.query_ptr());
    return self;
  }

  const std::string& name() const { return detail::cte_name(*node_); }
  // One of its columns, in expressions of a queryset that selects from or joins it.
  Expr col(std::string column) const { return detail::cte_column(*node_, std::move(column)); }
  // Its rows: SELECT ... FROM name, as Records; chain filter(), order_by(), values() ...
  ValuesQuerySet<detail::CteRow> queryset() const {
    return ValuesQuerySet<detail::CteRow>(detail::cte_rows(node_));
  }
  // The queryset's rows joined to the CTE's: INNER JOIN name ON model.field = name.column
  // (django-cte's cte.join(Model, field=cte.col.column)); the CTE joins its WITH clause.
  template <class QS>
  requires requires(const QS& qs) { qs.all(); }
  auto join(const QS& queryset, const std::string& field, const std::string& column) const {
    using Result = decltype(queryset.all());
    return Result(detail::with_cte_join(queryset.query(), node_, field, column));
  }

 private:
  explicit With(std::shared_ptr<detail::CteNode> node) : node_(std::move(node)) {}
  std::shared_ptr<detail::CteNode> node_;
};

}  // namespace quarry
