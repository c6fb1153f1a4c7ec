-- What the buy flow says, per language. {name} marks a value filled in by
-- say(); a language missing a message falls back to English.
local M = {}

M.text = {
  en = {
    welcome = "Hi{name}! Here is what we have today. Tap a product to see it, or send BUY and its code.",
    list_button = "See products",
    section = "Featured",
    no_products = "Hi{name}! Our catalog is being updated right now; please write again a little later.",
    ask_size = "Which size would you like?",
    ask_quantity = "How many would you like? Tap a number or type it.",
    ask_quantity_of = "{title}{variant}: how many would you like? Tap a number or type it.",
    bad_quantity = "Please send a number from 1 to {max}.",
    confirm = "{quantity} x {title}{variant} = {total}. Shall I place the order?",
    yes = "Yes, order",
    no = "No",
    cancelled = "No problem, nothing was ordered. Send BUY and a code whenever you like.",
    price_of = "{title} costs {price}.",
    prices = "Our prices:\n{lines}",
    not_found = "I couldn't find a product with the code {code}. Here is what we have:",
    fallback = "Sorry, I didn't get that. Send HI to see our products, BUY and a code to order, or PRICE to see prices.",
    idle = "I'll close this chat for now since it has been quiet. Send HI whenever you want to shop again!",
    closing = "Let's pick this up again later: send HI to start over.",
    thanks = "Thank you! Your order {number} is in: {quantity} x {title}{variant} = {total}. We'll message you about delivery.",
  },
  pt = {
    welcome = "Oi{name}! Veja o que temos hoje. Toque num produto para vê-lo, ou envie COMPRAR e o código.",
    list_button = "Ver produtos",
    section = "Destaques",
    no_products = "Oi{name}! Nosso catálogo está sendo atualizado; escreva de novo daqui a pouco.",
    ask_size = "Qual tamanho você quer?",
    ask_quantity = "Quantas unidades você quer? Toque num número ou digite.",
    ask_quantity_of = "{title}{variant}: quantas unidades você quer? Toque num número ou digite.",
    bad_quantity = "Envie um número de 1 a {max}, por favor.",
    confirm = "{quantity} x {title}{variant} = {total}. Posso fazer o pedido?",
    yes = "Sim, pedir",
    no = "Não",
    cancelled = "Tudo bem, nada foi pedido. Envie COMPRAR e um código quando quiser.",
    price_of = "{title} custa {price}.",
    prices = "Nossos preços:\n{lines}",
    not_found = "Não encontrei um produto com o código {code}. Veja o que temos:",
    fallback = "Desculpe, não entendi. Envie OI para ver os produtos, COMPRAR e um código para pedir, ou PREÇO.",
    idle = "Vou encerrar esta conversa por enquanto. Envie OI quando quiser comprar de novo!",
    closing = "Vamos continuar depois: envie OI para recomeçar.",
    thanks = "Obrigado! Seu pedido {number} foi recebido: {quantity} x {title}{variant} = {total}. Avisaremos sobre a entrega.",
  },
  es = {
    welcome = "¡Hola{name}! Esto es lo que tenemos hoy. Toca un producto para verlo, o envía COMPRAR y su código.",
    list_button = "Ver productos",
    section = "Destacados",
    no_products = "¡Hola{name}! Estamos actualizando el catálogo; escríbenos de nuevo en un rato.",
    ask_size = "¿Qué talla quieres?",
    ask_quantity = "¿Cuántas unidades quieres? Toca un número o escríbelo.",
    ask_quantity_of = "{title}{variant}: ¿cuántas unidades quieres? Toca un número o escríbelo.",
    bad_quantity = "Envía un número del 1 al {max}, por favor.",
    confirm = "{quantity} x {title}{variant} = {total}. ¿Hago el pedido?",
    yes = "Sí, pedir",
    no = "No",
    cancelled = "Sin problema, no se pidió nada. Envía COMPRAR y un código cuando quieras.",
    price_of = "{title} cuesta {price}.",
    prices = "Nuestros precios:\n{lines}",
    not_found = "No encontré un producto con el código {code}. Esto es lo que tenemos:",
    fallback = "Perdona, no te entendí. Envía HOLA para ver los productos, COMPRAR y un código para pedir, o PRECIO.",
    idle = "Cierro esta conversación por ahora. ¡Envía HOLA cuando quieras comprar de nuevo!",
    closing = "Sigamos luego: envía HOLA para empezar de nuevo.",
    thanks = "¡Gracias! Tu pedido {number} está registrado: {quantity} x {title}{variant} = {total}. Te escribiremos sobre la entrega.",
  },
  id = {
    welcome = "Hai{name}! Ini produk kami hari ini. Ketuk produk untuk melihatnya, atau kirim BELI dan kodenya.",
    list_button = "Lihat produk",
    section = "Unggulan",
    no_products = "Hai{name}! Katalog kami sedang diperbarui; silakan tulis lagi sebentar lagi.",
    ask_size = "Ukuran berapa yang Anda mau?",
    ask_quantity = "Mau berapa? Ketuk angka atau ketik.",
    ask_quantity_of = "{title}{variant}: mau berapa? Ketuk angka atau ketik.",
    bad_quantity = "Silakan kirim angka 1 sampai {max}.",
    confirm = "{quantity} x {title}{variant} = {total}. Pesan sekarang?",
    yes = "Ya, pesan",
    no = "Tidak",
    cancelled = "Baik, tidak ada yang dipesan. Kirim BELI dan kode kapan saja.",
    price_of = "Harga {title} {price}.",
    prices = "Harga kami:\n{lines}",
    not_found = "Produk dengan kode {code} tidak ditemukan. Ini produk kami:",
    fallback = "Maaf, saya tidak mengerti. Kirim HALO untuk melihat produk, BELI dan kode untuk memesan, atau HARGA.",
    idle = "Percakapan ini saya tutup dulu. Kirim HALO kapan saja untuk belanja lagi!",
    closing = "Kita lanjutkan nanti: kirim HALO untuk mulai lagi.",
    thanks = "Terima kasih! Pesanan {number} sudah kami terima: {quantity} x {title}{variant} = {total}. Kami akan mengabari soal pengiriman.",
  },
  vi = {
    welcome = "Xin chào{name}! Đây là sản phẩm hôm nay. Chạm vào sản phẩm để xem, hoặc gửi MUA và mã sản phẩm.",
    list_button = "Xem sản phẩm",
    section = "Nổi bật",
    no_products = "Xin chào{name}! Danh mục đang được cập nhật; vui lòng nhắn lại sau ít phút.",
    ask_size = "Bạn muốn cỡ nào?",
    ask_quantity = "Bạn muốn mua bao nhiêu? Chạm vào số hoặc nhập số.",
    ask_quantity_of = "{title}{variant}: bạn muốn mua bao nhiêu? Chạm vào số hoặc nhập số.",
    bad_quantity = "Vui lòng gửi một số từ 1 đến {max}.",
    confirm = "{quantity} x {title}{variant} = {total}. Đặt hàng nhé?",
    yes = "Có, đặt hàng",
    no = "Không",
    cancelled = "Không sao, chưa có gì được đặt. Gửi MUA và mã bất cứ lúc nào.",
    price_of = "{title} giá {price}.",
    prices = "Giá của chúng tôi:\n{lines}",
    not_found = "Không tìm thấy sản phẩm có mã {code}. Đây là sản phẩm của chúng tôi:",
    fallback = "Xin lỗi, tôi chưa hiểu. Gửi CHÀO để xem sản phẩm, MUA và mã để đặt hàng, hoặc GIÁ.",
    idle = "Tôi sẽ tạm đóng cuộc trò chuyện. Gửi CHÀO bất cứ khi nào bạn muốn mua sắm!",
    closing = "Hẹn lần sau: gửi CHÀO để bắt đầu lại.",
    thanks = "Cảm ơn bạn! Đơn hàng {number} đã được ghi nhận: {quantity} x {title}{variant} = {total}. Chúng tôi sẽ báo về việc giao hàng.",
  },
}

-- The message `key` in `lang`, {name}s replaced from `values`.
function M.say(lang, key, values)
  local texts = M.text[lang] or M.text.en
  local template = texts[key] or M.text.en[key]
  return (template:gsub("{(%w+)}", function(name)
    local v = values and values[name]
    return v == nil and "" or tostring(v)
  end))
end

-- "24.99 USD".
function M.money(amount, currency)
  if type(amount) ~= "number" then
    return ""
  end
  local text = string.format("%.2f", amount)
  return (currency and currency ~= "") and (text .. " " .. currency) or text
end

-- At most `n` characters (UTF-8), with an ellipsis when cut.
function M.cut(text, n)
  text = tostring(text or "")
  if utf8.len(text) == nil or utf8.len(text) <= n then
    return text
  end
  return text:sub(1, utf8.offset(text, n) - 1) .. "…"
end

return M
