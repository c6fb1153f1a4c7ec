-- What a customer's WhatsApp message asks for, in English, Portuguese,
-- Spanish, Indonesian and Vietnamese. Everything the buy flow recognises is in
-- the tables below: add a language by adding its words, not code.
--
-- classify(message, expect) takes a message as whatsapp.receive gives it ({type,
-- text, button = {id, title} or {payload, text}, list = {id, title}}) and
-- answers every signal it found; the conversation (buy-turn.lua) decides
-- which one counts in its current stage. `expect` is that stage: when it
-- is "quantity", a number in the text is a quantity, never a product code.
--
--   { intent = "buy"|"price"|"greeting"|"yes"|"no"|"quantity"|"other"|"none",
--     lang = "en"|"pt"|"es"|"id"|"vi"|nil, product_id = 42|nil,
--     quantity = 2|nil, size = "M"|nil, greeting, buy, price, yes, no = booleans,
--     text = the folded text }
local M = {}

-- Phrases per intent and language, folded (lower case, no accents). A
-- phrase matches whole words: "oi" never matches inside "noite".
M.phrases = {
  greeting = {
    en = { "hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "start", "menu" },
    pt = { "oi", "ola", "bom dia", "boa tarde", "boa noite", "e ai", "opa" },
    es = { "hola", "buenos dias", "buenas tardes", "buenas noches", "buenas", "que tal" },
    id = { "halo", "hai", "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "permisi", "hallo" },
    vi = { "xin chao", "chao", "chao ban", "chao shop", "alo" },
  },
  buy = {
    en = { "buy", "i want", "i would like", "i'd like", "purchase", "order" },
    pt = { "comprar", "compro", "quero", "queria", "encomendar", "pedido" },
    es = { "comprar", "compro", "quiero", "quisiera", "pedir", "pedido" },
    id = { "beli", "mau beli", "saya mau", "pesan", "order" },
    vi = { "mua", "toi muon mua", "dat hang", "dat mua", "lay" },
  },
  price = {
    en = { "price", "prices", "how much", "cost", "costs" },
    pt = { "preco", "precos", "quanto custa", "quanto e", "quanto fica", "valor" },
    es = { "precio", "precios", "cuanto cuesta", "cuanto vale", "cuanto es", "cuanto" },
    id = { "harga", "berapa", "berapa harganya", "harganya" },
    vi = { "gia", "bao nhieu", "gia bao nhieu", "bao nhieu tien" },
  },
  yes = {
    en = { "yes", "y", "yeah", "yep", "sure", "confirm", "ok", "okay" },
    pt = { "sim", "claro", "confirmo", "pode ser", "isso" },
    es = { "si", "claro", "confirmo", "vale", "dale" },
    id = { "ya", "iya", "oke", "boleh", "setuju", "jadi" },
    vi = { "co", "vang", "dong y", "u", "duoc", "ok luon" },
  },
  no = {
    en = { "no", "nope", "not now", "don't", "stop it" },
    pt = { "nao", "agora nao" },
    es = { "no", "ahora no" },
    id = { "tidak", "nggak", "gak", "enggak", "jangan", "tidak jadi" },
    vi = { "khong", "thoi", "khong can" },
  },
}

-- Number words up to ten; "hai" is two in Vietnamese and hi in Indonesian,
-- so the conversation reads it as a number only when it asked for one.
M.numbers = {
  en = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8, nine = 9, ten = 10 },
  pt = { um = 1, uma = 1, dois = 2, duas = 2, tres = 3, quatro = 4, cinco = 5, seis = 6, sete = 7, oito = 8,
         nove = 9, dez = 10 },
  es = { uno = 1, una = 1, dos = 2, tres = 3, cuatro = 4, cinco = 5, seis = 6, siete = 7, ocho = 8, nueve = 9,
         diez = 10 },
  id = { satu = 1, dua = 2, tiga = 3, empat = 4, lima = 5, enam = 6, tujuh = 7, delapan = 8, sembilan = 9,
         sepuluh = 10 },
  vi = { mot = 1, hai = 2, ba = 3, bon = 4, nam = 5, sau = 6, bay = 7, tam = 8, chin = 9, muoi = 10 },
}

-- Words several languages share say nothing about the language.
M.neutral = { ok = true, okay = true, no = true, tres = true, cinco = true, order = true, menu = true,
              comprar = true, compro = true, pedido = true, pedir = true, claro = true, confirmo = true,
              start = true }

-- Accented Latin letters (Vietnamese included) and what they fold to.
local accents = {
  a = "àáâãäåāăąạảấầẩẫậắằẳẵặÀÁÂÃÄÅĀĂĄẠẢẤẦẨẪẬẮẰẲẴẶ",
  c = "çćčÇĆČ",
  d = "đĐ",
  e = "èéêëēėęěẹẻẽếềểễệÈÉÊËĒĖĘĚẸẺẼẾỀỂỄỆ",
  i = "ìíîïīįıịỉĩÌÍÎÏĪĮİỊỈĨ",
  n = "ñńňÑŃŇ",
  o = "òóôõöøōőơọỏốồổỗộớờởỡợÒÓÔÕÖØŌŐƠỌỎỐỒỔỖỘỚỜỞỠỢ",
  u = "ùúûüūůűųưụủứừửữựÙÚÛÜŪŮŰŲƯỤỦỨỪỬỮỰ",
  y = "ýÿỳỵỷỹÝŸỲỴỶỸ",
  s = "śšşŚŠŞ",
  z = "źżžŹŻŽ",
}
local fold_map = {}
for base, letters in pairs(accents) do
  for _, code in utf8.codes(letters) do
    fold_map[code] = base
  end
end

-- Lower case, accents dropped, punctuation and emoji turned into spaces,
-- runs of spaces collapsed; apostrophes kept ("i'd").
function M.fold(text)
  if type(text) ~= "string" then
    return ""
  end
  local out = {}
  local ok = pcall(function()
    for _, code in utf8.codes(text) do
      local c = fold_map[code]
      if c == nil then
        if code < 128 then
          c = string.lower(string.char(code))
        else
          c = " "
        end
      end
      out[#out + 1] = c
    end
  end)
  local folded = ok and table.concat(out) or string.lower(text)
  folded = folded:gsub("’", "'"):gsub("[^%w'%-:/%.]", " ")
  folded = folded:gsub("%s+", " ")
  return (folded:gsub("^ ", ""):gsub(" $", ""))
end

-- Whether `phrase` occurs as whole words in `padded` (" text ", words
-- separated by single spaces, punctuation already blanked).
local function has_phrase(padded, phrase)
  return padded:find(" " .. phrase .. " ", 1, true) ~= nil
end

-- The text a message carries: typed text, a reply button's or list row's
-- title, a template quick reply's text.
function M.message_text(message)
  if type(message) ~= "table" then
    return ""
  end
  if type(message.text) == "string" then
    return message.text
  end
  local reply = message.button or message.list
  if type(reply) == "table" then
    return reply.title or reply.text or ""
  end
  return ""
end

-- The id of an interactive reply (button or list row) or a template button's payload.
function M.reply_id(message)
  if type(message) ~= "table" then
    return nil
  end
  local reply = message.button or message.list
  if type(reply) == "table" then
    return reply.id or reply.payload
  end
  return nil
end

-- A product id in a link: .../products/42, ...?product=42, .../p/42.
local function product_in_link(text)
  local id = text:match("/products?/(%d+)") or text:match("[?&]product_?i?d?=(%d+)") or text:match("/p/(%d+)")
  return id and tonumber(id) or nil
end

function M.classify(message, expect)
  local raw = M.message_text(message)
  local text = M.fold(raw)
  local padded = " " .. text:gsub("[%.:/]", " "):gsub("%s+", " ") .. " "
  local result = { text = text, intent = "none" }
  local score = {}
  local function vote(lang, word)
    if not M.neutral[word] then
      score[lang] = (score[lang] or 0) + 1
    end
  end

  for intent, by_lang in pairs(M.phrases) do
    for lang, list in pairs(by_lang) do
      for _, phrase in ipairs(list) do
        if has_phrase(padded, phrase) then
          result[intent] = true
          vote(lang, phrase)
        end
      end
    end
  end

  -- Interactive replies carry ids the flow itself sent.
  local id = M.reply_id(message)
  if type(id) == "string" then
    local kind, value = id:match("^(%a+):(.+)$")
    if kind == "buy" and tonumber(value) then
      result.buy, result.product_id = true, tonumber(value)
    elseif kind == "qty" and tonumber(value) then
      result.quantity = tonumber(value)
    elseif kind == "size" then
      result.size = value
    elseif id == "yes" then
      result.yes = true
    elseif id == "no" then
      result.no = true
    end
  end

  -- "BUY 42", "quero comprar 42", "beli #42", a product link.
  if result.product_id == nil then
    local linked = product_in_link(raw)
    if linked then
      result.buy, result.product_id = true, linked
    elseif (result.buy or result.price) and expect ~= "quantity" then
      local code = text:match("#?(%d+)")
      if code then
        result.product_id = tonumber(code)
      end
    end
  end

  -- A quantity: digits, or a number word ("dois", "dua", "hai").
  if result.quantity == nil then
    local digits = text:match("^%D*(%d+)%D*$")
    if digits and result.product_id == nil then
      result.quantity = tonumber(digits)
    else
      for lang, words in pairs(M.numbers) do
        for word, n in pairs(words) do
          if has_phrase(padded, word) then
            result.quantity = result.quantity or n
            vote(lang, word)
          end
        end
      end
    end
  end

  -- The language with the most words; a tie ("hai": hi in Indonesian, two
  -- in Vietnamese) says nothing, and the conversation keeps its language.
  local best, best_score, tied = nil, 0, false
  for _, lang in ipairs({ "en", "pt", "es", "id", "vi" }) do
    local s = score[lang] or 0
    if s > best_score then
      best, best_score, tied = lang, s, false
    elseif s == best_score and s > 0 then
      tied = true
    end
  end
  result.lang = not tied and best or nil

  if result.product_id and (result.buy or not result.price) then
    result.intent = "buy"
  elseif result.price then
    result.intent = "price"
  elseif result.yes and not result.no then
    result.intent = "yes"
  elseif result.no then
    result.intent = "no"
  elseif result.greeting then
    result.intent = "greeting"
  elseif result.quantity then
    result.intent = "quantity"
  elseif result.buy then
    result.intent = "buy"
  elseif text ~= "" or result.size then
    result.intent = "other"
  end
  return result
end

return M
