-- One turn of the WhatsApp buy conversation (workflows/whatsapp-buy.yaml):
-- the state, the classified message and the catalog give the next state and
-- the message to send. See buyflow/turn.lua for input and result.
return require("buyflow.turn").run(input)
