// Functions: aggregates (with filter=, as FILTER (WHERE) or CASE where that is missing),
// Func() calls through the dialect's func.NAME templates, Concat, Extract and Trunc,
// and Window() with its frame; default_alias() names an aggregate as Django does.
#include <algorithm>

#include "orm/sql_compiler.hpp"

namespace quarry::detail {

std::optional<FieldKind> Compiler::aggregate(const ExprNode& e) {
  // filter= is about the rows aggregated, through the aggregate's own joins: Django's
  // "Filtering on annotations" (COUNT(...) FILTER (WHERE orders.amount >= 500)).
  const bool was = in_expression_;
  in_expression_ = true;
  const auto k = aggregate_call(e);
  in_expression_ = was;
  return k;
}

std::optional<FieldKind> Compiler::aggregate_call(const ExprNode& e) {
  w_.add(e.func);
  w_.add('(');
  if (e.distinct) w_.add("DISTINCT ");
  const bool filter_clause = e.filter && d_.features().has("supports_aggregate_filter_clause");
  std::optional<FieldKind> arg_kind;
  if (e.filter && !filter_clause) {
    // COUNT(CASE WHEN cond THEN x ELSE NULL END) where FILTER (WHERE) is missing.
    w_.add("CASE WHEN ");
    condition(*e.filter);
    w_.add(" THEN ");
    if (e.star) {
      w_.add('1');
    } else {
      arg_kind = expr(*e.args[0]);
    }
    w_.add(" ELSE NULL END");
  } else if (e.star) {
    w_.add('*');
  } else {
    arg_kind = expr(*e.args[0]);
  }
  w_.add(')');
  if (filter_clause) {
    w_.add(" FILTER (WHERE ");
    condition(*e.filter);
    w_.add(')');
  }
  if (e.func == "COUNT") return FieldKind::BigInteger;
  if (e.func != "MIN" && e.func != "MAX") same_family(FieldKind::Float, arg_kind, e.func);
  if (e.func == "AVG")
    return arg_kind == FieldKind::Decimal ? FieldKind::Decimal : FieldKind::Float;
  if (e.func.starts_with("STDDEV") || e.func.starts_with("VAR")) return FieldKind::Float;
  if (e.func == "SUM" && is_integer(arg_kind)) return FieldKind::BigInteger;
  return arg_kind;
}

std::optional<FieldKind> Compiler::function(const ExprNode& e) {
  if (e.func == "Concat") {
    concat(e, 0);  // pairwise from the left: CONCAT(a, CONCAT(b, c)), as Django's ConcatPair
    return FieldKind::Text;
  }
  if (e.func == "Extract" || e.func == "Trunc") return date_part(e);
  if (e.window_only && !in_window_) {
    throw ProgrammingError(e.func + " is a window function: use it inside Window()");
  }
  std::optional<FieldKind> first;
  const std::string key = "func." + e.func;
  const std::string_view tmpl = d_.text(key);
  if (tmpl.empty()) {
    not_supported(d_, e.func + " is");
  }
  render(w_, tmpl, [&](std::string_view slot) {
    if (slot == "args") {
      const bool same_kind = e.func == "Coalesce" || e.func == "Greatest" || e.func == "Least";
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) w_.add(", ");
        const auto k = expr(*e.args[i]);
        if (i == 0) first = k;
        if (same_kind) same_family(first, k, e.func);
      }
    } else if (slot == "arg" && !e.args.empty()) {
      first = expr(*e.args[0]);
    } else if (slot == "default" && e.args.size() > 1) {
      expr(*e.args[1]);
    } else if ((slot == "n" || slot == "pos" || slot == "places" || slot == "offset") &&
               !e.ints.empty()) {
      int_arg(e.ints[0]);
    } else if (slot == "length" && e.ints.size() > 1) {
      int_arg(e.ints[1]);
    } else if (slot == "type" && e.cast) {
      const FieldSpec& to = *e.cast;
      const std::string kind(kind_name(to.kind()));
      std::string_view tmpl = d_.text("cast." + kind);
      if (tmpl.empty()) tmpl = d_.text("type." + kind);
      w_.add(Dialect::render_text(tmpl, {{"max_length", std::to_string(to.max_length())},
                                         {"max_digits", std::to_string(to.max_digits())},
                                         {"decimal_places", std::to_string(to.decimal_places())}}));
    } else {
      unknown_slot(slot);
    }
  });
  if (e.output) return e.output->kind;
  if (e.func == "Lower" || e.func == "Upper" || e.func.starts_with("Substr")) {
    return FieldKind::Text;
  }
  if (e.func == "Length") return FieldKind::Integer;
  if (e.func == "Now") return FieldKind::DateTime;
  if (e.func == "Random" || e.func == "PercentRank" || e.func == "CumeDist") {
    return FieldKind::Float;
  }
  if (e.func == "Rank" || e.func == "DenseRank" || e.func == "RowNumber" || e.func == "Ntile") {
    return FieldKind::BigInteger;
  }
  return first;
}

