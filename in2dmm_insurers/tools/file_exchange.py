"""The file exchange with insurers that have no API (Kredietbewaking Bouw, and
any provider by e-mail): limit requests and overdue notices out as CSV or
XLSX, the insurer's decisions in from CSV or XLSX. Plain Python; our own
documented layout (no provider publishes one).

* CSV: semicolon-separated UTF-8 with a BOM, ISO dates, decimal points; a
  text that a spreadsheet would take for a formula gets a leading ``'``.
* XLSX (xlsxwriter): one sheet, the same columns, a bold frozen header row;
  amounts are numbers with two decimals, dates real Excel dates, every other
  cell text (never a formula, number or link).
* Decisions in: a CSV file, or an XLSX workbook (recognised by the zip
  signature) whose first sheet has the same columns; read with zipfile and
  ElementTree (shared and inline strings, numbers, Excel date serials in the
  date columns); a number in the amount column is rounded to cents (it is a
  float in the workbook).
"""

from __future__ import annotations

import csv
import io
import math
import posixpath
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree import ElementTree

import xlsxwriter

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
#: columns written as numbers (XLSX) and read as amounts
AMOUNT_COLUMNS = frozenset({"amount"})
#: columns written as Excel dates and read from Excel date serials
DATE_COLUMNS = frozenset({"overdue_since", "reporting_deadline", "valid_until"})
XLSX_AMOUNT_FORMAT = "#,##0.00"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPROVED = {"approved", "goedgekeurd", "accepted", "akkoord"}
REFUSED = {"refused", "afgewezen", "rejected", "geweigerd"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_CENT = Decimal("0.01")
#: the largest part of a decisions workbook we unpack (against zip bombs)
_MAX_XLSX_PART = 20 * 1024 * 1024
_WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class FileExchangeError(ValueError):
    """A decisions file that cannot be read; the message names the line (CSV)
    or the row (XLSX)."""


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
    line: int  # the CSV line or the sheet row
    reference: str
    decision: Decision


def requests_csv(rows) -> bytes:
    """``rows``: dicts with the keys of REQUEST_COLUMNS."""
    return _write(REQUEST_COLUMNS, rows)


def notices_csv(rows) -> bytes:
    """``rows``: dicts with the keys of NOTICE_COLUMNS."""
    return _write(NOTICE_COLUMNS, rows)


# ----------------------------------------------------------------- XLSX out --


def requests_xlsx(rows) -> bytes:
    """``rows``: dicts with the keys of REQUEST_COLUMNS (as for
    :func:`requests_csv`); one sheet "Limit requests"."""
    return _write_xlsx("Limit requests", REQUEST_COLUMNS, rows)


def notices_xlsx(rows) -> bytes:
    """``rows``: dicts with the keys of NOTICE_COLUMNS (as for
    :func:`notices_csv`); one sheet "Overdue notices"."""
    return _write_xlsx("Overdue notices", NOTICE_COLUMNS, rows)


def _xlsx_amount(value, row, column):
    """An amount cell's value as a float rounded to cents; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("Row %d, %s: %r is not an amount." % (row, column, value))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(
            "Row %d, %s: %r is not an amount." % (row, column, value)
        ) from None
    if not amount.is_finite():
        raise ValueError("Row %d, %s: %r is not an amount." % (row, column, value))
    return float(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def _xlsx_date(value, row, column):
    """A date cell's value (a date, a datetime or an ISO string); None when
    empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(
            "Row %d, %s: %r is not an ISO date." % (row, column, value)
        ) from None


def _write_xlsx(title, columns, rows) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    header = workbook.add_format({"bold": True, "bottom": 1})
    amount_format = workbook.add_format({"num_format": XLSX_AMOUNT_FORMAT})
    date_format = workbook.add_format({"num_format": XLSX_DATE_FORMAT})
    sheet = workbook.add_worksheet(title)
    widths = [len(column) for column in columns]
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column, header)
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = values.get(column)
            if column in AMOUNT_COLUMNS:
                number = _xlsx_amount(value, count + 1, column)
                if number is not None:
                    sheet.write_number(count, col, number, amount_format)
                    widths[col] = max(widths[col], len(f"{number:,.2f}"))
            elif column in DATE_COLUMNS:
                day = _xlsx_date(value, count + 1, column)
                if day is not None:
                    sheet.write_datetime(count, col, day, date_format)
                    widths[col] = max(widths[col], len(XLSX_DATE_FORMAT))
            else:
                text = "" if value is None else str(value)
                if text:
                    sheet.write_string(count, col, text)
                    widths[col] = max(widths[col], len(text))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, 10), 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(columns) - 1)
    workbook.close()
    return buffer.getvalue()


# ------------------------------------------------------------- decisions in --


