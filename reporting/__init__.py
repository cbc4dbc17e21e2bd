"""The support report: what the team learns from the assistant (`make report`).

`stores` reads Rasa's tracker store and the ticket store; `conversations`, `figures` and
`clusters` compute the figures from plain values; `charts` and `page` draw them; `__main__` is
the command line.
"""
