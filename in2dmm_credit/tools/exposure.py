"""Credit limits, exposure and the sale-order credit check, in plain Python.

The Odoo side reads the figures in a few batched queries and hands them over as
:class:`Exposure`; everything decided about them lives here.

* **Effective limit.** A company chooses how its own limit (Odoo's
  ``credit_limit``) and the insured limit (from the credit insurer) combine:
  ``own`` only, ``insured`` only, ``insured_plus`` (the insured limit plus a
  discretionary amount the policy allows without asking the insurer), the
  ``lowest`` or the ``highest`` of both. A limit that is not set (``None``) is
  unknown, not zero: with ``lowest`` the other one applies, with ``own`` or
  ``insured`` there is no limit at all and nothing is checked. A limit of 0 is a
  real limit: no credit.
* **Exposure** of a customer: posted open receivables, draft invoices (credit
  notes reduce them) and confirmed sale orders not invoiced yet, all in company
  currency.
* **Check** of an order: over the limit with the order, credit hold, or invoices
  overdue longer than the company allows. Each finding has a stable code and its
  figures, so the caller can word it in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)
RULES = ("own", "insured", "insured_plus", "lowest", "highest")
MODES = ("off", "warn", "block")


def _dec(value) -> Decimal | None:
    if value is None or value is False:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def effective_limit(rule: str, own=None, insured=None, discretionary=0):
    """The limit that applies, or ``None`` when there is none to check."""
    if rule not in RULES:
        raise ValueError("unknown limit rule %r" % rule)
    own, insured = _dec(own), _dec(insured)
    discretionary = _dec(discretionary) or ZERO
    if rule == "own":
        return own
    if rule == "insured":
        return insured
    if rule == "insured_plus":
        if insured is None:
            # no insured limit: only the discretionary amount is covered
            return discretionary if discretionary else None
        return insured + discretionary
    known = [v for v in (own, insured) if v is not None]
    if not known:
        return None
    return min(known) if rule == "lowest" else max(known)


@dataclass(frozen=True)
class Exposure:
    """What a customer owes and has ordered, in company currency."""

    receivable: Decimal = ZERO  # posted, open (credit notes and payments reduce it)
    draft_invoices: Decimal = ZERO
    open_orders: Decimal = ZERO  # confirmed, not yet invoiced
    limit: Decimal | None = None
    max_days_overdue: int = 0
    overdue_amount: Decimal = ZERO
    on_hold: bool = False  # the customer is on credit hold

    @property
    def total(self) -> Decimal:
        return self.receivable + self.draft_invoices + self.open_orders

    @property
    def usage(self) -> Decimal | None:
        """Share of the limit in use, in percent (None without a limit; a zero
        limit with anything exposed is "infinitely" used: 999.99)."""
        if self.limit is None:
            return None
        if self.limit <= 0:
            return Decimal("999.99") if self.total > 0 else ZERO
        return (self.total * 100 / self.limit).quantize(Decimal("0.01"))

    @property
    def available(self) -> Decimal | None:
        if self.limit is None:
            return None
        return self.limit - self.total


@dataclass(frozen=True)
class Finding:
    code: str  # over_limit, near_limit, credit_hold, overdue
    values: dict = field(default_factory=dict)


def check_order(
    exposure: Exposure,
    order_amount,
    *,
    on_hold: bool | None = None,
    overdue_days: int | None = None,
    near_pct=None,
) -> list[Finding]:
    """What speaks against confirming an order of ``order_amount``.

    :param on_hold: overrides :attr:`Exposure.on_hold` when given.
    :param overdue_days: block when an invoice is overdue longer than this many
        days (``None``: not checked).
    :param near_pct: also report ``near_limit`` when the usage after the order
        reaches this percentage without exceeding the limit (a warning only).
    """
    order_amount = _dec(order_amount) or ZERO
    findings = []
    if exposure.on_hold if on_hold is None else on_hold:
        findings.append(Finding("credit_hold"))
    if overdue_days is not None and exposure.max_days_overdue > overdue_days:
        findings.append(
            Finding(
                "overdue",
                {
                    "days": exposure.max_days_overdue,
                    "allowed": overdue_days,
                    "amount": exposure.overdue_amount,
                },
            )
        )
    limit = exposure.limit
    if limit is not None:
        after = exposure.total + order_amount
        if after > limit:
            findings.append(
                Finding(
                    "over_limit",
                    {
                        "limit": limit,
                        "exposure": exposure.total,
                        "order": order_amount,
                        "excess": after - limit,
                    },
                )
            )
        elif near_pct is not None and limit > 0:
            usage = after * 100 / limit
            if usage >= _dec(near_pct):
                findings.append(
                    Finding(
                        "near_limit",
                        {
                            "limit": limit,
                            "usage": usage.quantize(Decimal("0.1")),
                            "available": limit - after,
                        },
                    )
                )
    return findings


BLOCKING = frozenset({"over_limit", "credit_hold", "overdue"})


def blocks(findings) -> bool:
    return any(f.code in BLOCKING for f in findings)