def parse_decisions(data: bytes | str) -> list[DecisionLine]:
    """Read the insurer's answers, from CSV or from an XLSX workbook (its
    first sheet): one line per request ``reference``, with ``decision``
    approved/refused (English or Dutch), ``amount``, ``currency`` and
    ``valid_until`` (ISO date or an Excel date, may be empty). A CSV file is
    ``;`` or ``,`` separated. A :class:`FileExchangeError` names the line (CSV)
    or the row (XLSX) at fault."""
    if isinstance(data, bytes | bytearray) and bytes(data[:4]) == _ZIP_MAGIC:
        return _parse_xlsx(bytes(data))
    return _parse_csv(data)


#: the former name; it reads XLSX too


def _parse_csv(data):
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileExchangeError("The file is not UTF-8 text.") from None
    data = data.lstrip("\ufeff")
    first = data.splitlines()[0] if data.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(data), delimiter=delimiter)
    _check_header(h.strip().lower() for h in reader.fieldnames or ())
    result = []
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        result.append(_decision_line("Line", reader.line_num, row))
    return result


def _check_header(names):
    header = list(names)
    missing = [c for c in ("reference", "decision") if c not in header]
    if missing:
        raise FileExchangeError(
            "The file misses the column(s) %s." % ", ".join(missing)
        )


def _empty(value):
    return value is None or value == ""


def _decision_line(label, line, row) -> DecisionLine:
    """One answer. ``row``: column -> stripped text, or (from XLSX) a Decimal
    amount or a date."""
    where = "%s %d" % (label, line)
    word = str(row.get("decision") or "").lower()
    if word in APPROVED:
        state = "decided"
    elif word in REFUSED:
        state = "refused"
    else:
        raise FileExchangeError(
            "%s: unknown decision %r (approved or refused)." % (where, word)
        )
    amount = row.get("amount")
    if _empty(amount):
        amount = None
    elif not isinstance(amount, Decimal):
        try:
            amount = Decimal(str(amount).replace(",", "."))
        except InvalidOperation:
            raise FileExchangeError(
                "%s: %r is not an amount." % (where, row["amount"])
            ) from None
        if not amount.is_finite():
            raise FileExchangeError("%s: %r is not an amount." % (where, row["amount"]))
    if state == "decided" and (amount is None or amount < 0):
        raise FileExchangeError("%s: an approval needs an amount." % where)
    valid_until = row.get("valid_until")
    if _empty(valid_until):
        valid_until = None
    elif not isinstance(valid_until, date):
        try:
            valid_until = date.fromisoformat(str(valid_until))
        except ValueError:
            raise FileExchangeError(
                "%s: %r is not an ISO date." % (where, row["valid_until"])
            ) from None
    reference = str(row.get("reference") or "")
    if not reference:
        raise FileExchangeError("%s: no reference." % where)
    return DecisionLine(
        line,
        reference,
        Decision(
            cover_id=reference,
            buyer_id="",
            state=state,
            approved_amount=amount if state == "decided" else Decimal(0),
            currency=str(row.get("currency") or ""),
            valid_until=valid_until,
            text=str(row.get("text") or ""),
        ),
    )


# --------------------------------------------------------- reading an XLSX --


def _parse_xlsx(data: bytes) -> list[DecisionLine]:
    rows, date1904 = _xlsx_first_sheet(data)
    header_number = next(
        (n for n in sorted(rows) if any(c.text.strip() for c in rows[n].values())),
        None,
    )
    if header_number is None:
        raise FileExchangeError("The workbook's first sheet is empty.")
    columns = {
        col: cell.text.strip().lower()
        for col, cell in rows[header_number].items()
        if cell.text.strip()
    }
    _check_header(columns.values())
    result = []
    for number in sorted(rows):
        if number <= header_number:
            continue
        row = {
            name: _xlsx_value(name, rows[number].get(col), date1904)
            for col, name in columns.items()
        }
        if all(_empty(value) for value in row.values()):
            continue
        result.append(_decision_line("Row", number, row))
    return result


@dataclass(frozen=True)
class _Cell:
    #: "n" number, "d" ISO date, "text" anything else (strings, booleans,
    #: errors)
    kind: str
    text: str


def _xlsx_value(column, cell, date1904):
    """A cell's value for the row handling: text, or a Decimal amount / a
    date where the column wants one (an unreadable value stays text, so the
    row handling names it)."""
    if cell is None:
        return ""
    text = cell.text.strip()
    if cell.kind == "n":
        if column in AMOUNT_COLUMNS:  # a float in the sheet: to cents
            try:
                return Decimal(text).quantize(_CENT, rounding=ROUND_HALF_UP)
            except InvalidOperation:
                return text
        if column in DATE_COLUMNS:
            return _serial_date(text, date1904) or text
        try:  # a reference typed as a number: 12, not 12.0
            number = Decimal(text)
            if number.is_finite() and number == number.to_integral_value():
                return str(int(number))
        except InvalidOperation:
            pass
        return text
    if cell.kind == "d" and column in DATE_COLUMNS:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return text
    return text


