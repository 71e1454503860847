"""Payment promises and payment plans, evaluated against the payments received.

A collector records a customer's *promise* ("I'll pay 500 by 15 March") or a
*payment plan* (a debt split into instalments). A daily job evaluates them against
the payments reconciled with the invoices concerned. Everything here is in one
currency: the caller converts payments to the promise currency first.

Payments
--------
A :class:`Payment` is a date and an amount. A positive amount reduces the debt: a
payment, or a credit note (it lowers the debt just like a payment). A negative
amount is a reversed payment and takes back what it reversed. Amounts may be given
as ``Decimal``, ``int``, ``str`` or ``float`` (a float is read through ``str``, so
``0.1`` is ``Decimal("0.1")``, not its binary approximation).

Only payments made on or after ``since`` count (``since`` is normally the day the
promise or plan was made; ``None`` means no lower bound): money received before
the promise was made does not keep it.

Promises (:func:`evaluate_promise`)
-----------------------------------
* ``deadline = due_date + grace_days``: the last day on which a payment counts.
  Payments dated ``since <= date <= deadline`` count; later payments do not.
* Up to and including the deadline the promise is ``kept`` as soon as
  ``paid >= amount - tolerance``, else ``open``.
* After the deadline it is ``kept`` (``paid >= amount - tolerance``), ``partial``
  (something was paid: ``paid > tolerance``) or ``broken``.
* A promise of zero is ``kept``. ``paid`` may exceed the amount (an over-payment
  still keeps the promise); ``shortfall`` is ``max(amount - paid, 0)``, so a
  promise kept within the tolerance may still show a shortfall of a cent.

Plans (:func:`evaluate_plan`)
-----------------------------
* Instalments are ``(date, amount)`` pairs, taken in date order. Every amount must
  be positive and a plan has at least one instalment.
* Payments count from ``since`` up to and including ``today`` (a plan has no single
  deadline). Their total fills the instalments first-in-first-out: the oldest
  instalment first, an over-payment flows into the next ones. A net negative total
  (more reversals than payments) covers nothing.
* An instalment is ``paid`` when covered within the tolerance. Otherwise it is
  ``missed`` once ``date + grace_days < today`` (also when partly covered),
  ``partial`` when partly covered (more than the tolerance) and not yet overdue,
  else ``open``.
* The plan is ``completed`` when every instalment is paid, ``missed`` when any
  instalment is missed, else ``on_schedule``. ``due`` is the sum of the
  instalments that should have been paid by today (``date + grace_days < today``).

Splitting (:func:`split_amount`)
--------------------------------
``count`` instalments, the first on ``first_date``, then every ``months`` calendar
months or, when ``days`` is given, every ``days`` days. A monthly date keeps the day
of month of ``first_date``, clamped to the month's last day; each date is computed
from ``first_date`` (31 Jan, 29 Feb, 31 Mar, 30 Apr), never from the previous
clamped date. Each instalment is ``total / count`` rounded down to cents; the
remaining cents go on the *last* instalment, so the amounts add up to the total
exactly.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_TOLERANCE = Decimal("0.01")

# promise states
OPEN = "open"
KEPT = "kept"
PARTIAL = "partial"
BROKEN = "broken"

# instalment states (OPEN and PARTIAL as above)
PAID = "paid"
MISSED = "missed"

# plan states (MISSED as above)
ON_SCHEDULE = "on_schedule"
COMPLETED = "completed"


def to_amount(value) -> Decimal:
    """``value`` as a Decimal; a float goes through ``str`` (no binary noise)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, float):
        value = str(value)
    result = value if isinstance(value, Decimal) else Decimal(value)
    if not result.is_finite():
        raise ValueError("amount must be a finite number, not %s" % value)
    return result


def _check_grace(grace_days: int) -> timedelta:
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    return timedelta(days=grace_days)


def _check_tolerance(tolerance) -> Decimal:
    tolerance = to_amount(tolerance)
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    return tolerance


@dataclass(frozen=True)
class Payment:
    """Money received (positive: payment or credit note) or reversed (negative)."""

    date: date
    amount: Decimal

    def __post_init__(self):
        object.__setattr__(self, "amount", to_amount(self.amount))


def _payments(payments: Iterable) -> list[Payment]:
    """``Payment`` objects or ``(date, amount)`` pairs, as payments."""
    return [p if isinstance(p, Payment) else Payment(*p) for p in payments]


def _sum_between(payments: list[Payment], since: date | None, until: date) -> Decimal:
    """The net amount of the payments dated ``since <= date <= until``."""
    return sum(
        (
            p.amount
            for p in payments
            if (since is None or since <= p.date) and p.date <= until
        ),
        ZERO,
    )


