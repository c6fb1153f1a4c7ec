// Written against the raw C ABI: answers with text that is not JSON.
#include <linkhub/plugin_api.h>

#include <cstring>

namespace {
lh_status run(void*, const lh_context* ctx, lh_str) {
  const char* out = "{\"unterminated\": ";
  ctx->set_output(ctx->host_data, {out, std::strlen(out)});
  return LH_OK;
}
const lh_step_def kSteps[] = {
    {sizeof(lh_step_def), "garbage", "returns malformed JSON", "{}", "{}", nullptr, nullptr, &run, nullptr}};
const lh_plugin_def kPlugin{sizeof(lh_plugin_def), "malformed_output", "1.0.0", "bad output", kSteps, 1};
}  // namespace

extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {
  return LH_API_VERSION;
}
extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api*, const lh_plugin_def** out) {
  *out = &kPlugin;
  return LH_OK;
}
