// Claims a plugin API version this host does not know.
#include <linkhub/plugin_api.h>

extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {
  return LH_API_MAKE_VERSION(2, 0);  // a future major
}
extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api*, const lh_plugin_def**) {
  return LH_ERROR;
}
