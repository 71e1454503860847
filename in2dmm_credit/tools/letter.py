"""The letter renderer of the in2dmm suite (pure Python, no Odoo).

Renders Dutch/European business letters - dunning letters (herinnering,
aanmaning, ingebrekestelling), payment-promise confirmations, account
statements - to PDF bytes with the reportlab canvas.

Design notes
------------
* The layout is done by a small engine of our own (no platypus): every page
  of a letter is first recorded as a list of drawing operations, so that the
  total page count is known before the pages are written; then the pages are
  replayed onto one canvas with the footer and "Page X of Y".  This keeps
  ``render_letters`` fast (hundreds of letters per second) and lets the page
  numbering restart for every letter of a merged PDF.
* Only the built-in Helvetica fonts are used (WinAnsi encoding: covers the
  euro sign and Dutch/Western European accented characters).  Characters
  outside WinAnsi are transliterated where possible (``ł`` -> ``l``),
  otherwise replaced by ``?``.
* The recipient block is placed for a window envelope with the window on
  the left (NEN/DIN 676 style), see :func:`address_window_box`; date, our
  reference and customer number stand at the right of the window, level with
  the address, so that a typical letter (5-6 items, payment details with QR
  code) fits on one page.
* Amounts and dates in the table are never truncated (a too wide value is
  set in a smaller size); other texts are cut with an ellipsis where a fixed
  width requires it, long paragraphs are word-wrapped.
* With ``epc_qr`` an EPC069-12 QR code is printed in the payment details
  (EUR only, amount to pay > 0, valid IBAN); a QR code that cannot be made is
  skipped with a logged warning, as is a logo that cannot be decoded.
* All fixed words come from :class:`LetterLabels`, translated by the caller.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import qrcode
from PIL import Image
from qrcode import (
    main as qr_main,
    util as qr_util,
)
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen import canvas as rl_canvas

_logger = logging.getLogger(__name__)

__all__ = [
    "Letter",
    "LetterCompany",
    "LetterItem",
    "LetterLabels",
    "address_window_box",
    "epc_qr_payload",
    "format_amount",
    "format_date",
    "render_letter",
    "render_letters",
]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass
class LetterCompany:
    """The sender (letterhead, footer, payment details)."""

    name: str
    address_lines: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    website: str = ""
    vat: str = ""  # BTW-nummer
    coc: str = ""  # KvK-nummer
    iban: str = ""
    bic: str = ""
    bank_name: str = ""
    logo: bytes | None = None  # PNG/JPEG bytes
    color: str = "#1f4e79"  # accent colour (hex)


@dataclass
class LetterItem:
    """One row of the open-items table."""

    number: str
    date: date | None
    due_date: date | None
    days_overdue: int  # negative = not yet due
    amount: float  # original amount (signed; credit notes negative)
    residual: float  # open amount (signed)
    note: str = ""  # e.g. "in dispute" / "credit note"


@dataclass
class LetterLabels:
    """Every fixed word printed on the letter, already translated."""

    date: str = "Date"
    reference: str = "Our reference"
    customer_ref: str = "Customer number"
    number: str = "Invoice"
    invoice_date: str = "Date"
    due_date: str = "Due date"
    days_overdue: str = "Days overdue"
    amount: str = "Amount"
    residual: str = "Open"
    total_open: str = "Total open"
    total_overdue: str = "Total overdue"
    page: str = "Page"
    payment_title: str = "Payment details"
    iban: str = "IBAN"
    bic: str = "BIC"
    payment_reference: str = "Payment reference"
    amount_to_pay: str = "Amount to pay"
    vat: str = "VAT"
    coc: str = "CoC"
    of: str = "of"
    # additions to the agreed API (payment box):
    account_holder: str = "Account holder"  # "Ten name van"
    scan_to_pay: str = "Scan to pay"  # caption under the EPC QR code


@dataclass
class Letter:
    """One letter.  Texts are plain text: a blank line separates paragraphs,
    a single newline is a hard line break."""

    company: LetterCompany
    recipient_lines: list[str]
    date: date
    subject: str
    body_before: str
    body_after: str
    items: list[LetterItem]
    total_open: float
    total_overdue: float
    amount_to_pay: float
    currency_symbol: str = "€"
    currency_position: str = "before"  # or "after"
    lang: str = "nl_NL"
    reference: str = ""
    customer_ref: str = ""
    payment_reference: str = ""
    labels: LetterLabels = field(default_factory=LetterLabels)
    epc_qr: bool = False
    # claimed on top of the open items (collection costs, interest): rows
    # printed between "total overdue" and "amount to pay", already included in
    # ``amount_to_pay``; ``charges_note`` explains them in small print
    charges: list[tuple[str, float]] = field(default_factory=list)
    charges_note: str = ""


# ---------------------------------------------------------------------------
# Number / date formatting
# ---------------------------------------------------------------------------

# language -> (thousands separator, decimal separator); default: English style
_SEPARATORS = {
    "nl": (".", ","),
    "de": (".", ","),
    "es": (".", ","),
    "it": (".", ","),
    "pt": (".", ","),
    "da": (".", ","),
    "id": (".", ","),
    "tr": (".", ","),
    "fr": (" ", ","),
    "sv": (" ", ","),
    "fi": (" ", ","),
    "nb": (" ", ","),
    "pl": (" ", ","),
    "cs": (" ", ","),
}
_CENT = Decimal("0.01")


def _lang_parts(lang):
    lang = (lang or "").replace("-", "_")
    return lang, lang.split("_")[0].lower()


def _to_decimal(value):
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    try:
        # str() of a float is its shortest repr: 2.675 -> "2.675" -> 2.68
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def format_amount(value, lang, symbol="€", position="before") -> str:
    """Format an amount with two decimals for ``lang``.

    ``nl``: ``€ 1.234,56`` / ``€ -1.234,56``; ``en``: ``€1,234.56`` /
    ``-€1,234.56``; position ``after``: ``1.234,56 €`` / ``-1.234,56 €``.
    An empty ``symbol`` gives the bare number.
    """
    dec = _to_decimal(value)
    if not dec.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    dec = dec.quantize(_CENT, rounding=ROUND_HALF_UP)
    negative = dec < 0
    _full, base = _lang_parts(lang)
    thousands, decimal_sep = _SEPARATORS.get(base, (",", "."))
    whole, _dot, frac = f"{abs(dec):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    number = thousands.join(reversed(groups)) + decimal_sep + (frac or "00")
    sign = "-" if negative else ""
    if not symbol:
        return sign + number
    if position == "after":
        return f"{sign}{number} {symbol}"
    if decimal_sep == ",":
        return f"{symbol} {sign}{number}"
    # English style: no space after a one-character symbol ("€12.00"),
    # a space after a code ("EUR 12.00")
    space = " " if len(symbol) > 1 else ""
    return f"{sign}{symbol}{space}{number}"


def format_percent(value, lang) -> str:
    """``Decimal('11.15')`` -> ``'11,15'`` in Dutch, ``'11.15'`` in English;
    no trailing zeros (``12.50`` -> ``12,5``)."""
    text = format(_to_decimal(value).normalize(), "f")
    _thousands, decimal_sep = _SEPARATORS.get(_lang_parts(lang)[1], (",", "."))
    return text.replace(".", decimal_sep)


def format_date(d, lang) -> str:
    """``nl``: 04-12-2026, ``de``: 04.12.2026, ``en_US``: 12/04/2026, other
    ``en``/``fr``/``es``/``it``/``pt``: 04/12/2026, unknown: ISO 2026-12-04.
    ``None`` gives an empty string."""
    if not d:
        return ""
    full, base = _lang_parts(lang)
    dd, mo, yy = f"{d.day:02d}", f"{d.month:02d}", f"{d.year:04d}"
    if base == "nl" or base == "da":
        return f"{dd}-{mo}-{yy}"
    if base in ("de", "nb", "fi", "pl", "cs", "tr"):
        return f"{dd}.{mo}.{yy}"
    if full == "en_US":
        return f"{mo}/{dd}/{yy}"
    if base in ("en", "fr", "es", "it", "pt", "id"):
        return f"{dd}/{mo}/{yy}"
    return f"{yy}-{mo}-{dd}"


# ---------------------------------------------------------------------------
# EPC069-12 QR payload
# ---------------------------------------------------------------------------

_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")
_BIC_RE = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_RF_RE = re.compile(r"^RF[0-9]{2}[A-Z0-9]{1,21}$")
_EPC_MIN = Decimal("0.01")
_EPC_MAX = Decimal("999999999.99")


def _mod97(s):
    """ISO 7064 mod 97-10 of an alphanumeric string (letters A=10..Z=35)."""
    digits = "".join(str(int(ch, 36)) for ch in s)
    return int(digits) % 97


def _compact(value):
    return re.sub(r"\s+", "", value or "").upper()


def _iban_valid(iban):
    return bool(_IBAN_RE.match(iban)) and _mod97(iban[4:] + iban[:4]) == 1


def _format_iban(iban):
    compact = _compact(iban)
    if not _IBAN_RE.match(compact):
        return (iban or "").strip()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _one_line(value):
    return " ".join((value or "").split())


def epc_qr_payload(name, iban, amount, reference, bic="", text="") -> str:
    """Build the EPC069-12 ("GiroCode" / SEPA credit transfer) QR payload.

    Lines: ``BCD``, ``002``, ``1`` (UTF-8), ``SCT``, BIC (may be empty),
    beneficiary name (max 70, truncated), IBAN (no spaces), ``EUR<amount>``,
    purpose (empty), structured reference, unstructured remittance (max 140,
    truncated), beneficiary-to-originator information (max 70, truncated).

    ``reference`` goes into the structured reference line when it is a valid
    ISO 11649 creditor reference (``RF..``), otherwise into the unstructured
    remittance line.  ``text`` is the beneficiary-to-originator information
    (shown to the payer by the banking app, not transmitted).  Trailing empty
    lines are omitted; lines are separated by ``\\n``.

    Raises ``ValueError`` for an empty name, an invalid IBAN or BIC, an amount
    outside 0.01 .. 999999999.99 or a payload longer than 331 bytes.
    """
    name = _one_line(name)[:70]
    if not name:
        raise ValueError("EPC QR: beneficiary name is required")
    iban = _compact(iban)
    if not _iban_valid(iban):
        raise ValueError(f"EPC QR: invalid IBAN {iban!r}")
    bic = _compact(bic)
    if bic and not _BIC_RE.match(bic):
        raise ValueError(f"EPC QR: invalid BIC {bic!r}")
    dec = _to_decimal(amount)
    if not dec.is_finite():
        raise ValueError(f"EPC QR: invalid amount {amount!r}")
    dec = dec.quantize(_CENT, rounding=ROUND_HALF_UP)
    if dec < _EPC_MIN or dec > _EPC_MAX:
        raise ValueError(
            f"EPC QR: amount must be between 0.01 and 999999999.99, got {amount!r}"
        )
    reference = _one_line(reference)
    structured = unstructured = ""
    compact_ref = _compact(reference)
    if _RF_RE.match(compact_ref) and _mod97(compact_ref[4:] + compact_ref[:4]) == 1:
        structured = compact_ref
    else:
        unstructured = reference[:140]
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        iban,
        f"EUR{dec:f}",
        "",  # purpose
        structured,
        unstructured,
        _one_line(text)[:70],
    ]
    while lines[-1] == "":
        lines.pop()
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > 331:
        raise ValueError("EPC QR: payload longer than 331 bytes")
    return payload


_QR_RUN_RE = re.compile(r"0{5,}|1{5,}")
# finder-like patterns; neither overlaps itself, so str.count() counts all
_QR_FINDER_1, _QR_FINDER_2 = "10111010000", "00001011101"
# QR version -> per mask pattern: row bitmasks of the data modules it flips
_QR_DATA_MASKS: dict = {}


def _qr_penalty(rows, n):
    """ISO/IEC 18004 mask penalty (N1..N4) of a matrix given as row bitmasks
    (bit c = column c).  Equal to ``qrcode.util.lost_point`` but an order of
    magnitude faster."""
    fmt = f"0{n}b"
    row_strings = [format(r, fmt) for r in rows]
    # all rows and columns in one string, separated so that no run or pattern
    # crosses a line boundary
    text = " ".join(
        row_strings + ["".join(col) for col in zip(*row_strings, strict=True)]
    )
    penalty = 0
    for run in _QR_RUN_RE.finditer(text):  # N1: runs of 5+ equal modules
        penalty += run.end() - run.start() - 2
    # N3: finder-like patterns
    penalty += 40 * (text.count(_QR_FINDER_1) + text.count(_QR_FINDER_2))
    full = (1 << (n - 1)) - 1
    for a, b in zip(rows, rows[1:], strict=False):  # N2: 2x2 blocks of one colour
        vertical = ~(a ^ b)
        penalty += 3 * (vertical & (vertical >> 1) & ~(a ^ (a >> 1)) & full).bit_count()
    dark = sum(r.bit_count() for r in rows)  # N4: dark/light balance
    percent = float(dark) / (n**2)
    penalty += int(abs(percent * 100 - 50) / 5) * 10
    return penalty


def _qr_data_masks(qr):
    """Per mask pattern, the row bitmasks of the data modules it flips (cached
    per QR version)."""
    masks = _QR_DATA_MASKS.get(qr.version)
    if masks is None:
        n = qr.modules_count
        saved = qr.modules
        try:
            qr.modules = [
                list(row) for row in qr_main.precomputed_qr_blanks[qr.version]
            ]
            qr.setup_type_info(True, 0)
            if qr.version >= 7:
                qr.setup_type_number(True)
            free = qr.modules  # None = data module
        finally:
            qr.modules = saved
        masks = []
        for pattern in range(8):
            func = qr_util.mask_func(pattern)
            masks.append(
                [
                    sum(1 << c for c in range(n) if free[r][c] is None and func(r, c))
                    for r in range(n)
                ]
            )
        _QR_DATA_MASKS[qr.version] = masks
    return masks


def _qr_matrix(payload):
    """Module matrix (list of rows of bools, no quiet zone) for ``payload``
    with error correction level M, as EPC069-12 requires.

    Gives the same matrix as ``qrcode``'s own ``make(fit=True)``, but chooses
    the mask pattern about four times faster: the eight masked variants are
    derived from one matrix by XOR-ing bitmasks instead of re-running the
    encoder eight times."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(payload.encode("utf-8"))
    try:
        qr.best_fit()
        qr.makeImpl(True, 0)
        n = qr.modules_count
        base = [sum(1 << c for c, dark in enumerate(row) if dark) for row in qr.modules]
        masks = _qr_data_masks(qr)
        best, best_penalty, best_rows = 0, None, None
        for pattern in range(8):
            rows = [
                b ^ x0 ^ xm
                for b, x0, xm in zip(base, masks[0], masks[pattern], strict=True)
            ]
            penalty = _qr_penalty(rows, n)
            if best_penalty is None or penalty < best_penalty:
                best, best_penalty, best_rows = pattern, penalty, rows
        # the chosen variant with the real format (and version) information
        qr.modules = [[bool(row >> c & 1) for c in range(n)] for row in best_rows]
        qr.setup_type_info(False, best)
        if qr.version >= 7:
            qr.setup_type_number(False)
    except Exception:  # noqa: BLE001 - other qrcode versions: the plain way
        _logger.debug("letter: fast QR mask selection unavailable", exc_info=True)
        qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        qr.add_data(payload.encode("utf-8"))
        qr.make(fit=True)
    return [[bool(v) for v in row] for row in qr.get_matrix()]


