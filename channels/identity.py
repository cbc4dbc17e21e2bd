"""Who is asking, from a proof: the mentor space signs a short-lived JWT, the channels verify it.

Pure (PyJWT only, no Rasa import, no environment read at import time).

- The token is HS256 with the shared secret OCBOT_IDENTITY_SECRET, or RS256 with the public key
  OCBOT_IDENTITY_PUBLIC_KEY (PEM text or a path to a PEM file) when the mentor space keeps its
  private key to itself. The algorithm is chosen by the key the server holds, never by the
  token: `alg: none`, an unknown algorithm, or HS256 when only a public key is configured (the
  classic trick of signing with the public key as an HMAC secret) are refused before any
  signature check.
- `exp`, `sub`, `email`, `name` and `role` are required; `role` is mentor or coach, `sub` a short
  id, `email` an address. Nothing else in the token is used.
- Without OCBOT_IDENTITY_SECRET or a public key, OCBOT_IDENTITY_DEV_SECRET (set by `make run` for
  the local demo) verifies tokens when a client sends one, and anonymous clients stay allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt

from actions.business.reply_address import is_email

SECRET_ENV = "OCBOT_IDENTITY_SECRET"
PUBLIC_KEY_ENV = "OCBOT_IDENTITY_PUBLIC_KEY"
DEV_SECRET_ENV = "OCBOT_IDENTITY_DEV_SECRET"
ROLES = frozenset({"mentor", "coach"})
REQUIRED_CLAIMS = ("exp", "sub", "email", "name", "role")
# Seconds of clock difference tolerated between the mentor space and this server.
LEEWAY_SECONDS = 30
MIN_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
# Same alphabet as the REST sender ids, so a conversation id built from `sub` is always valid.
SUB_RE = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,100}$")
MAX_NAME_CHARS = 200
MAX_TOKEN_CHARS = 8192

# Refusal codes (the REST channel sends them in its 401 body).
MISSING = "missing_token"
MALFORMED = "malformed_token"
ALGORITHM = "algorithm_not_allowed"
SIGNATURE = "bad_signature"
EXPIRED = "expired_token"
CLAIMS = "missing_or_invalid_claims"
ROLE = "role_not_allowed"
NOT_CONFIGURED = "identity_not_configured"

REASONS = {
    MISSING: "a signed identity token is required (Authorization: Bearer <token>)",
    MALFORMED: "the identity token is not a JWT",
    ALGORITHM: "the identity token's algorithm is not accepted",
    SIGNATURE: "the identity token's signature is not valid",
    EXPIRED: "the identity token has expired",
    CLAIMS: "the identity token lacks exp, sub, email, name or role, or one is malformed",
    ROLE: "the identity token's role must be mentor or coach",
    NOT_CONFIGURED: "this server has no key to verify identity tokens",
}


@dataclass(frozen=True)
class Identity:
    """The signed-in user, as the verified token says."""

    sub: str
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class Refusal:
    """Why a token was refused: a code from REASONS."""

    code: str

    @property
    def reason(self) -> str:
        return REASONS[self.code]


@dataclass(frozen=True)
class IdentityVerifier:
    """Verifies tokens with the keys this server holds; `required` refuses anonymous clients."""

    hs256_secret: bytes | None = None
    rs256_public_key: str | None = None
    required: bool = True

    def __post_init__(self) -> None:
        if self.hs256_secret is not None and len(self.hs256_secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the identity secret must be at least {MIN_SECRET_BYTES} bytes")

    def _key_for(self, algorithm: object) -> str | bytes | None:
        if algorithm == "HS256":
            return self.hs256_secret
        if algorithm == "RS256":
            return self.rs256_public_key
        return None

    def verify(self, token: object) -> Identity | Refusal:
        """The identity a token proves, or why it proves nothing."""
        if not isinstance(token, str) or not token.strip():
            return Refusal(MISSING)
        if self.hs256_secret is None and self.rs256_public_key is None:
            return Refusal(NOT_CONFIGURED)
        if len(token) > MAX_TOKEN_CHARS:
            return Refusal(MALFORMED)
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            return Refusal(MALFORMED)
        key = self._key_for(algorithm)
        if key is None:  # "none", HS384, or an algorithm this server holds no key for
            return Refusal(ALGORITHM)
        try:
            claims = jwt.decode(
                token, key, algorithms=[str(algorithm)], leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS), "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            return Refusal(EXPIRED)
        except (jwt.InvalidSignatureError, jwt.InvalidKeyError):
            return Refusal(SIGNATURE)
        except jwt.DecodeError:
            return Refusal(MALFORMED)
        except jwt.InvalidTokenError:  # a required claim missing, `nbf` or `iat` in the future
            return Refusal(CLAIMS)
        return identity_of(claims)


def identity_of(claims: Mapping[str, object]) -> Identity | Refusal:
    """The Identity of verified claims, refusing malformed values."""
    sub, email, name, role = (claims.get(k) for k in ("sub", "email", "name", "role"))
    if not isinstance(sub, str) or not SUB_RE.match(sub) or not is_email(email):
        return Refusal(CLAIMS)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        return Refusal(CLAIMS)
    if role not in ROLES:
        return Refusal(ROLE)
    assert isinstance(email, str) and isinstance(role, str)
    return Identity(sub=sub, email=email, name=" ".join(name.split()), role=role)


def bearer_token(header: object) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when there is none."""
    if not isinstance(header, str):
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _public_key(value: str) -> str:
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text(encoding="utf-8")


def verifier_from_env(environ: Mapping[str, str]) -> IdentityVerifier:
    """Required identity when a secret or public key is set; else the demo's optional one."""
    secret = environ.get(SECRET_ENV, "")
    public_key = environ.get(PUBLIC_KEY_ENV, "")
    if secret or public_key:
        return IdentityVerifier(
            hs256_secret=secret.encode() if secret else None,
            rs256_public_key=_public_key(public_key) if public_key else None,
            required=True,
        )
    dev_secret = environ.get(DEV_SECRET_ENV, "")
    return IdentityVerifier(hs256_secret=dev_secret.encode() if dev_secret else None,
                            required=False)


# ---- what the channels hand to the assistant -------------------------------------------------
# Message metadata keys only a channel may set: a client's values for them are dropped.
IDENTITY_KEY = "identity"
RESERVED_KEYS = frozenset({IDENTITY_KEY, "email", "name", "user_id"})
# Conversation ids of signed-in users: a prefix anonymous REST clients may not use, so nobody
# reaches a signed-in user's conversation by choosing its id.
USER_PREFIX = "user:"
# Slack conversations (channels/slack.py) are reserved the same way.
RESERVED_PREFIXES = (USER_PREFIX, "slack:")


def conversation_id(verified: Identity) -> str:
    """The signed-in user's conversation, the same on every device."""
    return f"{USER_PREFIX}{verified.sub}"


def is_reserved_sender(sender: str) -> bool:
    return sender.startswith(RESERVED_PREFIXES)


def message_metadata(body_metadata: object, verified: Identity | None) -> dict[str, object]:
    """The metadata Rasa gets: the client's, minus identity claims; the token's when signed in.

    Under a token the role, e-mail and name come from the token only. Anonymous clients keep the
    role they declare (it only chooses which answer they read), never an e-mail or a name.
    """
    kept = {
        key: value
        for key, value in (body_metadata.items() if isinstance(body_metadata, dict) else ())
        if key not in RESERVED_KEYS
    }
    if verified is None:
        return kept
    kept["role"] = verified.role
    kept[IDENTITY_KEY] = {"kind": "verified", "user_id": verified.sub, "email": verified.email,
                          "name": verified.name}
    return kept
