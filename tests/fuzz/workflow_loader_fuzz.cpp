// libFuzzer: any bytes as a workflow file must give diagnostics, never a
// crash. Validation runs against the built-in plugins' real schemas (loaded
// once from LINKHUB_FUZZ_PLUGIN_DIR, the environment variable of that name
// overriding the build's directory), so the validator's schema paths (anyOf,
// root-level violations, defaults) are reached; without plugins a small fixed
// catalog stands in.
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/validator.hpp>
#include <linkhub/engine/workflow.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

class FixedCatalog : public linkhub::StepCatalog {
 public:
  FixedCatalog() {
    sig_.uses = "core.transform";
    sig_.input_schema = {
        {"type", "object"}, {"properties", {{"value", linkhub::Json::object()}}}, {"additionalProperties", false}};
    sig_.output_schema = {{"type", "object"}, {"properties", {{"value", linkhub::Json::object()}}}};
  }
  const linkhub::StepSignature* find_signature(std::string_view uses) const override {
    return uses == sig_.uses ? &sig_ : nullptr;
  }
  std::vector<std::string> all_uses() const override { return {sig_.uses}; }

 private:
  linkhub::StepSignature sig_;
};

const linkhub::StepCatalog* catalog = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static linkhub::PluginHost host;
  static const FixedCatalog fixed;
  const char* dir = std::getenv("LINKHUB_FUZZ_PLUGIN_DIR");
#ifdef LINKHUB_FUZZ_PLUGIN_DIR
  if (dir == nullptr) {
    dir = LINKHUB_FUZZ_PLUGIN_DIR;
  }
#endif
  if (dir != nullptr) {
    host.load_directory(dir);
  }
  catalog = host.all_uses().empty() ? static_cast<const linkhub::StepCatalog*>(&fixed) : &host;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  linkhub::LoadResult r = linkhub::load_workflow_text(text, "fuzz.yaml");
  if (r.workflow) {
    linkhub::validate_workflow(*r.workflow, *catalog);
  }
  return 0;
}
