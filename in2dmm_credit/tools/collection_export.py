"""The hand-over file for a collection agency (incassobureau).

Pure Python, no Odoo: the caller describes every claim handed over as a
:class:`CollectionCase` (the debtor and the open invoices) and gets a CSV
file (:func:`cases_csv`, for the agency's import) or an XLSX workbook
(:func:`cases_xlsx`, for people).

Design notes
------------
* CSV: one row per invoice with the case and debtor data repeated, columns
  :data:`CSV_COLUMNS` (stable machine names, never translated), UTF-8 with
  a byte order mark (so Excel detects the encoding), ``;`` as delimiter,
  quoting by the :mod:`csv` module, ISO dates and amounts with a decimal
  point and two decimals.  The costs of a case stand on its first row only
  (``0.00`` on the others) so that a column sum is right; a case without
  invoices still gives one row (invoice columns empty).
* CSV/formula injection: a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe.  Dates and
  amounts are written by us and never touched.
* XLSX: sheet "Cases" (one row per case, totals row with ``SUM``) and sheet
  "Invoices" (one row per invoice, totals row with ``SUM``); texts are
  written with ``write_string`` into a workbook that converts no strings to
  formulas, numbers or URLs, so no escaping is needed there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from .statement import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    WORKBOOK_OPTIONS,
    cents,
    column_width,
    safe_sheet_name,
    sum_formula,
    to_decimal,
    write_day,
    write_text,
)

__all__ = [
    "CASE_COLUMNS",
    "CSV_COLUMNS",
    "DEFAULT_LABELS",
    "INVOICE_COLUMNS",
    "CaseDebtor",
    "CaseInvoice",
    "CollectionCase",
    "cases_csv",
    "cases_xlsx",
    "csv_safe",
]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass
class CaseDebtor:
    """The debtor of a case."""

    name: str
    ref: str  # our customer number
    kvk: str = ""  # KvK-nummer (Chamber of Commerce)
    vat: str = ""  # BTW-nummer
    street: str = ""
    zip: str = ""
    city: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2, e.g. "NL"
    email: str = ""
    phone: str = ""
    is_consumer: bool = False


@dataclass
class CaseInvoice:
    """One open invoice of a case."""

    number: str
    date: date | None
    due_date: date | None
    amount: Decimal  # original amount
    residual: Decimal  # open amount (the principal claimed)
    interest: Decimal = Decimal(0)  # interest accrued on this invoice
    reference: str = ""  # e.g. the customer's order reference


@dataclass
class CollectionCase:
    """One claim handed over to the collection agency."""

    reference: str  # our case reference
    creditor_name: str
    handover_date: date
    currency_name: str  # ISO 4217 code, e.g. "EUR"
    debtor: CaseDebtor
    invoices: list[CaseInvoice]
    costs: Decimal = Decimal(0)  # collection costs claimed (e.g. WIK)
    agency_name: str = ""
    note: str = ""

    @property
    def principal(self) -> Decimal:
        """Sum of the open amounts of the invoices."""
        return sum((to_decimal(inv.residual) for inv in self.invoices), Decimal(0))

    @property
    def interest(self) -> Decimal:
        """Sum of the interest of the invoices."""
        return sum((to_decimal(inv.interest) for inv in self.invoices), Decimal(0))

    @property
    def total(self) -> Decimal:
        """Principal + interest + costs."""
        return self.principal + self.interest + to_decimal(self.costs)


# ---------------------------------------------------------------------------
# Columns and labels
# ---------------------------------------------------------------------------

CSV_COLUMNS = (
    "case_reference",
    "creditor",
    "handover_date",
    "currency",
    "debtor_ref",
    "debtor_name",
    "debtor_type",
    "kvk_number",
    "vat_number",
    "street",
    "zip",
    "city",
    "country",
    "email",
    "phone",
    "invoice_number",
    "invoice_date",
    "due_date",
    "invoice_amount",
    "open_amount",
    "interest",
    "costs",
    "invoice_reference",
    "note",
)

# columns of the XLSX sheets
CASE_COLUMNS = (
    "case_reference",
    "handover_date",
    "debtor_ref",
    "debtor_name",
    "kvk_number",
    "currency",
    "principal",
    "interest",
    "costs",
    "total",
)
INVOICE_COLUMNS = (
    "case_reference",
    "debtor_name",
    "invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "invoice_amount",
    "open_amount",
    "interest",
    "invoice_reference",
)

# default (English) header texts; also the keys ``cases_xlsx`` looks up in
# its ``labels``: every column name plus the sheet names and the totals row
DEFAULT_LABELS = {
    "case_reference": "Case reference",
    "creditor": "Creditor",
    "handover_date": "Handover date",
    "currency": "Currency",
    "debtor_ref": "Customer number",
    "debtor_name": "Debtor",
    "debtor_type": "Debtor type",
    "kvk_number": "CoC number",
    "vat_number": "VAT number",
    "street": "Street",
    "zip": "Postcode",
    "city": "City",
    "country": "Country",
    "email": "Email",
    "phone": "Phone",
    "invoice_number": "Invoice",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "invoice_amount": "Invoice amount",
    "open_amount": "Open amount",
    "interest": "Interest",
    "costs": "Costs",
    "invoice_reference": "Reference",
    "note": "Note",
    "principal": "Principal",
    "total": "Total",
    "sheet_cases": "Cases",
    "sheet_invoices": "Invoices",
    "totals_row": "Total",
}

_AMOUNT_COLUMNS = frozenset(
    {"invoice_amount", "open_amount", "interest", "costs", "principal", "total"}
)
_TOTAL_PARTS = ("principal", "interest", "costs")
_DATE_COLUMNS = frozenset({"handover_date", "invoice_date", "due_date"})
_INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


_PHONE = re.compile(r"\+?[\d][\d \-().]*")


def csv_safe(text) -> str:
    """``text`` made safe against CSV/formula injection: a leading apostrophe
    when it starts with ``= + - @``, a tab or a carriage return. A phone number
    (``+31 20 123 45 67``: only digits, spaces, ``+ - ( ) .``) carries no formula
    and stays as it is, so the agency can dial it."""
    text = "" if text is None else str(text)
    if text.startswith(_INJECTION_START) and not _PHONE.fullmatch(text):
        return "'" + text
    return text


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _amount(value) -> str:
    return f"{cents(value):f}"


def _case_fields(case: CollectionCase) -> dict[str, str]:
    debtor = case.debtor
    return {
        "case_reference": csv_safe(case.reference),
        "creditor": csv_safe(case.creditor_name),
        "handover_date": _iso(case.handover_date),
        "currency": csv_safe(case.currency_name),
        "debtor_ref": csv_safe(debtor.ref),
        "debtor_name": csv_safe(debtor.name),
        "debtor_type": "consumer" if debtor.is_consumer else "business",
        "kvk_number": csv_safe(debtor.kvk),
        "vat_number": csv_safe(debtor.vat),
        "street": csv_safe(debtor.street),
        "zip": csv_safe(debtor.zip),
        "city": csv_safe(debtor.city),
        "country": csv_safe(debtor.country_code),
        "email": csv_safe(debtor.email),
        "phone": csv_safe(debtor.phone),
        "note": csv_safe(case.note),
    }


def _invoice_fields(invoice: CaseInvoice | None) -> dict[str, str]:
    if invoice is None:
        return {
            "invoice_number": "",
            "invoice_date": "",
            "due_date": "",
            "invoice_amount": "",
            "open_amount": "",
            "interest": "",
            "invoice_reference": "",
        }
    return {
        "invoice_number": csv_safe(invoice.number),
        "invoice_date": _iso(invoice.date),
        "due_date": _iso(invoice.due_date),
        "invoice_amount": _amount(invoice.amount),
        "open_amount": _amount(invoice.residual),
        "interest": _amount(invoice.interest),
        "invoice_reference": csv_safe(invoice.reference),
    }


def cases_csv(cases: Iterable[CollectionCase]) -> bytes:
    """The cases as CSV bytes (UTF-8 with BOM, ``;``, header row of
    :data:`CSV_COLUMNS`, CRLF line ends), one row per invoice.

    The costs of a case are on its first row, ``0.00`` on the others; a case
    without invoices gives one row with empty invoice columns and its costs.
    """
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out,
        fieldnames=CSV_COLUMNS,
        delimiter=";",
        quotechar='"',
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writeheader()
    for case in cases:
        common = _case_fields(case)
        for index, invoice in enumerate(case.invoices or [None]):
            row = dict(common)
            row.update(_invoice_fields(invoice))
            row["costs"] = _amount(case.costs if index == 0 else 0)
            writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def _formats(workbook, date_format):
    header = {
        "bold": True,
        "bg_color": "#D9E1F2",
        "bottom": 1,
        "text_wrap": True,
        "valign": "bottom",
    }
    return {
        "text": workbook.add_format({"valign": "top"}),
        "date": workbook.add_format(
            {"valign": "top", "num_format": date_format, "align": "left"}
        ),
        "amount": workbook.add_format({"valign": "top", "num_format": AMOUNT_FORMAT}),
        "header": workbook.add_format(header),
        "header_num": workbook.add_format(dict(header, align="right")),
        "total_label": workbook.add_format({"bold": True, "top": 1}),
        "total_blank": workbook.add_format({"top": 1}),
        "total_amount": workbook.add_format(
            {"bold": True, "top": 1, "num_format": AMOUNT_FORMAT}
        ),
    }


def _sheet_names(labels):
    cases = safe_sheet_name(labels["sheet_cases"], "Cases")
    invoices = safe_sheet_name(labels["sheet_invoices"], "Invoices")
    if invoices.casefold() == cases.casefold():  # Excel: names are unique
        invoices = safe_sheet_name(f"{invoices[:29]} 2", "Invoices")
    return cases, invoices


def _write_sheet(workbook, name, columns, rows, labels, fmt):
    """One sheet: header row, ``rows`` (dicts of column -> value: str, date
    or Decimal) and a totals row with ``SUM`` over the amount columns."""
    sheet = workbook.add_worksheet(name)
    widths = {}
    for col, key in enumerate(columns):
        text = labels[key]
        style = "header_num" if key in _AMOUNT_COLUMNS else "header"
        write_text(sheet, 0, col, text, fmt[style])
        # a header wraps, so it only needs its longest word to fit
        widths[key] = [max(text.split() or [""], key=len)]

    for index, values in enumerate(rows, start=1):
        for col, key in enumerate(columns):
            value = values.get(key)
            if key in _DATE_COLUMNS:
                write_day(sheet, index, col, value, fmt["date"])
                widths[key].append("00-00-0000")
            elif key in _AMOUNT_COLUMNS:
                amount = cents(value)
                sheet.write_number(index, col, float(amount), fmt["amount"])
                widths[key].append(f"{amount:,}")
            else:
                write_text(sheet, index, col, value, fmt["text"])
                widths[key].append(value)

    last = len(rows)
    total_row = last + 1
    for col, key in enumerate(columns):
        if key in _AMOUNT_COLUMNS:
            value = sum((cents(values.get(key)) for values in rows), Decimal(0))
            sum_formula(sheet, total_row, col, 1, last, fmt["total_amount"], value)
            widths[key].append(f"{value:,}")
        else:
            sheet.write_blank(total_row, col, None, fmt["total_blank"])
    write_text(sheet, total_row, 0, labels["totals_row"], fmt["total_label"])
    widths[columns[0]].append(labels["totals_row"])

    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(columns) - 1)
    for col, key in enumerate(columns):
        sheet.set_column(col, col, column_width(widths[key], maximum=45))
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_footer("&C&P / &N")
    return sheet


def _case_row(case: CollectionCase) -> dict:
    amounts = (case.principal, case.interest, case.costs)
    return {
        "case_reference": case.reference,
        "handover_date": case.handover_date,
        "debtor_ref": case.debtor.ref,
        "debtor_name": case.debtor.name,
        "kvk_number": case.debtor.kvk,
        "currency": case.currency_name,
        "principal": case.principal,
        "interest": case.interest,
        "costs": case.costs,
        # cached value of the row's formula: the sum of the rounded cells
        "total": sum((cents(amount) for amount in amounts), Decimal(0)),
    }


def _invoice_row(case: CollectionCase, invoice: CaseInvoice) -> dict:
    return {
        "case_reference": case.reference,
        "debtor_name": case.debtor.name,
        "invoice_number": invoice.number,
        "invoice_date": invoice.date,
        "due_date": invoice.due_date,
        "currency": case.currency_name,
        "invoice_amount": invoice.amount,
        "open_amount": invoice.residual,
        "interest": invoice.interest,
        "invoice_reference": invoice.reference,
    }


def cases_xlsx(
    cases: Iterable[CollectionCase],
    labels: dict[str, str] | None = None,
    *,
    date_format: str = DATE_FORMAT,
) -> bytes:
    """The cases as an XLSX workbook, returned as bytes.

    Sheet "Cases": one row per case (:data:`CASE_COLUMNS`; the total of a
    row is the formula principal + interest + costs) and a totals row with
    ``SUM`` formulas.  Sheet "Invoices": one row per invoice
    (:data:`INVOICE_COLUMNS`) and a totals row.  Header rows are frozen and
    have an autofilter.  ``labels`` maps column names (and ``sheet_cases``,
    ``sheet_invoices``, ``totals_row``) to translated texts; missing keys
    fall back to :data:`DEFAULT_LABELS`.  ``date_format`` is the Excel number
    format of the date cells.
    """
    cases = list(cases)
    texts = dict(DEFAULT_LABELS)
    texts.update({key: value for key, value in (labels or {}).items() if value})

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    fmt = _formats(workbook, date_format)
    cases_name, invoices_name = _sheet_names(texts)

    case_rows = [_case_row(case) for case in cases]
    sheet = _write_sheet(workbook, cases_name, CASE_COLUMNS, case_rows, texts, fmt)
    # the total of each row as a formula over its three amounts
    parts = [CASE_COLUMNS.index(key) for key in _TOTAL_PARTS]
    total_col = CASE_COLUMNS.index("total")
    for index, row in enumerate(case_rows, start=1):
        cells = "+".join(xl_rowcol_to_cell(index, col) for col in parts)
        sheet.write_formula(
            index, total_col, f"={cells}", fmt["amount"], float(row["total"])
        )

    invoice_rows = [
        _invoice_row(case, invoice) for case in cases for invoice in case.invoices
    ]
    _write_sheet(workbook, invoices_name, INVOICE_COLUMNS, invoice_rows, texts, fmt)

    workbook.close()
    return buffer.getvalue()
