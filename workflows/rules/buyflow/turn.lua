-- One turn of the buy conversation: the state so far and the customer's
-- latest message (already classified by intent.lua) give the next state
-- and the one message to send. The workflow repeats this turn after every
-- message it waits for (workflows/whatsapp-buy.yaml).
--
-- input = {
--   previous = the previous turn's step outputs ({result = {state = ...}}, or {} at the start),
--   intent   = intent.lua's result for this message,
--   timed_out = true when the customer said nothing before the idle timeout,
--   lookup   = catalog.get's outputs for intent.product_id ({found, product}, or {}),
--   featured = catalog.search's items (the products a greeting lists),
--   profile_name = the customer's WhatsApp name, last = true on the last turn the run has,
--   max_quantity = the most one order may ask for }
-- result = { state = {stage, lang, product, size, quantity},
--            reply = {kind = "text"|"list"|"buttons"|"product", <kind> = whatsapp.send's field} or nil,
--            kind = reply.kind or "none", photo = {artifact, caption} to send before the reply, or nil,
--            order = {product_id, quantity, variant, title, lang, ...} when the customer confirmed,
--            done = the conversation is over (ordered, cancelled for good, idle) }
local msg = require("buyflow.messages")
local M = {}

local MAX_ROWS = 10

-- The fields of a catalog product the conversation uses.
function M.product_of(p)
  if type(p) ~= "table" or p.product_id == nil then
    return nil
  end
  local extra = type(p.extra) == "table" and p.extra or {}
  local sizes = {}
  local declared = extra.sizes or extra.variants
  if type(declared) == "table" then
    for _, s in ipairs(declared) do
      if type(s) == "string" and s ~= "" then
        sizes[#sizes + 1] = s
      elseif type(s) == "table" and type(s.name) == "string" then
        sizes[#sizes + 1] = s.name
      end
    end
  end
  local image = extra.image_url
  if image == nil and type(p.cover) == "table" then
    image = p.cover.url
  end
  if image == nil and type(p.thumbnails) == "table" and type(p.thumbnails[1]) == "table" then
    image = p.thumbnails[1].url
  end
  -- Without a public picture, the stored cover or first thumbnail goes out
  -- as an image of its own (whatsapp.send uploads the artifact), then the card.
  local photo = nil
  if type(p.cover) == "table" and type(p.cover.hash) == "string" then
    photo = p.cover.hash
  elseif type(p.thumbnails) == "table" and type(p.thumbnails[1]) == "table" then
    photo = p.thumbnails[1].hash
  end
  local price = type(p.price) == "table" and p.price or {}
  return {
    id = p.product_id,
    title = p.title or ("#" .. tostring(p.product_id)),
    description = p.description or "",
    amount = price.amount,
    currency = price.currency,
    sizes = sizes,
    image = type(image) == "string" and image:match("^https?://") and image or nil,
    photo = type(photo) == "string" and photo or nil,
  }
end

local function price_text(product)
  if product.amount == nil then
    return "-"
  end
  return msg.money(product.amount, product.currency)
end

local function variant_text(state)
  return state.size and (" (" .. state.size .. ")") or ""
end

-- The featured products as a list message (or a text when there are none).
local function featured_list(lang, body, featured)
  local rows = {}
  for _, item in ipairs(featured or {}) do
    local p = M.product_of(item)
    if p and #rows < MAX_ROWS then
      rows[#rows + 1] = {
        id = "buy:" .. tostring(p.id),
        title = msg.cut(p.title, 24),
        description = msg.cut(price_text(p) .. " · #" .. tostring(p.id), 72),
      }
    end
  end
  if #rows == 0 then
    return { kind = "text", text = msg.say(lang, "no_products", {}) }
  end
  return {
    kind = "list",
    list = {
      body = msg.cut(body, 1024),
      button = msg.cut(msg.say(lang, "list_button"), 20),
      sections = { { title = msg.cut(msg.say(lang, "section"), 24), rows = rows } },
    },
  }
end

local function buttons(body, list)
  return { kind = "buttons", buttons = { body = msg.cut(body, 1024), buttons = list } }
end

local function quantity_buttons(lang, body)
  return buttons(body or msg.say(lang, "ask_quantity"), {
    { id = "qty:1", title = "1" }, { id = "qty:2", title = "2" }, { id = "qty:3", title = "3" },
  })
end

local function size_question(lang, product, body)
  if #product.sizes <= 3 then
    local list = {}
    for _, s in ipairs(product.sizes) do
      list[#list + 1] = { id = "size:" .. s, title = msg.cut(s, 20) }
    end
    return buttons(body, list)
  end
  local rows = {}
  for i, s in ipairs(product.sizes) do
    if i <= MAX_ROWS then
      rows[#rows + 1] = { id = "size:" .. s, title = msg.cut(s, 24) }
    end
  end
  return { kind = "list", list = { body = msg.cut(body, 1024), button = msg.cut(msg.say(lang, "ask_size"), 20),
                                   sections = { { title = msg.cut(product.title, 24), rows = rows } } } }
end

-- The product card: image, title, price, description and the next question
-- as buttons (sizes when it has them, else quantities).
local function card(lang, product)
  local body = product.title .. "\n" .. price_text(product)
  if product.description ~= "" then
    body = body .. "\n" .. msg.cut(product.description, 300)
  end
  local question = #product.sizes > 0 and msg.say(lang, "ask_size") or msg.say(lang, "ask_quantity")
  local reply = #product.sizes > 0 and size_question(lang, product, body .. "\n\n" .. question)
    or quantity_buttons(lang, body .. "\n\n" .. question)
  if reply.kind == "buttons" and product.image then
    return { kind = "product", product = { image = product.image, body = reply.buttons.body,
                                           buttons = reply.buttons.buttons } }
  end
  if product.photo and not product.image then
    reply.photo = { artifact = product.photo, caption = msg.cut(product.title, 1024) }
  end
  return reply
end

local function confirm_question(lang, state)
  local p = state.product
  local total = p.amount and msg.money(p.amount * state.quantity, p.currency) or "-"
  return buttons(msg.say(lang, "confirm", { quantity = state.quantity, title = p.title,
                                            variant = variant_text(state), total = total }),
                 { { id = "yes", title = msg.cut(msg.say(lang, "yes"), 20) },
                   { id = "no", title = msg.cut(msg.say(lang, "no"), 20) } })
end

local function prices_text(lang, featured)
  local lines = {}
  for _, item in ipairs(featured or {}) do
    local p = M.product_of(item)
    if p and #lines < MAX_ROWS then
      lines[#lines + 1] = "#" .. tostring(p.id) .. " " .. p.title .. ": " .. price_text(p)
    end
  end
  if #lines == 0 then
    return msg.say(lang, "no_products", {})
  end
  return msg.say(lang, "prices", { lines = table.concat(lines, "\n") })
end

local function size_of(product, intent)
  local wanted = intent.size or intent.text
  if type(wanted) ~= "string" then
    return nil
  end
  wanted = string.lower(wanted)
  for _, s in ipairs(product.sizes) do
    if string.lower(s) == wanted then
      return s
    end
  end
  for _, s in ipairs(product.sizes) do  -- "size m", "tamanho M", "cỡ M"
    if (" " .. wanted .. " "):find(" " .. string.lower(s) .. " ", 1, true) then
      return s
    end
  end
  return nil
end

-- A writable copy: `input` is read-only.
local function copy(value)
  if type(value) ~= "table" then
    return value
  end
  local out = {}
  for k, v in pairs(value) do
    out[k] = copy(v)
  end
  return out
end

function M.turn(input)
  local previous = type(input.previous) == "table" and type(input.previous.result) == "table"
      and input.previous.result.state or nil
  local state = type(previous) == "table" and copy(previous) or { stage = "browsing" }
  local intent = type(input.intent) == "table" and input.intent or { intent = "none" }
  local max = tonumber(input.max_quantity) or 20
  state.lang = intent.lang or state.lang or "en"
  local lang = state.lang
  local out = { state = state, done = false }
  local function reply(r)
    out.reply = r
    return out
  end
  local function text(key, values)
    return reply({ kind = "text", text = msg.say(lang, key, values) })
  end

  if input.timed_out then
    state.stage = "ended"
    out.done = true
    return text("idle")
  end

  -- A product named (BUY 42, a list row, a link) starts over with it.
  if intent.product_id ~= nil then
    local lookup = type(input.lookup) == "table" and input.lookup or {}
    local product = lookup.found and M.product_of(lookup.product) or nil
    if product == nil then
      state.stage = "browsing"
      return reply(featured_list(lang, msg.say(lang, "not_found", { code = intent.product_id }), input.featured))
    end
    state.product, state.size, state.quantity = product, nil, nil
    state.stage = #product.sizes > 0 and "size" or "quantity"
    if intent.intent == "price" then
      state.stage = "browsing"
      return text("price_of", { title = product.title, price = price_text(product) })
    end
    return reply(card(lang, product))
  end

  local stage = state.stage
  if stage == "size" then
    local size = size_of(state.product, intent)
    if size then
      state.size, state.stage = size, "quantity"
      return reply(quantity_buttons(lang, msg.say(lang, "ask_quantity_of",
        { title = state.product.title, variant = variant_text(state) })))
    elseif intent.intent == "price" then
      return reply(size_question(lang, state.product, msg.say(lang, "price_of",
        { title = state.product.title, price = price_text(state.product) }) .. "\n" .. msg.say(lang, "ask_size")))
    elseif intent.intent == "no" then
      state.stage, state.product = "browsing", nil
      return text("cancelled")
    end
    return reply(size_question(lang, state.product, msg.say(lang, "ask_size")))
  elseif stage == "quantity" then
    if intent.quantity ~= nil then
      if intent.quantity < 1 or intent.quantity > max or intent.quantity % 1 ~= 0 then
        return reply(quantity_buttons(lang, msg.say(lang, "bad_quantity", { max = max })))
      end
      state.quantity, state.stage = intent.quantity, "confirm"
      return reply(confirm_question(lang, state))
    elseif intent.intent == "price" then
      return reply(quantity_buttons(lang, msg.say(lang, "price_of",
        { title = state.product.title, price = price_text(state.product) }) .. "\n" .. msg.say(lang, "ask_quantity")))
    elseif intent.intent == "no" then
      state.stage, state.product = "browsing", nil
      return text("cancelled")
    end
    return reply(quantity_buttons(lang, msg.say(lang, "ask_quantity_of",
      { title = state.product.title, variant = variant_text(state) })))
  elseif stage == "confirm" then
    if intent.yes and not intent.no then
      local p = state.product
      state.stage = "ordered"
      out.done = true
      out.order = { product_id = p.id, quantity = state.quantity, variant = state.size, title = p.title,
                    unit_price = p.amount, currency = p.currency, lang = lang }
      return out  -- the workflow creates the order, then thanks with its number
    elseif intent.no then
      state.stage, state.product, state.quantity, state.size = "browsing", nil, nil, nil
      return text("cancelled")
    elseif intent.quantity ~= nil and intent.quantity >= 1 and intent.quantity <= max then
      state.quantity = intent.quantity
      return reply(confirm_question(lang, state))
    end
    return reply(confirm_question(lang, state))
  end

  -- Browsing: nothing chosen yet.
  local name = (type(input.profile_name) == "string" and input.profile_name ~= "") and (" " .. input.profile_name)
    or ""
  if intent.intent == "greeting" or intent.intent == "buy" then
    return reply(featured_list(lang, msg.say(lang, "welcome", { name = name }), input.featured))
  elseif intent.intent == "price" then
    return reply({ kind = "text", text = prices_text(lang, input.featured) })
  end
  return text("fallback")
end

-- The last turn a run has: whatever was asked stays unanswered, so say how
-- to start again instead.
function M.run(input)
  local out = M.turn(input)
  if input.last and not out.done then
    out.done = true
    out.order = nil
    out.state.stage = "ended"
    out.reply = { kind = "text", text = msg.say(out.state.lang, "closing") }
  end
  out.kind = out.reply and out.reply.kind or "none"
  out.photo = out.reply and out.reply.photo or nil
  return out
end

return M
