// A plugin with an external effect, for the crash and cluster tests. Each
// execution appends a line to <dir>/executions.log; the effect itself is a
// file <dir>/effects/<key>, created once per idempotency key: a repeat with
// the same key finds it and returns the recorded result (exactly-once).
// `block: true` makes the first execution of a key log "blocking <key>" and
// wait for cancellation, so a test can kill the process while it runs, or
// until the test tells it to go on (a file <dir>/release/<key>, for a test
// that freezes the process meanwhile); only in a process started with
// LINKHUB_EFFECTS_BLOCK=1, so the others run through.
// `sleep_ms: N` makes every execution take N ms before its effect (stopping
// early if cancelled), so scripts/chaos.sh's faults land mid-step; each log
// line ends with `at=<ms since the epoch>` so a fault can be matched to it.
#include <linkhub/plugin.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

std::string file_name(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (c == '/') {
      c = '_';
    }
  }
  return out;
}

void append_line(const fs::path& file, const std::string& line) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    throw linkhub::sdk::StepError("cannot open " + file.string());
  }
  const std::string text = line + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());  // one write: lines never interleave
  ::close(fd);
}

class Record : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "record";
  static constexpr const char* description = "records one effect per idempotency key";
  static linkhub::sdk::Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"label", {{"type", "string"}}},
              {"block", {{"type", "boolean"}}},
              {"sleep_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", 60000}}}}},
            {"additionalProperties", false}};
  }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }

  linkhub::sdk::Json run(linkhub::sdk::Context& ctx, const linkhub::sdk::Json& input) override {
    const auto config = ctx.plugin_config();
    const fs::path dir = config.value("dir", std::string());
    if (dir.empty()) {
      throw linkhub::sdk::StepError("effects: set plugins.effects.dir in linkhub.yaml");
    }
    fs::create_directories(dir / "effects");
    fs::create_directories(dir / "blocked");
    const std::string key(ctx.idempotency_key());
    const auto at_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    append_line(dir / "executions.log", key + " attempt=" + std::to_string(ctx.attempt()) +
                                            " pid=" + std::to_string(getpid()) + " at=" + std::to_string(at_ms));
    const auto sleep_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(input.value("sleep_ms", 0));
    while (std::chrono::steady_clock::now() < sleep_until && !ctx.cancelled()) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(10), sleep_until - std::chrono::steady_clock::now()));
    }
    ctx.throw_if_cancelled();
    if (input.value("block", false) && std::getenv("LINKHUB_EFFECTS_BLOCK") != nullptr) {
      const fs::path marker = dir / "blocked" / file_name(key);
      if (!fs::exists(marker)) {
        std::ofstream(marker) << "blocked\n";
        ctx.info("blocking " + key);
        // Until the test kills this process or releases the step (bounded: a
        // test that forgot us ends anyway).
        const fs::path release = dir / "release" / file_name(key);
        for (int i = 0; i < 6000 && !ctx.cancelled() && !fs::exists(release); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ctx.throw_if_cancelled();
      }
    }
    const fs::path effect = dir / "effects" / file_name(key);
    const int fd = ::open(effect.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      const std::string text = input.value("label", std::string()) + "\n";
      [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
      ::close(fd);
      return {{"label", input.value("label", std::string())}, {"key", key}, {"effect", "created"}};
    }
    return {{"label", input.value("label", std::string())}, {"key", key}, {"effect", "already done"}};
  }
};

// Writes `text` to a file and stores it in the host's artifact store.
class Store : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "store";
  static constexpr const char* description = "stores a text file as an artifact";
  static linkhub::sdk::Json input_schema() {
    return {{"type", "object"},
            {"properties", {{"text", {{"type", "string"}}}, {"hash", {{"type", "string"}}}}},
            {"additionalProperties", false}};
  }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }

  linkhub::sdk::Json run(linkhub::sdk::Context& ctx, const linkhub::sdk::Json& input) override {
    if (input.contains("hash")) {
      return {{"path", ctx.artifact_path(input["hash"].get<std::string>())}, {"database", ctx.database_url()}};
    }
    const fs::path file = fs::path(std::string(ctx.artifact_dir())) / "note.txt";
    std::ofstream(file) << input.value("text", std::string());
    return ctx.put_artifact(file.string(), "text/plain");
  }
};

}  // namespace

LINKHUB_PLUGIN("effects", "1.0.0", "exactly-once effects for crash tests", Record, Store)
