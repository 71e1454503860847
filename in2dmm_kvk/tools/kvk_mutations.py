"""KvK Mutatieservice (change signals), parsing in plain Python.

The Mutatieservice is a separate KvK subscription: for the companies in its
target group it lists *signals* that something changed (a new, changed or
ended registration, a changed establishment, a new legal form, a transfer).
A signal says only *what* changed; the Basisprofiel must be fetched again to
learn the new data. Documented calls (spec "HP Mutatie Service - Delivery"
1.0.9):

* ``GET /v1/abonnementen``: the subscriptions,
  ``{"klantId": ..., "abonnementen": [{"id", "contract": {"id"}, "startDatum",
  "actief"}]}``;
* ``GET /v1/abonnementen/{id}?vanaf=&tot=&pagina=&aantal=``: a page of signals,
  ``{"pagina", "aantal", "totaal", "totaalPaginas", "signalen": [{"id",
  "timestamp", "kvknummer", "signaalType", "vestigingsnummer"}]}``. The query
  parameter names come from a secondary source (MinBZK/kvk-connect) and are
  marked as such in the README; note the lower-case ``kvknummer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .kvk_parse import KvkParseError

#: signal types that end a registration (the customer stops to exist as is)
ENDING_TYPES = frozenset({"Beeindiging", "VoortzettingEnOverdracht"})


@dataclass(frozen=True)
class Subscription:
    id: str
    contract_id: str
    start: str
    active: bool


@dataclass(frozen=True)
class MutationSignal:
    id: str
    timestamp: datetime
    kvk_number: str
    signal_type: str  # without the "Signaal" prefix, e.g. "GewijzigdeVestiging"
    vestigingsnummer: str = ""

    @property
    def ends_registration(self) -> bool:
        return self.signal_type in ENDING_TYPES


@dataclass(frozen=True)
class SignalPage:
    page: int
    per_page: int
    total: int
    total_pages: int
    signals: tuple[MutationSignal, ...]


def _timestamp(value) -> datetime:
    if not isinstance(value, str) or not value:
        raise KvkParseError("a signal has no timestamp")
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise KvkParseError("a signal has an invalid timestamp %r" % value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _signal_type(value) -> str:
    text = str(value or "").strip()
    text = text.replace("ë", "e").replace("Ë", "E")
    if text.startswith("Signaal"):
        text = text[len("Signaal") :]
    return text


def parse_subscriptions(body) -> tuple[Subscription, ...]:
    if not isinstance(body, dict):
        raise KvkParseError("the subscriptions answer is not an object")
    result = []
    for item in body.get("abonnementen") or ():
        if not isinstance(item, dict) or not item.get("id"):
            continue
        contract = (
            item.get("contract") if isinstance(item.get("contract"), dict) else {}
        )
        result.append(
            Subscription(
                id=str(item["id"]),
                contract_id=str(contract.get("id") or ""),
                start=str(item.get("startDatum") or ""),
                active=bool(item.get("actief", True)),
            )
        )
    return tuple(result)


def parse_signal_page(body) -> SignalPage:
    if not isinstance(body, dict):
        raise KvkParseError("the signals answer is not an object")
    signals = []
    for item in body.get("signalen") or ():
        if not isinstance(item, dict):
            continue
        number = str(item.get("kvknummer") or item.get("kvkNummer") or "").strip()
        if not number.isdigit():
            raise KvkParseError("a signal has no valid KvK number: %r" % number)
        signals.append(
            MutationSignal(
                id=str(item.get("id") or ""),
                timestamp=_timestamp(item.get("timestamp")),
                kvk_number=number.zfill(8),
                signal_type=_signal_type(item.get("signaalType")),
                vestigingsnummer=str(item.get("vestigingsnummer") or ""),
            )
        )

    def number(key, default):
        try:
            return int(body.get(key, default))
        except (TypeError, ValueError):
            raise KvkParseError("%s is not a number" % key) from None

    return SignalPage(
        page=number("pagina", 1),
        per_page=number("aantal", len(signals)),
        total=number("totaal", len(signals)),
        total_pages=number("totaalPaginas", 1),
        signals=tuple(signals),
    )
