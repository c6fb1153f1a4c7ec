/* A plugin as it was written for plugin API 1.0: plain C, built against the
 * frozen 1.0 header beside it and nothing else (no SDK, no C++). It returns 1
 * from lh_plugin_api_version, knows only the 1.0 lh_context and lh_host_api,
 * and must keep loading and running on every 1.x host. */
#include <linkhub/plugin_api.h>

#include <stdio.h>
#include <string.h>

static const char kInputSchema[] =
    "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"},\"fail\":{\"type\":\"boolean\"}},"
    "\"required\":[\"word\"]}";
static const char kOutputSchema[] =
    "{\"type\":\"object\",\"properties\":{\"echo\":{\"type\":\"object\"},\"attempt\":{\"type\":\"integer\"}},"
    "\"required\":[\"echo\",\"attempt\"]}";

/* Echoes its input back with the attempt number; fails on purpose when the
 * input says "fail": true (the check is a plain text search: this plugin has
 * no JSON parser, like many small C plugins). */
static lh_status echo_run(void* instance, const lh_context* ctx, lh_str input) {
  static const char kFail[] = "\"fail\":true";
  char buffer[4096];
  (void)instance;
  if (input.len >= sizeof(kFail) - 1) {
    size_t i;
    for (i = 0; i + sizeof(kFail) - 1 <= input.len; ++i) {
      if (memcmp(input.data + i, kFail, sizeof(kFail) - 1) == 0) {
        static const char kMessage[] = "v1.echo failed as asked";
        lh_str message = {kMessage, sizeof(kMessage) - 1};
        ctx->set_error(ctx->host_data, message);
        return LH_ERROR;
      }
    }
  }
  {
    const int n = snprintf(buffer, sizeof(buffer), "{\"echo\":%.*s,\"attempt\":%u}", (int)input.len, input.data,
                           (unsigned)ctx->attempt(ctx->host_data));
    lh_str out;
    if (n < 0 || (size_t)n >= sizeof(buffer)) {
      static const char kTooLong[] = "v1.echo: input too long";
      lh_str message = {kTooLong, sizeof(kTooLong) - 1};
      ctx->set_error(ctx->host_data, message);
      return LH_INVALID_INPUT;
    }
    out.data = buffer;
    out.len = (size_t)n;
    ctx->set_output(ctx->host_data, out);
  }
  {
    static const char kLine[] = "v1.echo ran";
    lh_str line = {kLine, sizeof(kLine) - 1};
    ctx->log(ctx->host_data, LH_LOG_INFO, line);
  }
  return LH_OK;
}

static const lh_step_def kSteps[] = {{sizeof(lh_step_def), "echo", "echoes its input (a plugin API 1.0 plugin)",
                                      kInputSchema, kOutputSchema, NULL, NULL, echo_run, NULL}};

static const lh_plugin_def kPlugin = {sizeof(lh_plugin_def), "v1", "1.0.0", "a plugin built against plugin API 1.0",
                                      kSteps, 1};

LH_EXPORT uint32_t lh_plugin_api_version(void) {
  return LH_API_VERSION; /* 1 in the 1.0 header */
}

LH_EXPORT lh_status lh_plugin_init(const lh_host_api* host, const lh_plugin_def** out) {
  if (host == NULL || host->struct_size < sizeof(lh_host_api)) {
    return LH_ERROR;
  }
  *out = &kPlugin;
  return LH_OK;
}
