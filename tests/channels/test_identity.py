"""channels.identity: which tokens prove who the user is, and why the others are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from channels import identity
from channels.identity import Identity, IdentityVerifier, Refusal, bearer_token, verifier_from_env

SECRET = "identity-test-secret-0123456789abcdef"
CLAIMS = {"sub": "u-42", "email": "alice@example.org", "name": "Alice  Martin", "role": "mentor"}


def claims(**changes: object) -> dict:
    merged = {**CLAIMS, "exp": int(time.time()) + 600, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def hs256(payload: dict, secret: str = SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(payload: dict) -> str:
    """`alg: none`: a header, a payload and no signature."""
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[bytes, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, public


HS = IdentityVerifier(hs256_secret=SECRET.encode())


def test_valid_token_gives_the_identity() -> None:
    """A well-signed HS256 token gives sub, email, role and the name with spaces tidied."""
    assert HS.verify(hs256(claims())) == Identity(
        sub="u-42", email="alice@example.org", name="Alice Martin", role="mentor")


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (hs256(claims(), secret="another-secret-0123456789abcdefghijkl"), identity.SIGNATURE),
        (unsigned(claims()), identity.ALGORITHM),
        (jwt.encode(claims(), SECRET, algorithm="HS512"), identity.ALGORITHM),
        (hs256(claims(exp=int(time.time()) - 3600)), identity.EXPIRED),
        (hs256(claims(role="admin")), identity.ROLE),
        (hs256(claims(role="student")), identity.ROLE),
        (hs256(claims(exp=None)), identity.CLAIMS),
        (hs256(claims(sub=None)), identity.CLAIMS),
        (hs256(claims(email=None)), identity.CLAIMS),
        (hs256(claims(name=None)), identity.CLAIMS),
        (hs256(claims(role=None)), identity.CLAIMS),
        (hs256(claims(email="not an address")), identity.CLAIMS),
        (hs256(claims(sub="../../etc/passwd with spaces")), identity.CLAIMS),
        (hs256(claims(name="   ")), identity.CLAIMS),
        ("not-a-jwt", identity.MALFORMED),
        ("", identity.MISSING),
        (None, identity.MISSING),
    ],
    ids=["forged", "alg-none", "hs512", "expired", "role-admin", "role-student", "no-exp",
         "no-sub", "no-email", "no-name", "no-role", "bad-email", "bad-sub", "blank-name",
         "garbage", "empty", "absent"],
)
def test_refused_tokens(token: object, code: str) -> None:
    """Each broken or forged token is refused with its own reason."""
    assert HS.verify(token) == Refusal(code)


def test_tampered_payload_is_refused() -> None:
    """Changing the role inside a signed token breaks its signature."""
    header, _, signature = hs256(claims(role="coach")).split(".")
    forged = f"{header}.{_b64(claims(role='mentor'))}.{signature}"
    assert HS.verify(forged) == Refusal(identity.SIGNATURE)


def test_rs256_token_is_verified_with_the_public_key(rsa_keys: tuple[bytes, str]) -> None:
    """RS256 signed with the private key passes with only the public key configured."""
    private, public = rsa_keys
    verifier = IdentityVerifier(rs256_public_key=public)
    token = jwt.encode(claims(role="coach"), private, algorithm="RS256")
    assert verifier.verify(token) == Identity("u-42", "alice@example.org", "Alice Martin", "coach")


def test_algorithm_switch_to_hs256_with_the_public_key_is_refused(
    rsa_keys: tuple[bytes, str],
) -> None:
    """An HS256 token whose HMAC secret is the (public) RSA key is refused."""
    _, public = rsa_keys
    verifier = IdentityVerifier(rs256_public_key=public)
    header = _b64({"alg": "HS256", "typ": "JWT"})
    payload = _b64(claims())
    mac = hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert verifier.verify(forged) == Refusal(identity.ALGORITHM)


def test_rs256_token_is_refused_when_only_a_secret_is_configured(
    rsa_keys: tuple[bytes, str],
) -> None:
    """A server holding only the HS256 secret refuses RS256 tokens (no key for it)."""
    private, _ = rsa_keys
    assert HS.verify(jwt.encode(claims(), private, algorithm="RS256")) == Refusal(
        identity.ALGORITHM)


def test_no_key_configured_refuses_every_token() -> None:
    """Without any key, a token cannot prove anything."""
    assert IdentityVerifier(required=False).verify(hs256(claims())) == Refusal(
        identity.NOT_CONFIGURED)


def test_short_secret_is_refused() -> None:
    """A secret shorter than 32 bytes is a configuration error."""
    with pytest.raises(ValueError, match="32 bytes"):
        IdentityVerifier(hs256_secret=b"short")


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer  xyz ", "xyz"), ("Basic abc", None),
     ("Bearer", None), ("", None), (None, None)],
)
def test_bearer_token(header: object, token: str | None) -> None:
    """Only `Bearer <token>` yields a token."""
    assert bearer_token(header) == token


def test_secret_in_environment_makes_identity_required() -> None:
    """OCBOT_IDENTITY_SECRET set: tokens are required and checked with it."""
    verifier = verifier_from_env({identity.SECRET_ENV: SECRET})
    assert verifier.required
    assert isinstance(verifier.verify(hs256(claims())), Identity)


def test_dev_secret_keeps_anonymous_clients_allowed() -> None:
    """Only the demo's development secret: tokens verified, anonymous clients allowed."""
    verifier = verifier_from_env({identity.DEV_SECRET_ENV: SECRET})
    assert not verifier.required
    assert isinstance(verifier.verify(hs256(claims())), Identity)


def test_public_key_file_in_environment(tmp_path, rsa_keys: tuple[bytes, str]) -> None:
    """OCBOT_IDENTITY_PUBLIC_KEY may name a PEM file."""
    private, public = rsa_keys
    (tmp_path / "key.pem").write_text(public)
    verifier = verifier_from_env({identity.PUBLIC_KEY_ENV: str(tmp_path / "key.pem")})
    assert verifier.required
    assert isinstance(verifier.verify(jwt.encode(claims(), private, algorithm="RS256")), Identity)


def test_metadata_under_a_token_comes_from_the_token() -> None:
    """Under a token, role, e-mail and name in the body are replaced by the token's."""
    verified = Identity("u-42", "alice@example.org", "Alice Martin", "mentor")
    body = {"role": "coach", "email": "mallory@example.org", "name": "Mallory",
            "identity": {"kind": "verified", "email": "mallory@example.org"}, "page": "/x"}
    assert identity.message_metadata(body, verified) == {
        "role": "mentor", "page": "/x",
        "identity": {"kind": "verified", "user_id": "u-42", "email": "alice@example.org",
                     "name": "Alice Martin"},
    }


def test_anonymous_metadata_cannot_claim_an_identity() -> None:
    """Without a token the client's e-mail, name and identity are dropped; its role is kept."""
    body = {"role": "coach", "email": "mallory@example.org", "name": "M", "user_id": "u-1",
            "identity": {"kind": "verified"}}
    assert identity.message_metadata(body, None) == {"role": "coach"}