# ---------------------------------------------------------------------------
# Geometry (points; reportlab origin is bottom-left)
# ---------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
RIGHT = PAGE_W - MARGIN_RIGHT

# envelope window (window on the left): 20 mm from the left edge, top 50 mm
# from the top edge, 85 x 40 mm
WINDOW_X = 20 * mm
WINDOW_TOP = PAGE_H - 50 * mm
WINDOW_W = 85 * mm
WINDOW_H = 40 * mm
ADDRESS_MAX_LINES = 6
INFO_X = 125 * mm  # date / reference block, right of the window

FOOTER_RULE_Y = 19 * mm  # thin rule above the footer
FOOTER_FIRST_BASELINE = 15.5 * mm
CONTENT_BOTTOM = 24 * mm  # nothing of the body goes below this line
CONT_TOP = PAGE_H - 27 * mm  # content start on continuation pages

LOGO_MAX_W = 40 * mm
LOGO_MAX_H = 20 * mm
LOGO_DPI = 300

QR_SIZE = 25 * mm

# fonts
F_REG = "Helvetica"
F_BOLD = "Helvetica-Bold"
F_ITAL = "Helvetica-Oblique"

BODY_SIZE = 10
BODY_LEADING = 13.2
TABLE_SIZE = 8.8
TABLE_ROW_H = 14.5
NOTE_SIZE = 7
NOTE_H = 8

