-- Decides whether a caption looks like a product offer. Scores the signals
-- the original caption parser used: a price, a shopping hashtag, a call to
-- action. `input` = { caption = "...", min_score = 2 }.
local text = string.lower(input.caption)
local score = 0
local reasons = {}

local function signal(found, why)
  if found then
    score = score + 1
    reasons[#reasons + 1] = why
  end
end

signal(text:find("[%$€£]%s*%d") ~= nil or text:find("%d[%d%.,]*%s*[€£]") ~= nil, "price")
signal(text:find("#tiktokshop") ~= nil or text:find("#shop") ~= nil or text:find("#sale") ~= nil, "shopping hashtag")
signal(text:find("link in bio") ~= nil or text:find("tap the basket") ~= nil or text:find("shop now") ~= nil
  or text:find("dm me") ~= nil, "call to action")

return {
  caption = input.caption,
  score = score,
  reasons = reasons,
  commerce = score >= (input.min_score or 2),
}
