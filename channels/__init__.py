"""Custom Rasa input channels (see channels/slack.py)."""