BLACK = (0.0, 0.0, 0.0)
TEXT_RGB = (0.12, 0.12, 0.12)
GREY = (0.42, 0.42, 0.42)
LIGHT = (0.80, 0.80, 0.80)
ZEBRA = (0.955, 0.955, 0.955)
WHITE = (1.0, 1.0, 1.0)
DEFAULT_ACCENT = (0x1F / 255, 0x4E / 255, 0x79 / 255)


def address_window_box() -> tuple[float, float, float, float]:
    """The envelope window area as (x, y, width, height) in PDF points, with
    (x, y) its lower-left corner (PDF coordinates, origin bottom-left)."""
    return (WINDOW_X, WINDOW_TOP - WINDOW_H, WINDOW_W, WINDOW_H)


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

_TRANSLIT = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "Ŀ": "L",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
        "\r": "",
    }
)


def _safe(text):
    """Text that Helvetica/WinAnsi can show (cp1252); other characters are
    transliterated or replaced by '?'."""
    if not text:
        return ""
    text = str(text)
    if text.isascii() and "\t" not in text and "\r" not in text:
        return text
    text = text.translate(_TRANSLIT)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        try:
            base.encode("cp1252")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


_WIDTHS: dict = {}  # font name -> {character: width of 1 pt}


def _width_table(font):
    table = {}
    widths = getFont(font).widths  # 256 widths (1/1000 em) in WinAnsi order
    for code in range(256):
        try:
            ch = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        table[ch] = widths[code] / 1000.0
    _WIDTHS[font] = table
    return table


