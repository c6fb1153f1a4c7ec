-- Prices one size variant. `input` is the step's `with.input`:
-- { size = "M", base = 19.5, slug = "linen-shirt" }.
local markup = { S = 0, M = 0, L = 2, XL = 4, XXL = 6 }
local extra = markup[input.size]
if extra == nil then
  error("unknown size " .. tostring(input.size))
end
return {
  sku = input.slug .. "-" .. string.lower(input.size),
  size = input.size,
  price = input.base + extra,
}
