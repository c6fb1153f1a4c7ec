// S3 put of a 100 MB file through multipart (16 MiB threshold, 8 MiB parts),
// by the artifact store's s3 backend, against LINKHUB_TEST_S3 (scripts/s3.sh):
//   url=$(scripts/s3.sh start); LINKHUB_TEST_S3=$url build/bin/s3_put_bench [MB]
// Prints MB/s for the upload (the hashing of the file is timed apart).
#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/s3_artifact_remote.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <vector>

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const char* endpoint = std::getenv("LINKHUB_TEST_S3");
  if (endpoint == nullptr) {
    std::fprintf(stderr, "s3_put_bench: set LINKHUB_TEST_S3 (url=$(scripts/s3.sh start))\n");
    return 2;
  }
  const size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  const fs::path file = fs::temp_directory_path() / "linkhub-s3-bench.bin";
  {
    std::mt19937_64 gen(std::random_device{}());  // fresh bytes: a new hash, so no dedupe
    std::ofstream out(file, std::ios::binary);
    std::vector<uint64_t> block(1 << 17);
    for (size_t i = 0; i < mb; ++i) {
      for (auto& w : block) {
        w = gen();
      }
      out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
    }
  }
  linkhub::StorageConfig storage;
  storage.backend = "s3";
  storage.endpoint = endpoint;
  storage.bucket = "linkhub-test";
  storage.prefix = "bench/";
  auto remote = linkhub::make_artifact_remote(storage, {{"S3_ACCESS_KEY", "S3RVER"}, {"S3_SECRET_KEY", "S3RVER"}});
  if (!remote) {
    std::fprintf(stderr, "s3_put_bench: %s\n", remote.error().message.c_str());
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto hex = linkhub::sha256_file(file);
  const auto t1 = std::chrono::steady_clock::now();
  auto sent = (*remote)->put(*hex, file, ".bin", "application/octet-stream");
  const auto t2 = std::chrono::steady_clock::now();
  fs::remove(file);
  if (!sent) {
    std::fprintf(stderr, "s3_put_bench: %s\n", sent.error().message.c_str());
    return 1;
  }
  const double hash_s = std::chrono::duration<double>(t1 - t0).count();
  const double put_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf("%zu MiB: sha256 %.2f s; put (HEAD + multipart, %zu parts) %.2f s = %.1f MiB/s\n", mb, hash_s,
              (mb + 7) / 8, put_s, static_cast<double>(mb) / put_s);
  return 0;
}
