"""The shared HMAC scheme of signed webhook messages (payment sandbox, demo carrier)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from tongban.utils.signing import HmacScheme, SignatureError, within_window

SECRET = b"a-test-secret-of-enough-length-000"
AT = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
WECHAT = HmacScheme("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", trailing_newline=True)
COURIER = HmacScheme("X-Ts", "X-Nonce", "X-Sign")


def test_signs_the_documented_text() -> None:
    headers = WECHAT.sign(SECRET, b'{"a":1}', at=AT, nonce="n" * 16)
    text = b"1795773600\n" + b"n" * 16 + b'\n{"a":1}\n'
    assert headers == {
        "Wechatpay-Timestamp": "1795773600",
        "Wechatpay-Nonce": "n" * 16,
        "Wechatpay-Signature": hmac.new(SECRET, text, hashlib.sha256).hexdigest(),
    }
    # Without the final newline the same message signs differently.
    assert COURIER.sign(SECRET, b'{"a":1}', at=AT, nonce="n" * 16)["X-Sign"] != headers["Wechatpay-Signature"]


def test_verifies_whatever_the_case_of_the_header_names() -> None:
    headers = COURIER.sign(SECRET, b"body", at=AT)
    signed = COURIER.verify(SECRET, {k.lower(): v for k, v in headers.items()}, b"body")
    assert signed.signed_at == AT and signed.nonce == headers["X-Nonce"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: (h, b + b"!"), "invalid"),  # body changed in transit
        (lambda h, b: ({**h, "X-Ts": str(int(h["X-Ts"]) + 1)}, b), "invalid"),  # timestamp moved
        (lambda h, b: ({k: v for k, v in h.items() if k != "X-Sign"}, b), "missing"),
        (lambda h, b: ({**h, "X-Nonce": "short"}, b), "missing"),
        (lambda h, b: ({**h, "X-Sign": "zz" * 32}, b), "missing"),
        (lambda h, b: ({**h, "X-Ts": "yesterday"}, b), "missing"),
    ],
)
def test_refuses_forged_or_malformed_messages(change, reason) -> None:  # type: ignore[no-untyped-def]
    headers, body = change(COURIER.sign(SECRET, b"body", at=AT), b"body")
    with pytest.raises(SignatureError) as exc:
        COURIER.verify(SECRET, headers, body)
    assert exc.value.reason == reason


def test_another_secret_does_not_verify() -> None:
    headers = COURIER.sign(b"another-secret", b"body", at=AT)
    with pytest.raises(SignatureError):
        COURIER.verify(SECRET, headers, b"body")


def test_replay_window_both_ways() -> None:
    assert within_window(AT, AT + dt.timedelta(seconds=300), 300)
    assert not within_window(AT, AT + dt.timedelta(seconds=301), 300)
    assert not within_window(AT + dt.timedelta(seconds=301), AT, 300)
