"""Session tokens: signed, unguessable, expiring, compact."""

from __future__ import annotations

import base64

import pytest

from panel_state.server.tokens import (
    SECRET_ENV,
    TokenError,
    make_token,
    read_token,
    secret_from_env,
)

SECRET = b"s" * 32
HEADERS = {
    "Host": "localhost:5006",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/140.0.0.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br",
    "Cookie": "theme=dark; user=ann",
    "Connection": "keep-alive",
}


def token(now: float = 1000.0, **kw) -> str:
    args = {"app": "/app", "protocol": "http", "host": "localhost:5006",
            "uri": "/app?a=1&a=2", "headers": HEADERS, "now": now, "lifetime": 300.0}
    args.update(kw)
    return make_token(SECRET, **args)


def test_token_round_trips_the_request_snapshot():
    payload = read_token(SECRET, token(), now=1001.0)
    assert payload.app == "/app"
    assert payload.url == "http://localhost:5006/app?a=1&a=2"
    assert payload.headers == HEADERS
    assert payload.expires == 1300.0


def test_token_nonces_are_unguessable_and_unique():
    nonces = {read_token(SECRET, token(), now=1000.0).nonce for _ in range(200)}
    assert len(nonces) == 200
    assert all(len(n) >= 22 for n in nonces)  # 128 random bits


def test_token_is_compact():
    # A browser's typical headers (the user agent dominates) plus the request line.
    assert len(token()) < 520
    assert len(token(headers={})) < 200


def _body(t: str) -> bytes:
    part = t.split(".")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_token_hides_cookies_and_headers_from_page_scripts():
    raw = _body(token())
    for secret in (b"dark", b"user=ann", b"Mozilla", b"localhost", b"/app"):
        assert secret not in raw
    assert read_token(SECRET, token(), now=1000.0).headers["Cookie"] == "theme=dark; user=ann"


def test_token_length_does_not_reveal_whether_the_query_guesses_a_cookie():
    # A chosen query must not compress better when it repeats the secret (BREACH).
    guess = "/app?q=session%3Dk3y9x7q2"
    nonce = "fixed-nonce-for-the-test"
    right = token(uri=guess, nonce=nonce, headers={**HEADERS, "Cookie": "session=k3y9x7q2"})
    wrong = token(uri=guess, nonce=nonce, headers={**HEADERS, "Cookie": "session=m8w4z1p6"})
    assert len(right) == len(wrong)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),      # signature changed
    lambda t: ("B" if t[0] != "B" else "C") + t[1:],            # payload changed
    lambda t: t.replace(".", ""),                                # malformed
    lambda t: t + ".x",                                          # malformed
    lambda t: "",                                                # empty
    lambda t: "é." + t.split(".")[1],                            # not ASCII
])
def test_token_tampered_or_malformed_is_refused_as_forged(mangle):
    with pytest.raises(TokenError, match="reload") as info:
        read_token(SECRET, mangle(token()), now=1000.0)
    assert info.value.reason == "forged"


def test_token_from_another_secret_is_refused():
    with pytest.raises(TokenError, match="signature is invalid") as info:
        read_token(b"o" * 32, token(), now=1000.0)
    assert info.value.reason == "forged"


def test_token_expires_after_its_lifetime():
    t = token(now=1000.0, lifetime=10.0)
    assert read_token(SECRET, t, now=1010.0).app == "/app"
    with pytest.raises(TokenError, match=r"expired 5 s ago") as info:
        read_token(SECRET, t, now=1015.0)
    assert info.value.reason == "expired"
    # The session manager may still check a genuine expired token's signature.
    assert read_token(SECRET, t, now=None).app == "/app"


def test_token_oversized_is_refused_without_work():
    with pytest.raises(TokenError, match="malformed"):
        read_token(SECRET, "a" * 40000 + ".b", now=0.0)


def test_secret_from_env_is_shared_or_random():
    assert secret_from_env({SECRET_ENV: "x" * 20}) == b"x" * 20
    assert secret_from_env({}) != secret_from_env({})
    with pytest.raises(ValueError, match=r"PANEL_STATE_SECRET must be at least 16 characters"):
        secret_from_env({SECRET_ENV: "short"})


def test_token_of_the_previous_format_is_refused_with_a_clear_reason():
    # Format 1: base64url(iv + HMAC-keystream ciphertext) "." base64url(HMAC), no prefix.
    old = "qJ3nU0u9cE1aF2xyZ8kLmN0pQrStUvWx.mAc0123456789abcdefghijklmnopqrstuvwxyzABC"
    with pytest.raises(TokenError, match="issued in an older format that this server no "
                                         "longer reads; reload the page") as caught:
        read_token(SECRET, old, now=1.0)
    assert caught.value.reason == "forged"


def test_token_is_versioned_and_sealed_with_aes_gcm():
    t = token()
    assert t.startswith("v2.")
    # Any change to the sealed part fails the AEAD tag, including the base64 padding
    # bits of the last character (only the canonical spelling is read).
    last = t[-1]
    other = "A" if last != "A" else "B"
    with pytest.raises(TokenError, match=r"invalid|malformed"):
        read_token(SECRET, t[:-1] + other, now=1001.0)
