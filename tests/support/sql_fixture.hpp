// Fixture for the SQL tests that need no server: every alias gives its server_version,
// so nothing connects, and the helpers show what a queryset would run on each dialect.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "quarry/quarry.hpp"

namespace quarry::test {

class SqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure(Config::parse(R"(
databases:
  default: {engine: sqlite, name: ":memory:", server_version: "3.40.1"}
  pg: {engine: postgres, server_version: "15.4"}
  my: {engine: mysql, server_version: "10.11.6-MariaDB"}
  lite: {engine: sqlite, name: ":memory:", server_version: "3.40.1"}
  old_maria: {engine: mysql, server_version: "10.1.48-MariaDB"}
)"));
  }
  template <class QS>
  static std::string on(const QS& qs, const char* alias) {
    return qs.using_(alias).sql().sql;
  }
  template <class QS>
  static std::vector<Value> params(const QS& qs, const char* alias = "pg") {
    return qs.using_(alias).sql().params;
  }
  // The WHERE clause onwards.
  template <class QS>
  static std::string where(const QS& qs, const char* alias) {
    const std::string s = on(qs, alias);
    const auto at = s.find(" WHERE ");
    return at == std::string::npos ? "" : s.substr(at + 1);
  }
  // The FROM clause onwards.
  template <class QS>
  static std::string from(const QS& qs, const char* alias) {
    const std::string s = on(qs, alias);
    return s.substr(s.find(" FROM ") + 1);
  }
  static const Dialect& dialect(const char* alias) { return database(alias).dialect(); }
};

}  // namespace quarry::test
