"""Amounts of money are integer fen (分) everywhere; these turn them into yuan text for people, in integers
(never through a float)."""

from __future__ import annotations


def fen(amount: int | None, *, grouped: bool = False) -> str:
    """``12345`` → ``"123.45"`` (``grouped``: ``123456789`` → ``"1,234,567.89"``); None → ``"—"``."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouped else f"{sign}{whole}.{cents:02d}"


def yuan(amount: int) -> str:
    """``123450`` → ``"¥1,234.50"``: an amount in a sentence."""
    return f"¥{fen(amount, grouped=True)}"
