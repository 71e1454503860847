"""Statutory (6:119) and commercial (6:119a) interest.

Amounts are computed by hand in the comments: interest per period is
base x rate x days / (100 x year days), rounded half up to cents; year days are 366
for days in a leap year (actual/actual) unless year_basis="365".
"""

from datetime import date
from decimal import Decimal as D

import pytest

from in2dmm_credit.tools.interest import (
    MissingRateError,
    RatePeriod,
    add_years,
    normalise_rates,
    rate_on,
    statutory_interest,
)

# The tables of the research notes (section 4.3), up to 2025-01-01.
STATUTORY = [
    (date(2020, 1, 1), D("2")),
    (date(2023, 1, 1), D("4")),
    (date(2023, 7, 1), D("6")),
    (date(2024, 1, 1), D("7")),
    (date(2024, 7, 1), D("7")),
    (date(2025, 1, 1), D("6")),
]
COMMERCIAL = [
    RatePeriod(date(2020, 1, 1), D("8")),
    RatePeriod(date(2023, 1, 1), D("10.5")),
    RatePeriod(date(2023, 7, 1), D("12")),
    RatePeriod(date(2024, 1, 1), D("12.5")),
    RatePeriod(date(2024, 7, 1), D("12.25")),
    RatePeriod(date(2025, 1, 1), D("11.15")),
]


def lines(result):
    return [
        (p.date_from, p.date_to, p.days, p.rate, p.base, p.year_days, p.interest)
        for p in result.periods
    ]


def test_period_inside_one_rate_non_leap_year():
    # 2023-08-01 .. 2023-10-31: 31 + 30 + 31 = 92 days
    # commercial 12%: 1000 x 12 x 92 / 36500 = 30.2465... -> 30.25
    result = statutory_interest(
        D("1000"), date(2023, 8, 1), date(2023, 11, 1), COMMERCIAL
    )
    assert result.days == 92
    assert result.interest == D("30.25")
    assert lines(result) == [
        (date(2023, 8, 1), date(2023, 11, 1), 92, D("12"), D("1000"), 365, D("30.25"))
    ]
    assert result.periods[0].last_day == date(2023, 10, 31)
    assert result.total == D("1030.25")
    assert result.capitalisations == ()
    # statutory 6%: 1000 x 6 x 92 / 36500 = 15.1232... -> 15.12
    assert statutory_interest(
        D("1000"), date(2023, 8, 1), date(2023, 11, 1), STATUTORY
    ).interest == D("15.12")


def test_leap_year_period_actual_and_365():
    # 2024-02-01 .. 2024-03-31 inclusive: 29 + 31 = 60 days, statutory 7%
    # actual/actual: 1000 x 7 x 60 / 36600 = 11.4754... -> 11.48
    result = statutory_interest(
        D("1000"), date(2024, 2, 1), date(2024, 4, 1), STATUTORY
    )
    assert result.days == 60
    assert lines(result) == [
        (date(2024, 2, 1), date(2024, 4, 1), 60, D("7"), D("1000"), 366, D("11.48"))
    ]
    # fixed 365: 1000 x 7 x 60 / 36500 = 11.5068... -> 11.51
    fixed = statutory_interest(
        D("1000"), date(2024, 2, 1), date(2024, 4, 1), STATUTORY, year_basis="365"
    )
    assert fixed.interest == D("11.51")
    assert fixed.periods[0].year_days == 365


