"""The file exchange with insurers that have no API (Kredietbewaking Bouw, and
any provider by e-mail): limit requests and overdue notices out as CSV, the
insurer's decisions in from CSV. Plain Python; our own documented layout
(no provider publishes one), semicolon-separated UTF-8 with a BOM, ISO dates,
decimal points.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .insurer import Decision

REQUEST_COLUMNS = (
    "reference",
    "customer",
    "kvk_number",
    "vat_number",
    "country",
    "kind",
    "amount",
    "currency",
)
NOTICE_COLUMNS = (
    "reference",
    "customer",
    "kvk_number",
    "invoices",
    "amount",
    "currency",
    "overdue_since",
    "reporting_deadline",
)
DECISION_COLUMNS = ("reference", "decision", "amount", "currency", "valid_until")
APPROVED = {"approved", "goedgekeurd", "accepted", "akkoord"}
REFUSED = {"refused", "afgewezen", "rejected", "geweigerd"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileExchangeError(ValueError):
    """A decisions file that cannot be read; the message names the line."""


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(row.get(column, "")) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class DecisionLine:
    line: int
    reference: str
    decision: Decision


def requests_csv(rows) -> bytes:
    """``rows``: dicts with the keys of REQUEST_COLUMNS."""
    return _write(REQUEST_COLUMNS, rows)


def notices_csv(rows) -> bytes:
    """``rows``: dicts with the keys of NOTICE_COLUMNS."""
    return _write(NOTICE_COLUMNS, rows)


def parse_decisions_csv(data: bytes | str) -> list[DecisionLine]:
    """Read the insurer's answers: one line per request ``reference``, with
    ``decision`` approved/refused (English or Dutch), ``amount``, ``currency`` and
    ``valid_until`` (ISO date, may be empty). ``;`` or ``,`` separated."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileExchangeError("The file is not UTF-8 text.") from None
    data = data.lstrip("\ufeff")
    first = data.splitlines()[0] if data.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(data), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in ("reference", "decision") if c not in header]
    if missing:
        raise FileExchangeError(
            "The file misses the column(s) %s." % ", ".join(missing)
        )
    result = []
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        line = reader.line_num
        word = row.get("decision", "").lower()
        if word in APPROVED:
            state = "decided"
        elif word in REFUSED:
            state = "refused"
        else:
            raise FileExchangeError(
                "Line %d: unknown decision %r (approved or refused)." % (line, word)
            )
        amount = None
        if row.get("amount"):
            try:
                amount = Decimal(row["amount"].replace(",", "."))
            except InvalidOperation:
                raise FileExchangeError(
                    "Line %d: %r is not an amount." % (line, row["amount"])
                ) from None
        if state == "decided" and (amount is None or amount < 0):
            raise FileExchangeError("Line %d: an approval needs an amount." % line)
        valid_until = None
        if row.get("valid_until"):
            try:
                valid_until = date.fromisoformat(row["valid_until"])
            except ValueError:
                raise FileExchangeError(
                    "Line %d: %r is not an ISO date." % (line, row["valid_until"])
                ) from None
        if not row.get("reference"):
            raise FileExchangeError("Line %d: no reference." % line)
        result.append(
            DecisionLine(
                line,
                row["reference"],
                Decision(
                    cover_id=row["reference"],
                    buyer_id="",
                    state=state,
                    approved_amount=amount if state == "decided" else Decimal(0),
                    currency=row.get("currency", ""),
                    valid_until=valid_until,
                    text=row.get("text", ""),
                ),
            )
        )
    return result
