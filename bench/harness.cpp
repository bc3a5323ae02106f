#include "harness.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace bench {
namespace {

double now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Sample median(std::vector<Sample> v) {
  auto mid = [&](auto key) {
    std::sort(v.begin(), v.end(),
              [&](const Sample& a, const Sample& b) { return key(a) < key(b); });
    const std::size_t n = v.size();
    return n % 2 ? key(v[n / 2]) : (key(v[n / 2 - 1]) + key(v[n / 2])) / 2;
  };
  Sample m;
  m.wall_s = mid([](const Sample& s) { return s.wall_s; });
  m.cpu_s = mid([](const Sample& s) { return s.cpu_s; });
  return m;
}

std::string per_op(double seconds, std::size_t ops) {
  const double us = seconds / static_cast<double>(ops) * 1e6;
  char buf[32];
  if (us < 10) {
    std::snprintf(buf, sizeof buf, "%.3f us", us);
  } else if (us < 10000) {
    std::snprintf(buf, sizeof buf, "%.1f us", us);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f ms", us / 1000);
  }
  return buf;
}

}  // namespace

Sample measure(const std::function<void()>& fn) {
  const double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  fn();
  return Sample{now(CLOCK_MONOTONIC) - w0, now(CLOCK_PROCESS_CPUTIME_ID) - c0};
}

Result run(const std::string& backend, const Workload& w, int rounds) {
  std::vector<Sample> raw, q;
  // One untimed run of each first: statements prepared, caches and pages warm.
  for (const auto* fn : {&w.raw, &w.quarry}) {
    if (w.before_each) w.before_each();
    (*fn)();
  }
  for (int r = 0; r < rounds; ++r) {
    const bool raw_first = r % 2 == 0;
    for (int k = 0; k < 2; ++k) {
      const bool is_raw = (k == 0) == raw_first;
      if (w.before_each) w.before_each();
      (is_raw ? raw : q).push_back(measure(is_raw ? w.raw : w.quarry));
    }
  }
  Result res{backend,     w.name,   w.raw_label, w.ops, w.rows, static_cast<std::size_t>(rounds),
             median(raw), median(q)};
  std::fprintf(stderr, "  %-34s quarry %s cpu %s | %s %s cpu %s\n", w.name.c_str(),
               per_op(res.quarry.wall_s, w.ops).c_str(), per_op(res.quarry.cpu_s, w.ops).c_str(),
               w.raw_label.c_str(), per_op(res.raw.wall_s, w.ops).c_str(),
               per_op(res.raw.cpu_s, w.ops).c_str());
  return res;
}

Result run_alone(const std::string& backend, const std::string& name, std::size_t ops,
                 const std::function<void()>& fn, int rounds) {
  fn();
  std::vector<Sample> q;
  for (int r = 0; r < rounds; ++r) q.push_back(measure(fn));
  Result res{backend, name, "", ops, 0, static_cast<std::size_t>(rounds), Sample{}, median(q)};
  std::fprintf(stderr, "  %-34s quarry %s cpu %s\n", name.c_str(),
               per_op(res.quarry.wall_s, ops).c_str(), per_op(res.quarry.cpu_s, ops).c_str());
  return res;
}

Result run_memory(const std::string& backend, const std::string& name, std::size_t rows,
                  long quarry_rss_kb, long raw_rss_kb, const std::string& raw_label) {
  Result res{backend, name, raw_label, 1, rows, 1, Sample{}, Sample{}, quarry_rss_kb, raw_rss_kb};
  std::fprintf(stderr, "  %-34s quarry %.1f MB | %s %.1f MB\n", name.c_str(),
               quarry_rss_kb / 1024.0, raw_label.c_str(), raw_rss_kb / 1024.0);
  return res;
}

void print_table(const std::vector<Result>& results) {
  std::printf(
      "\n| backend | workload | ops | quarry wall/op | raw wall/op | wall ratio | quarry cpu/op | "
      "raw cpu/op | cpu ratio |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  bool memory = false;
  for (const auto& r : results) {
    if (r.quarry_rss_kb > 0) {
      memory = true;
      continue;
    }
    if (r.raw.wall_s == 0) {
      std::printf("| %s | %s | %zu | %s | | | %s | | |\n", r.backend.c_str(), r.workload.c_str(),
                  r.ops, per_op(r.quarry.wall_s, r.ops).c_str(),
                  per_op(r.quarry.cpu_s, r.ops).c_str());
      continue;
    }
    std::printf("| %s | %s | %zu | %s | %s (%s) | %.3f | %s | %s | %.3f |\n", r.backend.c_str(),
                r.workload.c_str(), r.ops, per_op(r.quarry.wall_s, r.ops).c_str(),
                per_op(r.raw.wall_s, r.ops).c_str(), r.raw_label.c_str(), r.wall_ratio(),
                per_op(r.quarry.cpu_s, r.ops).c_str(), per_op(r.raw.cpu_s, r.ops).c_str(),
                r.cpu_ratio());
  }
  if (!memory) return;
  std::printf(
      "\n| backend | workload | rows | quarry peak RSS | raw peak RSS |\n|---|---|---|---|---|\n");
  for (const auto& r : results) {
    if (r.quarry_rss_kb <= 0) continue;
    std::printf("| %s | %s | %zu | %.1f MB | %.1f MB (%s) |\n", r.backend.c_str(),
                r.workload.c_str(), r.rows, r.quarry_rss_kb / 1024.0, r.raw_rss_kb / 1024.0,
                r.raw_label.c_str());
  }
}

std::string to_json(const std::vector<Result>& results, const std::string& machine) {
  std::ostringstream o;
  o << "{\"machine\": \"" << machine << "\", \"results\": [";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    o << (i ? ",\n" : "\n") << "  {\"backend\": \"" << r.backend << "\", \"workload\": \""
      << r.workload << "\", \"baseline\": \"" << r.raw_label << "\", \"ops\": " << r.ops
      << ", \"rows\": " << r.rows << ", \"rounds\": " << r.rounds
      << ", \"quarry_median_wall_s\": " << r.quarry.wall_s
      << ", \"quarry_median_cpu_s\": " << r.quarry.cpu_s
      << ", \"raw_median_wall_s\": " << r.raw.wall_s << ", \"raw_median_cpu_s\": " << r.raw.cpu_s
      << ", \"wall_ratio\": " << (r.raw.wall_s > 0 ? r.wall_ratio() : 0)
      << ", \"cpu_ratio\": " << (r.raw.cpu_s > 0 ? r.cpu_ratio() : 0);
    if (r.quarry_rss_kb > 0) {
      o << ", \"quarry_peak_rss_kb\": " << r.quarry_rss_kb
        << ", \"raw_peak_rss_kb\": " << r.raw_rss_kb;
    }
    o << "}";
  }
  o << "\n]}\n";
  return o.str();
}

}  // namespace bench