// Extract(x, part) is the lookup transform of that name; Trunc(x, part) the backend's
// truncation, which gives a datetime: a date's is made a date again.
std::optional<FieldKind> Compiler::date_part(const ExprNode& e) {
  const std::optional<FieldKind> in = kind_of(*e.args[0]);
  const std::string_view part = e.part;
  const bool time_part = is_time_part(part);
  const char* what = e.func == "Extract" ? "extract" : "truncate";
  if (in && *in != FieldKind::DateTime && *in != FieldKind::Date &&
      !(*in == FieldKind::Time && time_part && e.func == "Extract")) {
    throw ValueError(std::string("Cannot ") + what + " '" + std::string(part) + "' from a " +
                     std::string(kind_name(*in)));
  }
  if (in == FieldKind::Date && time_part) {
    throw ValueError(std::string("Cannot ") + what + " the time part '" + std::string(part) +
                     "' from a DateField");
  }
  const std::string key = (e.func == "Extract" ? "transform." : "trunc.") + std::string(part);
  auto write = [&] {
    render(w_, d_.text(key), [&](std::string_view slot) {
      if (slot != "lhs") unknown_slot(slot);
      expr(*e.args[0]);
    });
  };
  if (e.func == "Extract") {
    write();
    return FieldKind::Integer;
  }
  if (in != FieldKind::Date) {
    write();
    return FieldKind::DateTime;
  }
  render(w_, d_.text("transform.date"), [&](std::string_view slot) {
    if (slot != "lhs") unknown_slot(slot);
    write();
  });
  return FieldKind::Date;
}

std::optional<FieldKind> Compiler::window(const ExprNode& e) {
  if (!d_.features().has("supports_over_clause")) {
    not_supported(d_, "window functions (OVER) are");
  }
  const WindowNode& win = *e.window;
  const bool was = in_window_;
  in_window_ = true;
  const auto k = expr(*e.args[0]);
  in_window_ = was;
  w_.add(" OVER (");
  bool space = false;
  if (!win.partition_by.empty()) {
    w_.add("PARTITION BY ");
    for (std::size_t i = 0; i < win.partition_by.size(); ++i) {
      if (i) w_.add(", ");
      expr(*win.partition_by[i]);
    }
    space = true;
  }
  if (!win.order_by.empty()) {
    w_.add(space ? " ORDER BY " : "ORDER BY ");
    for (std::size_t i = 0; i < win.order_by.size(); ++i) {
      if (i) w_.add(", ");
      order_item(win.order_by[i], false, /*by_alias=*/false);  // no alias is known in OVER
    }
    space = true;
  }
  if (win.frame) {
    const Frame& f = *win.frame;
    const bool fixed = (f.start && *f.start != 0) || (f.end && *f.end != 0);
    if (!f.rows && fixed && !d_.features().has("supports_frame_range_fixed_distance")) {
      not_supported(d_, "RANGE frames with a fixed distance are");
    }
    w_.add(space ? (f.rows ? " ROWS BETWEEN " : " RANGE BETWEEN ")
                 : (f.rows ? "ROWS BETWEEN " : "RANGE BETWEEN "));
    frame_bound(f.start, true);
    w_.add(" AND ");
    frame_bound(f.end, false);
  }
  w_.add(')');
  return k;
}

// Frame offsets are C++ integers, written as digits (no backend takes a parameter there).
void Compiler::frame_bound(std::optional<int64_t> n, bool start) {
  if (!n) {
    w_.add(start ? "UNBOUNDED PRECEDING" : "UNBOUNDED FOLLOWING");
  } else if (*n == 0) {
    w_.add("CURRENT ROW");
  } else {
    w_.add(std::to_string(*n < 0 ? -*n : *n));
    w_.add(*n < 0 ? " PRECEDING" : " FOLLOWING");
  }
}

void Compiler::concat(const ExprNode& e, std::size_t i) {
  render(w_, d_.text("func.ConcatPair"), [&](std::string_view slot) {
    if (slot == "a") {
      expr(*e.args[i]);
    } else if (slot == "b") {
      if (i + 2 == e.args.size()) {
        expr(*e.args[i + 1]);
      } else {
        concat(e, i + 1);
      }
    } else {
      unknown_slot(slot);
    }
  });
}

std::string default_alias(const Expr& aggregate) {
  // Sum("x", {.default_value = 0}) is COALESCE(SUM(x), 0), named as SUM(x) is.
  const ExprNode& e =
      aggregate.node().aggregate_default ? *aggregate.node().args[0] : aggregate.node();
  // STDDEV_POP and STDDEV_SAMP are both StdDev ("gpa__stddev"); VAR_* are Variance.
  std::string func = e.func.starts_with("STDDEV") ? "stddev"
                     : e.func.starts_with("VAR")  ? "variance"
                                                  : e.func;
  std::transform(func.begin(), func.end(), func.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  if (e.kind == ExprNode::Kind::Aggregate && e.star) return func;
  if (e.kind == ExprNode::Kind::Aggregate && e.args[0]->kind == ExprNode::Kind::Field) {
    return e.args[0]->path + "__" + func;
  }
  throw ProgrammingError("Complex aggregates require an alias: aggregate({{\"name\", ...}})");
}

}  // namespace quarry::detail
