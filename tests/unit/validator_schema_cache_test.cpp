// The validator checks `with:` against the schema its catalog compiled once
// (StepSignature::input_validator) and compiles input_schema itself only when
// the catalog keeps none; the plugin host keeps one for every step.
#include "builtin_plugins.hpp"

#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/validator.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <string>

namespace linkhub {
namespace {

class OneStepCatalog : public StepCatalog {
 public:
  StepSignature sig;
  const StepSignature* find_signature(std::string_view uses) const override {
    return uses == sig.uses ? &sig : nullptr;
  }
  std::vector<std::string> all_uses() const override { return {sig.uses}; }
};

Json requiring(const std::string& field) {
  return Json{{"type", "object"}, {"properties", {{field, {{"type", "string"}}}}}, {"required", {field}}};
}

std::string diagnostics_of(const StepCatalog& catalog) {
  LoadResult loaded = load_workflow_text("name: w\nsteps:\n  - id: s\n    uses: demo.step\n    with: {}\n", "w.yaml");
  EXPECT_TRUE(loaded.workflow.has_value());
  std::string out;
  for (const auto& d : validate_workflow(*loaded.workflow, catalog)) {
    out += format_diagnostic(d) + "\n";
  }
  return out;
}

TEST(ValidatorSchemaCache, UsesTheCompiledSchemaWhenTheCatalogHasOne) {
  OneStepCatalog catalog;
  catalog.sig.uses = "demo.step";
  catalog.sig.input_schema = requiring("title");
  EXPECT_NE(diagnostics_of(catalog).find("needs the input 'title'"), std::string::npos) << diagnostics_of(catalog);

  // A compiled schema that differs from the text shows which one was used.
  auto compiled = JsonSchema::compile(requiring("caption"));
  ASSERT_TRUE(compiled.ok());
  catalog.sig.input_validator = &*compiled;
  const std::string found = diagnostics_of(catalog);
  EXPECT_NE(found.find("needs the input 'caption'"), std::string::npos) << found;
  EXPECT_EQ(found.find("'title'"), std::string::npos) << found;
}

TEST(ValidatorSchemaCache, ThePluginHostCompilesEveryStepsInputSchemaOnce) {
  const PluginHost& host = test::builtin_plugins();
  ASSERT_FALSE(host.all_uses().empty());
  for (const auto& uses : host.all_uses()) {
    const LoadedStep* step = host.step(uses);
    ASSERT_NE(step, nullptr) << uses;
    EXPECT_EQ(step->signature.input_validator, &step->input_validator) << uses;
    EXPECT_EQ(host.find_signature(uses)->input_validator, &step->input_validator) << uses;
  }
}

}  // namespace
}  // namespace linkhub
