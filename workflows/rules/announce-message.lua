-- announce-product.yaml: an approved template's parameters for one product
-- (catalog.get's output as `input`). Body {{1}} is the title, {{2}} the
-- price; the header is the product's picture when it has one WhatsApp takes
-- (JPEG or PNG: the cover, else the first such thumbnail), sent by artifact
-- hash (whatsapp.send uploads it). A product id the catalog does not know
-- fails the run here, before anyone is messaged.
if not input.found then
  error("announce-product: the catalog has no such product (catalog.get found nothing)")
end
local p = input.product

local price = "ask us"
if p.price ~= nil and p.price.amount ~= nil then
  price = string.format("%.2f %s", p.price.amount, p.price.currency or "")
end

local function still(media_type, format)
  local kind = string.lower(media_type or format or "")
  return kind == "image/jpeg" or kind == "image/png" or kind == "jpg" or kind == "jpeg" or kind == "png"
end

local image = nil
if p.cover ~= nil and p.cover.hash ~= nil and still(p.cover.media_type, p.cover.format) then
  image = p.cover.hash
end
for _, t in ipairs(p.thumbnails or {}) do
  if image == nil and t.hash ~= nil and still(t.media_type, t.format) then
    image = t.hash
  end
end

local out = { body = { p.title or ("product " .. tostring(p.product_id)), price } }
if image ~= nil then
  out.header = { { type = "image", image = { artifact = image } } }
end
return out
