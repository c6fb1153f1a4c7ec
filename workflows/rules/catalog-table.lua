-- Formats catalog.search items as a text table: title, price, category,
-- tags and thumbnail paths. `input` = { items = [...] }. Widths count
-- characters, not bytes, so accented titles line up.
local function width(s)
  return utf8.len(s) or #s
end

local function cut(s, n)
  s = tostring(s or "")
  if width(s) <= n then
    return s
  end
  local out, count = {}, 0
  for _, code in utf8.codes(s) do
    if count == n - 1 then
      break
    end
    out[#out + 1] = utf8.char(code)
    count = count + 1
  end
  return table.concat(out) .. "…"
end

local function pad(s, n)
  return s .. string.rep(" ", n - width(s))
end

local function price(p)
  if type(p) ~= "table" or p.amount == nil then
    return "-"
  end
  local amount = p.amount
  if math.type(amount) == "float" and amount == math.floor(amount) then
    amount = math.tointeger(amount)
  end
  return tostring(amount) .. " " .. (p.currency or "")
end

local function category(c)
  if type(c) ~= "table" or c.path == nil then
    return "-"
  end
  local last = c.path:match("([^>]+)$") or c.path
  return (last:gsub("^%s+", ""))
end

local columns = {
  { "title", 34 }, { "price", 12 }, { "category", 22 }, { "tags", 30 }, { "thumbnail (320 px JPEG)", 0 },
}
local rows = {}
for _, item in ipairs(input.items or {}) do
  local tags = {}
  for i, t in ipairs(item.tags or {}) do
    if i > 4 then break end
    tags[#tags + 1] = t
  end
  local thumbs = {}
  for _, t in ipairs(item.thumbnails or {}) do
    if t.format == "jpeg" and (t.width or 0) <= 360 and t.path then
      thumbs[#thumbs + 1] = t.path
    end
  end
  rows[#rows + 1] = {
    cut(item.title, 34), price(item.price), cut(category(item.category), 22),
    cut(table.concat(tags, ", "), 30), (thumbs[1] or "-") .. (#thumbs > 1 and string.format(" (+%d)", #thumbs - 1) or ""),
  }
end

local lines = {}
local header = {}
for i, c in ipairs(columns) do
  header[i] = c[2] > 0 and pad(c[1], c[2]) or c[1]
end
lines[1] = table.concat(header, "  ")
for _, row in ipairs(rows) do
  local cells = {}
  for i, c in ipairs(columns) do
    cells[i] = c[2] > 0 and pad(row[i], c[2]) or row[i]
  end
  lines[#lines + 1] = table.concat(cells, "  ")
end
lines[#lines + 1] = string.format("%d products", #rows)
return table.concat(lines, "\n")
