"""Extrajudicial collection costs (WIK scale), in plain Python.

Legal basis: art. 6:96 lid 2 sub c and lid 4-6 BW and the *Besluit vergoeding voor
buitengerechtelijke incassokosten* (Stb. 2012, 141, in force 1 July 2012). Art. 2 of
the Besluit sets a tiered scale over the principal (*hoofdsom*, without interest):
a percentage of each successive slice, with a minimum and a maximum. The fee may be
raised by the VAT percentage only when the creditor cannot deduct that VAT (art. 2
lid 3); the caller decides that and passes ``vat_rate`` (or ``None``).

Nothing here holds an amount or a percentage: the scale is data (:class:`WikScale`,
loaded from ``data/in2dmm_wik_scale.csv`` by :mod:`.legal_data`), chosen by date with
:func:`select_scale`.

Rounding: each tier amount is rounded to cents (ROUND_HALF_UP) and the costs are the
sum of the rounded tier amounts, so the breakdown printed in a letter always adds up
to the amount charged. With the statutory scale every full tier gives whole euros
(15% of 2,500, 10% of 2,500, 5% of 5,000, 1% of 190,000), so only the highest tier
reached is ever rounded and the result equals rounding the exact total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class MissingScaleError(LookupError):
    """No scale is valid on the requested date."""


def to_decimal(value) -> Decimal:
    """``value`` as a Decimal; a float goes through ``str`` (0.1 -> Decimal("0.1"))."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_percentage(value: Decimal) -> str:
    """``Decimal('15.00')`` -> ``'15'``, ``Decimal('0.50')`` -> ``'0.5'``."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class WikScale:
    """A dated WIK scale.

    ``tiers`` are ``(upper bound of the principal, percentage)`` pairs in ascending
    order; bounds are cumulative (``2500``, ``5000``, ...) and the last bound may be
    ``None`` for "everything above". A principal above a finite last bound earns
    nothing more. ``minimum`` and ``maximum`` apply to the costs before VAT.
    """

    valid_from: date
    tiers: tuple[tuple[Decimal | None, Decimal], ...]
    minimum: Decimal
    maximum: Decimal | None
    source: str = ""

    def __post_init__(self):
        tiers = tuple(
            (None if upper is None else to_decimal(upper), to_decimal(pct))
            for upper, pct in self.tiers
        )
        if not tiers:
            raise ValueError("a WIK scale needs at least one tier")
        previous = Decimal(0)
        for index, (upper, pct) in enumerate(tiers):
            if pct < 0:
                raise ValueError("tier percentage %s is negative" % pct)
            if upper is None:
                if index != len(tiers) - 1:
                    raise ValueError("only the last tier may be open-ended")
                continue
            if upper <= previous:
                raise ValueError("tier bounds must be strictly ascending")
            previous = upper
        minimum = to_decimal(self.minimum)
        maximum = None if self.maximum is None else to_decimal(self.maximum)
        if minimum < 0 or (maximum is not None and maximum < minimum):
            raise ValueError("invalid minimum/maximum %s/%s" % (minimum, maximum))
        object.__setattr__(self, "tiers", tiers)
        object.__setattr__(self, "minimum", minimum)
        object.__setattr__(self, "maximum", maximum)


@dataclass(frozen=True)
class TierLine:
    """The part of the principal that falls in one tier and what it earns."""

    lower: Decimal
    upper: Decimal | None
    percentage: Decimal
    base: Decimal
    amount: Decimal

    @property
    def label(self) -> str:
        upper = "..." if self.upper is None else f"{self.upper:,.2f}"
        return (
            f"{format_percentage(self.percentage)}% of {self.base:,.2f} "
            f"(slice {self.lower:,.2f} - {upper}) = {self.amount:,.2f}"
        )


@dataclass(frozen=True)
class CostResult:
    principal: Decimal
    scale_valid_from: date | None
    tiers: tuple[TierLine, ...]
    tier_total: Decimal  # sum of the tier amounts, before minimum/maximum
    costs: Decimal  # before VAT, after minimum/maximum
    vat_rate: Decimal | None
    vat_amount: Decimal
    total: Decimal
    minimum_applied: bool = False
    maximum_applied: bool = False

    @property
    def breakdown(self) -> list[str]:
        """Human-readable lines, one per tier, then minimum/maximum, VAT and total."""
        lines = [tier.label for tier in self.tiers]
        if self.minimum_applied:
            lines.append(f"minimum applies: {self.costs:,.2f}")
        if self.maximum_applied:
            lines.append(f"maximum applies: {self.costs:,.2f}")
        lines.append(f"collection costs: {self.costs:,.2f}")
        if self.vat_rate is not None:
            lines.append(
                f"VAT {format_percentage(self.vat_rate)}%: {self.vat_amount:,.2f}"
            )
        lines.append(f"total: {self.total:,.2f}")
        return lines


def select_scale(scales: Iterable[WikScale], on_date: date) -> WikScale:
    """The scale in force on ``on_date``: the latest ``valid_from`` not after it.

    Which date counts is the caller's choice; the Besluit applies to claims whose
    default (*verzuim*) began on or after its entry into force, so pass that date.
    """
    best = None
    for scale in scales:
        if scale.valid_from <= on_date and (
            best is None or scale.valid_from > best.valid_from
        ):
            best = scale
    if best is None:
        raise MissingScaleError("no WIK scale valid on %s" % on_date.isoformat())
    return best


def _tier_lines(principal: Decimal, tiers: Sequence[tuple]) -> list[TierLine]:
    lines = []
    lower = Decimal(0)
    for upper, pct in tiers:
        if principal <= lower:
            break
        top = principal if upper is None else min(principal, upper)
        base = top - lower
        lines.append(
            TierLine(lower, upper, pct, base, round_cents(base * pct / HUNDRED))
        )
        if upper is None:
            break
        lower = upper
    return lines


def collection_costs(
    principal, scale: WikScale, *, vat_rate: Decimal | None = None
) -> CostResult:
    """Collection costs over ``principal`` according to ``scale``.

    :param principal: the unpaid principal (*hoofdsom*) without interest; for a
        consumer who paid part within the 14-day term, only the unpaid part
        (HR 25 November 2016, ECLI:NL:HR:2016:2704). Zero gives zero costs: with
        nothing owed there are no collection costs, so the minimum does not apply.
    :param scale: a :class:`WikScale`, usually from :func:`select_scale`.
    :param vat_rate: VAT percentage to add (e.g. ``Decimal('21')``) when the creditor
        cannot deduct the VAT on the collection costs; ``None`` adds nothing.
    :raises ValueError: for a negative principal or VAT rate.
    """
    principal = to_decimal(principal)
    if principal < 0:
        raise ValueError("principal must not be negative")
    if vat_rate is not None:
        vat_rate = to_decimal(vat_rate)
        if vat_rate < 0:
            raise ValueError("VAT rate must not be negative")
    if principal == 0:
        zero = Decimal("0.00")
        return CostResult(
            principal, scale.valid_from, (), zero, zero, vat_rate, zero, zero
        )

    lines = _tier_lines(principal, scale.tiers)
    tier_total = sum((line.amount for line in lines), Decimal("0.00"))
    costs = tier_total
    minimum_applied = maximum_applied = False
    if costs < scale.minimum:
        costs, minimum_applied = round_cents(scale.minimum), True
    elif scale.maximum is not None and costs > scale.maximum:
        costs, maximum_applied = round_cents(scale.maximum), True
    vat_amount = (
        round_cents(costs * vat_rate / HUNDRED)
        if vat_rate is not None
        else Decimal("0.00")
    )
    return CostResult(
        principal=principal,
        scale_valid_from=scale.valid_from,
        tiers=tuple(lines),
        tier_total=tier_total,
        costs=costs,
        vat_rate=vat_rate,
        vat_amount=vat_amount,
        total=costs + vat_amount,
        minimum_applied=minimum_applied,
        maximum_applied=maximum_applied,
    )
