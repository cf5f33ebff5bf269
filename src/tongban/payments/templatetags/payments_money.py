"""``{{ amount_cents|fen }}``: fen as yuan with two decimals (``12345`` → ``123.45``)."""

from __future__ import annotations

from django import template

from tongban.utils.money import fen as format_fen

register = template.Library()


@register.filter
def fen(amount: int | None) -> str:
    return format_fen(amount)
