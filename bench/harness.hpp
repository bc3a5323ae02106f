// Timing: each workload runs through the raw driver and through quarry in the same
// process, alternating which goes first, for several rounds; the report gives the
// medians of wall time and of the process's CPU time, and their ratio quarry/raw.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace bench {

struct Sample {
  double wall_s = 0;
  double cpu_s = 0;
};

struct Workload {
  std::string name;
  std::size_t ops = 1;  // operations in one run (20k gets), for per-operation figures
  std::size_t rows = 0;
  std::function<void()> raw;
  std::function<void()> quarry;
  std::function<void()> before_each;  // untimed set-up before every run (a TRUNCATE)
  std::string raw_label = "raw";
};

struct Result {
  std::string backend, workload, raw_label;
  std::size_t ops = 0, rows = 0, rounds = 0;
  Sample raw, quarry;                      // medians
  long quarry_rss_kb = 0, raw_rss_kb = 0;  // peak resident memory, for memory workloads
  double wall_ratio() const { return quarry.wall_s / raw.wall_s; }
  double cpu_ratio() const { return quarry.cpu_s / raw.cpu_s; }
};

Sample measure(const std::function<void()>& fn);
Result run(const std::string& backend, const Workload& w, int rounds);
// A timing of quarry alone (SQL generation), per operation.
Result run_alone(const std::string& backend, const std::string& name, std::size_t ops,
                 const std::function<void()>& fn, int rounds);

// A memory workload: each side run in a process of its own, which reports its peak
// resident set size.
Result run_memory(const std::string& backend, const std::string& name, std::size_t rows,
                  long quarry_rss_kb, long raw_rss_kb, const std::string& raw_label);

void print_table(const std::vector<Result>& results);
std::string to_json(const std::vector<Result>& results, const std::string& machine);

}  // namespace bench
