#pragma once
// Discount codes ("use code SAVE20", "promo code: X", "kode X", "mã X",
// "cupón X") with the percentage stated near them ("20% off", "giảm 20%").

#include "tokenizer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace linkhub::ai {

struct DiscountCode {
  std::string code;  // as written
  std::optional<double> percent;
  size_t first_token = 0;  // the trigger word ("code")
  size_t last_token = 0;   // the code's last token
};

std::vector<DiscountCode> find_discount_codes(const Tokens& tokens);

}  // namespace linkhub::ai
