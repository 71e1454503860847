"""Credit control reports as XLSX workbooks: aging, payment behaviour and the
results of a dunning run.

Pure Python, no Odoo: the caller collects the figures into the dataclasses
below and gets the spreadsheet bytes from :func:`aging_xlsx`,
:func:`behaviour_xlsx` or :func:`dunning_run_xlsx`.

Design notes
------------
* Every sheet has the same layout: a title block (title, company, then label /
  value pairs such as the date and the currency), one blank row, a bold filled
  header row frozen under the title block with an autofilter over the table,
  one row per record and a totals row.  Totals are formulas (``SUM`` and
  friends) carrying their computed value as the cached result, so viewers that
  do not recalculate still show them; the cached values are computed from the
  rounded cell values, so they equal what a spreadsheet computes.
* The cell helpers, number formats and workbook options are those of
  :mod:`.statement`; the ageing buckets are those of :mod:`.metrics`.
* Texts are written with ``write_string`` into a workbook that converts no
  strings to formulas, numbers or URLs, so a name starting with ``=`` stays
  text.
* Fixed words come from a ``labels`` dict (stable keys, see
  :data:`AGING_LABELS`, :data:`BEHAVIOUR_LABELS` and
  :data:`DUNNING_RUN_LABELS`); missing or empty keys fall back to the English
  defaults, so the caller passes only the translations it has.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_range_formula, xl_rowcol_to_cell

from .metrics import AGING_BUCKETS, aging_bucket
from .statement import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    WORKBOOK_OPTIONS,
    cell_amount,
    cents,
    column_width,
    safe_sheet_name,
    sum_formula,
    to_decimal,
    write_day,
    write_text,
)

__all__ = [
    "AGING_LABELS",
    "BEHAVIOUR_LABELS",
    "DEFAULT_LABELS",
    "DUNNING_RUN_LABELS",
    "AgingCustomer",
    "AgingItem",
    "BehaviourRow",
    "RunLine",
    "aging_xlsx",
    "behaviour_xlsx",
    "dunning_run_xlsx",
]

DAYS_FORMAT = "0.0"  # average / weighted days and the on-time percentage

# ---------------------------------------------------------------------------
# Labels (stable keys -> English defaults)
# ---------------------------------------------------------------------------

AGING_LABELS = {
    "title": "Aging report",
    "report_date": "Date",
    "currency": "Currency",
    "sheet_aging": "Aging",
    "sheet_items": "Open items",
    "customer": "Customer",
    "ref": "Customer number",
    "salesperson": "Salesperson",
    "collector": "Collector",
    "not_due": "Not yet due",
    "1_30": "1-30 days",
    "31_60": "31-60 days",
    "61_90": "61-90 days",
    "90_plus": "Over 90 days",
    "total": "Total",
    "number": "Document",
    "date": "Document date",
    "due_date": "Due date",
    "days_overdue": "Days overdue",
    "bucket": "Period",
    "residual": "Open amount",
    "totals_row": "Total",
}

BEHAVIOUR_LABELS = {
    "title": "Payment behaviour",
    "report_date": "Date",
    "period": "Period (months)",
    "currency": "Currency",
    "sheet": "Payment behaviour",
    "customer": "Customer",
    "ref": "Customer number",
    "grade": "Grade",
    "trend": "Trend",
    "trend_better": "Better",
    "trend_worse": "Worse",
    "trend_stable": "Stable",
    "invoices_paid": "Invoices paid",
    "amount_paid": "Amount paid",
    "avg_days_to_pay": "Average days to pay",
    "weighted_days_late": "Weighted days late",
    "on_time_share": "Paid on time (%)",
    "promises_kept": "Promises kept",
    "promises_broken": "Promises broken",
    "amount_overdue": "Overdue",
    "explanation": "Explanation",
    "totals_row": "Total",
}

DUNNING_RUN_LABELS = {
    "title": "Dunning run",
    "run": "Run",
    "report_date": "Date",
    "currency": "Currency",
    "sheet_lines": "Dunning run",
    "sheet_levels": "Per level",
    "customer": "Customer",
    "ref": "Customer number",
    "collector": "Collector",
    "level": "Level",
    "state": "Status",
    "channels": "Channels",
    "invoices": "Invoices",
    "amount_overdue": "Overdue",
    "amount_asked": "Amount asked",
    "costs": "Costs",
    "interest": "Interest",
    "error": "Error",
    "lines": "Lines",
    "no_level": "(no level)",
    "totals_row": "Total",
}

# the defaults of every report, by report
DEFAULT_LABELS = {
    "aging": AGING_LABELS,
    "behaviour": BEHAVIOUR_LABELS,
    "dunning_run": DUNNING_RUN_LABELS,
}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass
class AgingItem:
    """One open item of a customer."""

    number: str
    date: date | None
    due_date: date | None
    days_overdue: int  # negative or 0 = not yet due
    residual: Decimal  # open amount, signed


@dataclass
class AgingCustomer:
    """A customer and its open items."""

    name: str
    ref: str
    items: list[AgingItem]
    salesperson: str = ""
    collector: str = ""


@dataclass
class BehaviourRow:
    """How one customer paid (see :func:`.metrics.behaviour` and
    :func:`.metrics.payment_score`)."""

    customer: str
    ref: str
    grade: str  # "A".."E" or "" (no history)
    trend: str  # "better", "worse", "stable" (shown via labels) or any text
    explanation: str
    invoices_paid: int
    amount_paid: Decimal
    avg_days_to_pay: Decimal | None
    weighted_days_late: Decimal | None
    on_time_share: Decimal | None  # percentage 0-100
    promises_kept: int
    promises_broken: int
    amount_overdue: Decimal


@dataclass
class RunLine:
    """The result of a dunning run for one customer."""

    customer: str
    ref: str
    level: str
    state: str
    channels: str
    invoices: int
    amount_overdue: Decimal
    amount_asked: Decimal
    costs: Decimal
    interest: Decimal
    collector: str = ""
    error: str = ""


# ---------------------------------------------------------------------------
# Shared sheet machinery
# ---------------------------------------------------------------------------

# kinds of cells: text, wrap (long text), date, int (days, counts),
# days (one decimal, blank when None), amount, grade
_NUMERIC = frozenset({"int", "days", "amount"})
_GRADE_COLOURS = {
    "A": "good",
    "B": "good",
    "C": "warn",
    "D": "bad",
    "E": "bad",
}


def _texts(defaults: Mapping[str, str], labels: Mapping[str, str] | None) -> dict:
    texts = dict(defaults)
    texts.update({key: value for key, value in (labels or {}).items() if value})
    return texts


def _sheet_names(*pairs: tuple[str, str]) -> list[str]:
    """Valid, distinct sheet names for ``(wanted, default)`` pairs."""
    names: list[str] = []
    for wanted, default in pairs:
        name = safe_sheet_name(wanted, default)
        number = 2
        while name.casefold() in {n.casefold() for n in names}:
            name = safe_sheet_name(f"{name[:28]} {number}", default)
            number += 1
        names.append(name)
    return names


def _formats(workbook, date_format):
    header = {
        "bold": True,
        "bg_color": "#D9E1F2",
        "bottom": 1,
        "text_wrap": True,
        "valign": "bottom",
    }
    top = {"valign": "top"}
    total = {"bold": True, "top": 1}
    grade = dict(top, bold=True, align="center")
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "title_date": workbook.add_format({"num_format": date_format, "align": "left"}),
        "title_int": workbook.add_format({"num_format": "0", "align": "left"}),
        "header": workbook.add_format(header),
        "header_num": workbook.add_format(dict(header, align="right")),
        "text": workbook.add_format(top),
        "wrap": workbook.add_format(dict(top, text_wrap=True)),
        "date": workbook.add_format(dict(top, num_format=date_format, align="left")),
        "int": workbook.add_format(dict(top, num_format="0")),
        "days": workbook.add_format(dict(top, num_format=DAYS_FORMAT)),
        "amount": workbook.add_format(dict(top, num_format=AMOUNT_FORMAT)),
        "grade": workbook.add_format(grade),
        "grade_good": workbook.add_format(
            dict(grade, bg_color="#C6EFCE", font_color="#006100")
        ),
        "grade_warn": workbook.add_format(
            dict(grade, bg_color="#FFEB9C", font_color="#9C5700")
        ),
        "grade_bad": workbook.add_format(
            dict(grade, bg_color="#FFC7CE", font_color="#9C0006")
        ),
        "total_label": workbook.add_format(total),
        "total_blank": workbook.add_format({"top": 1}),
        "total_int": workbook.add_format(dict(total, num_format="0")),
        "total_days": workbook.add_format(dict(total, num_format=DAYS_FORMAT)),
        "total_amount": workbook.add_format(dict(total, num_format=AMOUNT_FORMAT)),
    }


def _grade_format(grade: str) -> str:
    colour = _GRADE_COLOURS.get((grade or "").strip().upper())
    return f"grade_{colour}" if colour else "grade"


class _Table:
    """One sheet: title block, header row, data rows and a totals row.

    ``columns`` is a sequence of ``(key, kind)``; the header texts are
    ``texts[key]``.  Data rows are dicts of key -> value; :meth:`add` returns
    the (0-based) row written.  Column widths are collected while writing and
    set by :meth:`finish`, which also freezes the header and sets the
    autofilter and the page layout.
    """

    def __init__(self, workbook, name, columns, texts, fmt, title_block):
        self.sheet = workbook.add_worksheet(name)
        self.name = name
        self.columns = tuple(columns)
        self.col = {key: index for index, (key, _kind) in enumerate(self.columns)}
        self.texts = texts
        self.fmt = fmt
        self.widths = {key: [] for key, _kind in self.columns}
        self.header_row = self._title_block(*title_block)
        self.first = self.header_row + 1
        self.last = self.header_row  # no data row yet
        self.totals_row = None
        self._header()

    # -- layout -------------------------------------------------------------

    def _title_block(self, title, company, pairs):
        """Title, company, then ``(label, value)`` pairs; returns the header
        row (after one blank row)."""
        sheet, fmt = self.sheet, self.fmt
        write_text(sheet, 0, 0, title, fmt["title"])
        write_text(sheet, 1, 0, company, fmt["bold"])
        row = 2
        first_key = self.columns[0][0]
        for label, value in pairs:
            write_text(sheet, row, 0, label, fmt["bold"])
            self.widths[first_key].append(label)
            if isinstance(value, date):
                write_day(sheet, row, 1, value, fmt["title_date"])
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(row, 1, value, fmt["title_int"])
            else:
                write_text(sheet, row, 1, value)
            row += 1
        return row + 1

    def _header(self):
        for col, (key, kind) in enumerate(self.columns):
            text = self.texts[key]
            style = "header_num" if kind in _NUMERIC else "header"
            write_text(self.sheet, self.header_row, col, text, self.fmt[style])
            # a header wraps, so it only needs its longest word to fit
            self.widths[key].append(max(text.split() or [""], key=len))

    # -- rows ----------------------------------------------------------------

    def add(self, values: Mapping) -> int:
        self.last += 1
        row = self.last
        for col, (key, kind) in enumerate(self.columns):
            self.widths[key].append(self._write(row, col, kind, values.get(key)))
        return row

    def _write(self, row, col, kind, value):
        """Write one cell; returns its text as seen (for the column width)."""
        sheet, fmt = self.sheet, self.fmt
        if kind == "date":
            write_day(sheet, row, col, value, fmt["date"])
            return "00-00-0000"
        if kind in ("int", "days") and value is None:
            sheet.write_blank(row, col, None, fmt[kind])
            return ""
        if kind == "int":
            sheet.write_number(row, col, int(value), fmt["int"])
            return str(int(value))
        if kind == "days":
            number = float(to_decimal(value))
            sheet.write_number(row, col, number, fmt["days"])
            return f"{number:,.1f}"
        if kind == "amount":
            sheet.write_number(row, col, cell_amount(value), fmt["amount"])
            return f"{cents(value):,}"
        if kind == "grade":
            write_text(sheet, row, col, value, fmt[_grade_format(value)])
            return f"{value or ''}"
        write_text(sheet, row, col, value, fmt[kind])
        return value

    def cell(self, row, key) -> str:
        return xl_rowcol_to_cell(row, self.col[key])

    def column_range(self, key) -> str:
        """The data cells of column ``key`` (e.g. ``E7:E12``)."""
        col = self.col[key]
        return xl_range(self.first, col, self.last, col)

    def column_range_abs(self, key) -> str:
        """The data cells of column ``key`` for another sheet's formulas
        (e.g. ``'Dunning run'!$D$7:$D$12``)."""
        col = self.col[key]
        return xl_range_formula(self.name, self.first, col, self.last, col)

    # -- totals --------------------------------------------------------------

    def totals(self, sums: Mapping[str, object]) -> int:
        """The totals row under the table: the label in the first column and a
        ``SUM`` over the data rows (cached value ``sums[key]``) in each column
        of ``sums``; returns the row."""
        row = self.last + 1
        sheet, fmt = self.sheet, self.fmt
        for col, (key, kind) in enumerate(self.columns):
            if key in sums:
                style = "total_int" if kind == "int" else "total_amount"
                sum_formula(
                    sheet, row, col, self.first, self.last, fmt[style], sums[key]
                )
                self.widths[key].append(_shown(kind, sums[key]))
            else:
                sheet.write_blank(row, col, None, fmt["total_blank"])
        label = self.texts["totals_row"]
        write_text(sheet, row, 0, label, fmt["total_label"])
        self.widths[self.columns[0][0]].append(label)
        self.totals_row = row
        return row

    def finish(self, maximum=45):
        sheet = self.sheet
        ncols = len(self.columns)
        sheet.freeze_panes(self.first, 0)
        sheet.autofilter(self.header_row, 0, self.last, ncols - 1)
        for col, (key, _kind) in enumerate(self.columns):
            sheet.set_column(col, col, column_width(self.widths[key], maximum=maximum))
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(self.header_row)
        end = self.last if self.totals_row is None else self.totals_row
        sheet.print_area(0, 0, end, ncols - 1)
        sheet.set_footer("&C&P / &N")
        sheet.set_selection(xl_rowcol_to_cell(self.first, 0))


def _shown(kind, value) -> str:
    if kind == "int":
        return str(int(value or 0))
    return f"{cents(value):,}"


def _sum(values: Iterable) -> Decimal:
    """The sum of ``values`` rounded to cents one by one (as in the cells)."""
    return sum((cents(value) for value in values), Decimal(0))


def _column_sums(columns, keys, records) -> dict:
    """The totals of the columns ``keys`` over ``records`` (dataclasses), as a
    spreadsheet adds up the cells: whole numbers, or amounts in cents."""
    kinds = dict(columns)
    sums = {}
    for key in keys:
        values = [getattr(record, key) for record in records]
        if kinds[key] == "int":
            sums[key] = sum(int(value or 0) for value in values)
        else:
            sums[key] = _sum(values)
    return sums


def _criterion(text: str) -> str:
    """A COUNTIF/SUMIF criterion matching exactly ``text`` (as a formula
    string literal): ``=`` in front so a leading operator is taken literally,
    the wildcards ``* ? ~`` escaped with ``~``, quotes doubled.  An empty
    ``text`` gives ``"="``, which matches the empty cells."""
    escaped = "".join(f"~{ch}" if ch in "*?~" else ch for ch in text)
    return '"=' + escaped.replace('"', '""') + '"'


# ---------------------------------------------------------------------------
# 1. Aging
# ---------------------------------------------------------------------------

_AGING_COLUMNS = (
    ("customer", "text"),
    ("ref", "text"),
    ("salesperson", "text"),
    ("collector", "text"),
    *((bucket, "amount") for bucket in AGING_BUCKETS),
    ("total", "amount"),
)
_ITEM_COLUMNS = (
    ("customer", "text"),
    ("ref", "text"),
    ("number", "text"),
    ("date", "date"),
    ("due_date", "date"),
    ("days_overdue", "int"),
    ("bucket", "text"),
    ("residual", "amount"),
)


def _buckets(customer: AgingCustomer) -> dict[str, Decimal]:
    """The open amount per bucket, summed from the rounded item amounts (so
    that both sheets agree to the cent)."""
    amounts = dict.fromkeys(AGING_BUCKETS, Decimal(0))
    for item in customer.items:
        amounts[aging_bucket(item.days_overdue or 0)] += cents(item.residual)
    return amounts


def _item_key(item: AgingItem):
    day = item.due_date or item.date
    return (day is None, day or date.min, item.number or "")


def aging_xlsx(
    company_name: str,
    on_date: date,
    currency_name: str,
    customers: Iterable[AgingCustomer],
    labels: dict[str, str] | None = None,
    *,
    date_format: str = DATE_FORMAT,
) -> bytes:
    """The aging report as an XLSX workbook, returned as bytes.

    Sheet "Aging": one row per customer, largest total first (ties by name
    and customer number): customer, customer number, salesperson, collector,
    the open amount per bucket (:data:`.metrics.AGING_BUCKETS`, by
    ``days_overdue``: ``<= 0`` not yet due, 1-30, 31-60, 61-90, over 90) and
    the row total as ``=SUM()`` over its five bucket cells; then a totals row
    with ``SUM`` per column.  Sheet "Open items": one row per item (customers
    in the same order, items by due date, then document date and number;
    items without dates last) with the customer, document, dates, days overdue
    (as given: negative means not yet due), the bucket's label and the open
    amount; then a totals row.

    ``labels`` maps the keys of :data:`AGING_LABELS` to translated texts (the
    bucket keys are both the column headers and the period names);
    ``date_format`` is the Excel number format of the date cells.
    """
    texts = _texts(AGING_LABELS, labels)
    rows = []
    for customer in customers:
        amounts = _buckets(customer)
        rows.append((customer, amounts, sum(amounts.values(), Decimal(0))))
    rows.sort(key=lambda r: (-r[2], (r[0].name or "").casefold(), r[0].ref or ""))

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    fmt = _formats(workbook, date_format)
    aging_name, items_name = _sheet_names(
        (texts["sheet_aging"], "Aging"), (texts["sheet_items"], "Open items")
    )
    title_block = (
        texts["title"],
        company_name,
        [(texts["report_date"], on_date), (texts["currency"], currency_name)],
    )

    # -- sheet 1: one row per customer
    table = _Table(workbook, aging_name, _AGING_COLUMNS, texts, fmt, title_block)
    first_bucket = table.col[AGING_BUCKETS[0]]
    last_bucket = table.col[AGING_BUCKETS[-1]]
    for customer, amounts, total in rows:
        row = table.add(
            {
                "customer": customer.name,
                "ref": customer.ref,
                "salesperson": customer.salesperson,
                "collector": customer.collector,
                **amounts,
                "total": total,
            }
        )
        cells = xl_range(row, first_bucket, row, last_bucket)
        table.sheet.write_formula(
            row, table.col["total"], f"=SUM({cells})", fmt["amount"], float(total)
        )
    sums = {
        bucket: sum((r[1][bucket] for r in rows), Decimal(0))
        for bucket in AGING_BUCKETS
    }
    sums["total"] = sum((r[2] for r in rows), Decimal(0))
    table.totals(sums)
    table.finish()

    # -- sheet 2: one row per open item
    items = _Table(workbook, items_name, _ITEM_COLUMNS, texts, fmt, title_block)
    residuals = []
    for customer, _amounts, _total in rows:
        for item in sorted(customer.items, key=_item_key):
            days = item.days_overdue or 0
            items.add(
                {
                    "customer": customer.name,
                    "ref": customer.ref,
                    "number": item.number,
                    "date": item.date,
                    "due_date": item.due_date,
                    "days_overdue": days,
                    "bucket": texts[aging_bucket(days)],
                    "residual": item.residual,
                }
            )
            residuals.append(item.residual)
    items.totals({"residual": _sum(residuals)})
    items.finish()

    workbook.close()
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# 2. Payment behaviour
# ---------------------------------------------------------------------------

_BEHAVIOUR_COLUMNS = (
    ("customer", "text"),
    ("ref", "text"),
    ("grade", "grade"),
    ("trend", "text"),
    ("invoices_paid", "int"),
    ("amount_paid", "amount"),
    ("avg_days_to_pay", "days"),
    ("weighted_days_late", "days"),
    ("on_time_share", "days"),
    ("promises_kept", "int"),
    ("promises_broken", "int"),
    ("amount_overdue", "amount"),
    ("explanation", "wrap"),
)
_BEHAVIOUR_SUMS = (
    "invoices_paid",
    "amount_paid",
    "promises_kept",
    "promises_broken",
    "amount_overdue",
)


def _weighted_days(rows: list[BehaviourRow]) -> Decimal | None:
    """``sum(days * amount) / sum(amount)`` over the values as written to the
    cells (days as given, amounts in cents, an empty days cell as 0); ``None``
    when the amounts sum to 0."""
    amounts = [cents(row.amount_paid) for row in rows]
    total = sum(amounts, Decimal(0))
    if not total:
        return None
    weighted = sum(
        (
            to_decimal(row.weighted_days_late) * amount
            for row, amount in zip(rows, amounts, strict=True)
        ),
        Decimal(0),
    )
    return weighted / total


def behaviour_xlsx(
    company_name: str,
    on_date: date,
    currency_name: str,
    rows: Iterable[BehaviourRow],
    labels: dict[str, str] | None = None,
    *,
    months: int = 12,
    date_format: str = DATE_FORMAT,
) -> bytes:
    """The payment behaviour report as an XLSX workbook, returned as bytes.

    One sheet, one row per :class:`BehaviourRow` in the order given.  The
    grade cell is coloured by grade: A and B green, C amber, D and E red, no
    grade (or an unknown one) uncoloured.  The trend is shown as
    ``labels["trend_<trend>"]`` when there is such a label, else as given.
    An empty average days, weighted days late or on-time share is written as
    a blank cell.  The title block shows the period (``months``).

    Totals row: ``SUM`` for the counts and amounts; for the weighted days
    late the amount-weighted average
    ``=SUMPRODUCT(days, amount paid)/SUM(amount paid)``.  A spreadsheet counts
    an empty days cell as 0 days there (its amount paid still weighs in the
    denominator), and the cached value is computed the same way.  When the
    amounts paid sum to 0 (no rows, or nothing paid) that cell is left blank
    instead of a formula that would divide by zero.

    ``labels`` maps the keys of :data:`BEHAVIOUR_LABELS` to translated texts;
    ``date_format`` is the Excel number format of the date cells.
    """
    rows = list(rows)
    texts = _texts(BEHAVIOUR_LABELS, labels)

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    fmt = _formats(workbook, date_format)
    (name,) = _sheet_names((texts["sheet"], "Payment behaviour"))
    title_block = (
        texts["title"],
        company_name,
        [
            (texts["report_date"], on_date),
            (texts["period"], int(months)),
            (texts["currency"], currency_name),
        ],
    )
    table = _Table(workbook, name, _BEHAVIOUR_COLUMNS, texts, fmt, title_block)
    for row in rows:
        values = {key: getattr(row, key) for key, _kind in _BEHAVIOUR_COLUMNS}
        values["trend"] = (
            texts.get(f"trend_{row.trend}", row.trend) if row.trend else ""
        )
        table.add(values)

    total_row = table.totals(_column_sums(_BEHAVIOUR_COLUMNS, _BEHAVIOUR_SUMS, rows))

    col = table.col["weighted_days_late"]
    weighted = _weighted_days(rows)
    if weighted is None:
        table.sheet.write_blank(total_row, col, None, fmt["total_days"])
    else:
        days = table.column_range("weighted_days_late")
        amounts = table.column_range("amount_paid")
        table.sheet.write_formula(
            total_row,
            col,
            f"=SUMPRODUCT({days},{amounts})/SUM({amounts})",
            fmt["total_days"],
            float(weighted),
        )
    table.finish(maximum=60)

    workbook.close()
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# 3. Dunning run results
# ---------------------------------------------------------------------------

_RUN_COLUMNS = (
    ("customer", "text"),
    ("ref", "text"),
    ("collector", "text"),
    ("level", "text"),
    ("state", "text"),
    ("channels", "text"),
    ("invoices", "int"),
    ("amount_overdue", "amount"),
    ("amount_asked", "amount"),
    ("costs", "amount"),
    ("interest", "amount"),
    ("error", "wrap"),
)
_RUN_SUMS = ("invoices", "amount_overdue", "amount_asked", "costs", "interest")
_LEVEL_COLUMNS = (
    ("level", "text"),
    ("lines", "int"),
    ("amount_asked", "amount"),
)


def _levels(lines: list[RunLine]) -> list[tuple[str, int, Decimal]]:
    """``(level, lines, amount asked)`` per level in order of first
    appearance.  Levels are compared ignoring case, as COUNTIF does; the
    first spelling names the row."""
    groups: dict[str, list] = {}
    for line in lines:
        level = line.level or ""
        group = groups.setdefault(level.lower(), [level, 0, Decimal(0)])
        group[1] += 1
        group[2] += cents(line.amount_asked)
    return [tuple(group) for group in groups.values()]


def dunning_run_xlsx(
    run_name: str,
    run_date: date,
    company_name: str,
    currency_name: str,
    lines: Iterable[RunLine],
    labels: dict[str, str] | None = None,
    *,
    date_format: str = DATE_FORMAT,
) -> bytes:
    """The results of a dunning run as an XLSX workbook, returned as bytes.

    Sheet "Dunning run": one row per :class:`RunLine` in the order given and
    a totals row with ``SUM`` over invoices, overdue, asked, costs and
    interest.  Sheet "Per level": one row per level (in order of first
    appearance) with the number of lines, ``=COUNTIF()`` over the first
    sheet's level column, and the amount asked, ``=SUMIF()`` over it; then a
    totals row.  The criteria match the level text exactly (wildcards
    escaped) but, like every COUNTIF, ignoring case, so levels differing only
    in case share a row.  Lines without a level are counted on a row named
    ``labels["no_level"]`` (its criterion matches the empty cells).

    ``labels`` maps the keys of :data:`DUNNING_RUN_LABELS` to translated
    texts; ``date_format`` is the Excel number format of the date cells.
    """
    lines = list(lines)
    texts = _texts(DUNNING_RUN_LABELS, labels)

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    fmt = _formats(workbook, date_format)
    lines_name, levels_name = _sheet_names(
        (texts["sheet_lines"], "Dunning run"), (texts["sheet_levels"], "Per level")
    )
    title_block = (
        texts["title"],
        company_name,
        [
            (texts["run"], run_name),
            (texts["report_date"], run_date),
            (texts["currency"], currency_name),
        ],
    )

    table = _Table(workbook, lines_name, _RUN_COLUMNS, texts, fmt, title_block)
    for line in lines:
        table.add({key: getattr(line, key) for key, _kind in _RUN_COLUMNS})
    table.totals(_column_sums(_RUN_COLUMNS, _RUN_SUMS, lines))
    table.finish(maximum=60)

    per_level = _Table(workbook, levels_name, _LEVEL_COLUMNS, texts, fmt, title_block)
    levels = _levels(lines)
    level_range = table.column_range_abs("level")
    asked_range = table.column_range_abs("amount_asked")
    for level, count, asked in levels:
        shown = level or texts["no_level"]
        row = per_level.add({"level": shown, "lines": count, "amount_asked": asked})
        criterion = _criterion(level)
        per_level.sheet.write_formula(
            row,
            per_level.col["lines"],
            f"=COUNTIF({level_range},{criterion})",
            fmt["int"],
            count,
        )
        per_level.sheet.write_formula(
            row,
            per_level.col["amount_asked"],
            f"=SUMIF({level_range},{criterion},{asked_range})",
            fmt["amount"],
            float(asked),
        )
    per_level.totals(
        {
            "lines": sum(level[1] for level in levels),
            "amount_asked": sum((level[2] for level in levels), Decimal(0)),
        }
    )
    per_level.finish()

    workbook.close()
    return buffer.getvalue()
