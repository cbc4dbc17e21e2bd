"""`python -m serving.rasa_server <rasa arguments>`: Rasa's own CLI, with serving.resilience and
serving.performance on.

Used by `make run`, `make shell`, the end-to-end and reliability tests, the bench and the
container image, so every Rasa server behaves the same when the action server is down.
"""

from __future__ import annotations

import os
import sys

from actions.tickets.attachments import MAX_ENCODED

# Sanic reads SANIC_* settings from the environment: no request body larger than one message
# with its attached file (10 MB in base64, channels/files.py) and 1 MB of text and metadata
# (Rasa's default is Sanic's 100 MB).
REQUEST_MAX_SIZE = str(MAX_ENCODED + 1_000_000)


def use_checked_shell_channel() -> None:
    """`rasa shell` builds its channel from BUILTIN_CHANNELS["cmdline"]: ours checks input."""
    from rasa.core import channels

    from channels.rest import ShellChannel

    channels.BUILTIN_CHANNELS["cmdline"] = ShellChannel


def main(argv: list[str]) -> None:
    from rasa.__main__ import main as rasa_main

    from serving import performance, resilience

    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", REQUEST_MAX_SIZE)
    performance.install()
    resilience.install()
    if argv[:1] == ["shell"]:
        use_checked_shell_channel()
    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
