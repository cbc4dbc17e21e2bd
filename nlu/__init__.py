"""Rasa NLU components of this project (registered with Rasa's recipe when imported)."""
