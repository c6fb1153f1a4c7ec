-- After catalog.order_create: the customer's thank-you (in their language)
-- and the body parameters of the seller's template.
-- input = {order = catalog.order_create's order, lang = "pt", customer = "Ana", wa_id = "5511..."}
local msg = require("buyflow.messages")
local order = input.order or {}
local total = type(order.total) == "table" and msg.money(order.total.amount, order.total.currency) or "-"
local variant = (type(order.variant) == "string" and order.variant ~= "") and (" (" .. order.variant .. ")") or ""
local number = tostring(order.number or order.id or "")
local customer = (type(input.customer) == "string" and input.customer ~= "") and input.customer or ""
return {
  text = msg.say(input.lang or "en", "thanks", { number = number, quantity = order.quantity,
                                                 title = order.product_title, variant = variant, total = total }),
  -- The template's {{1}}..{{5}}: order number, product (and size), quantity, total, customer.
  seller = { number, msg.cut(tostring(order.product_title or "") .. variant, 60), tostring(order.quantity or ""),
             total, customer ~= "" and (customer .. " +" .. tostring(input.wa_id or "")) or ("+" .. tostring(input.wa_id or "")) },
}
