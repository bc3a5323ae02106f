#include "support/redis_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace quarry::test {
namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free port for a test Redis");
  }
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[256];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::string shared_redis_url() {
  const char* url = std::getenv("QUARRY_TEST_REDIS_URL");
  return url ? url : "";
}

RedisServer::RedisServer() {
  char templ[] = "/tmp/quarry-redis-XXXXXX";
  if (!::mkdtemp(templ)) throw std::runtime_error("no temporary folder for a test Redis");
  dir_ = templ;
  port_ = free_port();
  start();
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

void RedisServer::start() {
  const std::string pidfile = dir_ + "/pid";
  std::filesystem::remove(pidfile);
  const std::string cmd = "redis-server --port " + std::to_string(port_) +
                          " --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir " +
                          dir_ + " --pidfile " + pidfile + " --logfile " + dir_ + "/log";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("redis-server did not start");
  for (int i = 0; i < 500; ++i) {
    if (cli("PING") == "PONG") {
      std::ifstream in(pidfile);
      in >> pid_;
      if (pid_ > 0) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the test Redis did not answer: see " + dir_ + "/log");
}

void RedisServer::freeze() {
  ::kill(pid_, SIGSTOP);
}

void RedisServer::thaw() {
  ::kill(pid_, SIGCONT);
}

void RedisServer::shutdown() {
  cli("SHUTDOWN NOSAVE");
  for (int i = 0; i < 500 && ::kill(pid_, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = 0;
}

std::string RedisServer::get_raw(const std::string& key) const {
  FILE* p = ::popen(
      ("redis-cli -p " + std::to_string(port_) + " --raw GET '" + key + "' 2>/dev/null").c_str(),
      "r");
  std::string out;
  if (!p) return out;
  char buf[256];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  if (!out.empty() && out.back() == '\n') out.pop_back();  // the one the tool adds
  return out;
}

void RedisServer::set_raw(const std::string& key, const std::string& value) const {
  // -x: the last argument is read from standard input, as it is.
  FILE* p = ::popen(
      ("redis-cli -p " + std::to_string(port_) + " -x SET '" + key + "' >/dev/null 2>&1").c_str(),
      "w");
  if (!p) return;
  std::fwrite(value.data(), 1, value.size(), p);
  ::pclose(p);
}

std::string RedisServer::cli(const std::string& command) const {
  return run("redis-cli -p " + std::to_string(port_) + " " + command + " 2>/dev/null");
}

}  // namespace quarry::test
