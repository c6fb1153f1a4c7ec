-- The buy flow's intent rule: what a WhatsApp message asks for, and in
-- which language. input = {message = the message (whatsapp.receive's
-- record), expect = the conversation's stage}. The tables live in
-- buyflow/intent.lua.
return require("buyflow.intent").classify(input.message, input.expect)