def _sw(text, font, size):
    """Width of ``text`` in points (a dictionary lookup per character: much
    faster than reportlab's stringWidth without its C accelerator)."""
    table = _WIDTHS.get(font) or _width_table(font)
    try:
        return sum(map(table.__getitem__, text)) * size
    except KeyError:
        return stringWidth(text, font, size)


# PDF string escaping of WinAnsi (cp1252) text; the result is pure ASCII
_PDF_ESCAPE = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"}
_PDF_ESCAPE.update({b: f"\\{b:03o}" for b in range(256) if b < 32 or b > 126})


def _pdf_string(text):
    return text.encode("cp1252", "replace").decode("latin-1").translate(_PDF_ESCAPE)


def _fit(text, font, size, width):
    """Truncate ``text`` with an ellipsis so that it fits ``width``."""
    if _sw(text, font, size) <= width:
        return text
    ell = "…"
    avail = width - _sw(ell, font, size)
    if avail <= 0:
        return ""
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits
        mid = (lo + hi + 1) // 2
        if _sw(text[:mid], font, size) <= avail:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ell


def _shrink(text, font, size, width, minimum):
    """The font size (not below ``minimum``) at which ``text`` fits ``width``."""
    actual = _sw(text, font, size)
    if actual <= width:
        return size
    return max(minimum, int(size * width / actual * 10) / 10)


def _split_word(word, font, size, width):
    """Hard-split a word that is wider than ``width``."""
    parts = []
    while word and _sw(word, font, size) > width:
        lo, hi = 1, len(word)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _sw(word[:mid], font, size) <= width:
                lo = mid
            else:
                hi = mid - 1
        parts.append(word[:lo])
        word = word[lo:]
    if word:
        parts.append(word)
    return parts


def _wrap_line(line, font, size, width):
    """Greedy word wrap of one line (no newlines) -> list of lines."""
    words = line.split()
    if not words:
        return [""]
    space = _sw(" ", font, size)
    out = []
    cur, cur_w = "", 0.0
    for word in words:
        ww = _sw(word, font, size)
        if cur and cur_w + space + ww <= width:
            cur += " " + word
            cur_w += space + ww
            continue
        if cur:
            out.append(cur)
        if ww > width:
            pieces = _split_word(word, font, size, width)
            out.extend(pieces[:-1])
            word = pieces[-1]
            ww = _sw(word, font, size)
        cur, cur_w = word, ww
    out.append(cur)
    return out


