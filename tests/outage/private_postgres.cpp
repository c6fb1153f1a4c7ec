#include "private_postgres.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace linkhub::test {
namespace fs = std::filesystem;

namespace {

// The newest /usr/lib/postgresql/*/bin with initdb, as scripts/pg.sh finds it.
std::string server_binaries() {
  std::string best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") && bin.string() > best) {
      best = bin.string();
    }
  }
  return best;
}

// A port nobody listens on now (the kernel's pick for an ephemeral bind).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string run(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return out;
  }
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    out += buffer.data();
  }
  *status = ::pclose(pipe);
  return out;
}

}  // namespace

std::string PrivatePostgres::unavailable_reason() {
  if (server_binaries().empty()) {
    return "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/setup.sh installs them): the "
           "PostgreSQL restart test was NOT RUN";
  }
  return "";
}

PrivatePostgres::PrivatePostgres() : bin_(server_binaries()) {
  port_ = free_port();
  root_ = (fs::temp_directory_path() /
           ("linkhub-pg-outage-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}() % 100000)))
              .string();
  int status = 0;
  const std::string command = "PGBIN=" + bin_ + " LINKHUB_PG_PORT=" + std::to_string(port_) +
                              " LINKHUB_PG_ROOT=" + root_ + " " + LINKHUB_SOURCE_DIR + "/scripts/pg.sh start 2>&1";
  std::string out = run(command, &status);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  if (status != 0 || out.rfind("postgresql://", 0) != 0) {
    error_ = command + ": " + out;
    return;
  }
  url_ = out;
}

PrivatePostgres::~PrivatePostgres() {
  if (!root_.empty() && fs::exists(fs::path(root_) / "data" / "postmaster.pid")) {
    pg_ctl("-m immediate -w stop");
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

bool PrivatePostgres::pg_ctl(const std::string& args) {
  const std::string as_pg = ::getuid() == 0 ? "runuser -u postgres -- " : "";
  const std::string command = as_pg + bin_ + "/pg_ctl -D " + root_ + "/data -l " + root_ + "/server.log -t 60 " +
                              "-o \"-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + root_ +
                              " -c fsync=off -c max_connections=200\" " + args + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

bool PrivatePostgres::restart_immediate() {
  return pg_ctl("-m immediate -w restart");
}

bool PrivatePostgres::stop_immediate() {
  return pg_ctl("-m immediate -w stop");
}

bool PrivatePostgres::start() {
  return pg_ctl("-w start");
}

}  // namespace linkhub::test