@dataclass(frozen=True)
class PromiseResult:
    state: str  # OPEN, KEPT, PARTIAL or BROKEN
    paid: Decimal  # counted payments (may exceed the promised amount)
    shortfall: Decimal  # max(amount - paid, 0)
    deadline: date  # due_date + grace days: the last day payments count


def evaluate_promise(
    amount,
    due_date: date,
    payments: Iterable,
    today: date,
    *,
    grace_days: int = 0,
    since: date | None = None,
    tolerance=DEFAULT_TOLERANCE,
) -> PromiseResult:
    """The state of a promise to pay ``amount`` by ``due_date``, on ``today``.

    :raises ValueError: for a negative amount, grace or tolerance.
    """
    amount = to_amount(amount)
    if amount < 0:
        raise ValueError("a promised amount must not be negative")
    deadline = due_date + _check_grace(grace_days)
    tolerance = _check_tolerance(tolerance)

    paid = _sum_between(_payments(payments), since, deadline)
    shortfall = max(amount - paid, ZERO)
    if amount == 0 or paid >= amount - tolerance:
        state = KEPT
    elif today <= deadline:
        state = OPEN
    elif paid > tolerance:
        state = PARTIAL
    else:
        state = BROKEN
    return PromiseResult(state=state, paid=paid, shortfall=shortfall, deadline=deadline)


@dataclass(frozen=True)
class InstalmentStatus:
    date: date
    amount: Decimal
    paid: Decimal  # the part of the payments allocated to this instalment
    state: str  # PAID, PARTIAL, OPEN or MISSED


@dataclass(frozen=True)
class PlanResult:
    state: str  # ON_SCHEDULE, COMPLETED or MISSED
    instalments: tuple[InstalmentStatus, ...]  # in date order
    paid: Decimal  # total counted
    due: Decimal  # instalments whose date + grace < today
    first_missed: date | None


def evaluate_plan(
    instalments: Iterable,
    payments: Iterable,
    today: date,
    *,
    grace_days: int = 0,
    since: date | None = None,
    tolerance=DEFAULT_TOLERANCE,
) -> PlanResult:
    """The state of a payment plan on ``today``; ``instalments`` are
    ``(date, amount)`` pairs in any order.

    :raises ValueError: for an empty plan, an instalment that is not positive, or a
        negative grace or tolerance.
    """
    grace = _check_grace(grace_days)
    tolerance = _check_tolerance(tolerance)
    schedule = sorted(
        ((day, to_amount(amount)) for day, amount in instalments),
        key=lambda row: row[0],
    )
    if not schedule:
        raise ValueError("a payment plan needs at least one instalment")
    for day, amount in schedule:
        if amount <= 0:
            raise ValueError("instalment of %s is not positive" % day.isoformat())

    paid = _sum_between(_payments(payments), since, today)
    available = max(paid, ZERO)
    statuses = []
    due = ZERO
    first_missed = None
    for day, amount in schedule:
        covered = min(available, amount)
        available -= covered
        overdue = day + grace < today
        if overdue:
            due += amount
        if covered >= amount - tolerance:
            state = PAID
        elif overdue:
            state = MISSED
            first_missed = first_missed or day
        elif covered > tolerance:
            state = PARTIAL
        else:
            state = OPEN
        statuses.append(InstalmentStatus(day, amount, covered, state))

    if all(s.state == PAID for s in statuses):
        plan_state = COMPLETED
    elif first_missed is not None:
        plan_state = MISSED
    else:
        plan_state = ON_SCHEDULE
    return PlanResult(
        state=plan_state,
        instalments=tuple(statuses),
        paid=paid,
        due=due,
        first_missed=first_missed,
    )


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months, the day clamped to the month's
    last day (31 January + 1 month = 28 or 29 February)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def split_amount(
    total,
    count: int,
    first_date: date,
    *,
    months: int = 1,
    days: int | None = None,
) -> list[tuple[date, Decimal]]:
    """``total`` split into ``count`` instalments ``(date, amount)``.

    :raises ValueError: when ``count < 1``, ``total <= 0``, the interval is not
        positive, or the total is too small to give every instalment a cent.
    """
    total = to_amount(total)
    if count < 1:
        raise ValueError("count must be at least 1")
    if total <= 0:
        raise ValueError("the total to split must be positive")
    if days is not None and days < 1:
        raise ValueError("days must be at least 1")
    if days is None and months < 1:
        raise ValueError("months must be at least 1")

    share = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    if count > 1 and share <= 0:
        raise ValueError("%s cannot be split into %d instalments" % (total, count))
    last = total - share * (count - 1)

    result = []
    for index in range(count):
        if days is not None:
            day = first_date + timedelta(days=days * index)
        else:
            day = add_months(first_date, months * index)
        result.append((day, last if index == count - 1 else share))
    return result
