"""Account statements (rekeningoverzicht) as data and as an XLSX workbook.

Pure Python, no Odoo: the caller collects a customer's open items into a
:class:`Statement` and gets the spreadsheet bytes from
:func:`statement_xlsx`.

Design notes
------------
* The workbook is a real spreadsheet, written with xlsxwriter in memory: a
  title block, then one table (header row frozen, autofilter, date cells and
  number formats) and below it a totals row whose amounts are ``SUM``
  formulas over the table plus a "total overdue" row with ``SUMIF`` on the
  days-overdue column.  Every formula carries its computed value as the
  cached result, so viewers that do not recalculate still show the totals.
* Amounts are signed (credit notes and payments negative) and kept as
  :class:`~decimal.Decimal` in the data; they are written to the cells as
  floats rounded to cents (a spreadsheet has no decimal type).
* Texts are always written with ``write_string`` and the workbook does not
  convert strings to formulas, numbers or URLs, so a customer name starting
  with ``=`` stays text.
* All fixed words come from :class:`StatementLabels`, translated by the
  caller.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

__all__ = [
    "DATE_FORMAT",
    "KINDS",
    "Statement",
    "StatementLabels",
    "StatementLine",
    "safe_sheet_name",
    "statement_xlsx",
]

KINDS = ("invoice", "credit_note", "payment", "charge")
DATE_FORMAT = "dd-mm-yyyy"  # Excel number format of the date cells
AMOUNT_FORMAT = "#,##0.00"
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

_CENT = Decimal("0.01")


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def _default_kinds():
    return {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "payment": "Payment",
        "charge": "Costs and interest",
    }


@dataclass
class StatementLabels:
    """Every fixed word of the statement, already translated."""

    title: str = "Account statement"
    customer: str = "Customer"
    customer_ref: str = "Customer number"
    date: str = "Date"  # date of the statement (title block)
    number: str = "Document"
    kind: str = "Type"
    doc_date: str = "Date"  # document date (table column)
    due_date: str = "Due date"
    days_overdue: str = "Days overdue"
    amount: str = "Amount"
    paid: str = "Paid"
    residual: str = "Open"
    reference: str = "Reference"
    total: str = "Total"
    total_open: str = "Total open"
    total_overdue: str = "Total overdue"
    not_due: str = "Not yet due"
    kinds: dict[str, str] = field(default_factory=_default_kinds)

    def kind_label(self, kind: str) -> str:
        """The translated name of a line kind (the kind itself if unknown)."""
        return self.kinds.get(kind) or kind


@dataclass
class StatementLine:
    """One document on the statement."""

    number: str
    kind: str  # one of KINDS: invoice, credit_note, payment, charge
    date: date | None
    due_date: date | None
    days_overdue: int  # negative or 0 = not overdue
    amount: Decimal  # signed: credit notes and payments negative
    residual: Decimal  # open amount, signed
    reference: str = ""

    @property
    def paid(self) -> Decimal:
        """The part of the amount already settled (``amount - residual``)."""
        return to_decimal(self.amount) - to_decimal(self.residual)


@dataclass
class Statement:
    """The account statement of one customer in one currency."""

    company_name: str
    partner_name: str
    partner_ref: str
    date: date
    currency_name: str  # ISO 4217 code, e.g. "EUR"
    lines: list[StatementLine]
    labels: StatementLabels = field(default_factory=StatementLabels)

    @property
    def total_open(self) -> Decimal:
        """Sum of the open amounts of all lines."""
        return sum((to_decimal(line.residual) for line in self.lines), Decimal(0))

    @property
    def total_overdue(self) -> Decimal:
        """Sum of the open amounts of the lines with ``days_overdue > 0``."""
        return sum(
            (
                to_decimal(line.residual)
                for line in self.lines
                if (line.days_overdue or 0) > 0
            ),
            Decimal(0),
        )

    @property
    def sorted_lines(self) -> list[StatementLine]:
        """The lines by due date (the document date when there is none), then
        by number; lines without any date come last."""

        def key(line):
            day = line.due_date or line.date
            return (day is None, day or date.min, line.number or "")

        return sorted(self.lines, key=key)


# ---------------------------------------------------------------------------
# Helpers (shared with collection_export)
# ---------------------------------------------------------------------------


def to_decimal(value) -> Decimal:
    """``value`` as a Decimal (``None`` -> 0; a float via its shortest repr)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def cents(value) -> Decimal:
    """``value`` rounded half-up to cents (``-0.00`` becomes ``0.00``)."""
    dec = to_decimal(value)
    if not dec.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    dec = dec.quantize(_CENT, rounding=ROUND_HALF_UP)
    return dec if dec else abs(dec)


