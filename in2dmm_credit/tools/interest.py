"""Statutory interest (wettelijke rente) and commercial interest (handelsrente).

Legal basis
-----------
* Art. 6:119 BW: the statutory interest for consumer and non-contractual claims,
  over the time the debtor is in default (*verzuim*).
* Art. 6:119a BW: the statutory commercial interest for commercial contracts, from
  the day after the last day for payment up to and including the day of payment.
* Art. 6:120 lid 1 BW: interest running when a new rate takes effect is computed at
  the new rate from that moment on, so a period is split at every rate change.
* Art. 6:119 lid 2 and art. 6:119a lid 3 BW: "Telkens na afloop van een jaar wordt
  het bedrag waarover de wettelijke rente wordt berekend, vermeerderd met de over dat
  jaar verschuldigde rente." After each full year *counted from the start of the
  default* (not per calendar year) the interest of that year is added to the amount
  on which interest runs.

Rates are data: a table of :class:`RatePeriod` (valid from a date, annual
percentage), loaded from ``data/in2dmm_interest_rates.csv`` by :mod:`.legal_data`,
one table per kind (consumer 6:119 or commercial 6:119a).

Dates
-----
:func:`statutory_interest` works on the half-open interval
``[default_date, until_date)``: interest accrues for every day from ``default_date``
(the first day of default) up to, *not* including, ``until_date``; the number of
days is ``until_date - default_date``, as Dutch interest calculators count it
("van 1-1-2023 tot 1-1-2024" is 365 days, one full year). For art. 6:119a (interest
"over de dag volgend op de uiterste dag van betaling tot en met de dag waarop de
schuldenaar heeft betaald") pass ``default_date = due_date + 1 day`` and
``until_date = payment_date + 1 day``; the day count is then
``payment_date - due_date``. Periods in the result use the same convention
(``date_to`` is exclusive, :attr:`InterestPeriod.last_day` is the last day counted,
for "t/m" in letters).

The yearly anniversary of a default that began on 29 February is 1 March in a
common year: the first year then ends with 28 February, like every term "of a year"
that starts at the beginning of a day.

Day count: actual/actual (the default)
--------------------------------------
The law gives an *annual* rate and no day-count rule. We use actual days over the
actual length of the calendar year the day falls in: a day in 2024 (a leap year)
earns ``rate / 366``, a day in 2023 ``rate / 365``. That is what most Dutch interest
calculators do ("rente over een schrikkeljaar": 366 days), and it gives exactly the
annual rate for a whole calendar year, leap or not. To apply it a period is also
split at every 1 January. ``year_basis="365"`` selects a fixed 365-day year instead
(a leap year then earns 366/365 of the annual rate).

Rounding
--------
Each period's interest is rounded to cents (ROUND_HALF_UP). The total is the sum of
the rounded periods, and the amount capitalised after a year is the sum of that
year's rounded periods, so the breakdown in a letter adds up exactly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
YEAR_BASES = ("actual", "365")


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


class MissingRateError(LookupError):
    """The rate table has no rate for a day of the period."""


@dataclass(frozen=True)
class RatePeriod:
    """An annual interest percentage in force from ``valid_from`` until the next row."""

    valid_from: date
    rate: Decimal
    source: str = ""
    status: str = ""

    def __post_init__(self):
        rate = _to_decimal(self.rate)
        object.__setattr__(self, "rate", rate)
        if rate < 0:
            raise ValueError("interest rate must not be negative")


@dataclass(frozen=True)
class InterestPeriod:
    """One line of the breakdown: ``days`` days from ``date_from`` (inclusive) to
    ``date_to`` (exclusive) at ``rate`` % over ``base``."""

    date_from: date
    date_to: date
    days: int
    rate: Decimal
    base: Decimal
    year_days: int
    interest: Decimal

    @property
    def last_day(self) -> date:
        """The last day counted (for "van ... t/m ..." in a letter)."""
        return self.date_to - timedelta(days=1)


@dataclass(frozen=True)
class Capitalisation:
    """On ``on`` the interest of the past year was added to the base (art. 6:119
    lid 2 / 6:119a lid 3 BW)."""

    on: date
    amount: Decimal
    new_base: Decimal


@dataclass(frozen=True)
class InterestResult:
    principal: Decimal
    default_date: date
    until_date: date
    days: int
    interest: Decimal
    periods: tuple[InterestPeriod, ...]
    capitalisations: tuple[Capitalisation, ...]

    @property
    def total(self) -> Decimal:
        """Principal plus interest."""
        return self.principal + self.interest

    @property
    def base_at_end(self) -> Decimal:
        """The amount interest runs on after the last capitalisation."""
        if self.capitalisations:
            return self.capitalisations[-1].new_base
        return self.principal


def normalise_rates(rates: Iterable) -> tuple[RatePeriod, ...]:
    """Rate rows (``RatePeriod`` or ``(valid_from, rate)`` pairs) sorted by date.

    :raises ValueError: when two rows share a ``valid_from``.
    """
    rows = []
    for row in rates:
        if not isinstance(row, RatePeriod):
            valid_from, rate = row
            row = RatePeriod(valid_from, _to_decimal(rate))
        rows.append(row)
    rows.sort(key=lambda r: r.valid_from)
    for previous, current in zip(rows, rows[1:], strict=False):
        if previous.valid_from == current.valid_from:
            raise ValueError("two rates valid from %s" % current.valid_from.isoformat())
    return tuple(rows)


def _rate_in(table: tuple[RatePeriod, ...], day: date) -> RatePeriod:
    """Like :func:`rate_on` for a table already normalised."""
    index = bisect_right([row.valid_from for row in table], day)
    if index == 0:
        raise MissingRateError("no interest rate known for %s" % day.isoformat())
    return table[index - 1]


def rate_on(rates: Iterable, day: date) -> RatePeriod:
    """The rate row in force on ``day`` (the latest ``valid_from`` not after it).

    :raises MissingRateError: when ``day`` is before the first row.
    """
    return _rate_in(normalise_rates(rates), day)


def add_years(start: date, years: int) -> date:
    """``start`` plus ``years`` calendar years; 29 February becomes 1 March."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        return date(start.year + years, 3, 1)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _segments(start, end, rates, split_at_new_year):
    """Split ``[start, end)`` at every rate change (and 1 January) inside it.

    Yields ``(date_from, date_to, RatePeriod)``.
    """
    cuts = {row.valid_from for row in rates if start < row.valid_from < end}
    if split_at_new_year:
        cuts.update(date(y, 1, 1) for y in range(start.year + 1, end.year + 1))
        cuts.discard(end)
    bounds = [start, *sorted(c for c in cuts if start < c < end), end]
    for date_from, date_to in zip(bounds, bounds[1:], strict=False):
        yield date_from, date_to, _rate_in(rates, date_from)


