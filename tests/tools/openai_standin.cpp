// A loopback OpenAI-compatible chat completions stand-in, to try the ai
// plugin's llm backend without a key (plugins/ai/README.md, "Trying it
// without a key"). It answers POST /v1/chat/completions on 127.0.0.1 with
// the answers given, in order; the last one repeats.
//
//   openai_standin ANSWER...
//
// ANSWER: a file (a chat.completion JSON body, or a .sse event stream such
// as plugins/ai/tests/fixtures/openai_chat_stream_*.sse), `garbage` (200 with
// content that is not JSON), or an HTTP status (429 with Retry-After: 1, 500,
// 503 ...). Prints the base URL, then one line per request; stops on Ctrl-C.
#include "loopback_server.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

namespace {

linkhub::test::Response answer_for(const std::string& spec) {
  if (spec == "garbage") {
    return {200,
            "application/json",
            R"({"object":"chat.completion","model":"standin","choices":[{"index":0,"message":)"
            R"({"role":"assistant","content":"Sure! Here is your product: a nice shirt."},"finish_reason":"stop"}],)"
            R"("usage":{"prompt_tokens":17,"completion_tokens":10,"total_tokens":27}})",
            {}};
  }
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string::npos && spec.size() == 3) {
    const int status = std::stoi(spec);
    std::map<std::string, std::string> headers;
    if (status == 429) {
      headers.emplace("Retry-After", "1");  // not operator[] = "1": GCC 12's -Wrestrict misfires on that assignment
    }
    std::string body = R"({"error":{"message":"the stand-in answers )";
    body.append(spec).append(R"(","type":"standin","code":null}})");
    return {status, "application/json", std::move(body), std::move(headers)};
  }
  std::ifstream in(spec, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + spec);
  }
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool sse = spec.size() > 4 && spec.substr(spec.size() - 4) == ".sse";
  return {200, sse ? "text/event-stream" : "application/json", std::move(body), {}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: openai_standin ANSWER...   (a file, garbage, or a status such as 429)\n");
    return 2;
  }
  std::vector<linkhub::test::Response> answers;
  try {
    for (int i = 1; i < argc; ++i) {
      answers.push_back(answer_for(argv[i]));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openai_standin: %s\n", e.what());
    return 2;
  }
  // Blocked before the server's threads start, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  std::mutex mutex;
  size_t served = 0;
  linkhub::test::LoopbackServer server;
  server.on("/v1/chat/completions", [&](const linkhub::test::Request&) {
    std::lock_guard lock(mutex);
    const auto& next = answers[std::min(served, answers.size() - 1)];
    ++served;
    std::printf("request %zu: answered %d (%zu bytes)\n", served, next.status, next.body.size());
    std::fflush(stdout);
    return next;
  });
  server.start();
  std::printf("openai_standin: base_url %s\n", server.url("/v1").c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  return 0;
}