def cell_amount(value) -> float:
    """An amount as the float written to a spreadsheet cell (cents)."""
    return float(cents(value))


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def safe_sheet_name(name: str, default: str = "Sheet1") -> str:
    """A worksheet name Excel accepts.

    The characters ``[ ] : * ? / \\`` and control characters are replaced by
    a space, runs of white space are collapsed, leading and trailing
    apostrophes are dropped (Excel refuses them) and the result is cut to 31
    characters.  An empty result, or Excel's reserved ``History``, gives
    ``default`` (itself sanitised the same way).
    """
    text = " ".join(_SHEET_FORBIDDEN.sub(" ", name or "").split())
    text = text.strip("'").strip()[:31].rstrip().rstrip("'").rstrip()
    if not text or text.casefold() == "history":
        if default == name:
            return "Sheet1"
        return safe_sheet_name(default, "Sheet1")
    return text


def column_width(values, minimum=8, maximum=50) -> float:
    """A column width (in characters) fitting the longest of ``values``."""
    longest = 0
    for value in values:
        for part in str(value or "").splitlines() or [""]:
            longest = max(longest, len(part))
    return float(min(max(longest + 2, minimum), maximum))


def write_text(sheet, row, col, value, cell_format=None):
    """Write ``value`` as a string cell (blank when empty)."""
    text = "" if value is None else str(value)
    if text:
        sheet.write_string(row, col, text, cell_format)
    else:
        sheet.write_blank(row, col, None, cell_format)


def write_day(sheet, row, col, value, cell_format):
    """Write a date as a real date cell (blank when ``None``)."""
    if value:
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_blank(row, col, None, cell_format)


def sum_formula(sheet, row, col, first_row, last_row, cell_format, value):
    """Write ``=SUM()`` of rows ``first_row..last_row`` of column ``col``
    with ``value`` as the cached result; a literal 0 for an empty range."""
    if last_row < first_row:
        sheet.write_number(row, col, 0, cell_format)
        return
    cells = xl_range(first_row, col, last_row, col)
    sheet.write_formula(row, col, f"=SUM({cells})", cell_format, cell_amount(value))


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------

# table columns: (key, label attribute, kind of cell)
_COLUMNS = (
    ("number", "number", "text"),
    ("kind", "kind", "text"),
    ("date", "doc_date", "date"),
    ("due_date", "due_date", "date"),
    ("days_overdue", "days_overdue", "days"),
    ("amount", "amount", "amount"),
    ("paid", "paid", "amount"),
    ("residual", "residual", "amount"),
    ("reference", "reference", "text"),
)
_COL = {key: index for index, (key, _label, _type) in enumerate(_COLUMNS)}
_HEADER_ROW = 6  # row 7 in Excel: title block above, one blank row


