"""Dutch registration numbers: cleaning and validation (pure Python, no Odoo).

* KvK number: 8 digits, leading zeros occur. The KvK documents **no check
  digit**, so none is checked (real numbers fail the mod-11 tests people invent).
* Vestigingsnummer (establishment number): 12 digits, zero-padded; no check
  digit documented either.
* RSIN: 9 digits with the same "11-proef" as the BSN (``stdnum.nl.bsn``).
* Btw-id (VAT): ``NL`` + 9 digits + ``B`` + 2 digits; ``stdnum.nl.btw`` accepts
  both the RSIN-based numbers and the mod-97 numbers issued to sole traders
  since 2020.
* Postcode: ``1234 AB`` (``stdnum.nl.postcode``); the KvK writes ``1234AB``.

``clean_*`` functions accept common input noise (spaces, dots, hyphens,
non-breaking spaces) and return the canonical form, or raise
:class:`InvalidNumber` (a ``ValueError``) with an English message. The Odoo side
translates from ``kind`` and ``reason`` rather than from the message text.
Numbers are never padded with leading zeros: ``1234567`` is rejected as a KvK
number rather than silently turned into ``01234567``.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.nl import (
    bsn as _bsn,
    btw as _btw,
    postcode as _postcode,
)

KIND_LABELS = {
    "kvk_number": "KvK number",
    "vestigingsnummer": "establishment number (vestigingsnummer)",
    "rsin": "RSIN",
    "vat": "Dutch VAT number",
    "postcode": "Dutch postcode",
}

_NOISE_RE = re.compile(r"[\s.\-\u00a0\u2007\u202f]+")
_DIGITS_RE = re.compile(r"[0-9]+")


class InvalidNumber(ValueError):
    """A number that does not have the required format.

    ``kind``: ``kvk_number``, ``vestigingsnummer``, ``rsin``, ``vat`` or
    ``postcode``; ``reason``: ``empty``, ``format``, ``length`` or
    ``checksum``; ``value``: what was given.
    """

    def __init__(self, kind, reason, value, message):
        super().__init__(message)
        self.kind = kind
        self.reason = reason
        self.value = value
        self.message = message


def _text(value):
    if value is None or value is False:
        return ""
    if isinstance(value, bool):
        raise TypeError("a number cannot be a boolean")
    return str(value)


def _digits(kind, value, length):
    """Strip noise and check that exactly ``length`` ASCII digits remain."""
    label = KIND_LABELS[kind]
    raw = _text(value)
    number = _NOISE_RE.sub("", raw)
    if not number:
        raise InvalidNumber(kind, "empty", value, "The %s is empty." % label)
    if not _DIGITS_RE.fullmatch(number):
        raise InvalidNumber(
            kind,
            "format",
            value,
            "The %s may only contain digits; got %r." % (label, raw.strip()),
        )
    if len(number) != length:
        raise InvalidNumber(
            kind,
            "length",
            value,
            "The %s must have %d digits; %r has %d."
            % (label, length, raw.strip(), len(number)),
        )
    if not number.strip("0"):
        raise InvalidNumber(
            kind, "format", value, "The %s cannot be all zeros." % label
        )
    return number


def clean_kvk_number(value):
    """``' 6959 9084 '`` -> ``'69599084'``. Length check only (no check digit)."""
    return _digits("kvk_number", value, 8)


def clean_vestigingsnummer(value):
    """``'0000.3850.9504'`` -> ``'000038509504'``. Length check only."""
    return _digits("vestigingsnummer", value, 12)


def clean_rsin(value):
    """``'8575.87.973'`` -> ``'857587973'``; 9 digits passing the 11-proef."""
    number = _digits("rsin", value, 9)
    if _bsn.checksum(number) != 0:
        raise InvalidNumber(
            "rsin",
            "checksum",
            value,
            "The RSIN %r fails the eleven test (11-proef); check for a typing "
            "error." % _text(value).strip(),
        )
    return number


def clean_vat(value):
    """``'nl 0000.99998.b57'`` -> ``'NL000099998B57'``."""
    raw = _text(value).strip()
    compact = _NOISE_RE.sub("", raw).upper()
    if not compact:
        raise InvalidNumber("vat", "empty", value, "The Dutch VAT number is empty.")
    # stdnum zero-pads a short number; a missing digit is a typing error here
    if len(compact.removeprefix("NL")) != 12:
        raise InvalidNumber(
            "vat",
            "length",
            value,
            "%r is not a valid Dutch VAT number: it must have 9 digits, B and "
            "2 digits after NL (e.g. NL123456782B01)." % raw,
        )
    try:
        number = _btw.validate(compact)
    except ValidationError as exc:
        reason = {
            "InvalidChecksum": "checksum",
            "InvalidLength": "length",
        }.get(type(exc).__name__, "format")
        raise InvalidNumber(
            "vat",
            reason,
            value,
            "%r is not a valid Dutch VAT number (expected NL, 9 digits, B and "
            "2 digits, e.g. NL123456782B01)." % raw,
        ) from None
    return "NL" + number


def clean_postcode(value):
    """``'1034wl'`` -> ``'1034 WL'`` (the usual written form)."""
    raw = _text(value).strip()
    if not raw:
        raise InvalidNumber("postcode", "empty", value, "The postcode is empty.")
    try:
        return _postcode.validate(raw)
    except ValidationError:
        raise InvalidNumber(
            "postcode",
            "format",
            value,
            "%r is not a valid Dutch postcode (4 digits, the first not 0, and "
            "2 letters, e.g. 1034 WL)." % raw,
        ) from None


def compact_postcode(value):
    """``'1034 wl'`` -> ``'1034WL'``, the form the KvK APIs use."""
    return clean_postcode(value).replace(" ", "")


def _is_valid(cleaner, value):
    try:
        cleaner(value)
    except (InvalidNumber, TypeError):
        return False
    return True


def is_valid_kvk_number(value):
    return _is_valid(clean_kvk_number, value)


def is_valid_vestigingsnummer(value):
    return _is_valid(clean_vestigingsnummer, value)


def is_valid_rsin(value):
    return _is_valid(clean_rsin, value)


def is_valid_vat(value):
    return _is_valid(clean_vat, value)


def is_valid_postcode(value):
    return _is_valid(clean_postcode, value)
