"""Collection costs and statutory interest for one dunning claim, in plain Python.

A *claim* is what one dunning letter asks for: the overdue invoices of one customer
in one currency. This module combines :mod:`.wik` (costs), :mod:`.interest`
(statutory or commercial interest) and :mod:`.fourteen_day` (when a consumer owes
costs) into the figures a letter prints and a booking charges.

Decisions (each a choice the law leaves open or a simplification; see README):

* **Default date.** An invoice is in default from the day after its due date. For
  a business debtor that is the law (art. 6:119a lid 1 BW). For a consumer it holds
  when the due date is a fatal term (art. 6:83 sub a BW), which is how our invoices
  state it; a creditor without such terms should start interest only from a notice
  of default.
* **Interest kind.** Consumers: art. 6:119 BW (``statutory``); businesses: art.
  6:119a BW (``commercial``). Interest runs up to and including the letter date.
* **Costs base.** The WIK scale is applied to the summed principal of the invoices
  in the claim that may bear costs (one claim, one letter). Whether invoices may be
  taken together is not settled; the summed base gives the lower, safer amount.
  ``per_invoice=True`` applies the scale per invoice instead (the minimum then
  applies to each invoice, as art. 6 of Directive 2011/7/EU has it for businesses).
* **Consumers** owe costs only for invoices whose 14-day letter term has expired
  unpaid (:func:`.fourteen_day.costs_allowed`); for the other invoices the letter
  can *announce* the costs (:attr:`ClaimCharges.announced`).
* **Currency.** The WIK scale is in euros: claims in another currency get interest
  but no costs.
* **Already booked.** An invoice whose costs were booked earlier is left out of the
  costs base; interest already booked up to a date is subtracted (the interest from
  the default date to today minus the interest to that date, so yearly compounding
  stays right).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from . import fourteen_day
from .interest import InterestResult, statutory_interest
from .legal_data import COMMERCIAL, STATUTORY
from .wik import CostResult, MissingScaleError, WikScale, collection_costs, select_scale

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ClaimInvoice:
    """One overdue invoice of a claim."""

    key: object  # the caller's id (e.g. the account.move id)
    principal: Decimal  # the open amount, in the claim currency
    due_date: date
    costs_booked: bool = False
    interest_booked_until: date | None = None  # last day already charged
    fourteen_day_sent: date | None = None  # consumers: the 14-day letter's date


@dataclass(frozen=True)
class ChargeRules:
    """The legal tables and the creditor's choices."""

    scales: Sequence[WikScale]
    rates: dict  # {"statutory": (RatePeriod, ...), "commercial": (...)}
    is_consumer: bool = False
    currency: str = "EUR"
    vat_rate: Decimal | None = None  # VAT on costs when the creditor cannot deduct
    per_invoice: bool = False
    compound: bool = True
    delivery_days: int = 2
    holidays: frozenset | None = None


@dataclass(frozen=True)
class InvoiceCharge:
    key: object
    principal: Decimal
    default_date: date
    interest: Decimal
    interest_detail: InterestResult | None
    costs_decision: fourteen_day.CostsDecision | None
    bears_costs: bool


@dataclass
class ClaimCharges:
    """What a letter shows and a booking charges, with the reasons."""

    today: date
    interest_kind: str
    invoices: list[InvoiceCharge] = field(default_factory=list)
    costs: CostResult | None = None  # costs due now (None: none due)
    announced: CostResult | None = None  # consumers: costs after the 14-day term
    costs_principal: Decimal = ZERO
    interest: Decimal = ZERO
    warnings: list[str] = field(default_factory=list)  # stable codes

    @property
    def costs_total(self) -> Decimal:
        return self.costs.total if self.costs else ZERO

    @property
    def total(self) -> Decimal:
        return self.costs_total + self.interest

    @property
    def rate_periods(self) -> list:
        """The distinct annual rates applied, in date order (for the letter)."""
        seen = {}
        for charge in self.invoices:
            for period in (
                charge.interest_detail.periods if charge.interest_detail else ()
            ):
                seen.setdefault(period.rate, period.date_from)
        return sorted(seen, key=seen.get)


def interest_kind(is_consumer: bool) -> str:
    return STATUTORY if is_consumer else COMMERCIAL


