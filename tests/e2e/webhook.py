"""Rasa's REST webhook as a client calls it: the status and the JSON answer, refusals included."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(base: str, body: dict, bearer: str | None = None) -> tuple[int, object]:
    headers = {"Content-Type": "application/json"}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook",
                                     data=json.dumps(body).encode(), headers=headers)
    try:
        with OPENER.open(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def texts(messages: object) -> str:
    return "\n".join(m.get("text", "") for m in messages) if isinstance(messages, list) else ""
