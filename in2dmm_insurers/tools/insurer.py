"""The provider-neutral model of credit-insurer and bureau data, in plain Python.

Every provider adapter turns its provider's payloads into these values and
implements the functions of :class:`InsurerAdapter` that the provider offers,
so that Odoo deals with one shape and one interface (see
``../shared/research/insurers.md`` §9 and §10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

REQUEST_KINDS = ("new", "increase", "decrease", "cancel")
#: ``pending``: accepted by the provider for asynchronous processing (a job to
#: poll); ``referred``: with an underwriter; the others are final answers.
DECISION_STATES = ("pending", "decided", "referred", "refused", "withdrawn")
#: the functions an adapter may offer (``InsurerAdapter.capabilities``)
CAPABILITIES = ("buyer", "limit", "rating", "monitoring", "overdue")
#: the rating scales the adapters report (value of ``Rating.scale``)
RATING_SCALES = {
    "allianz_grade": "Allianz Trade grade 1 (best) to 10",
    "atradius": "Atradius buyer rating",
    "creditsafe": "Creditsafe international score A (best) to E",
    "graydon": "Graydon rating AAA (best) to D, NR",
}
#: kinds of monitoring events (value of ``MonitoringEvent.kind``)
EVENT_KINDS = ("rating", "limit", "insolvency", "status", "identity", "other")
#: overdue categories (Allianz Trade Payment Overdues: report, extension,
#: rescheduling)
OVERDUE_CATEGORIES = ("OVD", "EXP", "RES")


class NotSupported(Exception):
    """The provider offers no API for this function (use the file exchange)."""

    def __init__(self, service, function):
        self.service = service
        self.function = function
        super().__init__("%s offers no API for %s." % (service, function))


@dataclass(frozen=True)
class Identifiers:
    """What we know of a customer to find it at the provider."""

    kvk: str = ""  # KvK number, 8 digits
    vat: str = ""  # VAT number with country prefix
    name: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "NL"  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Buyer:
    """A customer as the provider knows it."""

    id: str
    name: str = ""
    rating: str = ""
    rating_class: str = ""
    #: how the provider matched it: "kvk", "vat" or "name_address"
    match: str = ""
    address: str = ""


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
    #: the cover being amended (increase, decrease, cancel), where known
    cover_id: str = ""

    def __post_init__(self):
        if self.kind not in REQUEST_KINDS:
            raise ValueError("unknown request kind %r" % self.kind)
        if self.kind != "cancel" and Decimal(self.amount) <= 0:
            raise ValueError("a limit request needs an amount above zero")


@dataclass(frozen=True)
class Decision:
    """The provider's answer on a cover (credit limit)."""

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
    #: the provider's job to poll while ``state == "pending"``
    job_id: str = ""


@dataclass(frozen=True)
class Rating:
    """A buyer's rating or grade on the provider's scale."""

    buyer_id: str
    scale: str  # a key of RATING_SCALES
    value: str  # as the provider gives it: "3", "B", "AA"
    description: str = ""
    score: Decimal | None = None  # a numeric score where the provider has one
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    advised_limit: Decimal | None = None  # a bureau's advice, not a cover
    currency: str = ""
    rated_on: date | None = None
    previous_value: str = ""


@dataclass(frozen=True)
class MonitoringEvent:
    """A change the provider reports on a monitored buyer."""

    event_id: str
    buyer_id: str
    kind: str  # one of EVENT_KINDS
    event_date: date | None = None
    old_value: str = ""
    new_value: str = ""
    text: str = ""


@dataclass(frozen=True)
class OverdueLine:
    invoice_number: str
    invoice_date: date | None
    due_date: date
    amount: Decimal  # gross invoice amount
    open_amount: Decimal
    currency: str


@dataclass(frozen=True)
class OverdueNotice:
    """Overdue invoices of one buyer to report to the insurer."""

    buyer_id: str
    lines: tuple[OverdueLine, ...]
    reference: str = ""
    category: str = "OVD"  # one of OVERDUE_CATEGORIES

    def __post_init__(self):
        if self.category not in OVERDUE_CATEGORIES:
            raise ValueError("unknown overdue category %r" % self.category)
        if not self.lines:
            raise ValueError("an overdue notice needs at least one invoice")

    @property
    def total_open(self) -> Decimal:
        return sum((line.open_amount for line in self.lines), Decimal(0))

    @property
    def oldest_due(self) -> date:
        return min(line.due_date for line in self.lines)


@dataclass(frozen=True)
class NoticeReceipt:
    """The provider's acknowledgement of an overdue notice."""

    reference: str  # the provider's id of the notice (or of its job)
    state: str = "reported"  # "reported", or "pending" while a job runs
    text: str = ""


class InsurerAdapter:
    """The one interface of every provider adapter.

    An adapter lists what its provider's API offers in ``capabilities`` (a
    subset of :data:`CAPABILITIES`); every other function raises
    :class:`NotSupported`, so the caller falls back to the file exchange.
    Errors of a call are :class:`in2dmm_credit.tools.http_client.ApiError`.
    """

    service_name = "Provider"
    capabilities: frozenset = frozenset()

    def _unsupported(self, function):
        raise NotSupported(self.service_name, function)

    def supports(self, capability) -> bool:
        return capability in self.capabilities

    # buyer
    def find_buyer(self, identifiers: Identifiers) -> Buyer | None:
        """The provider's buyer for a customer (a lookup may be charged)."""
        self._unsupported("buyer lookup")

    # limits
    def request_limit(self, request: LimitRequest) -> Decision:
        self._unsupported("limit requests")

    def poll(self, decision: Decision) -> Decision:
        """A pending (asynchronous) decision, asked again; the default
        looks it up in :meth:`decisions`."""
        for candidate in self.decisions(None):
            if candidate.cover_id and candidate.cover_id == decision.cover_id:
                return candidate
        return decision

    def decisions(self, since: date | None = None) -> list[Decision]:
        self._unsupported("decisions")

    # ratings and monitoring
    def rating(self, buyer_id: str) -> Rating | None:
        self._unsupported("ratings")

    def monitor(self, buyer_id: str, reference: str = "") -> None:
        """Add the buyer to the provider's monitoring."""
        self._unsupported("monitoring")

    def events(self, since: date | None = None) -> list[MonitoringEvent]:
        """Changes on monitored buyers since a date."""
        self._unsupported("monitoring")

    # overdue reporting
    def report_overdue(self, notice: OverdueNotice) -> NoticeReceipt:
        self._unsupported("overdue notices")
