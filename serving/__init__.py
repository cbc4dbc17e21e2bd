"""How the assistant is served: Rasa and action server launchers, the local stack's processes."""