def _interest(principal, default_date, booked_until, today, rates, compound):
    """Interest from ``default_date`` up to and including ``today``, minus the part
    up to and including ``booked_until`` that was charged before."""
    if today < default_date or principal <= 0:
        return ZERO, None
    full = statutory_interest(
        principal, default_date, today + ONE_DAY, rates, compound=compound
    )
    if booked_until is None or booked_until < default_date:
        return full.interest, full
    if booked_until >= today:
        return ZERO, full
    earlier = statutory_interest(
        principal, default_date, booked_until + ONE_DAY, rates, compound=compound
    )
    return full.interest - earlier.interest, full


def _costs(base: Decimal, scales, on_date: date, vat_rate, per_invoice, bases):
    scale = select_scale(scales, on_date)
    if not per_invoice:
        return collection_costs(base, scale, vat_rate=vat_rate)
    results = [collection_costs(b, scale, vat_rate=vat_rate) for b in bases if b > 0]
    if not results:
        return collection_costs(ZERO, scale, vat_rate=vat_rate)
    first = results[0]
    return CostResult(
        principal=sum((r.principal for r in results), ZERO),
        scale_valid_from=first.scale_valid_from,
        tiers=tuple(t for r in results for t in r.tiers),
        tier_total=sum((r.tier_total for r in results), ZERO),
        costs=sum((r.costs for r in results), ZERO),
        vat_rate=vat_rate,
        vat_amount=sum((r.vat_amount for r in results), ZERO),
        total=sum((r.total for r in results), ZERO),
        minimum_applied=any(r.minimum_applied for r in results),
        maximum_applied=any(r.maximum_applied for r in results),
    )


def compute_charges(
    invoices: Iterable[ClaimInvoice],
    today: date,
    rules: ChargeRules,
    *,
    with_costs: bool = True,
    with_interest: bool = True,
) -> ClaimCharges:
    """Costs and interest of a claim on ``today``.

    Invoices not yet due (or with nothing open) earn nothing. ``warnings`` holds
    stable codes: ``no_scale`` (no WIK scale for the date), ``no_rate`` (the rate
    table misses a period), ``not_euro`` (no costs outside euro claims).
    """
    kind = interest_kind(rules.is_consumer)
    result = ClaimCharges(today=today, interest_kind=kind)
    table = rules.rates.get(kind) or ()
    costs_bases, announce_bases = [], []
    first_default = None
    for invoice in invoices:
        principal = Decimal(invoice.principal)
        default_date = invoice.due_date + ONE_DAY
        if principal <= 0 or today < default_date:
            continue
        first_default = min(first_default or default_date, default_date)
        interest, detail = ZERO, None
        if with_interest:
            try:
                interest, detail = _interest(
                    principal,
                    default_date,
                    invoice.interest_booked_until,
                    today,
                    table,
                    rules.compound,
                )
            except LookupError:
                if "no_rate" not in result.warnings:
                    result.warnings.append("no_rate")
        decision = None
        bears_costs = False
        if with_costs and not invoice.costs_booked:
            decision = fourteen_day.costs_allowed(
                rules.is_consumer,
                invoice.fourteen_day_sent,
                today,
                due_date=invoice.due_date,
                default_date=default_date,
                delivery_days=rules.delivery_days,
                holidays=rules.holidays,
            )
            bears_costs = decision.allowed
            if bears_costs:
                costs_bases.append(principal)
            elif rules.is_consumer:
                announce_bases.append(principal)
        result.invoices.append(
            InvoiceCharge(
                key=invoice.key,
                principal=principal,
                default_date=default_date,
                interest=interest,
                interest_detail=detail,
                costs_decision=decision,
                bears_costs=bears_costs,
            )
        )
        result.interest += interest

    if with_costs and (costs_bases or announce_bases):
        if rules.currency != "EUR":
            result.warnings.append("not_euro")
        else:
            try:
                if costs_bases:
                    result.costs_principal = sum(costs_bases, ZERO)
                    result.costs = _costs(
                        result.costs_principal,
                        rules.scales,
                        first_default,
                        rules.vat_rate,
                        rules.per_invoice,
                        costs_bases,
                    )
                if announce_bases:
                    result.announced = _costs(
                        sum(announce_bases, ZERO),
                        rules.scales,
                        first_default,
                        rules.vat_rate,
                        rules.per_invoice,
                        announce_bases,
                    )
            except MissingScaleError:
                result.warnings.append("no_scale")
    return result
