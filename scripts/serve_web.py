"""Serve the chat widget's sample page (web/) on 127.0.0.1.

    python scripts/serve_web.py [PORT]      # or WEB_PORT=8080; default 8080

Standard library only: a static file server for trying the widget and for the browser tests.
It listens on the loopback interface only; it is not a production web server.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request, and never cached (edits show on reload)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def main(argv: list[str]) -> int:
    port = int(argv[1] if len(argv) > 1 else os.environ.get("WEB_PORT", "8080"))
    handler = partial(QuietHandler, directory=str(WEB))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Widget sample page: http://127.0.0.1:{port}/", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