def _hex_rgb(value, default=DEFAULT_ACCENT):
    s = (value or "").strip().lstrip("#")
    if len(s) == 3:
        s = "".join(ch * 2 for ch in s)
    if len(s) != 6:
        return default
    try:
        return tuple(int(s[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return default


def _tint(rgb, factor):
    """Mix ``rgb`` with white; factor 1 = the colour, 0 = white."""
    return tuple(1 - factor * (1 - c) for c in rgb)


def _luminance(rgb):
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b


# ---------------------------------------------------------------------------
# Logo cache
# ---------------------------------------------------------------------------

_BROKEN = object()
_LOGO_CACHE: dict = {}
_LOGO_CACHE_MAX = 16
_LOGO_LOCK = threading.Lock()
_LOGO_IDS = itertools.count(1)


class _Logo:
    __slots__ = ("reader", "width", "height", "key")

    def __init__(self, reader, width, height, key):
        self.reader = reader
        self.width = width
        self.height = height
        self.key = key


def _load_logo(data):
    """Decode, flatten onto white and downscale a logo once (cached per logo
    bytes); returns a ``_Logo``, ``None`` without logo, or ``_BROKEN`` for
    bytes that cannot be decoded."""
    if not data:
        return None
    with _LOGO_LOCK:
        cached = _LOGO_CACHE.get(data)
    if cached is not None:
        return cached
    logo = _BROKEN
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        if img.mode in ("P", "LA", "PA", "RGBA") or "transparency" in img.info:
            img = img.convert("RGBA")
            flat = Image.new("RGB", img.size, (255, 255, 255))
            flat.paste(img, mask=img.getchannel("A"))
            img = flat
        elif img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        px_w, px_h = img.size
        if px_w < 1 or px_h < 1:
            raise ValueError("empty image")
        scale = min(LOGO_MAX_W / px_w, LOGO_MAX_H / px_h)
        width, height = px_w * scale, px_h * scale
        max_px_w = int(width / 72 * LOGO_DPI) + 1
        if px_w > max_px_w * 1.2:
            img = img.resize(
                (max_px_w, max(1, round(px_h * max_px_w / px_w))), Image.LANCZOS
            )
        logo = _Logo(ImageReader(img), width, height, f"logo{next(_LOGO_IDS)}")
    except Exception as exc:  # noqa: BLE001 - any decoder error: skip the logo
        _logger.debug("letter: cannot decode logo: %s", exc)
    with _LOGO_LOCK:
        if len(_LOGO_CACHE) >= _LOGO_CACHE_MAX:
            _LOGO_CACHE.clear()
        _LOGO_CACHE[data] = logo
    return logo


# ---------------------------------------------------------------------------
# Layout: record pages as drawing operations
# ---------------------------------------------------------------------------

# operation codes
_T, _RECT, _LINE, _IMG, _QR = range(5)


class _Layout:
    """Lays out one letter into pages of drawing operations."""

    def __init__(self, letter: Letter, warned: set | None = None):
        self.letter = letter
        self.warned = warned if warned is not None else set()
        self.company = letter.company
        self.labels = letter.labels or LetterLabels()
        self.lang = letter.lang
        self.accent = _hex_rgb(self.company.color)
        self.header_text_rgb = BLACK if _luminance(self.accent) > 0.62 else WHITE
        self.pages: list[list] = []
        self.ops: list = []
        self.y = 0.0

    # -- primitives ---------------------------------------------------------
    def text(self, x, y, s, font=F_REG, size=BODY_SIZE, rgb=TEXT_RGB):
        if s:
            self.ops.append((_T, font, size, rgb, x, y, s))

    def rtext(self, x, y, s, font=F_REG, size=BODY_SIZE, rgb=TEXT_RGB):
        """Right-aligned at ``x``."""
        if s:
            self.ops.append((_T, font, size, rgb, x - _sw(s, font, size), y, s))

    def ctext(self, x, y, s, font=F_REG, size=BODY_SIZE, rgb=TEXT_RGB):
        """Centred on ``x``."""
        if s:
            self.ops.append((_T, font, size, rgb, x - _sw(s, font, size) / 2, y, s))

    def rect(self, x, y, w, h, fill=None, stroke=None, lw=0.5):
        self.ops.append((_RECT, x, y, w, h, fill, stroke, lw))

    def line(self, x1, y1, x2, y2, rgb=LIGHT, lw=0.5):
        self.ops.append((_LINE, x1, y1, x2, y2, rgb, lw))

    def amount(self, value):
        return format_amount(
            value,
            self.lang,
            _safe(self.letter.currency_symbol),
            self.letter.currency_position,
        )

    # -- pages ----------------------------------------------------------------
    def new_page(self):
        self.ops = []
        self.pages.append(self.ops)
        if len(self.pages) > 1:
            self._continuation_header()
            self.y = CONT_TOP

    def ensure(self, height):
        """Start a new page when ``height`` does not fit; True if it did."""
        if self.y - height < CONTENT_BOTTOM:
            self.new_page()
            return True
        return False

    def _continuation_header(self):
        top = PAGE_H - 15 * mm
        name = _fit(_safe(self.company.name), F_BOLD, 8.5, TEXT_W * 0.45)
        self.text(MARGIN_LEFT, top, name, F_BOLD, 8.5, self.accent)
        avail = TEXT_W - _sw(name, F_BOLD, 8.5) - 10 * mm
        # date and reference always; the recipient's name when it fits
        tail = "  ·  ".join(
            p
            for p in (
                format_date(self.letter.date, self.lang),
                _safe(self.letter.reference),
            )
            if p
        )
        who = _safe((self.letter.recipient_lines or [""])[0]).strip()
        right = f"{who}  ·  {tail}" if who else tail
        if _sw(right, F_REG, 8) > avail:
            right = _fit(tail, F_REG, 8, avail)
        self.rtext(RIGHT, top, right, F_REG, 8, GREY)
        self.line(MARGIN_LEFT, top - 3 * mm, RIGHT, top - 3 * mm, self.accent, 0.6)

    # -- blocks ---------------------------------------------------------------
    def build(self):
        self.new_page()
        self._letterhead()
        self._address()
        self._info_block()
        self._subject()
        self._paragraphs(self.letter.body_before)
        if self.letter.items:
            self.y -= 2 * mm
            self._table()
        if self.letter.items or self.letter.total_open or self.letter.total_overdue:
            self._totals()
        if (self.letter.charges_note or "").strip():
            self._small_print(self.letter.charges_note)
        self._payment_box()
        if (self.letter.body_after or "").strip():
            self.y -= 3 * mm
            self._paragraphs(self.letter.body_after)
        return self.pages

    def _letterhead(self):
        company = self.company
        top = PAGE_H - 12 * mm
        logo = _load_logo(company.logo)
        if logo is _BROKEN:
            if company.logo not in self.warned:  # once per logo and render call
                self.warned.add(company.logo)
                _logger.warning(
                    "letter: logo of %r skipped: the image cannot be read", company.name
                )
            logo = None
        if logo is not None:
            self.ops.append(
                (_IMG, logo, MARGIN_LEFT, top - logo.height, logo.width, logo.height)
            )
        else:
            name = _fit(_safe(company.name), F_BOLD, 15, TEXT_W * 0.5)
            self.text(MARGIN_LEFT, top - 13, name, F_BOLD, 15, self.accent)
        # contact block, right aligned
        width = TEXT_W * 0.45
        y = PAGE_H - 15 * mm
        self.rtext(
            RIGHT, y, _fit(_safe(company.name), F_BOLD, 9, width), F_BOLD, 9, TEXT_RGB
        )
        y -= 11
        lines = [a for a in (company.address_lines or []) if a and a.strip()][:4]
        for line in lines:
            self.rtext(
                RIGHT, y, _fit(_safe(line.strip()), F_REG, 8, width), F_REG, 8, TEXT_RGB
            )
            y -= 9.6
        contact = [c for c in (company.phone, company.email, company.website) if c]
        if contact:
            y -= 3
        for value in contact:
            self.rtext(RIGHT, y, _fit(_safe(value), F_REG, 8, width), F_REG, 8, GREY)
            y -= 9.6

    def _address(self):
        lines = [_safe(r).strip() for r in (self.letter.recipient_lines or [])]
        lines = [r for r in lines if r][:ADDRESS_MAX_LINES]
        y = WINDOW_TOP - 5 * mm
        for line in lines:
            self.text(
                WINDOW_X, y, _fit(line, F_REG, BODY_SIZE, WINDOW_W), F_REG, BODY_SIZE
            )
            y -= 12.4

    def _info_block(self):
        lab = self.labels
        rows = [(lab.date, format_date(self.letter.date, self.lang))]
        if self.letter.reference:
            rows.append((lab.reference, self.letter.reference))
        if self.letter.customer_ref:
            rows.append((lab.customer_ref, self.letter.customer_ref))
        rows = [(_safe(a), _safe(b)) for a, b in rows]
        # two columns (label, value) at the right of the envelope window, level
        # with the address, so that a typical letter fits on one page
        x = INFO_X
        label_w = min(max(_sw(a, F_REG, 8.5) for a, _b in rows), 34 * mm)
        value_x = x + max(24 * mm, label_w + 4 * mm)
        y = WINDOW_TOP - 5 * mm
        for label, value in rows:
            self.text(x, y, _fit(label, F_REG, 8.5, label_w), F_REG, 8.5, GREY)
            self.text(value_x, y, _fit(value, F_REG, 9, RIGHT - value_x), F_REG, 9)
            y -= 12.4
        self.y = WINDOW_TOP - WINDOW_H - 4 * mm

    def _subject(self):
        subject = _safe(self.letter.subject).strip()
        if not subject:
            return
        for line in _wrap_line(subject, F_BOLD, 11, TEXT_W):
            self.ensure(14)
            self.y -= 11
            self.text(MARGIN_LEFT, self.y, line, F_BOLD, 11, BLACK)
            self.y -= 3
        self.y -= 3 * mm

    def _paragraphs(self, text):
        text = _safe(text or "").strip("\n")
        if not text.strip():
            return
        gap = BODY_LEADING * 0.55
        for raw in text.split("\n"):
            if not raw.strip():
                self.y -= gap
                continue
            for line in _wrap_line(raw, F_REG, BODY_SIZE, TEXT_W):
                self.ensure(BODY_LEADING)
                self.y -= BODY_LEADING
                self.text(MARGIN_LEFT, self.y + 3, line, F_REG, BODY_SIZE)

    def _small_print(self, text):
        """Explanatory lines under the totals (how costs and interest were made)."""
        size, leading = 8, 10.5
        for raw in _safe(text).strip("\n").split("\n"):
            if not raw.strip():
                self.y -= leading * 0.5
                continue
            for line in _wrap_line(raw, F_REG, size, TEXT_W):
                self.ensure(leading)
                self.y -= leading
                self.text(MARGIN_LEFT, self.y + 3, line, F_REG, size, GREY)
        self.y -= 2 * mm

    # -- table ----------------------------------------------------------------
    # (key, width in mm, alignment)
    _COLUMNS = (
        ("number", 38, "l"),
        ("invoice_date", 24, "l"),
        ("due_date", 24, "l"),
        ("days_overdue", 20, "r"),
        ("amount", 32, "r"),
        ("residual", 32, "r"),
    )
    _PAD = 1.8 * mm

    def _columns(self):
        cols, x = [], MARGIN_LEFT
        for key, width, align in self._COLUMNS:
            w = width * mm
            cols.append((key, x, w, align))
            x += w
        return cols

    def _table_header(self, cols):
        lab = self.labels
        size, lead = 8.2, 9.6
        wrapped = []
        for key, _x, w, _a in cols:
            label = _safe(getattr(lab, key, "") or "")
            avail = w - 2 * self._PAD
            # shrink the font for a single word that is too wide (e.g.
            # "Factuurdatum") rather than splitting the word
            widest = max((_sw(word, F_BOLD, size) for word in label.split()), default=0)
            font_size = size if widest <= avail else max(6.0, size * avail / widest)
            lines = _wrap_line(label, F_BOLD, font_size, avail)[:3]
            wrapped.append((lines, font_size))
        n = max(len(lines) for lines, _fs in wrapped)
        height = n * lead + 7
        self.ensure(height + TABLE_ROW_H)
        top = self.y
        self.rect(MARGIN_LEFT, top - height, TEXT_W, height, fill=self.accent)
        for (_key, x, w, align), (lines, font_size) in zip(cols, wrapped, strict=True):
            # bottom-align the header labels
            y = top - height + 4.6 + (len(lines) - 1) * lead
            for line in lines:
                if align == "r":
                    self.rtext(
                        x + w - self._PAD,
                        y,
                        line,
                        F_BOLD,
                        font_size,
                        self.header_text_rgb,
                    )
                else:
                    self.text(
                        x + self._PAD, y, line, F_BOLD, font_size, self.header_text_rgb
                    )
                y -= lead
        self.y = top - height

    def _table(self):
        cols = self._columns()
        self._table_header(cols)
        pad = self._PAD
        (_k, x_num, w_num, _a) = cols[0]
        note_w = cols[3][1] - x_num - 2 * pad  # note may run under the dates
        for index, item in enumerate(self.letter.items):
            note = _safe(getattr(item, "note", "") or "").strip()
            height = TABLE_ROW_H + (NOTE_H if note else 0)
            if self.ensure(height):
                self._table_header(cols)
            top = self.y
            if index % 2:
                self.rect(MARGIN_LEFT, top - height, TEXT_W, height, fill=ZEBRA)
            base = top - 10.2
            days = item.days_overdue or 0
            values = {
                "number": _safe(item.number or ""),
                "invoice_date": format_date(item.date, self.lang),
                "due_date": format_date(item.due_date, self.lang),
                "days_overdue": str(int(days)) if days > 0 else "",
                "amount": self.amount(item.amount),
                "residual": self.amount(item.residual),
            }
            for key, x, w, align in cols:
                value = values[key]
                if not value:
                    continue
                font = F_BOLD if key == "days_overdue" else F_REG
                # a too wide value is set smaller; only the invoice number is
                # ever truncated (never an amount or a date)
                size = _shrink(
                    value, font, TABLE_SIZE, w - 2 * pad, 7 if key == "number" else 5
                )
                if key == "number":
                    value = _fit(value, font, size, w - 2 * pad)
                if align == "r":
                    self.rtext(x + w - pad, base, value, font, size)
                else:
                    self.text(x + pad, base, value, font, size)
            if note:
                note = _fit(note, F_ITAL, NOTE_SIZE, note_w)
                self.text(x_num + pad, base - NOTE_H, note, F_ITAL, NOTE_SIZE, GREY)
            self.y = top - height
            self.line(MARGIN_LEFT, self.y, RIGHT, self.y, LIGHT, 0.4)
        self.line(MARGIN_LEFT, self.y, RIGHT, self.y, self.accent, 0.9)

    def _totals(self):
        lab = self.labels
        cols = self._columns()
        value_right = RIGHT - self._PAD
        label_right = cols[5][1] - self._PAD  # left edge of the "open" column
        rows = [
            (lab.total_open, self.letter.total_open, F_REG),
            (lab.total_overdue, self.letter.total_overdue, F_REG),
            *((label, value, F_REG) for label, value in self.letter.charges or ()),
            (lab.amount_to_pay, self.letter.amount_to_pay, F_BOLD),
        ]
        step = 12.5
        self.ensure(len(rows) * step + 8)
        self.y -= 2
        for label, value, font in rows:
            if font == F_BOLD:
                self.y -= 3
                self.line(
                    cols[4][1] + self._PAD, self.y + 1, RIGHT, self.y + 1, TEXT_RGB, 0.6
                )
            self.y -= step
            y = self.y + 3
            label = _fit(_safe(label), font, 9.5, label_right - MARGIN_LEFT)
            self.rtext(label_right, y, label, font, 9.5)
            self.rtext(value_right, y, self.amount(value), font, 9.5)
        self.y -= 1.5 * mm

    # -- payment details --------------------------------------------------------
    def _qr(self):
        letter, company = self.letter, self.company
        if not letter.epc_qr or not company.iban or not (letter.amount_to_pay or 0) > 0:
            return None
        if (letter.currency_symbol or "").strip().upper() not in ("€", "EUR"):
            return None
        try:
            payload = epc_qr_payload(
                company.name,
                company.iban,
                letter.amount_to_pay,
                letter.payment_reference,
                bic=company.bic,
            )
            return _qr_matrix(payload)
        except Exception as exc:  # noqa: BLE001 - never fail a letter on the QR
            _logger.warning("letter: EPC QR code skipped (%s)", exc)
            return None

    def _payment_box(self):
        letter, company, lab = self.letter, self.company, self.labels
        if (
            not (company.iban or letter.payment_reference)
            or not (letter.amount_to_pay or 0) > 0
        ):
            return
        rows = []
        if company.iban:
            rows.append((lab.account_holder, _safe(company.name), F_REG))
            iban = _format_iban(company.iban)
            if company.bank_name:
                iban += "  (" + company.bank_name.strip() + ")"
            rows.append((lab.iban, _safe(iban), F_REG))
        if company.bic:
            rows.append((lab.bic, _safe(_compact(company.bic)), F_REG))
        if letter.payment_reference:
            rows.append(
                (lab.payment_reference, _safe(letter.payment_reference), F_BOLD)
            )
        rows.append((lab.amount_to_pay, self.amount(letter.amount_to_pay), F_BOLD))
        matrix = self._qr()

        pad = 3.5 * mm
        step = 12.5
        title_h = 15
        quiet = _qr_quiet(matrix) if matrix else 0
        qr_block = QR_SIZE + quiet + 9 if matrix else 0
        height = max(title_h + len(rows) * step, qr_block) + 2 * pad - 2
        self.y -= 1 * mm
        self.ensure(height)
        top = self.y
        self.rect(
            MARGIN_LEFT,
            top - height,
            TEXT_W,
            height,
            fill=_tint(self.accent, 0.07),
            stroke=_tint(self.accent, 0.55),
            lw=0.6,
        )
        x = MARGIN_LEFT + pad
        y = top - pad - 8
        self.text(
            x,
            y,
            _fit(_safe(lab.payment_title), F_BOLD, 10, TEXT_W - 2 * pad),
            F_BOLD,
            10,
            self.accent,
        )
        y -= title_h
        label_w = max(_sw(_safe(label), F_REG, 8.8) for label, _v, _f in rows)
        value_x = x + max(label_w + 5 * mm, 30 * mm)
        value_max = (RIGHT - pad - (QR_SIZE + 5 * mm if matrix else 0)) - value_x
        for label, value, font in rows:
            self.text(x, y, _safe(label), F_REG, 8.8, GREY)
            self.text(value_x, y, _fit(value, font, 9.2, value_max), font, 9.2)
            y -= step
        if matrix:
            qx = RIGHT - pad - QR_SIZE
            qy = top - pad - QR_SIZE + 2
            self.ops.append((_QR, matrix, qx, qy, QR_SIZE))
            caption = _fit(_safe(lab.scan_to_pay), F_REG, 7, QR_SIZE + 4 * mm)
            if caption:
                self.ctext(qx + QR_SIZE / 2, qy - quiet - 5.5, caption, F_REG, 7, GREY)
        self.y = top - height


def _footer_ops(letter):
    """The footer of every page of ``letter`` (without the page number)."""
    company, lab = letter.company, letter.labels or LetterLabels()
    parts = [company.name] + [
        a for a in (company.address_lines or []) if a and a.strip()
    ]
    if company.coc:
        parts.append(f"{lab.coc} {company.coc}")
    if company.vat:
        parts.append(f"{lab.vat} {company.vat}")
    if company.iban:
        parts.append(f"{lab.iban} {_format_iban(company.iban)}")
    parts = [_safe(p).strip() for p in parts if p and p.strip()]
    width = TEXT_W - 32 * mm
    sep = "  ·  "
    lines, cur = [], ""
    for part in parts:
        cand = cur + sep + part if cur else part
        if _sw(cand, F_REG, 7) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = part
    if cur:
        lines.append(cur)
    ops = [(_LINE, MARGIN_LEFT, FOOTER_RULE_Y, RIGHT, FOOTER_RULE_Y, LIGHT, 0.5)]
    y = FOOTER_FIRST_BASELINE
    for line in lines[:3]:
        ops.append((_T, F_REG, 7, GREY, MARGIN_LEFT, y, _fit(line, F_REG, 7, width)))
        y -= 8.6
    return ops


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _qr_quiet(matrix):
    """Quiet zone around the QR code: 4 modules, as ISO/IEC 18004 asks."""
    return 4 * QR_SIZE / len(matrix)


class _Painter:
    """Replays recorded operations onto a canvas.

    Fonts, colours and line widths are set with the canvas' public setters
    (which also register the fonts); text, rectangles and lines are written
    as PDF operators through ``Canvas.addLiteral``: reportlab's drawString
    costs ~40 us per call without its optional C accelerator, this ~3 us.
    Text uses WinAnsi (cp1252) strings, which is what reportlab itself
    writes for the standard fonts."""

    def __init__(self, c):
        self.c = c
        self.logo_forms: dict = {}
        self.reset()

    def reset(self):
        self.font = None
        self.fill = None
        self.stroke = None
        self.lw = None

    def set_font(self, font, size):
        if (font, size) != self.font:
            self.c.setFont(font, size)
            self.font = (font, size)

    def set_fill(self, rgb):
        if rgb != self.fill:
            self.c.setFillColorRGB(*rgb)
            self.fill = rgb

    def set_stroke(self, rgb, lw):
        if rgb != self.stroke:
            self.c.setStrokeColorRGB(*rgb)
            self.stroke = rgb
        if lw != self.lw:
            self.c.setLineWidth(lw)
            self.lw = lw

    def text(self, font, size, rgb, x, y, s):
        self.set_font(font, size)
        self.set_fill(rgb)
        self.c.addLiteral(f"BT {x:.2f} {y:.2f} Td ({_pdf_string(s)}) Tj ET")

    def prepare(self, ops):
        """Define XObject forms (logos) needed by ``ops``; must run at the
        start of a page, before anything is drawn on it."""
        c = self.c
        for op in ops:
            if op[0] == _IMG:
                logo = op[1]
                if logo.key not in self.logo_forms:
                    name = f"in2dmm_{logo.key}"
                    c.beginForm(name)
                    c.drawImage(logo.reader, 0, 0, logo.width, logo.height)
                    c.endForm()
                    self.logo_forms[logo.key] = name
        self.reset()

    def paint(self, ops):
        c = self.c
        literal = c.addLiteral
        for op in ops:
            kind = op[0]
            if kind == _T:
                self.text(*op[1:])
            elif kind == _RECT:
                _k, x, y, w, h, fill, stroke, lw = op
                if fill is not None:
                    self.set_fill(fill)
                if stroke is not None:
                    self.set_stroke(stroke, lw)
                paint = "B" if fill and stroke else ("f" if fill else "S")
                literal(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re {paint}")
            elif kind == _LINE:
                _k, x1, y1, x2, y2, rgb, lw = op
                self.set_stroke(rgb, lw)
                literal(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")
            elif kind == _IMG:
                _k, logo, x, y, _w, _h = op
                literal(f"q 1 0 0 1 {x:.2f} {y:.2f} cm")
                c.doForm(self.logo_forms[logo.key])
                literal("Q")
                self.reset()
            elif kind == _QR:
                self._paint_qr(*op[1:])

    def _paint_qr(self, matrix, x, y, size):
        n = len(matrix)
        module = size / n
        quiet = _qr_quiet(matrix)  # the white box behind is the quiet zone
        self.set_fill(WHITE)
        self.c.addLiteral(
            f"{x - quiet:.3f} {y - quiet:.3f} {size + 2 * quiet:.3f} "
            f"{size + 2 * quiet:.3f} re f"
        )
        self.set_fill(BLACK)
        parts = []
        for r, row in enumerate(matrix):
            # runs of dark modules as one rectangle; a tiny vertical overlap
            # avoids hairline gaps between rows in some viewers
            bottom = y + size - (r + 1) * module - 0.02
            col = 0
            while col < n:
                if row[col]:
                    start = col
                    while col < n and row[col]:
                        col += 1
                    parts.append(
                        f"{x + start * module:.3f} {bottom:.3f} "
                        f"{(col - start) * module:.3f} {module + 0.04:.3f} re"
                    )
                else:
                    col += 1
        parts.append("f")
        self.c.addLiteral("\n".join(parts))


def _render(letters, title=None):
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setCreator("in2dmm")
    if title:
        c.setTitle(title)
    painter = _Painter(c)
    warned: set = set()
    count = 0
    for letter in letters:
        pages = _Layout(letter, warned).build()
        footer = _footer_ops(letter)
        labels = letter.labels or LetterLabels()
        page_word, of_word = _safe(labels.page), _safe(labels.of)
        total = len(pages)
        count += 1
        for number, ops in enumerate(pages, 1):
            painter.prepare(ops)
            if number == 1:
                key = f"letter{count}"
                c.bookmarkPage(key)
                outline = (
                    " - ".join(
                        _safe(p)
                        for p in ((letter.recipient_lines or [""])[0], letter.reference)
                        if p
                    )
                    or f"{count}"
                )
                c.addOutlineEntry(outline, key, level=0)
            painter.paint(ops)
            painter.paint(footer)
            page_text = f"{page_word} {number} {of_word} {total}"
            painter.text(
                F_REG,
                7.5,
                GREY,
                RIGHT - _sw(page_text, F_REG, 7.5),
                FOOTER_FIRST_BASELINE,
                page_text,
            )
            c.showPage()
            painter.reset()
    if not count:
        raise ValueError("render_letters: no letters given")
    _save(c)
    return buf.getvalue()


_SAVE_LOCK = threading.Lock()


def _save(c):
    """``c.save()`` with the ASCII85 wrapping of compressed page streams
    switched off: it only makes binary streams printable, makes them 25 %
    larger and, without reportlab's optional C accelerator, costs more time
    than all the rest of a page.  reportlab reads ``rl_config.useA85`` when
    it writes the pages, so it is switched off for the duration of the save
    only (under a lock; any stream written meanwhile is valid either way)."""
    with _SAVE_LOCK:
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            c.save()
        finally:
            rl_config.useA85 = previous


def render_letter(letter: Letter) -> bytes:
    """Render one letter to PDF bytes."""
    return _render([letter], title=_safe(letter.subject))


def render_letters(letters: Iterable[Letter]) -> bytes:
    """Render letters into one merged PDF; every letter starts on a new page
    and has its own page numbering.  Raises ``ValueError`` when empty."""
    return _render(letters)
