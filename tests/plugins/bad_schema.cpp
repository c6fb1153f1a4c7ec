// Declares an input schema that is not JSON.
#include <linkhub/plugin_api.h>

namespace {
lh_status run(void*, const lh_context*, lh_str) {
  return LH_OK;
}
const lh_step_def kSteps[] = {
    {sizeof(lh_step_def), "step", "bad schema", "{type: object", "{}", nullptr, nullptr, &run, nullptr}};
const lh_plugin_def kPlugin{sizeof(lh_plugin_def), "bad_schema", "1.0.0", "bad schema", kSteps, 1};
}  // namespace

extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {
  return LH_API_VERSION;
}
extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api*, const lh_plugin_def** out) {
  *out = &kPlugin;
  return LH_OK;
}
