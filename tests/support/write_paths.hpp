// Every write path of the ORM, each with the tables it changes: the one list the write
// events test and the query cache test both walk (each write must report, and
// invalidate, exactly these tables). Needs the seed's tables (OrmTest's fixture).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "seed/models.hpp"

namespace quarry::test {

struct WritePath {
  const char* what;
  std::function<void()> write;
  std::set<std::string> tables;  // what it changes
};

// Writes the rows the paths work on (a classroom, a student with an assignment, an
// author and a book), then gives the paths, to be run in order.
inline std::vector<WritePath> every_write_path() {
  using namespace seed;
  struct Rows {
    Classroom room;
    Student ann;
    Author author;
    Book book;
  };
  auto r = std::make_shared<Rows>();
  r->room = objects<Classroom>().create({{"name", "Lab"}});
  r->ann = Student{.name = "Ann", .course = "Math", .gpa = 3.0};
  r->ann.classroom = r->room;
  r->ann = objects<Student>().create(r->ann);
  objects<Assignment>().create(Assignment{.student = r->ann, .title = "Essay", .score = 80});
  r->author = objects<Author>().create({{"name", "Ann"}});
  r->book = objects<Book>().create({{"title", "T"}});
  return {
      {"create",
       [] {
         objects<Product>().create({{"name", "P"}, {"price", 1}});
       },
       {"product"}},
      {"save (UPDATE)",
       [r] {
         r->ann.gpa = 3.5;
         save(r->ann);
       },
       {"student"}},
      {"update()",
       [] {
         objects<Product>().update({{"price", 2}});
       },
       {"product"}},
      {"bulk_create",
       [] {
         std::vector<Product> ps(3);
         for (auto& p : ps) {
           p.name = "B";
           p.price = Decimal(1);
         }
         objects<Product>().bulk_create(ps);
       },
       {"product"}},
      {"bulk_update",
       [] {
         auto ps = objects<Product>().list();
         for (auto& p : ps) p.price = Decimal(3);
         objects<Product>().bulk_update(ps, {"price"});
       },
       {"product"}},
      {"get_or_create",
       [] {
         objects<Classroom>().get_or_create({{"name", "New"}});
       },
       {"classroom"}},
      {"update_or_create",
       [] {
         objects<Classroom>().update_or_create({{"name", "New"}}, {{"name", "Newer"}});
       },
       {"classroom"}},
      {"many-to-many add", [r] { r->book.authors.add(r->author); }, {"book_authors"}},
      {"many-to-many remove", [r] { r->book.authors.remove(r->author); }, {"book_authors"}},
      {"many-to-many set", [r] { r->book.authors.set({r->author}); }, {"book_authors"}},
      {"many-to-many clear", [r] { r->book.authors.clear(); }, {"book_authors"}},
      // The cascade: the student's assignments go with it.
      {"delete() with a cascade", [r] { remove(r->ann); }, {"assignment", "student"}},
      // SET_NULL: the classroom's students are changed, not deleted.
      {"delete() with SET_NULL",
       [r] {
         Student bo{.name = "Bo", .course = "Art", .gpa = 2.0};
         bo.classroom = r->room;
         objects<Student>().create(bo);
         objects<Classroom>().filter("id", r->room.id).remove();
       },
       {"classroom", "student"}},
      {"drop and create tables",
       [] {
         drop_tables<Product>();
         create_tables<Product>();
       },
       {"product"}},
  };
}

}  // namespace quarry::test
