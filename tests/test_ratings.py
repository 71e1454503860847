"""Ratings of different bureaus on one band, and when a grade got worse."""

import pytest

from in2dmm_insurers.tools import ratings


@pytest.mark.parametrize(
    "scale,value,expected",
    [
        ("creditsafe", "a", 1),
        ("creditsafe", "E", 5),
        ("graydon", "AAA", 1),
        ("graydon", "BBB", 2),
        ("graydon", "CC", 4),
        ("graydon", "D", 5),
        ("graydon", "NR", None),
        ("allianz_grade", "6", 3),
        ("allianz_grade", 10, 5),
        ("atradius", "45", None),
        ("unknown", "A", None),
    ],
)
def test_band(scale, value, expected):
    assert ratings.band(scale, value) == expected


def test_rank_follows_the_scale_order():
    assert ratings.rank("graydon", "AA") < ratings.rank("graydon", "BB")
    assert ratings.rank("allianz_grade", "2") < ratings.rank("allianz_grade", "10")
    assert ratings.rank("creditsafe", "Z") is None


@pytest.mark.parametrize(
    "scale,old,new,expected",
    [
        ("creditsafe", "B", "D", True),
        ("creditsafe", "D", "B", False),
        ("creditsafe", "C", "C", False),
        ("graydon", "A", "BBB", True),
        ("graydon", "BBB", "NR", False),  # no longer rated is not a grade
        ("allianz_grade", "3", "10", True),
        ("allianz_grade", "9", "2", False),
        ("atradius", "60", "20", False),  # direction unknown: never compared
        ("creditsafe", "", "E", False),  # a first rating is no worsening
    ],
)
def test_worsened(scale, old, new, expected):
    assert ratings.worsened(scale, old, new) is expected
