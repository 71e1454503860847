"""WIK collection costs (Besluit vergoeding voor buitengerechtelijke incassokosten).

The scale used here is written out in the test (the statutory scale of 1 July 2012:
15% of the first 2,500, 10% of the next 2,500, 5% of the next 5,000, 1% of the next
190,000, 0.5% above 200,000; minimum 40, maximum 6,775). The shipped CSV is checked
against it in test_legal_data.py.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from in2dmm_credit.tools.wik import (
    MissingScaleError,
    WikScale,
    collection_costs,
    select_scale,
)

SCALE_2012 = WikScale(
    valid_from=date(2012, 7, 1),
    tiers=(
        (D("2500"), D("15")),
        (D("5000"), D("10")),
        (D("10000"), D("5")),
        (D("200000"), D("1")),
        (None, D("0.5")),
    ),
    minimum=D("40"),
    maximum=D("6775"),
)


@pytest.mark.parametrize(
    "principal, expected",
    [
        # 15% x 100 = 15.00 -> below the minimum -> 40.00
        ("100", "40.00"),
        # 15% x 266.67 = 40.0005 -> 40.00 (exactly the minimum)
        ("266.67", "40.00"),
        # 15% x 267 = 40.05 (research notes: 267 -> 40.05)
        ("267", "40.05"),
        # 15% x 1,234.56 = 185.184 -> 185.18
        ("1234.56", "185.18"),
        # 15% x 2,500 = 375.00
        ("2500", "375.00"),
        # 375 + 10% x 833.33 (= 83.333 -> 83.33) = 458.33
        ("3333.33", "458.33"),
        # 375 + 10% x 2,500 (250) = 625.00
        ("5000", "625.00"),
        # 625 + 5% x 5,000 (250) = 875.00
        ("10000", "875.00"),
        # 875 + 1% x 190,000 (1,900) = 2,775.00
        ("200000", "2775.00"),
        # 2,775 + 0.5% x 800,000 (4,000) = 6,775.00 = exactly the maximum
        ("1000000", "6775.00"),
        # 2,775 + 0.5% x 1,800,000 (9,000) = 11,775 -> capped at 6,775.00
        ("2000000", "6775.00"),
    ],
)
def test_worked_examples(principal, expected):
    result = collection_costs(D(principal), SCALE_2012)
    assert result.costs == D(expected)
    assert result.total == D(expected)
    assert result.vat_amount == D("0.00")
    assert result.vat_rate is None


def test_minimum_and_maximum_flags():
    low = collection_costs(D("100"), SCALE_2012)
    assert low.minimum_applied and not low.maximum_applied
    assert low.tier_total == D("15.00")
    exact_minimum = collection_costs(D("266.67"), SCALE_2012)
    assert not exact_minimum.minimum_applied
    high = collection_costs(D("2000000"), SCALE_2012)
    assert high.maximum_applied and not high.minimum_applied
    assert high.tier_total == D("11775.00")
    exact_maximum = collection_costs(D("1000000"), SCALE_2012)
    assert not exact_maximum.maximum_applied


def test_tier_lines_for_five_thousand():
    result = collection_costs(D("5000"), SCALE_2012)
    assert [
        (t.lower, t.upper, t.percentage, t.base, t.amount) for t in result.tiers
    ] == [
        (D("0"), D("2500"), D("15"), D("2500"), D("375.00")),
        (D("2500"), D("5000"), D("10"), D("2500"), D("250.00")),
    ]
    assert result.breakdown == [
        "15% of 2,500.00 (slice 0.00 - 2,500.00) = 375.00",
        "10% of 2,500.00 (slice 2,500.00 - 5,000.00) = 250.00",
        "collection costs: 625.00",
        "total: 625.00",
    ]


def test_breakdown_open_tier_minimum_and_vat():
    big = collection_costs(D("250000"), SCALE_2012)
    # 2,775 + 0.5% x 50,000 (250) = 3,025.00
    assert big.costs == D("3025.00")
    assert big.breakdown[-3] == "0.5% of 50,000.00 (slice 200,000.00 - ...) = 250.00"
    low = collection_costs(D("100"), SCALE_2012, vat_rate=D("21"))
    assert low.breakdown == [
        "15% of 100.00 (slice 0.00 - 2,500.00) = 15.00",
        "minimum applies: 40.00",
        "collection costs: 40.00",
        "VAT 21%: 8.40",
        "total: 48.40",
    ]


def test_vat_added_when_creditor_cannot_deduct():
    # 375.00 x 21% = 78.75 -> 453.75
    result = collection_costs(D("2500"), SCALE_2012, vat_rate=D("21"))
    assert (result.costs, result.vat_amount, result.total) == (
        D("375.00"),
        D("78.75"),
        D("453.75"),
    )
    # 40.05 x 21% = 8.4105 -> 8.41 -> 48.46
    result = collection_costs(D("267"), SCALE_2012, vat_rate=D("21"))
    assert (result.vat_amount, result.total) == (D("8.41"), D("48.46"))
    # 6,775 x 21% = 1,422.75 -> 8,197.75 (VAT on top of the maximum)
    result = collection_costs(D("5000000"), SCALE_2012, vat_rate=D("21"))
    assert (result.vat_amount, result.total) == (D("1422.75"), D("8197.75"))


def test_vat_rounding_half_up():
    # 458.33 x 9% = 41.2497 -> 41.25 ; 40.05 x 9% = 3.6045 -> 3.60
    assert collection_costs(D("3333.33"), SCALE_2012, vat_rate=D("9")).vat_amount == D(
        "41.25"
    )
    assert collection_costs(D("267"), SCALE_2012, vat_rate=D("9")).vat_amount == D(
        "3.60"
    )
    # 15% x 266.70 = 40.005 -> 40.01 (half up, not banker's 40.00)
    assert collection_costs(D("266.70"), SCALE_2012).costs == D("40.01")


def test_zero_negative_and_other_input_types():
    zero = collection_costs(D("0"), SCALE_2012)
    assert (zero.costs, zero.total, zero.tiers) == (D("0"), D("0"), ())
    assert not zero.minimum_applied
    with pytest.raises(ValueError):
        collection_costs(D("-1"), SCALE_2012)
    with pytest.raises(ValueError):
        collection_costs(D("100"), SCALE_2012, vat_rate=D("-21"))
    assert collection_costs(2500.0, SCALE_2012).costs == D("375.00")
    assert collection_costs(5000, SCALE_2012).costs == D("625.00")
    assert collection_costs("10000", SCALE_2012).costs == D("875.00")


def test_scale_without_maximum_and_finite_last_tier():
    scale = WikScale(
        date(2030, 1, 1), ((D("1000"), D("10")),), minimum=D("0"), maximum=None
    )
    # 10% x 1,000 = 100; nothing above the last bound
    assert collection_costs(D("5000"), scale).costs == D("100.00")
    # 10% x 0.04 = 0.004 -> 0.00
    assert collection_costs(D("0.04"), scale).costs == D("0.00")


def test_scale_validation():
    with pytest.raises(ValueError):
        WikScale(date(2030, 1, 1), (), minimum=D("40"), maximum=None)
    with pytest.raises(ValueError):
        WikScale(
            date(2030, 1, 1),
            ((D("5000"), D("10")), (D("2500"), D("15"))),
            minimum=D("40"),
            maximum=None,
        )
    with pytest.raises(ValueError):
        WikScale(
            date(2030, 1, 1),
            ((None, D("10")), (D("2500"), D("15"))),
            minimum=D("40"),
            maximum=None,
        )
    with pytest.raises(ValueError):
        WikScale(date(2030, 1, 1), ((None, D("10")),), minimum=D("50"), maximum=D("40"))
    with pytest.raises(ValueError):
        WikScale(date(2030, 1, 1), ((None, D("-1")),), minimum=D("0"), maximum=None)


def test_select_scale_by_date():
    later = WikScale(date(2030, 1, 1), ((None, D("1")),), minimum=D("50"), maximum=None)
    scales = [later, SCALE_2012]  # any order
    assert select_scale(scales, date(2012, 7, 1)) is SCALE_2012
    assert select_scale(scales, date(2029, 12, 31)) is SCALE_2012
    assert select_scale(scales, date(2030, 1, 1)) is later
    with pytest.raises(MissingScaleError):
        select_scale(scales, date(2012, 6, 30))
    with pytest.raises(MissingScaleError):
        select_scale([], date(2025, 1, 1))
    # the later scale gives 1% x 1,000 = 10 -> minimum 50.00
    assert collection_costs(D("1000"), later).costs == D("50.00")
    assert collection_costs(D("1000"), later).scale_valid_from == date(2030, 1, 1)
