// libFuzzer: any bytes as a workflow file must give diagnostics, never a crash.
#include <linkhub/engine/validator.hpp>
#include <linkhub/engine/workflow.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// A small fixed catalog so validation runs too, without loading plugins.
class FuzzCatalog : public linkhub::StepCatalog {
 public:
  FuzzCatalog() {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const FuzzCatalog catalog;
  const std::string text(reinterpret_cast<const char*>(data), size);
  linkhub::LoadResult r = linkhub::load_workflow_text(text, "fuzz.yaml");
  if (r.workflow) {
    linkhub::validate_workflow(*r.workflow, catalog);
  }
  return 0;
}
