// Waiting for the server, bounded by the read_timeout and write_timeout options.
//
// libpq's own calls (PQexec, PQexecPrepared, PQgetResult) wait for as long as the server
// takes: a frozen server (a stopped process, a paused host) holds them for as long as it
// stays frozen, whatever tcp_user_timeout and keepalives say, its kernel still answering.
// With a bound, the session is non-blocking: every send is flushed and every reply waited
// for with poll() on PQsocket, at most the bound at a time, as MariaDB's client does with
// the same options. Past the bound the session is given up (ConnectionLost) and its socket
// shut: the server ends what it was running there when it notices (at once when it
// wakes, or within client_connection_check_interval, which such a session sets).
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "pg_connection.hpp"
#include "pg_errors.hpp"

namespace quarry::postgres {

void Connection::set_timeouts(const sdk::ConnectParams& params) {
  // Whole seconds, as MariaDB's client takes them; 0 (the default) waits for ever.
  auto ms = [&](const char* key) {
    return static_cast<int>(std::min<uint64_t>(params.number(key, 0), 86'400)) * 1000;
  };
  read_timeout_ms_ = ms("read_timeout");
  write_timeout_ms_ = ms("write_timeout");
}

void Connection::start_bounded_io() {
  if (read_timeout_ms_ == 0 && write_timeout_ms_ == 0) return;
  if (PQsetnonblocking(conn_, 1) != 0) raise(conn_, nullptr);
  // The server looks for a client gone away during a long statement only when asked to.
  if (read_timeout_ms_ > 0 && PQserverVersion(conn_) >= 140000) {
    PgResult r{exec("SET client_connection_check_interval = 1000")};
    if (PQresultStatus(r.res) != PGRES_COMMAND_OK) raise(conn_, r.res);
  }
}

short Connection::wait(short events, int timeout_ms, const char* option) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  pollfd p{PQsocket(conn_), events, 0};
  for (;;) {
    int left = -1;
    if (timeout_ms > 0) {
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      left = ms > 0 ? static_cast<int>(ms) : 0;
    }
    const int n = ::poll(&p, 1, left);
    if (n > 0) return p.revents;
    if (n == 0) {
      lost_ = true;
      ::shutdown(PQsocket(conn_), SHUT_RDWR);
      throw sdk::Error(QUARRY_ERR_CONNECTION_LOST,
                       std::string("PostgreSQL did not answer within ") + option + " (" +
                           std::to_string(timeout_ms / 1000) + " s): the connection is given up",
                       QUARRY_SQLSTATE_TIMED_OUT);
    }
    if (errno != EINTR) {
      throw sdk::Error(QUARRY_ERR_CONNECTION_LOST,
                       std::string("waiting for PostgreSQL failed: ") + std::strerror(errno));
    }
  }
}

void Connection::sent(int ok) {
  if (!ok) raise(conn_, nullptr);
  for (;;) {  // in blocking mode PQflush has nothing left to send
    const int r = PQflush(conn_);
    if (r == 0) return;
    if (r < 0) raise(conn_, nullptr);
    if (wait(POLLIN | POLLOUT, write_timeout_ms_, "write_timeout") & POLLIN) {
      if (!PQconsumeInput(conn_)) raise(conn_, nullptr);
    }
  }
}

PGresult* Connection::next_result() {
  if (read_timeout_ms_ > 0) {
    while (PQisBusy(conn_)) {
      wait(POLLIN, read_timeout_ms_, "read_timeout");
      if (!PQconsumeInput(conn_)) break;  // the failure is PQgetResult's to report
    }
  }
  return PQgetResult(conn_);
}

PGresult* Connection::last_result() {
  // As PQexec: every result read, the first error kept (later ones add nothing), else the
  // last; a COPY stops the reading, its data being the caller's to send.
  PGresult* kept = nullptr;
  while (PGresult* r = next_result()) {
    if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(r);
      continue;
    }
    PQclear(kept);
    kept = r;
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH ||
        PQstatus(conn_) == CONNECTION_BAD) {
      break;
    }
  }
  return kept;
}

PGresult* Connection::exec(const char* sql) {
  sent(PQsendQuery(conn_, sql));
  return last_result();
}

bool Connection::put_copy(std::string_view data, const char* end, bool ending) {
  for (;;) {
    const int r = ending ? PQputCopyEnd(conn_, end)
                         : PQputCopyData(conn_, data.data(), static_cast<int>(data.size()));
    if (r < 0) return false;
    if (r == 1) break;
    wait(POLLOUT, write_timeout_ms_, "write_timeout");  // non-blocking, and the buffer is full
  }
  if (ending) sent(1);
  return true;
}

}  // namespace quarry::postgres