def _formats(workbook, date_format):
    base = {"valign": "top"}
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "text": workbook.add_format(dict(base)),
        "wrap": workbook.add_format(dict(base, text_wrap=True)),
        "date": workbook.add_format(dict(base, num_format=date_format, align="left")),
        "title_date": workbook.add_format({"num_format": date_format, "align": "left"}),
        "days": workbook.add_format(dict(base, num_format="0")),
        "amount": workbook.add_format(dict(base, num_format=AMOUNT_FORMAT)),
        "header": workbook.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "bottom": 1,
                "text_wrap": True,
                "valign": "bottom",
            }
        ),
        "header_num": workbook.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "bottom": 1,
                "text_wrap": True,
                "valign": "bottom",
                "align": "right",
            }
        ),
        "total_label": workbook.add_format({"bold": True, "top": 1}),
        "total_blank": workbook.add_format({"top": 1}),
        "total_amount": workbook.add_format(
            {"bold": True, "top": 1, "num_format": AMOUNT_FORMAT}
        ),
        "summary_label": workbook.add_format({"bold": True}),
        "summary_amount": workbook.add_format(
            {"bold": True, "num_format": AMOUNT_FORMAT}
        ),
    }


def _header_texts(labels: StatementLabels, currency: str) -> list[str]:
    texts = []
    for _key, attr, kind in _COLUMNS:
        text = getattr(labels, attr)
        if kind == "amount" and currency:
            text = f"{text} ({currency})"
        texts.append(text)
    return texts


def _write_title_block(sheet, statement, fmt):
    labels = statement.labels
    write_text(sheet, 0, 0, labels.title, fmt["title"])
    write_text(sheet, 1, 0, statement.company_name, fmt["bold"])
    write_text(sheet, 2, 0, labels.customer, fmt["bold"])
    write_text(sheet, 2, 1, statement.partner_name)
    write_text(sheet, 3, 0, labels.customer_ref, fmt["bold"])
    write_text(sheet, 3, 1, statement.partner_ref)
    write_text(sheet, 4, 0, labels.date, fmt["bold"])
    write_day(sheet, 4, 1, statement.date, fmt["title_date"])


def _write_line(sheet, row, line, labels, fmt):
    days = line.days_overdue or 0
    write_text(sheet, row, _COL["number"], line.number, fmt["text"])
    write_text(sheet, row, _COL["kind"], labels.kind_label(line.kind), fmt["text"])
    write_day(sheet, row, _COL["date"], line.date, fmt["date"])
    write_day(sheet, row, _COL["due_date"], line.due_date, fmt["date"])
    if days > 0:
        sheet.write_number(row, _COL["days_overdue"], days, fmt["days"])
    else:
        sheet.write_blank(row, _COL["days_overdue"], None, fmt["days"])
    for key, value in _cell_amounts(line).items():
        sheet.write_number(row, _COL[key], float(value), fmt["amount"])
    write_text(sheet, row, _COL["reference"], line.reference, fmt["wrap"])


def _cell_amounts(line: StatementLine) -> dict[str, Decimal]:
    """The amounts of a line as written to its cells (in cents; paid is the
    difference of the rounded amounts, so that every row adds up)."""
    amount, residual = cents(line.amount), cents(line.residual)
    return {"amount": amount, "paid": amount - residual, "residual": residual}


def _write_totals(sheet, statement, first, last, fmt):
    """The totals row, then the "total overdue" and "not yet due" rows.

    The cached results are computed from the rounded cell values, so they
    equal what a spreadsheet computes when it recalculates."""
    labels = statement.labels
    rows = [_cell_amounts(line) for line in statement.lines]
    row = last + 1
    for col in range(len(_COLUMNS)):
        sheet.write_blank(row, col, None, fmt["total_blank"])
    write_text(sheet, row, 0, labels.total, fmt["total_label"])
    sums = {
        key: sum((amounts[key] for amounts in rows), Decimal(0))
        for key in ("amount", "paid", "residual")
    }
    overdue = sum(
        (
            amounts["residual"]
            for amounts, line in zip(rows, statement.lines, strict=True)
            if (line.days_overdue or 0) > 0
        ),
        Decimal(0),
    )
    for key, value in sums.items():
        sum_formula(sheet, row, _COL[key], first, last, fmt["total_amount"], value)

    totals_row = row
    row += 1
    col = _COL["residual"]
    write_text(sheet, row, 0, labels.total_overdue, fmt["summary_label"])
    if last < first:
        sheet.write_number(row, col, 0, fmt["summary_amount"])
    else:
        days = xl_range(first, _COL["days_overdue"], last, _COL["days_overdue"])
        open_ = xl_range(first, col, last, col)
        sheet.write_formula(
            row,
            col,
            f'=SUMIF({days},">0",{open_})',
            fmt["summary_amount"],
            float(overdue),
        )

    row += 1
    write_text(sheet, row, 0, labels.not_due, fmt["summary_label"])
    total_cell = xl_rowcol_to_cell(totals_row, col)
    overdue_cell = xl_rowcol_to_cell(row - 1, col)
    sheet.write_formula(
        row,
        col,
        f"={total_cell}-{overdue_cell}",
        fmt["summary_amount"],
        float(sums["residual"] - overdue),
    )
    return row


