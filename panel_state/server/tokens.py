"""Session tokens: the page request, carried to whichever process opens the socket.

A GET of an app page embeds a token; the session is created only when the page's
websocket presents it. The token holds the request snapshot (protocol, host, URI with
its query, headers -- cookies travel inside the ``Cookie`` header), the app route, an
expiry and a random nonce that becomes the session id. Any process or host sharing the
server secret (``PANEL_STATE_SECRET``) can open the session; nobody else can mint or
read one.

Format: ``v2.<sealed>``, base64url without padding. ``sealed`` is a 12-byte random
nonce and the payload sealed with AES-256-GCM (``cryptography``'s AEAD, which both
encrypts and authenticates: scripts on the page cannot read the cookies and headers
inside, as they can in Bokeh's tokens, and nobody without the key can mint or alter
one). The key is derived from the server secret with HKDF-SHA256. The version prefix
lets a later format refuse these cleanly, and these refuse the HMAC-keystream tokens
of format 1 with a clear message.

The payload is the public part as zlib-compressed JSON (it holds the URI, which an
attacker may choose) followed by the secret-bearing headers (``Cookie``,
``Authorization``) as uncompressed JSON: never compressing secrets together with
attacker-chosen text keeps the token's length from leaking them (BREACH).

Replay rule (see :mod:`panel_state.server.sessions`): a token whose session is alive in
this process reconnects to it -- that is how a dropped socket resumes. A token whose
session has ended is refused as expired, and so is any token past its expiry that has
no live session.

Everything here is a pure function of its inputs (``now`` is explicit).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
import secrets
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["DEFAULT_TOKEN_LIFETIME", "MAX_TOKEN_LENGTH", "SECRET_ENV", "TokenError",
           "TokenPayload", "make_token", "read_token", "secret_from_env"]

#: Environment variable holding the shared signing secret.
SECRET_ENV = "PANEL_STATE_SECRET"

#: Seconds a token may wait before its websocket opens (Bokeh's default is 300 s).
DEFAULT_TOKEN_LIFETIME = 300.0

#: Tokens longer than this are refused before any work is done.
MAX_TOKEN_LENGTH = 32 * 1024

#: The token format this server writes and reads.
FORMAT = 2
_PREFIX = f"v{FORMAT}."
_AAD = b"panel_state session token v2"


class TokenError(ValueError):
    """A token that cannot open a session; ``reason`` is ``'forged'`` or ``'expired'``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class TokenPayload:
    """What a valid token says about the page request it was issued for."""

    nonce: str
    expires: float
    app: str
    protocol: str
    host: str
    uri: str
    headers: dict[str, str]

    @property
    def url(self) -> str:
        """The page URL the token was issued for."""
        return f"{self.protocol}://{self.host}{self.uri}"


def secret_from_env(environ: dict[str, str] | None = None) -> bytes:
    """The signing secret: ``PANEL_STATE_SECRET`` if set, else 32 fresh random bytes.

    Raises
    ------
    ValueError
        When the variable is set but shorter than 16 characters.
    """
    env = os.environ if environ is None else environ
    value = env.get(SECRET_ENV)
    if value is None:
        return secrets.token_bytes(32)
    if len(value) < 16:
        raise ValueError(
            f"{SECRET_ENV} must be at least 16 characters long, got {len(value)}; use e.g. "
            "`python -c \"import secrets; print(secrets.token_urlsafe(32))\"`.")
    return value.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


#: Headers whose values are secrets: kept out of the compressed part.
SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})

_NONCE = 12


@functools.lru_cache(maxsize=8)
def _aead(secret: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"panel_state token encryption v2").derive(secret)
    return AESGCM(key)


def make_token(secret: bytes, *, app: str, protocol: str, host: str, uri: str,
               headers: dict[str, str], now: float,
               lifetime: float = DEFAULT_TOKEN_LIFETIME, nonce: str | None = None) -> str:
    """Issue a token for one page request.

    Parameters
    ----------
    secret : bytes
        The server's secret.
    app : str
        The route of the app the page shows.
    protocol, host, uri, headers
        The request snapshot (``uri`` includes the query string).
    now : float
        The current time, seconds since the epoch.
    lifetime : float
        Seconds until the token expires if no websocket presents it.
    nonce : str, optional
        The session id; random (128 bits) unless given.

    Examples
    --------
    >>> t = make_token(b"k" * 32, app="/", protocol="http", host="h", uri="/?a=1",
    ...                headers={"Cookie": "id=1"}, now=0.0)
    >>> read_token(b"k" * 32, t, now=1.0).headers
    {'Cookie': 'id=1'}
    """
    public = {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}
    hidden = {k: v for k, v in headers.items() if k.lower() in SECRET_HEADERS}
    body = [FORMAT, nonce or secrets.token_urlsafe(16), round(now + lifetime, 3), app,
            protocol, host, uri, public]
    packed = zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 6)
    plain = len(packed).to_bytes(3, "big") + packed
    if hidden:
        plain += json.dumps(hidden, separators=(",", ":")).encode()
    iv = os.urandom(_NONCE)
    return _PREFIX + _b64(iv + _aead(secret).encrypt(iv, plain, _AAD))


def read_token(secret: bytes, token: str, now: float | None) -> TokenPayload:
    """Verify ``token`` and return its payload.

    ``now=None`` skips the expiry check (the session manager lets a token whose
    session is still alive reconnect after the token's expiry).

    Raises
    ------
    TokenError
        ``reason='forged'`` for a malformed, tampered or foreign token;
        ``reason='expired'`` for a genuine token past its expiry.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("forged", "Session token is malformed; reload the page to get a new one.")
    if not token.startswith(_PREFIX):
        if token.count(".") == 1 and not token.startswith("v"):
            raise TokenError("forged", "Session token was issued in an older format that this "
                             "server no longer reads; reload the page.")
        raise TokenError("forged", "Session token is malformed; reload the page to get a new one.")
    text = token[len(_PREFIX):]
    try:
        data = _unb64(text)
    except (binascii.Error, ValueError):
        raise TokenError("forged", "Session token is malformed; reload the page.") from None
    if _b64(data) != text:  # only the canonical spelling: no two texts name one token
        raise TokenError("forged", "Session token is malformed; reload the page.")
    try:
        plain = _aead(secret).decrypt(data[:_NONCE], data[_NONCE:], _AAD)
    except (InvalidTag, ValueError):
        raise TokenError(
            "forged", "Session token signature is invalid (forged, tampered, or issued by a "
            "server with another secret); reload the page.") from None
    try:
        size = int.from_bytes(plain[:3], "big")
        body = json.loads(zlib.decompress(plain[3:3 + size]))
        hidden = json.loads(plain[3 + size:]) if len(plain) > 3 + size else {}
        fmt, nonce, expires, app, protocol, host, uri, headers = body
        headers.update(hidden)
    except (zlib.error, ValueError, TypeError, AttributeError):
        raise TokenError("forged", "Session token payload is unreadable; reload.") from None
    if fmt != FORMAT:
        raise TokenError("forged", f"Session token format {fmt!r} is not supported; reload.")
    result = TokenPayload(nonce=nonce, expires=float(expires), app=app, protocol=protocol,
                          host=host, uri=uri, headers=dict(headers))
    if now is not None and now > result.expires:
        raise TokenError(
            "expired", f"Session token expired {now - result.expires:.0f} s ago; reload the page.")
    return result
