// A primary's replicas: which of them may serve reads now, checked on a timer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace quarry {
class Connection;
class Database;
}  // namespace quarry

namespace quarry::detail {

class ReplicaSet {
 public:
  // Starts the health checks (one thread per set, every primary.settings().health_check_ms).
  ReplicaSet(Database& primary, std::vector<Database*> replicas);
  ~ReplicaSet();
  ReplicaSet(const ReplicaSet&) = delete;
  ReplicaSet& operator=(const ReplicaSet&) = delete;

  Database& primary() const { return primary_; }
  Database& replica(std::size_t i) const { return *replicas_[i]->db; }
  // The next replica in rotation (round robin over the healthy ones), or -1 when none is.
  int pick();
  // Takes replica i out of rotation until a health check finds it well (a read that could
  // not reach it); says so in the log.
  void set_down(std::size_t i, const std::string& why);

 private:
  struct Member {
    Database* db;
    std::atomic<bool> healthy{true};  // until a check says otherwise
    std::unique_ptr<Connection> probe;
    std::string why_down;  // the health thread's own
  };
  void run();
  void check(Member& m);
  void set_state(Member& m, bool healthy, const std::string& why);

  Database& primary_;
  std::vector<std::unique_ptr<Member>> replicas_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;  // guards stop_ and each member's why_down
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace quarry::detail