def _xlsx_first_sheet(data: bytes):
    """The cells of the workbook's first sheet (row number -> column index ->
    :class:`_Cell`) and whether the workbook counts dates from 1904."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())

            def read(name):
                if name not in names:
                    return None
                if archive.getinfo(name).file_size > _MAX_XLSX_PART:
                    raise FileExchangeError("The workbook is too large to read.")
                return ElementTree.fromstring(archive.read(name))

            workbook_path = _main_part(read("_rels/.rels"))
            workbook = read(workbook_path)
            if workbook is None:
                raise FileExchangeError("The file is not an XLSX workbook.")
            targets = _relationships(read(_rels_path(workbook_path)), workbook_path)
            sheet_path = None
            for element in workbook.iter():
                if _local(element.tag) == "sheet":
                    rel_id = next(
                        (v for k, v in element.attrib.items() if _local(k) == "id"),
                        None,
                    )
                    sheet_path = targets.get(rel_id, ("", None))[1]
                    break
            sheet = read(sheet_path or "xl/worksheets/sheet1.xml")
            if sheet is None:
                raise FileExchangeError("The workbook has no sheet.")
            strings_path = next(
                (
                    path
                    for kind, path in targets.values()
                    if kind.endswith("/sharedStrings")
                ),
                "xl/sharedStrings.xml",
            )
            shared = _shared_strings(read(strings_path))
            date1904 = any(
                _local(e.tag) == "workbookPr"
                and e.get("date1904", "").lower() in ("1", "true")
                for e in workbook.iter()
            )
    except (
        zipfile.BadZipFile,
        ElementTree.ParseError,
        KeyError,
        OSError,
        EOFError,
        RuntimeError,  # an encrypted zip entry
        NotImplementedError,  # an unknown compression
    ):
        raise FileExchangeError("The file is not a valid XLSX workbook.") from None
    return _cells(sheet, shared), date1904


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1]


def _rels_path(part):
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(root, source) -> dict[str, tuple[str, str]]:
    """id -> (type, part path) of a ``.rels`` part."""
    result = {}
    if root is None:
        return result
    folder = posixpath.dirname(source)
    for element in root:
        target = element.get("Target") or ""
        if element.get("TargetMode") == "External" or not target:
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        result[element.get("Id")] = (element.get("Type") or "", path)
    return result


def _main_part(root):
    for kind, path in _relationships(root, "").values():
        if kind.endswith("/officeDocument"):
            return path
    return "xl/workbook.xml"


def _text_of(element) -> str:
    """The text of a string item (``si`` or ``is``): its ``t``, or the ``t``
    of its runs; phonetic hints are left out."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(root) -> list[str]:
    if root is None:
        return []
    return [_text_of(si) for si in root if _local(si.tag) == "si"]


def _column_index(ref) -> int | None:
    letters = ""
    for char in ref or "":
        if not char.isalpha():
            break
        letters += char.upper()
    if not letters:
        return None
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _serial_date(text, date1904):
    """An Excel date serial as a date; None when it is no plausible date."""
    try:
        serial = float(text)
    except ValueError:
        return None
    if not math.isfinite(serial) or serial < (0 if date1904 else 1):
        return None
    epoch = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    try:
        return epoch + timedelta(days=math.floor(serial))
    except OverflowError:
        return None


def _cells(sheet, shared) -> dict[int, dict[int, _Cell]]:
    rows = {}
    number = 0
    for row in sheet.iter():
        if _local(row.tag) != "row":
            continue
        number = int(row.get("r") or number + 1)
        cells = rows.setdefault(number, {})
        col = -1
        for element in row:
            if _local(element.tag) != "c":
                continue
            ref_col = _column_index(element.get("r"))
            col = ref_col if ref_col is not None else col + 1
            kind = element.get("t") or "n"
            value = None
            inline = None
            for child in element:
                name = _local(child.tag)
                if name == "v":
                    value = child.text or ""
                elif name == "is":
                    inline = child
            if kind == "inlineStr":
                cell = _Cell("text", _text_of(inline) if inline is not None else "")
            elif value is None:
                continue
            elif kind == "s":
                try:
                    cell = _Cell("text", shared[int(value)])
                except (ValueError, IndexError):
                    raise FileExchangeError(
                        "Row %d: a cell refers to a missing shared string." % number
                    ) from None
            elif kind in ("n", "d"):
                cell = _Cell(kind, value)
            else:  # str (a formula's text), b (boolean), e (error)
                cell = _Cell("text", value)
            cells[col] = cell
    return rows
