"""Numeric code tables of other systems, converted only at the boundary.

The two documented satisfaction tables run in opposite directions (see docs/ratings.md):

- GB/T 39046 A.8 满意度代码: 1 = 非常满意 … 5 = 非常不满意;
- the provincial interface to the national 好差评 system: 1 = 非常不满意 … 5 = 非常满意.

Levels are stored as :class:`~tongban.ratings.constants.Level`; never store either number.
"""

from __future__ import annotations

from tongban.ratings import conf
from tongban.ratings.constants import Channel, Level, RaterKind

_BEST_FIRST: tuple[Level, ...] = (
    Level.VERY_SATISFIED,
    Level.SATISFIED,
    Level.BASICALLY_SATISFIED,
    Level.DISSATISFIED,
    Level.VERY_DISSATISFIED,
)


def _level(code: int) -> int:
    if not isinstance(code, int) or isinstance(code, bool) or not 1 <= code <= 5:
        raise ValueError(f"satisfaction code out of range: {code!r}")
    return code


def to_gbt39046(level: str) -> int:
    """GB/T 39046 A.8: 1 = 非常满意 … 5 = 非常不满意."""
    return _BEST_FIRST.index(Level(level)) + 1


def from_gbt39046(code: int) -> Level:
    return _BEST_FIRST[_level(code) - 1]


def to_provincial(level: str) -> int:
    """Provincial interface ``satisfaction``: 1 = 非常不满意 … 5 = 非常满意."""
    return 5 - _BEST_FIRST.index(Level(level))


def from_provincial(code: int) -> Level:
    return _BEST_FIRST[5 - _level(code)]


def channel_code(channel: str) -> int:
    """评价渠道 ``pf``: pc=1, mobile=2, qr=3, hall tablet=4, other hall terminal=5; phone and SMS from
    ``TONGBAN_RATING_CHANNEL_CODES`` (6 and 7 by default)."""
    return conf.channel_codes()[Channel(channel).value]


def channel_from_code(code: int) -> Channel:
    for name, value in conf.channel_codes().items():
        if value == code:
            return Channel(name)
    raise ValueError(f"unknown channel code: {code!r}")


def sequence_code(sequence: int) -> int:
    """评价次数: 首次评价 = 1, 二次评价 (追评) = 2."""
    if sequence not in (1, 2):
        raise ValueError(f"rating sequence out of range: {sequence!r}")
    return sequence


def rater_kind_code(kind: str) -> int:
    """用户属性: 个人 = 1, 法人 = 2."""
    return 1 if RaterKind(kind) == RaterKind.PERSON else 2


def anonymous_code(anonymous: bool) -> int:
    """是否匿名: 是 = 1, 否 = 2."""
    return 1 if anonymous else 2
