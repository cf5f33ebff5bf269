"""The two satisfaction code tables and the channel codes, converted only at the boundary."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.ratings import codes
from tongban.ratings.constants import BAD_LEVELS, GOOD_LEVELS, Channel, Level

ALL = [
    Level.VERY_SATISFIED,
    Level.SATISFIED,
    Level.BASICALLY_SATISFIED,
    Level.DISSATISFIED,
    Level.VERY_DISSATISFIED,
]


def test_gbt39046_runs_from_very_satisfied_to_very_dissatisfied() -> None:
    assert [codes.to_gbt39046(level) for level in ALL] == [1, 2, 3, 4, 5]
    assert codes.from_gbt39046(1) == Level.VERY_SATISFIED
    assert codes.from_gbt39046(5) == Level.VERY_DISSATISFIED


def test_provincial_interface_runs_the_other_way() -> None:
    assert [codes.to_provincial(level) for level in ALL] == [5, 4, 3, 2, 1]
    assert codes.from_provincial(1) == Level.VERY_DISSATISFIED
    assert codes.from_provincial(5) == Level.VERY_SATISFIED


@pytest.mark.parametrize("level", ALL)
def test_round_trips_and_cross_table(level: Level) -> None:
    assert codes.from_gbt39046(codes.to_gbt39046(level)) == level
    assert codes.from_provincial(codes.to_provincial(level)) == level
    # A GB code read as a provincial one would be wrong except for the middle level.
    assert codes.to_gbt39046(level) + codes.to_provincial(level) == 6


@pytest.mark.parametrize("bad", [0, 6, -1, True, "1"])
def test_out_of_range_codes_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        codes.from_gbt39046(bad)
    with pytest.raises(ValueError):
        codes.from_provincial(bad)


def test_bad_levels_are_the_last_two() -> None:
    assert {Level.DISSATISFIED, Level.VERY_DISSATISFIED} == BAD_LEVELS
    assert {Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED} == GOOD_LEVELS


def test_channel_codes_default_and_configurable(settings: Any) -> None:
    assert [codes.channel_code(c) for c in ("pc", "mobile", "qr", "hall_tablet", "hall_terminal")] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert codes.channel_code(Channel.PHONE) == 6 and codes.channel_code(Channel.SMS) == 7
    assert codes.channel_from_code(3) == Channel.QR
    settings.TONGBAN_RATING_CHANNEL_CODES = {"sms": 6, "phone": 8}
    assert codes.channel_code(Channel.SMS) == 6 and codes.channel_code(Channel.PHONE) == 8
    assert codes.channel_from_code(6) == Channel.SMS
    with pytest.raises(ValueError):
        codes.channel_from_code(7)


def test_other_interface_fields() -> None:
    assert codes.sequence_code(1) == 1 and codes.sequence_code(2) == 2
    assert codes.rater_kind_code("person") == 1 and codes.rater_kind_code("legal_person") == 2
    assert codes.anonymous_code(True) == 1 and codes.anonymous_code(False) == 2
    with pytest.raises(ValueError):
        codes.sequence_code(3)