def statutory_interest(
    principal,
    default_date: date,
    until_date: date,
    rates: Iterable,
    *,
    compound: bool = True,
    year_basis: str = "actual",
) -> InterestResult:
    """Statutory (6:119) or commercial (6:119a) interest over ``principal``.

    :param principal: the sum in default (Decimal, int, str or float).
    :param default_date: first day of default, the first day that earns interest.
    :param until_date: the day interest stops; it is not counted itself (see the
        module docstring for art. 6:119a).
    :param rates: the rate table of the right kind, :class:`RatePeriod` rows or
        ``(valid_from, annual percentage)`` pairs, in any order.
    :param compound: add each full year's interest to the base (the law does this
        for both kinds of statutory interest); ``False`` gives simple interest, e.g.
        for an agreed contractual rate (art. 6:119 lid 3) that does not compound.
    :param year_basis: ``"actual"`` (365 or 366, see the module docstring) or
        ``"365"``.
    :return: :class:`InterestResult`; zero interest and no periods when
        ``until_date`` is not after ``default_date`` or the principal is zero.
    :raises MissingRateError: when the table has no rate for a day of the period.
    :raises ValueError: for a negative principal or an unknown ``year_basis``.
    """
    principal = _to_decimal(principal)
    if principal < 0:
        raise ValueError("principal must not be negative")
    if year_basis not in YEAR_BASES:
        raise ValueError("year_basis must be one of %s" % ", ".join(YEAR_BASES))
    days = (until_date - default_date).days
    if days <= 0 or principal == 0:
        return InterestResult(
            principal, default_date, until_date, max(days, 0), Decimal("0.00"), (), ()
        )

    table = normalise_rates(rates)
    actual = year_basis == "actual"
    periods = []
    capitalisations = []
    base = principal
    year_start = default_date
    year_index = 1
    while year_start < until_date:
        anniversary = add_years(default_date, year_index)
        year_end = min(anniversary, until_date)
        year_interest = Decimal("0.00")
        for date_from, date_to, row in _segments(year_start, year_end, table, actual):
            seg_days = (date_to - date_from).days
            year_days = 366 if actual and _is_leap(date_from.year) else 365
            amount = (base * row.rate * seg_days / (HUNDRED * year_days)).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            periods.append(
                InterestPeriod(
                    date_from, date_to, seg_days, row.rate, base, year_days, amount
                )
            )
            year_interest += amount
        if compound and year_end == anniversary:
            base += year_interest
            capitalisations.append(Capitalisation(anniversary, year_interest, base))
        year_start = year_end
        year_index += 1

    return InterestResult(
        principal=principal,
        default_date=default_date,
        until_date=until_date,
        days=days,
        interest=sum((p.interest for p in periods), Decimal("0.00")),
        periods=tuple(periods),
        capitalisations=tuple(capitalisations),
    )
