"""Serve the chat widget's sample page (web/) on 127.0.0.1.

    python scripts/serve_web.py [PORT]      # or WEB_PORT=8080; default 8080

Standard library (and PyJWT) only: a static file server for trying the widget and for the
browser tests. It listens on the loopback interface only; it is not a production web server.

It also plays the mentor space's backend for a demo mentor: when it holds a signing secret
(OCBOT_IDENTITY_SECRET, else the local OCBOT_IDENTITY_DEV_SECRET that `make run` creates), the
page's `data-token` is filled with a short-lived identity token for that mentor, and
GET /identity-token gives a fresh one (the page's refresh callback). OCBOT_DEMO_SUB, _EMAIL,
_NAME and _ROLE change who the demo user is.
"""

from __future__ import annotations

import html
import json
import os
import sys
import time
from collections.abc import Mapping
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt

WEB = Path(__file__).resolve().parents[1] / "web"
TOKEN_LIFETIME_SECONDS = 15 * 60
DEMO_USER = {"sub": "demo-mentor", "email": "camille.demo@example.org", "name": "Camille Demo",
             "role": "mentor"}
TOKEN_SLOT = 'data-token=""'


def signing_secret(environ: Mapping[str, str]) -> str | None:
    return environ.get("OCBOT_IDENTITY_SECRET") or environ.get("OCBOT_IDENTITY_DEV_SECRET") or None


def demo_claims(environ: Mapping[str, str], now: float) -> dict[str, object]:
    user = {key: environ.get(f"OCBOT_DEMO_{key.upper()}") or value
            for key, value in DEMO_USER.items()}
    return {**user, "iat": int(now), "exp": int(now) + TOKEN_LIFETIME_SECONDS}


def demo_token(environ: Mapping[str, str]) -> str | None:
    secret = signing_secret(environ)
    if secret is None:
        return None
    return jwt.encode(demo_claims(environ, time.time()), secret, algorithm="HS256")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request, and never cached (edits show on reload)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        token = demo_token(os.environ)
        if path == "/identity-token":
            self._send(200 if token else 404, "application/json",
                       json.dumps({"token": token}).encode())
        elif path in ("/", "/index.html") and token:
            page = (WEB / "index.html").read_text(encoding="utf-8")
            page = page.replace(TOKEN_SLOT, f'data-token="{html.escape(token)}"')
            self._send(200, "text/html; charset=utf-8", page.encode())
        else:
            super().do_GET()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str]) -> int:
    port = int(argv[1] if len(argv) > 1 else os.environ.get("WEB_PORT", "8080"))
    handler = partial(QuietHandler, directory=str(WEB))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        signed = "signed in as the demo mentor" if signing_secret(os.environ) else "anonymous"
        print(f"Widget sample page: http://127.0.0.1:{port}/ ({signed})", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
