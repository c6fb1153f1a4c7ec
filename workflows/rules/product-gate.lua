-- Decides whether a video goes into the catalog: its caption must sell
-- something, with a price or a call to action (a shop basket, "link in bio",
-- "comment BUY"). `input` is ai.caption's output. Returns the best price too.
-- An exact price beats the low end of a range, which beats "under $20"; among
-- exact prices the lowest wins ("De R$ 129,90 por R$ 79,90": the sale price),
-- then the more confident. A price read on screen (ai.caption's screen_text)
-- is there only when the caption has none.
local ranks = { exact = 3, range_low = 2, min = 1, max = 1 }
local function better(p, q)
  local rp, rq = ranks[p.kind] or 0, ranks[q.kind] or 0
  if rp ~= rq then
    return rp > rq
  end
  if p.currency == q.currency and p.amount ~= q.amount then
    return p.amount < q.amount
  end
  return p.confidence > q.confidence
end
local best = nil
for _, p in ipairs(input.prices or {}) do
  if best == nil or better(p, best) then
    best = p
  end
end

local ctas = {}
for _, a in ipairs(input.calls_to_action or {}) do
  ctas[#ctas + 1] = a.id
end

local keep = best ~= nil or #ctas > 0
local reason
if best ~= nil and best.source == "screen" then
  reason = "has a price on screen (" .. best.text .. ")"
elseif best ~= nil then
  reason = "has a price (" .. best.text .. ")"
elseif keep then
  reason = "has a call to action (" .. ctas[1] .. ")"
else
  reason = "no price and no call to action"
end
-- The catalog wants {amount, currency}; what matched stays in `price_text`.
local price = best and { amount = best.amount, currency = best.currency } or nil
return { keep = keep, reason = reason, price = price, price_text = best and best.text or nil, ctas = ctas }