def test_full_leap_year_gives_exactly_the_annual_rate():
    # 2024: 182 days (Jan-Jun) + 184 days (Jul-Dec) at 7% (the 1 July row repeats 7%)
    # 1000 x 7 x 182 / 36600 = 34.8087 -> 34.81 ; 1000 x 7 x 184 / 36600 = 35.1913
    # -> 35.19 ; total 70.00 = 7% of 1000
    result = statutory_interest(
        D("1000"), date(2024, 1, 1), date(2025, 1, 1), STATUTORY
    )
    assert [p.interest for p in result.periods] == [D("34.81"), D("35.19")]
    assert result.interest == D("70.00")
    # the year is complete on 2025-01-01: capitalised, nothing accrues on it here
    assert [(c.on, c.amount, c.new_base) for c in result.capitalisations] == [
        (date(2025, 1, 1), D("70.00"), D("1070.00"))
    ]
    # fixed 365: 1000 x 7 x 182 / 36500 = 34.904 -> 34.90 ; x 184 = 35.2877 -> 35.29
    fixed = statutory_interest(
        D("1000"), date(2024, 1, 1), date(2025, 1, 1), STATUTORY, year_basis="365"
    )
    assert fixed.interest == D("70.19")


def test_period_spanning_1_january_rate_change():
    # 2023-12-01 .. 2023-12-31: 31 days at 6% / 365: 186000 / 36500 = 5.0959 -> 5.10
    # 2024-01-01 .. 2024-01-31: 31 days at 7% / 366: 217000 / 36600 = 5.9290 -> 5.93
    result = statutory_interest(
        D("1000"), date(2023, 12, 1), date(2024, 2, 1), STATUTORY
    )
    assert lines(result) == [
        (date(2023, 12, 1), date(2024, 1, 1), 31, D("6"), D("1000"), 365, D("5.10")),
        (date(2024, 1, 1), date(2024, 2, 1), 31, D("7"), D("1000"), 366, D("5.93")),
    ]
    assert result.interest == D("11.03")
    assert result.days == 62


def test_period_spanning_1_july_rate_change():
    # commercial: 2024-06-15 .. 06-30: 16 days at 12.5% / 366
    #   1000 x 12.5 x 16 / 36600 = 5.4645 -> 5.46
    # 2024-07-01 .. 07-15: 15 days at 12.25% / 366
    #   1000 x 12.25 x 15 / 36600 = 5.0205 -> 5.02
    result = statutory_interest(
        D("1000"), date(2024, 6, 15), date(2024, 7, 16), COMMERCIAL
    )
    assert lines(result) == [
        (date(2024, 6, 15), date(2024, 7, 1), 16, D("12.5"), D("1000"), 366, D("5.46")),
        (
            date(2024, 7, 1),
            date(2024, 7, 16),
            15,
            D("12.25"),
            D("1000"),
            366,
            D("5.02"),
        ),
    ]
    assert result.interest == D("10.48")


def test_split_at_new_year_without_rate_change():
    # statutory 2% from 2020 to 2022: 2021-12-01 .. 2022-01-31, same rate, two lines
    # 31 days: 1000 x 2 x 31 / 36500 = 1.6986 -> 1.70 (twice)
    result = statutory_interest(
        D("1000"), date(2021, 12, 1), date(2022, 2, 1), STATUTORY
    )
    assert [(p.date_from, p.interest) for p in result.periods] == [
        (date(2021, 12, 1), D("1.70")),
        (date(2022, 1, 1), D("1.70")),
    ]
    # with a fixed 365 year there is no reason to split: 62 days -> 3.3973 -> 3.40
    fixed = statutory_interest(
        D("1000"), date(2021, 12, 1), date(2022, 2, 1), STATUTORY, year_basis="365"
    )
    assert [(p.days, p.interest) for p in fixed.periods] == [(62, D("3.40"))]


