"""Personal data kept only as long as needed: retention purge and the right to erasure.

`python -m actions.privacy purge` and `erase --user <sub|email>`; see docs/deployment.md
("Personal data"). Nothing here connects or reads files at import time.
"""
