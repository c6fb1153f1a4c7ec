#include <linkhub/engine/store_error.hpp>

#include <soci/soci.h>

namespace linkhub {

std::string loggable_error_message(const std::exception& e) {
  // Every SOCI backend's error derives from soci_error, whose context (the
  // statement and its bound values) get_error_message leaves out.
  if (const auto* database = dynamic_cast<const soci::soci_error*>(&e)) {
    return database->get_error_message();
  }
  return e.what();
}

}  // namespace linkhub
