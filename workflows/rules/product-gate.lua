-- Decides whether a video goes into the catalog: its caption must sell
-- something, with a price or a call to action (a shop basket, "link in bio",
-- "comment BUY"). `input` is ai.caption's output. Returns the best price too.
local best = nil
for _, p in ipairs(input.prices or {}) do
  -- An exact price beats the low end of a range, which beats "under $20".
  local rank = ({ exact = 3, range_low = 2, min = 1, max = 1 })[p.kind] or 0
  local best_rank = best and (({ exact = 3, range_low = 2, min = 1, max = 1 })[best.kind] or 0) or -1
  if rank > best_rank or (rank == best_rank and p.confidence > best.confidence) then
    best = p
  end
end

local ctas = {}
for _, a in ipairs(input.calls_to_action or {}) do
  ctas[#ctas + 1] = a.id
end

local keep = best ~= nil or #ctas > 0
local reason
if best ~= nil then
  reason = "has a price (" .. best.text .. ")"
elseif keep then
  reason = "has a call to action (" .. ctas[1] .. ")"
else
  reason = "no price and no call to action"
end
return { keep = keep, reason = reason, price = best, ctas = ctas }
