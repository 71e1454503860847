"""Receivables metrics and a customer's payment score, in plain Python.

The figures a credit controller looks at on the dashboard and on a customer's
card: how old the open items are, how many days of sales are outstanding, how much
of the collectable money was collected, how a customer paid in the past and the
grade that summarises it. Amounts may be ``Decimal``, ``int``, ``str`` or
``float`` (a float is read through ``str``). Every ratio is computed exactly and
rounded once, at the end, to one decimal (ROUND_HALF_UP).

Ageing (:func:`aging_bucket`)
-----------------------------
``days_overdue = today - due_date`` in days. ``<= 0`` is ``not_due``; then
``1_30``, ``31_60``, ``61_90`` (both ends included) and ``90_plus`` for more than
90 days.

Days sales outstanding (:func:`dso_countback`)
----------------------------------------------
The countback method: how many days of the most recent credit sales the open
receivable represents.

* Start with ``remaining = receivable``. A receivable ``<= 0`` gives ``0.0``.
* Walk through ``monthly_sales`` (most recent month first), with
  ``days_in_months[i]`` days in month ``i`` (30 for each month by default; when
  given, one entry per month). While ``remaining > sales[i]``:
  ``remaining -= sales[i]`` and ``dso += days[i]``.
* The first month with ``remaining <= sales[i]`` covers the rest:
  ``dso += days[i] * remaining / sales[i]``. A receivable exactly equal to a
  month's sales therefore counts that whole month (not the next one).
* A month with no sales (``<= 0``; net credit notes count as no sales) never
  covers the rest: its days count in full and nothing is subtracted.
* When the months run out before the receivable is covered, the true DSO is
  longer than the history can show: the result is ``None`` (rather than the days
  counted so far, which would only be a lower bound).

Example: receivable 150, sales 100 (30 days) then 100 (31 days):
``30 + 31 * 50 / 100 = 45.5``.

Collection effectiveness (:func:`collection_effectiveness`)
-----------------------------------------------------------
``CEI = (begin + sales - end) / (begin + sales - end_current) * 100``: what was
collected in the period as a percentage of what could be collected (everything
except what is still current at the end). ``None`` when the denominator is
``<= 0`` (nothing was collectable).

Payment behaviour (:func:`behaviour`)
-------------------------------------
Over paid invoices (amounts ``>= 0``; ``days`` are calendar days):

* ``count``, ``amount``: the number of invoices and the sum of their amounts.
* ``avg_days_to_pay = mean(paid_date - invoice_date)`` (a prepayment counts
  negative here: it really was paid before the invoice).
* ``weighted_days_late = sum(amount * max(paid_date - due_date, 0)) /
  sum(amount)``: an early payment counts as zero days late, never as negative
  lateness that would hide the late ones. ``None`` when the amounts sum to 0.
* ``on_time_share = 100 * #(paid_date <= due_date) / count``, by number of
  invoices, not by amount.

No invoices: ``count`` 0, ``amount`` 0 and the three ratios ``None``.

Payment score (:func:`payment_score`)
-------------------------------------
* Grade from the weighted days late with thresholds ``t0 < t1 < t2 < t3``
  (upper bounds, included): ``<= t0`` A, ``<= t1`` B, ``<= t2`` C, ``<= t3`` D,
  else E. Defaults 3, 10, 25 and 45 days.
* Broken promises lower the grade when ``promises_made > 0``:
  ``broken / made >= 0.5`` by two grades, ``>= 0.25`` by one; never below E.
  (The ratios are compared in whole numbers: ``2 * broken >= made`` and
  ``4 * broken >= made``.)
* No weighted days late (no paid invoices) but promises made: the grade starts
  at A and rests on the promises alone.
* No weighted days late and no promises: grade ``""``, code ``no_history``.
* ``code`` is the stable reason: ``no_history``; ``promises`` when promises
  lowered the grade or the grade rests on promises alone; else ``days_late``.
  ``explanation`` is an English sentence with the figures, e.g.
  ``average 23.0 days late over 12 months, 2 of 5 promises broken``.

Grade changes (:func:`grade_change`, :func:`trend`)
---------------------------------------------------
Grades are ranked A=0 to E=4. ``grade_change(old, new) = rank(new) - rank(old)``:
positive is worse; ``0`` when either grade is ``""``. :func:`trend` ignores ``""``
grades and compares the last grade with the exact mean rank of the earlier ones:
a higher rank is ``worse``, a lower one ``better``, equal (or fewer than two
grades) ``stable``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .promises import to_amount

ZERO = Decimal(0)
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
DEFAULT_MONTH_DAYS = 30

AGING_BUCKETS = ("not_due", "1_30", "31_60", "61_90", "90_plus")

SCORES = ("A", "B", "C", "D", "E")
DEFAULT_THRESHOLDS = (Decimal(3), Decimal(10), Decimal(25), Decimal(45))

# score reason codes
NO_HISTORY = "no_history"
DAYS_LATE = "days_late"
PROMISES = "promises"


def _round(value: Decimal) -> Decimal:
    """One decimal, ROUND_HALF_UP; a negative zero becomes ``0.0``."""
    result = value.quantize(TENTH, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result == 0 else result


# --- ageing -------------------------------------------------------------------


def aging_bucket(days_overdue: int) -> str:
    """The ageing bucket of an item ``days_overdue`` days past its due date."""
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= 30:
        return "1_30"
    if days_overdue <= 60:
        return "31_60"
    if days_overdue <= 90:
        return "61_90"
    return "90_plus"


# --- DSO and CEI --------------------------------------------------------------


def dso_countback(receivable, monthly_sales, *, days_in_months=None) -> Decimal | None:
    """Days sales outstanding by the countback method (see the module docstring).

    ``monthly_sales`` runs from the most recent month backwards. ``None`` when the
    months run out before the receivable is covered.
    """
    remaining = to_amount(receivable)
    sales = [to_amount(s) for s in monthly_sales]
    if days_in_months is None:
        days = [DEFAULT_MONTH_DAYS] * len(sales)
    else:
        days = list(days_in_months)
        if len(days) != len(sales):
            raise ValueError("days_in_months needs one entry per month of sales")
    if remaining <= 0:
        return _round(ZERO)
    dso = ZERO
    for month_sales, month_days in zip(sales, days, strict=True):
        if month_sales <= 0:
            dso += month_days
            continue
        if remaining > month_sales:
            remaining -= month_sales
            dso += month_days
            continue
        return _round(dso + month_days * remaining / month_sales)
    return None


def collection_effectiveness(
    begin_receivable, sales, end_receivable, end_current
) -> Decimal | None:
    """The collection effectiveness index in percent; ``None`` when nothing was
    collectable (denominator ``<= 0``)."""
    available = to_amount(begin_receivable) + to_amount(sales)
    denominator = available - to_amount(end_current)
    if denominator <= 0:
        return None
    collected = available - to_amount(end_receivable)
    return _round(collected * HUNDRED / denominator)


# --- payment behaviour --------------------------------------------------------


@dataclass(frozen=True)
class PaidInvoice:
    """One paid invoice: its amount (``>= 0``) and its three dates."""

    amount: Decimal
    invoice_date: date
    due_date: date
    paid_date: date

    def __post_init__(self):
        amount = to_amount(self.amount)
        if amount < 0:
            raise ValueError("a paid invoice's amount must not be negative")
        object.__setattr__(self, "amount", amount)


@dataclass(frozen=True)
class Behaviour:
    """How a set of invoices was paid (see the module docstring)."""

    count: int
    amount: Decimal
    avg_days_to_pay: Decimal | None
    weighted_days_late: Decimal | None
    on_time_share: Decimal | None


def behaviour(invoices: Iterable[PaidInvoice]) -> Behaviour:
    """The payment behaviour over ``invoices``."""
    count = 0
    amount = ZERO
    days_to_pay = 0
    late_weight = ZERO
    on_time = 0
    for invoice in invoices:
        count += 1
        amount += invoice.amount
        days_to_pay += (invoice.paid_date - invoice.invoice_date).days
        days_late = (invoice.paid_date - invoice.due_date).days
        if days_late > 0:
            late_weight += invoice.amount * days_late
        else:
            on_time += 1
    if not count:
        return Behaviour(0, ZERO, None, None, None)
    return Behaviour(
        count=count,
        amount=amount,
        avg_days_to_pay=_round(Decimal(days_to_pay) / count),
        weighted_days_late=_round(late_weight / amount) if amount > 0 else None,
        on_time_share=_round(Decimal(on_time) * HUNDRED / count),
    )


# --- payment score ------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A customer's payment grade and why."""

    grade: str  # "A".."E", or "" when there is no history
    weighted_days_late: Decimal | None
    promises_made: int
    promises_broken: int
    explanation: str
    code: str  # NO_HISTORY, DAYS_LATE or PROMISES