def _set_widths(sheet, statement, headers):
    labels = statement.labels
    lines = statement.lines
    columns = {
        # the first column also holds the labels of the title block and totals
        "number": [
            *(line.number for line in lines),
            labels.customer,
            labels.customer_ref,
            labels.date,
            labels.total,
            labels.total_overdue,
            labels.not_due,
        ],
        "kind": [labels.kind_label(line.kind) for line in lines],
        "date": ["00-00-0000"],
        "due_date": ["00-00-0000"],
        "days_overdue": ["0000"],
        "amount": [f"{cents(line.amount):,}" for line in lines] + ["000,000.00"],
        "paid": [f"{cents(line.paid):,}" for line in lines] + ["000,000.00"],
        "residual": [f"{cents(line.residual):,}" for line in lines] + ["000,000.00"],
        "reference": [line.reference for line in lines],
    }
    for key, values in columns.items():
        col = _COL[key]
        # a header wraps, so it only needs its longest word to fit
        words = headers[col].split() or [""]
        width = column_width([*values, max(words, key=len)], maximum=40)
        sheet.set_column(col, col, width)


def statement_xlsx(statement: Statement, *, date_format: str = DATE_FORMAT) -> bytes:
    """The statement as an XLSX workbook (one sheet), returned as bytes.

    Layout: title block in rows 1-5 (title, company, customer name, customer
    number, statement date), the table header in row 7 (frozen, with an
    autofilter over the table), one row per line in :attr:`Statement.
    sorted_lines` order, then a totals row (``SUM`` over amount, paid and
    open), a "total overdue" row (``SUMIF`` over the open amounts whose days
    overdue are > 0) and a "not yet due" row (total open minus total
    overdue).  The amount headers carry the currency code.
    ``date_format`` is the Excel number format of the date cells.
    """
    labels = statement.labels
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    fmt = _formats(workbook, date_format)
    sheet = workbook.add_worksheet(safe_sheet_name(labels.title, "Statement"))

    _write_title_block(sheet, statement, fmt)

    headers = _header_texts(labels, statement.currency_name or "")
    for col, (text, (_key, _attr, kind)) in enumerate(
        zip(headers, _COLUMNS, strict=True)
    ):
        style = "header_num" if kind in ("amount", "days") else "header"
        write_text(sheet, _HEADER_ROW, col, text, fmt[style])

    first = _HEADER_ROW + 1
    row = _HEADER_ROW
    for line in statement.sorted_lines:
        row += 1
        _write_line(sheet, row, line, labels, fmt)
    last = row

    end = _write_totals(sheet, statement, first, last, fmt)

    sheet.freeze_panes(first, 0)
    sheet.autofilter(_HEADER_ROW, 0, last, len(_COLUMNS) - 1)
    _set_widths(sheet, statement, headers)

    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(_HEADER_ROW)
    sheet.print_area(0, 0, end, len(_COLUMNS) - 1)
    sheet.set_footer("&C&P / &N")
    sheet.set_selection(xl_rowcol_to_cell(first, 0))

    workbook.close()
    return buffer.getvalue()
