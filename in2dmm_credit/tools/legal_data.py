"""Load the Dutch legal tables shipped in ``in2dmm_credit/data/``.

Two plain CSV files, read by both Odoo and pytest (they are not Odoo data files and
must not be listed under ``data`` in the manifest):

``in2dmm_wik_scale.csv``
    ``valid_from,upper_bound,percentage,minimum,maximum,source`` - one row per tier;
    rows with the same ``valid_from`` form one :class:`~.wik.WikScale`, in file
    order, and must repeat the same minimum and maximum. An empty ``upper_bound``
    means "everything above"; an empty ``maximum`` means no maximum.

``in2dmm_interest_rates.csv``
    ``kind,valid_from,rate,status,source`` - ``kind`` is ``statutory`` (art. 6:119
    BW, consumers) or ``commercial`` (art. 6:119a BW); ``rate`` an annual
    percentage; ``status`` how well the row is sourced (V verified, S secondary
    sources only, U unverified).

Dates are ISO (``2024-07-01``), numbers use a decimal point.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .interest import RatePeriod, normalise_rates
from .wik import WikScale

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WIK_SCALE_FILE = DATA_DIR / "in2dmm_wik_scale.csv"
INTEREST_RATES_FILE = DATA_DIR / "in2dmm_interest_rates.csv"

STATUTORY = "statutory"  # art. 6:119 BW
COMMERCIAL = "commercial"  # art. 6:119a BW
RATE_KINDS = (STATUTORY, COMMERCIAL)

WIK_COLUMNS = ("valid_from", "upper_bound", "percentage", "minimum", "maximum")
RATE_COLUMNS = ("kind", "valid_from", "rate")


class LegalDataError(ValueError):
    """A legal data file is malformed; the message names the line."""


def _rows(lines: Iterable[str], required: tuple[str, ...], what: str):
    reader = csv.DictReader(lines)
    missing = [c for c in required if c not in (reader.fieldnames or ())]
    if missing:
        raise LegalDataError("%s: missing column(s) %s" % (what, ", ".join(missing)))
    for row in reader:
        if not any((value or "").strip() for value in row.values()):
            continue  # blank line
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _date(value: str, what: str, line: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LegalDataError(
            "%s line %d: %r is not an ISO date" % (what, line, value)
        ) from None


def _decimal(value: str, what: str, line: int, *, optional=False) -> Decimal | None:
    if optional and value == "":
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise LegalDataError(
            "%s line %d: %r is not a number" % (what, line, value)
        ) from None
    if not result.is_finite():
        raise LegalDataError("%s line %d: %r is not a number" % (what, line, value))
    return result


def parse_wik_scales(lines: Iterable[str], what: str = "WIK scale") -> list[WikScale]:
    """Parse WIK scale CSV text (an iterable of lines) into scales sorted by date."""
    grouped: dict[date, dict] = {}
    for line, row in _rows(lines, WIK_COLUMNS, what):
        valid_from = _date(row["valid_from"], what, line)
        minimum = _decimal(row["minimum"], what, line)
        maximum = _decimal(row["maximum"], what, line, optional=True)
        group = grouped.setdefault(
            valid_from,
            {"tiers": [], "minimum": minimum, "maximum": maximum, "source": ""},
        )
        if (group["minimum"], group["maximum"]) != (minimum, maximum):
            raise LegalDataError(
                "%s line %d: minimum/maximum differ from the scale's first row"
                % (what, line)
            )
        group["tiers"].append(
            (
                _decimal(row["upper_bound"], what, line, optional=True),
                _decimal(row["percentage"], what, line),
            )
        )
        group["source"] = group["source"] or row.get("source", "")
    scales = []
    for valid_from in sorted(grouped):
        group = grouped[valid_from]
        try:
            scales.append(
                WikScale(
                    valid_from=valid_from,
                    tiers=tuple(group["tiers"]),
                    minimum=group["minimum"],
                    maximum=group["maximum"],
                    source=group["source"],
                )
            )
        except ValueError as exc:
            raise LegalDataError(
                "%s: scale valid from %s: %s" % (what, valid_from.isoformat(), exc)
            ) from None
    return scales


def parse_interest_rates(
    lines: Iterable[str], what: str = "interest rates"
) -> dict[str, tuple[RatePeriod, ...]]:
    """Parse interest rate CSV text into ``{kind: rows sorted by valid_from}``."""
    by_kind: dict[str, list[RatePeriod]] = {}
    for line, row in _rows(lines, RATE_COLUMNS, what):
        kind = row["kind"]
        if kind not in RATE_KINDS:
            raise LegalDataError("%s line %d: unknown kind %r" % (what, line, kind))
        rate = _decimal(row["rate"], what, line)
        if rate < 0:
            raise LegalDataError("%s line %d: negative rate" % (what, line))
        by_kind.setdefault(kind, []).append(
            RatePeriod(
                valid_from=_date(row["valid_from"], what, line),
                rate=rate,
                source=row.get("source", ""),
                status=row.get("status", ""),
            )
        )
    result = {}
    for kind, rows in by_kind.items():
        try:
            result[kind] = normalise_rates(rows)
        except ValueError as exc:
            raise LegalDataError("%s (%s): %s" % (what, kind, exc)) from None
    return result


def load_wik_scales(path: str | Path | None = None) -> list[WikScale]:
    """The WIK scales from ``path`` (default: the shipped file), sorted by date."""
    path = Path(path) if path else WIK_SCALE_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_wik_scales(handle, what=path.name)


def load_interest_rates(
    path: str | Path | None = None,
) -> dict[str, tuple[RatePeriod, ...]]:
    """The rate tables from ``path`` (default: the shipped file), by kind."""
    path = Path(path) if path else INTEREST_RATES_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_interest_rates(handle, what=path.name)