def test_more_than_a_year_compounds_yearly_from_the_default_date():
    # statutory, 10,000 in default from 2023-03-01, interest until 2024-08-31 incl.
    # Year 1 (2023-03-01 .. 2024-02-29):
    #   2023-03-01..06-30 122 d at 4% /365: 10000x4x122/36500 = 133.6986 -> 133.70
    #   2023-07-01..12-31 184 d at 6% /365: 10000x6x184/36500 = 302.4658 -> 302.47
    #   2024-01-01..02-29  60 d at 7% /366: 10000x7x60/36600  = 114.7541 -> 114.75
    #   year 1 = 550.92, added to the base on 2024-03-01 -> 10,550.92
    # Year 2 (partial):
    #   2024-03-01..06-30 122 d at 7% /366: 10550.92x7x122/36600 = 246.1881 -> 246.19
    #   2024-07-01..08-31  62 d at 7% /366: 10550.92x7x62/36600  = 125.1120 -> 125.11
    # total = 550.92 + 246.19 + 125.11 = 922.22
    result = statutory_interest(
        D("10000"), date(2023, 3, 1), date(2024, 9, 1), STATUTORY
    )
    assert lines(result) == [
        (date(2023, 3, 1), date(2023, 7, 1), 122, D("4"), D("10000"), 365, D("133.70")),
        (date(2023, 7, 1), date(2024, 1, 1), 184, D("6"), D("10000"), 365, D("302.47")),
        (date(2024, 1, 1), date(2024, 3, 1), 60, D("7"), D("10000"), 366, D("114.75")),
        (
            date(2024, 3, 1),
            date(2024, 7, 1),
            122,
            D("7"),
            D("10550.92"),
            366,
            D("246.19"),
        ),
        (
            date(2024, 7, 1),
            date(2024, 9, 1),
            62,
            D("7"),
            D("10550.92"),
            366,
            D("125.11"),
        ),
    ]
    assert [(c.on, c.amount, c.new_base) for c in result.capitalisations] == [
        (date(2024, 3, 1), D("550.92"), D("10550.92"))
    ]
    assert result.interest == D("922.22")
    assert result.base_at_end == D("10550.92")
    assert result.total == D("10922.22")

    # Simple interest for comparison: year 2 on 10,000
    #   10000x7x122/36600 = 233.3333 -> 233.33 ; 10000x7x62/36600 = 118.5792 -> 118.58
    #   total = 550.92 + 233.33 + 118.58 = 902.83
    simple = statutory_interest(
        D("10000"), date(2023, 3, 1), date(2024, 9, 1), STATUTORY, compound=False
    )
    assert simple.interest == D("902.83")
    assert simple.capitalisations == ()
    assert simple.base_at_end == D("10000")


def test_two_full_years_compound_twice():
    # commercial, 1000 from 2020-01-01 at 8% (2020 is a leap year)
    # year 1: 2020: 366 d /366 -> 80.00 ; base 1080.00 on 2021-01-01
    # year 2: 2021: 365 d /365: 1080 x 8% = 86.40 ; base 1166.40 on 2022-01-01
    # 2022-01-01 .. 2022-01-31: 31 d: 1166.40 x 8 x 31 / 36500 = 7.9252 -> 7.93
    result = statutory_interest(
        D("1000"), date(2020, 1, 1), date(2022, 2, 1), COMMERCIAL
    )
    assert [p.interest for p in result.periods] == [D("80.00"), D("86.40"), D("7.93")]
    assert [(c.on, c.new_base) for c in result.capitalisations] == [
        (date(2021, 1, 1), D("1080.00")),
        (date(2022, 1, 1), D("1166.40")),
    ]
    assert result.interest == D("174.33")


def test_commercial_interest_from_day_after_due_date_to_payment_day():
    # art. 6:119a: due 2023-01-31, paid 2023-03-02 -> days 2023-02-01 .. 2023-03-02
    # = 28 + 2 = 30 days = paid - due; 10.5%: 1000 x 10.5 x 30 / 36500 = 8.6301 -> 8.63
    due, paid = date(2023, 1, 31), date(2023, 3, 2)
    result = statutory_interest(
        D("1000"),
        date(2023, 2, 1),
        date(2023, 3, 3),
        COMMERCIAL,
    )
    assert result.days == (paid - due).days == 30
    assert result.interest == D("8.63")
    assert result.periods[-1].last_day == paid


