"""The provider-neutral model of credit-insurer data, in plain Python.

Every insurer adapter turns its provider's payloads into these values, so that
Odoo deals with one shape (see ``../shared/research/insurers.md`` §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

REQUEST_KINDS = ("new", "increase", "decrease", "cancel")
DECISION_STATES = ("decided", "referred", "refused", "withdrawn")


@dataclass(frozen=True)
class Buyer:
    """A customer as the insurer knows it."""

    id: str
    name: str = ""
    rating: str = ""
    rating_class: str = ""


@dataclass(frozen=True)
class Condition:
    code: str
    description: str


@dataclass(frozen=True)
class LimitRequest:
    buyer_id: str
    amount: Decimal
    currency: str
    kind: str = "new"
    effect_from: date | None = None
    reference: str = ""  # our own reference for the request

    def __post_init__(self):
        if self.kind not in REQUEST_KINDS:
            raise ValueError("unknown request kind %r" % self.kind)
        if self.kind != "cancel" and Decimal(self.amount) <= 0:
            raise ValueError("a limit request needs an amount above zero")


@dataclass(frozen=True)
class Decision:
    """The insurer's answer on a cover (credit limit)."""

    cover_id: str
    buyer_id: str
    state: str  # one of DECISION_STATES
    approved_amount: Decimal | None = None
    currency: str = ""
    code: str = ""
    text: str = ""
    conditions: tuple[Condition, ...] = field(default_factory=tuple)
    valid_from: date | None = None
    valid_until: date | None = None
    decided_on: date | None = None
