"""serving.action_server: only callers with the token run actions."""

from __future__ import annotations

import pytest

from serving.action_server import TOKEN_HEADER, token_problem


@pytest.mark.parametrize(
    ("path", "headers", "token", "refused"),
    [
        ("/webhook", {}, None, False),
        ("/webhook", {}, "s3cret", True),
        ("/webhook", {TOKEN_HEADER: "wrong"}, "s3cret", True),
        ("/webhook", {TOKEN_HEADER: ""}, "s3cret", True),
        ("/webhook", {TOKEN_HEADER: "s3cret"}, "s3cret", False),
        ("/actions", {}, "s3cret", True),
        ("/health", {}, "s3cret", False),
    ],
)
def test_token_check(path, headers, token, refused):
    """Without a configured token all pass; with one, only the health check skips it."""
    assert token_problem(path, headers, token) is refused
