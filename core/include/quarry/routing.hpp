// Database routers (Django's DATABASE_ROUTERS): which alias serves each statement.
//
//   struct ReportingRouter : quarry::Router {
//     std::optional<std::string> db_for_read(const quarry::ModelMeta& m,
//                                            const quarry::Hints&) override {
//       if (m.table().starts_with("report_")) return "reporting";
//       return std::nullopt;                       // no opinion: the next router answers
//     }
//   };
//   quarry::register_router("reporting", [](const quarry::RouterSettings&) {
//     return std::make_unique<ReportingRouter>();
//   });
//   // configs/app.yaml:   routers: [reporting, {name: by_model, routes: {Order: orders}}]
//
// What every statement does (the one seam, core/src/orm/route.cpp):
//   - an explicit using(alias) wins: routers are not asked;
//   - otherwise the chain is asked in order, and the first answer wins; with no answer, the
//     alias of the object the statement starts from (hints.instance_db), else "default";
//   - a read of an alias that lists replicas is then served by one of them when it may
//     be (see ReadYourWrites); writes, select_for_update() and everything inside an
//     atomic() block on the alias are served by the alias itself, the primary.
// Routers are asked before any SQL is compiled (the alias decides the dialect), from
// any thread at once: a router's methods must be safe to call concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/config.hpp"

namespace quarry {

class ModelMeta;

// What a router is told besides the model.
struct Hints {
  // The object the statement is about or starts from (the one being saved or deleted, the
  // parent of a related lookup), or null; and the alias it was read from or saved to
  // ("" when unknown or new).
  const void* instance = nullptr;
  std::string_view instance_db;
  bool for_update = false;  // select_for_update(): a read that takes row locks
  bool raw = false;         // the application's own SQL (quarry/raw_sql.hpp)
  // This thread has an atomic block open (on any alias): a router may keep a
  // transaction's statements together.
  bool in_atomic = false;
};

class Router {
 public:
  virtual ~Router() = default;
  // The alias for reads or writes of the model; nullopt: no opinion.
  virtual std::optional<std::string> db_for_read(const ModelMeta&, const Hints&) {
    return std::nullopt;
  }
  virtual std::optional<std::string> db_for_write(const ModelMeta&, const Hints&) {
    return std::nullopt;
  }
  // Whether an object of a (on alias a_db) may refer to one of b (on b_db); nullopt: no
  // opinion. With no opinion anywhere, only objects of the same alias may.
  virtual std::optional<bool> allow_relation(const ModelMeta& /*a*/, std::string_view /*a_db*/,
                                             const ModelMeta& /*b*/, std::string_view /*b_db*/) {
    return std::nullopt;
  }
  // Whether the model's table belongs on alias (create_tables, migrations); nullopt: no
  // opinion. With no opinion anywhere, yes.
  virtual std::optional<bool> allow_migrate(std::string_view /*alias*/, const ModelMeta&) {
    return std::nullopt;
  }
};

// Makes a router from its entry in the config's routers: list. Throws
// ImproperlyConfigured (naming settings.source) for options it does not take.
using RouterFactory = std::function<std::unique_ptr<Router>(const RouterSettings& settings)>;

// Makes a router known by name to configs loaded after this. Built in: by_model (models
// or tables to aliases) and tenant (the current TenantScope's tenant to an alias); see
// docs/config.md. A name is registered once (ImproperlyConfigured otherwise).
void register_router(const std::string& name, RouterFactory factory);

// The current tenant of this thread, for the tenant router: the innermost scope alive.
class TenantScope {
 public:
  explicit TenantScope(std::string tenant);
  ~TenantScope();
  TenantScope(const TenantScope&) = delete;
  TenantScope& operator=(const TenantScope&) = delete;
  // The tenant of the innermost scope on this thread, or "" outside any.
  static const std::string& current();

 private:
  std::string tenant_;
  const TenantScope* outer_;
};

// Read-your-writes across threads and requests. Every thread already reads its own
// committed writes: after a commit on an alias with replicas, quarry takes the primary's
// position (a causal token: PostgreSQL's WAL LSN, MariaDB's GTID position), and a later
// read on that thread goes to a replica only once the replica has replayed that far, else
// to the primary. A ReadYourWrites carries the same guarantee wherever the application
// takes it (a web session, a request handed between threads): while bound on a thread,
// the writes committed there are noted in it, and the reads made there wait for them too.
//
//   quarry::ReadYourWrites session;              // kept with the user's session
//   { auto bound = session.bind(); quarry::save(order); }        // thread 1
//   { auto bound = session.bind(); Order::objects().get(...); }  // thread 2: sees it
//
// Copies share one set of tokens. Safe to bind on several threads at once.
class ReadYourWrites {
 public:
  ReadYourWrites();
  struct State;
  class Binding {
   public:
    ~Binding();
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;

   private:
    friend class ReadYourWrites;
    explicit Binding(std::shared_ptr<State> s);
    std::shared_ptr<State> state_;
    State* outer_;
  };
  // Makes this scope current on the calling thread until the binding goes.
  [[nodiscard]] Binding bind() const;
  // Forgets the writes noted so far (a new session).
  void clear();

 private:
  std::shared_ptr<State> state_;
};

}  // namespace quarry
