"""`python -m serving.action_server [--host H] [--port P]`: the rasa-sdk action server, locked down.

- It listens on loopback unless told otherwise (rasa-sdk's own `run` binds 0.0.0.0).
- When ACTION_SERVER_TOKEN is set, every request but the health check must carry it in the
  `X-Action-Token` header, which the Rasa servers send (deploy/endpoints.production.yml): only
  they can run actions, even on a shared network.
- No CORS: browsers have no business calling it.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from collections.abc import Mapping

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def token_problem(request_path: str, headers: Mapping[str, str], token: str | None) -> bool:
    """Whether a request must be refused for want of the right token."""
    if not token or request_path in OPEN_PATHS:
        return False
    given = headers.get(TOKEN_HEADER) or ""
    return not hmac.compare_digest(given.encode(), token.encode())


def build_app(token: str | None) -> Sanic:
    from rasa_sdk.endpoint import create_app

    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if token_problem(request.path, request.headers, token):
            return response.json({"error": "missing or wrong action server token"}, status=401)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = build_app(os.environ.get("ACTION_SERVER_TOKEN") or None)
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