def test_zero_and_negative_days_and_zero_principal():
    for until in (date(2024, 3, 1), date(2024, 2, 1)):
        result = statutory_interest(D("1000"), date(2024, 3, 1), until, STATUTORY)
        assert result.interest == D("0")
        assert result.days == 0
        assert result.periods == ()
    # no rate needed when nothing accrues
    assert (
        statutory_interest(D("1000"), date(2000, 1, 1), date(2000, 1, 1), []).days == 0
    )
    assert statutory_interest(
        D("0"), date(2024, 1, 1), date(2024, 6, 1), STATUTORY
    ).interest == D("0")


def test_errors():
    with pytest.raises(ValueError):
        statutory_interest(D("-1"), date(2024, 1, 1), date(2024, 2, 1), STATUTORY)
    with pytest.raises(ValueError):
        statutory_interest(
            D("1"), date(2024, 1, 1), date(2024, 2, 1), STATUTORY, year_basis="360"
        )
    with pytest.raises(MissingRateError):
        statutory_interest(D("100"), date(2019, 12, 31), date(2020, 2, 1), STATUTORY)
    with pytest.raises(ValueError):
        normalise_rates([(date(2024, 1, 1), 7), (date(2024, 1, 1), 8)])
    with pytest.raises(ValueError):
        RatePeriod(date(2024, 1, 1), D("-1"))


def test_rate_lookup_and_input_types():
    assert rate_on(STATUTORY, date(2023, 6, 30)).rate == D("4")
    assert rate_on(STATUTORY, date(2023, 7, 1)).rate == D("6")
    assert rate_on(reversed(COMMERCIAL), date(2025, 3, 1)).rate == D("11.15")
    with pytest.raises(MissingRateError):
        rate_on(STATUTORY, date(2019, 12, 31))
    # floats and ints are accepted for the principal and for the rates
    # 1000 x 12 x 92 / 36500 = 30.25
    result = statutory_interest(
        1000.0, date(2023, 8, 1), date(2023, 11, 1), [(date(2023, 1, 1), 12.0)]
    )
    assert result.interest == D("30.25")


def test_add_years_and_29_february_anniversary():
    assert add_years(date(2023, 3, 1), 1) == date(2024, 3, 1)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    # default on 2024-02-29: year 1 is 2024-02-29 .. 2025-02-28 (366 days)
    #   2024-02-29..06-30 123 d at 7%/366: 1000x7x123/36600 = 23.5246 -> 23.52
    #   2024-07-01..12-31 184 d at 7%/366: 1000x7x184/36600 = 35.1913 -> 35.19
    #   2025-01-01..02-28  59 d at 6%/365: 1000x6x59/36500  =  9.6986 ->  9.70
    #   year 1 = 68.41, capitalised on 2025-03-01 -> base 1068.41
    result = statutory_interest(
        D("1000"), date(2024, 2, 29), date(2025, 3, 2), STATUTORY
    )
    assert [(c.on, c.amount) for c in result.capitalisations] == [
        (date(2025, 3, 1), D("68.41"))
    ]
    # 2025-03-01: 1 day on 1068.41 at 6%/365 = 0.1756 -> 0.18 ; total 68.59
    assert result.periods[-1].base == D("1068.41")
    assert result.periods[-1].interest == D("0.18")
    assert result.interest == D("68.59")


def test_each_period_rounds_half_up_to_cents():
    # 1000.05 x 10 x 365 / 36500 = 100.005 -> 100.01 (half up; half even gives 100.00)
    result = statutory_interest(
        D("1000.05"), date(2023, 1, 1), date(2024, 1, 1), [(date(2023, 1, 1), 10)]
    )
    assert result.interest == D("100.01")
    # 2024 is a leap year: 1000.05 x 10 x 366 / 36600 = 100.005 -> 100.01 too
    leap = statutory_interest(
        D("1000.05"), date(2024, 1, 1), date(2025, 1, 1), [(date(2023, 1, 1), 10)]
    )
    assert leap.interest == D("100.01")
