// A process that runs one whatsapp.send through the plugin's C ABI and
// prints its result, so a test can kill it with SIGKILL in the middle of a
// send (whatsapp_exactly_once_test.cpp). argv: the plugin library, then
// {"config": {...}, "secrets": {...}, "key": "...", "input": {...}} as JSON.
#include <linkhub/testing.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PLUGIN.so JSON\n", argv[0]);
    return 2;
  }
  try {
    namespace lt = linkhub::sdk::testing;
    const auto spec = linkhub::sdk::Json::parse(argv[2]);
    lt::Plugin plugin(argv[1]);
    lt::FakeContext ctx;
    ctx.plugin_config = spec.at("config");
    ctx.secrets = spec.at("secrets").get<std::map<std::string, std::string>>();
    ctx.idempotency_key = spec.at("key").get<std::string>();
    ctx.http_allow = {"127.0.0.1"};
    std::printf("sending\n");
    std::fflush(stdout);
    const lt::StepResult r = plugin.run("send", ctx, spec.at("input"));
    std::printf("status %d %s\n", static_cast<int>(r.status), r.ok() ? r.output_text.c_str() : r.error.c_str());
    return r.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "whatsapp_send_child: %s\n", e.what());
    return 2;
  }
}
