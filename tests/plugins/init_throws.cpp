// A step whose schema throws while the plugin initialises: the SDK layer must catch it.
#include <linkhub/plugin.hpp>

#include <stdexcept>

class Boom : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "boom";
  static constexpr const char* description = "never registered";
  static linkhub::sdk::Json input_schema() { throw std::runtime_error("schema construction exploded"); }
  static linkhub::sdk::Json output_schema() { return linkhub::sdk::Json::object(); }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override { return nullptr; }
};

LINKHUB_PLUGIN("init_throws", "1.0.0", "throws in init", Boom)