def _rank(grade: str) -> int:
    try:
        return SCORES.index(grade)
    except ValueError:
        raise ValueError("unknown grade %r" % grade) from None


def _grade_from_days(days_late: Decimal, thresholds) -> str:
    for grade, upper in zip(SCORES, thresholds, strict=False):
        if days_late <= upper:
            return grade
    return SCORES[-1]


def _promise_penalty(made: int, broken: int) -> int:
    if made <= 0:
        return 0
    if 2 * broken >= made:
        return 2
    if 4 * broken >= made:
        return 1
    return 0


def _period(months: int) -> str:
    return "%d month%s" % (months, "" if months == 1 else "s")


def payment_score(
    weighted_days_late,
    promises_made=0,
    promises_broken=0,
    *,
    months=12,
    thresholds=DEFAULT_THRESHOLDS,
) -> Score:
    """The payment grade from the weighted days late and the promises kept (see
    the module docstring)."""
    limits = tuple(to_amount(t) for t in thresholds)
    if len(limits) != len(SCORES) - 1:
        raise ValueError("thresholds needs %d upper bounds" % (len(SCORES) - 1))
    if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):
        raise ValueError("thresholds must be strictly increasing")
    if promises_made < 0 or not 0 <= promises_broken <= promises_made:
        raise ValueError("need 0 <= promises_broken <= promises_made")
    days = None if weighted_days_late is None else to_amount(weighted_days_late)
    period = _period(months)

    if days is None and not promises_made:
        return Score(
            grade="",
            weighted_days_late=None,
            promises_made=0,
            promises_broken=0,
            explanation="no paid invoices and no promises over %s" % period,
            code=NO_HISTORY,
        )

    if days is None:
        base = SCORES[0]
        first = "no paid invoices over %s" % period
    else:
        base = _grade_from_days(days, limits)
        first = "average %s days late over %s" % (_round(days), period)
    if promises_made:
        plural = "" if promises_made == 1 else "s"
        second = "%d of %d promise%s broken" % (
            promises_broken,
            promises_made,
            plural,
        )
    else:
        second = "no promises made"
    penalty = _promise_penalty(promises_made, promises_broken)
    grade = SCORES[min(_rank(base) + penalty, len(SCORES) - 1)]
    explanation = "%s, %s" % (first, second)
    if grade != base:
        explanation += " (grade lowered from %s to %s)" % (base, grade)
    code = PROMISES if days is None or grade != base else DAYS_LATE
    return Score(
        grade=grade,
        weighted_days_late=days,
        promises_made=promises_made,
        promises_broken=promises_broken,
        explanation=explanation,
        code=code,
    )


# --- grade changes ------------------------------------------------------------


def grade_change(old: str, new: str) -> int:
    """Grades between ``old`` and ``new``: positive is worse; 0 if either is
    ``""``."""
    if not old or not new:
        return 0
    return _rank(new) - _rank(old)


def trend(grades_oldest_first: Sequence[str]) -> str:
    """``better``, ``worse`` or ``stable``: the last grade against the mean of the
    earlier ones (``""`` ignored; fewer than two grades is ``stable``)."""
    ranks = [_rank(g) for g in grades_oldest_first if g]
    if len(ranks) < 2:
        return "stable"
    *earlier, last = ranks
    # last vs mean(earlier), compared exactly: last * n vs sum(earlier)
    difference = last * len(earlier) - sum(earlier)
    if difference > 0:
        return "worse"
    if difference < 0:
        return "better"
    return "stable"
