"""The only internet-facing process: web chat relay to Rasa (and, later, the widget and Telegram)."""
