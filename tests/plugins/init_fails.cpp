// Refuses to initialise, saying why.
#include <linkhub/plugin_api.h>

#include <cstring>

extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {
  return LH_API_VERSION;
}
extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api* host, const lh_plugin_def**) {
  const char* msg = "the license file is missing";
  host->set_error(host->host_data, {msg, std::strlen(msg)});
  return LH_ERROR;
}
