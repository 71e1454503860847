"""The collection agency hand-over file: CSV and XLSX, read back."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal as D
from xml.etree import ElementTree as ET

import pytest

from in2dmm_credit.tools.collection_export import (
    CASE_COLUMNS,
    CSV_COLUMNS,
    DEFAULT_LABELS,
    INVOICE_COLUMNS,
    CaseDebtor,
    CaseInvoice,
    CollectionCase,
    cases_csv,
    cases_xlsx,
    csv_safe,
)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = date(1899, 12, 30)
HANDOVER = date(2025, 3, 1)


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def debtor(**kw):
    values = {
        "name": "Bakkerij de Vries B.V.",
        "ref": "C-0042",
        "kvk": "12345678",
        "vat": "NL123456789B01",
        "street": "Dorpsstraat 1",
        "zip": "1234 AB",
        "city": "Utrecht",
        "country_code": "NL",
        "email": "info@example.nl",
        "phone": "030 1234567",
    }
    values.update(kw)
    return CaseDebtor(**values)


def invoice(number, amount, residual, interest="0", due=date(2025, 1, 31), **kw):
    return CaseInvoice(
        number=number,
        date=date(2025, 1, 1),
        due_date=due,
        amount=D(amount),
        residual=D(residual),
        interest=D(interest),
        **kw,
    )


def case_one():
    return CollectionCase(
        reference="INC-001",
        creditor_name="In2 BV",
        handover_date=HANDOVER,
        currency_name="EUR",
        debtor=debtor(),
        invoices=[
            invoice("INV/1", "1210.00", "710.00", "12.34", reference="PO-7"),
            invoice("INV/2", "242", "242", "3.1", due=date(2025, 2, 14)),
        ],
        costs=D("118.00"),
        agency_name="Incasso XYZ",
        note="Customer disputes nothing.\nCall first.",
    )


def case_consumer_without_invoices():
    return CollectionCase(
        reference="INC-002",
        creditor_name="In2 BV",
        handover_date=HANDOVER,
        currency_name="EUR",
        debtor=CaseDebtor(name="J. Jansen", ref="C-7", is_consumer=True),
        invoices=[],
        costs=D("40"),
    )


# ---------------------------------------------------------------------------
# data model
# ---------------------------------------------------------------------------


def test_case_totals():
    case = case_one()
    assert case.principal == D("952.00")
    assert case.interest == D("15.44")
    assert case.total == D("1085.44")
    empty = case_consumer_without_invoices()
    assert (empty.principal, empty.interest, empty.total) == (D(0), D(0), D(40))


def test_defaults():
    inv = CaseInvoice("X", None, None, D(1), D(1))
    assert inv.interest == 0 and inv.reference == ""
    deb = CaseDebtor("n", "r")
    assert deb.is_consumer is False and deb.kvk == ""
    case = CollectionCase("R", "C", HANDOVER, "EUR", deb, [inv])
    assert case.costs == 0 and case.total == D(1)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def read_csv(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    text = data[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body]


def test_csv_header_and_values():
    header, rows = read_csv(cases_csv([case_one()]))
    assert tuple(header) == CSV_COLUMNS
    assert len(rows) == 2
    first, second = rows
    assert first["case_reference"] == "INC-001"
    assert first["creditor"] == "In2 BV"
    assert first["handover_date"] == "2025-03-01"
    assert first["currency"] == "EUR"
    assert first["debtor_ref"] == "C-0042"
    assert first["debtor_name"] == "Bakkerij de Vries B.V."
    assert first["debtor_type"] == "business"
    assert first["kvk_number"] == "12345678"
    assert first["vat_number"] == "NL123456789B01"
    assert (first["street"], first["zip"], first["city"], first["country"]) == (
        "Dorpsstraat 1",
        "1234 AB",
        "Utrecht",
        "NL",
    )
    assert first["email"] == "info@example.nl"
    assert first["phone"] == "030 1234567"
    assert first["invoice_number"] == "INV/1"
    assert first["invoice_date"] == "2025-01-01"
    assert first["due_date"] == "2025-01-31"
    assert first["invoice_amount"] == "1210.00"
    assert first["open_amount"] == "710.00"
    assert first["interest"] == "12.34"
    assert first["invoice_reference"] == "PO-7"
    assert first["note"] == "Customer disputes nothing.\nCall first."
    # the case data is repeated on every row, the invoice data is its own
    assert second["case_reference"] == "INC-001"
    assert second["debtor_name"] == "Bakkerij de Vries B.V."
    assert second["invoice_number"] == "INV/2"
    assert second["due_date"] == "2025-02-14"
    assert second["invoice_amount"] == "242.00"
    assert second["interest"] == "3.10"
    assert second["invoice_reference"] == ""


def test_csv_costs_only_on_first_row_of_a_case():
    _header, rows = read_csv(cases_csv([case_one(), case_one()]))
    assert [row["costs"] for row in rows] == ["118.00", "0.00", "118.00", "0.00"]
    total = sum(D(row["costs"]) for row in rows)
    assert total == 2 * case_one().costs


def test_csv_column_sums_match_case_totals():
    cases = [case_one(), case_consumer_without_invoices()]
    _header, rows = read_csv(cases_csv(cases))

    def column(name):
        return sum((D(row[name]) for row in rows if row[name]), D(0))

    total = column("open_amount") + column("interest") + column("costs")
    assert total == sum(case.total for case in cases)


def test_csv_case_without_invoices_gives_one_row():
    _header, rows = read_csv(cases_csv([case_consumer_without_invoices(), case_one()]))
    assert len(rows) == 3
    row = rows[0]
    assert row["case_reference"] == "INC-002"
    assert row["debtor_type"] == "consumer"
    assert row["costs"] == "40.00"
    for name in (
        "invoice_number",
        "invoice_date",
        "due_date",
        "invoice_amount",
        "open_amount",
        "interest",
        "invoice_reference",
    ):
        assert row[name] == "", name
    assert rows[1]["case_reference"] == "INC-001"


def test_csv_no_cases_is_only_the_header():
    data = cases_csv([])
    assert data == ("\ufeff" + ";".join(CSV_COLUMNS) + "\r\n").encode("utf-8")


def test_csv_quoting_survives_delimiter_quotes_and_newlines():
    name = 'Jansen; "De Vries" & Zn\nafd. Noord'
    case = case_one()
    case.debtor.name = name
    case.debtor.street = "Kerkstraat 1;2"
    data = cases_csv([case])
    raw = data.decode("utf-8-sig")
    # csv quoting: the field in double quotes, inner quotes doubled
    assert '"Jansen; ""De Vries"" & Zn\nafd. Noord"' in raw
    assert '"Kerkstraat 1;2"' in raw
    _header, rows = read_csv(data)
    assert len(rows) == 2
    assert rows[0]["debtor_name"] == name
    assert rows[1]["street"] == "Kerkstraat 1;2"


def test_csv_utf8():
    case = case_one()
    case.debtor.name = "Café Ærø – Łódź €"
    _header, rows = read_csv(cases_csv([case]))
    assert rows[0]["debtor_name"] == "Café Ærø – Łódź €"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 20 1234567", "+31 20 1234567"),  # a phone number stays dialable
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Jansen", "Jansen"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_csv_injection_guard_on_text_but_not_numbers():
    case = case_one()
    case.debtor.name = "=cmd|' /C calc'!A0"
    case.debtor.phone = "+31 30 1234567"
    case.debtor.email = "@evil"
    case.reference = "-INC"
    case.note = "\tnote"
    case.invoices[0].number = "=1+1"
    case.invoices[0].reference = "+ref"
    # a credit note: negative amounts stay numbers
    case.invoices[1] = invoice("CN/1", "-50", "-50", "-0.5")
    _header, rows = read_csv(cases_csv([case]))
    first, second = rows
    assert first["debtor_name"] == "'=cmd|' /C calc'!A0"
    assert first["phone"] == "+31 30 1234567"
    assert first["email"] == "'@evil"
    assert first["case_reference"] == "'-INC"
    assert first["note"] == "'\tnote"
    assert first["invoice_number"] == "'=1+1"
    assert first["invoice_reference"] == "'+ref"
    assert second["invoice_amount"] == "-50.00"
    assert second["open_amount"] == "-50.00"
    assert second["interest"] == "-0.50"
    assert second["handover_date"] == "2025-03-01"


def test_csv_amounts_rounded_half_up_with_decimal_point():
    case = case_one()
    case.invoices = [invoice("X", "1234567.005", "0.125", "2.675")]
    case.costs = 7
    _header, rows = read_csv(cases_csv([case]))
    row = rows[0]
    assert row["invoice_amount"] == "1234567.01"  # no thousands separator
    assert row["open_amount"] == "0.13"
    assert row["interest"] == "2.68"
    assert row["costs"] == "7.00"


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


class Book:
    """The sheets of a workbook: name -> {ref: cell}, plus strings/styles."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            workbook = ET.fromstring(zf.read("xl/workbook.xml"))
            strings = ET.fromstring(zf.read("xl/sharedStrings.xml"))
            styles = ET.fromstring(zf.read("xl/styles.xml"))
            self.names = [
                s.get("name") for s in workbook.findall("m:sheets/m:sheet", NS)
            ]
            self.roots = {
                name: ET.fromstring(zf.read(f"xl/worksheets/sheet{i}.xml"))
                for i, name in enumerate(self.names, start=1)
            }
        self.strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in strings.findall("m:si", NS)
        ]
        codes = {
            n.get("numFmtId"): n.get("formatCode")
            for n in styles.findall("m:numFmts/m:numFmt", NS)
        }
        self.formats = [
            codes.get(xf.get("numFmtId"), xf.get("numFmtId"))
            for xf in styles.findall("m:cellXfs/m:xf", NS)
        ]
        self.cells = {}
        for name, root in self.roots.items():
            cells = self.cells[name] = {}
            for c in root.iter(f"{{{NS['m']}}}c"):
                v, f = c.find("m:v", NS), c.find("m:f", NS)
                cells[c.get("r")] = {
                    "type": c.get("t"),
                    "style": int(c.get("s", "0")),
                    "v": None if v is None else v.text,
                    "f": None if f is None else f.text,
                }

    def cell(self, sheet, ref):
        return self.cells[sheet].get(ref, {"type": None, "style": 0, "v": None})

    def text(self, sheet, ref):
        c = self.cell(sheet, ref)
        assert c["type"] == "s", f"{sheet}!{ref} is not a string: {c}"
        return self.strings[int(c["v"])]

    def number(self, sheet, ref):
        c = self.cell(sheet, ref)
        assert c["type"] is None and c["v"] is not None, f"{sheet}!{ref}: {c}"
        return float(c["v"])

    def fmt(self, sheet, ref):
        return self.formats[self.cell(sheet, ref)["style"]]

    def date(self, sheet, ref):
        value = self.number(sheet, ref)
        fmt = self.fmt(sheet, ref)
        assert "yy" in fmt and "dd" in fmt, f"{sheet}!{ref} format {fmt}"
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(value))

    def row_texts(self, sheet, row, count):
        return [self.text(sheet, f"{chr(65 + i)}{row}") for i in range(count)]

    def find(self, sheet, path):
        return self.roots[sheet].find(path, NS)


def col(columns, name):
    return chr(65 + columns.index(name))


def test_xlsx_sheets_and_default_headers():
    book = Book(cases_xlsx([case_one(), case_consumer_without_invoices()]))
    assert book.names == ["Cases", "Invoices"]
    assert book.row_texts("Cases", 1, len(CASE_COLUMNS)) == [
        DEFAULT_LABELS[name] for name in CASE_COLUMNS
    ]
    assert book.row_texts("Invoices", 1, len(INVOICE_COLUMNS)) == [
        DEFAULT_LABELS[name] for name in INVOICE_COLUMNS
    ]
    assert DEFAULT_LABELS["debtor_name"] == "Debtor"
    assert set(CSV_COLUMNS) <= set(DEFAULT_LABELS)


def test_xlsx_headers_from_labels():
    labels = {
        "case_reference": "Dossier",
        "debtor_name": "Debiteur",
        "principal": "Hoofdsom",
        "invoice_number": "Factuur",
        "totals_row": "Totaal",
        "sheet_cases": "Dossiers",
        "sheet_invoices": "Facturen",
    }
    book = Book(cases_xlsx([case_one()], labels))
    assert book.names == ["Dossiers", "Facturen"]
    cases = book.row_texts("Dossiers", 1, len(CASE_COLUMNS))
    assert cases[0] == "Dossier"
    assert cases[CASE_COLUMNS.index("debtor_name")] == "Debiteur"
    assert cases[CASE_COLUMNS.index("principal")] == "Hoofdsom"
    assert cases[CASE_COLUMNS.index("interest")] == "Interest"  # default
    invoices = book.row_texts("Facturen", 1, len(INVOICE_COLUMNS))
    assert invoices[INVOICE_COLUMNS.index("invoice_number")] == "Factuur"
    assert book.text("Dossiers", "A3") == "Totaal"


def test_xlsx_cases_rows_and_totals():
    book = Book(cases_xlsx([case_one(), case_consumer_without_invoices()]))
    s = "Cases"
    assert book.text(s, "A2") == "INC-001"
    assert book.date(s, f"{col(CASE_COLUMNS, 'handover_date')}2") == HANDOVER
    assert book.text(s, f"{col(CASE_COLUMNS, 'debtor_name')}2") == (
        "Bakkerij de Vries B.V."
    )
    assert book.text(s, f"{col(CASE_COLUMNS, 'kvk_number')}2") == "12345678"
    assert book.cell(s, f"{col(CASE_COLUMNS, 'kvk_number')}3")["v"] is None
    expected = {
        "principal": (952.0, 0.0, 952.0),
        "interest": (15.44, 0.0, 15.44),
        "costs": (118.0, 40.0, 158.0),
    }
    for name, (one, two, total) in expected.items():
        c = col(CASE_COLUMNS, name)
        assert book.number(s, f"{c}2") == one
        assert book.number(s, f"{c}3") == two
        assert book.fmt(s, f"{c}2") == "#,##0.00"
        cell = book.cell(s, f"{c}4")
        assert cell["f"] == f"SUM({c}2:{c}3)"
        assert float(cell["v"]) == total
    # the total of a row is principal + interest + costs
    t, p, i, k = (
        col(CASE_COLUMNS, n) for n in ("total", "principal", "interest", "costs")
    )
    assert book.cell(s, f"{t}2")["f"] == f"{p}2+{i}2+{k}2"
    assert float(book.cell(s, f"{t}2")["v"]) == 1085.44
    assert float(book.cell(s, f"{t}3")["v"]) == 40.0
    assert book.cell(s, f"{t}4")["f"] == f"SUM({t}2:{t}3)"
    assert float(book.cell(s, f"{t}4")["v"]) == 1125.44


def test_xlsx_invoices_rows_and_totals():
    book = Book(cases_xlsx([case_one(), case_consumer_without_invoices()]))
    s = "Invoices"
    assert book.text(s, "A2") == "INC-001"
    assert book.text(s, f"{col(INVOICE_COLUMNS, 'invoice_number')}2") == "INV/1"
    assert book.text(s, f"{col(INVOICE_COLUMNS, 'invoice_number')}3") == "INV/2"
    assert book.date(s, f"{col(INVOICE_COLUMNS, 'invoice_date')}2") == date(2025, 1, 1)
    assert book.date(s, f"{col(INVOICE_COLUMNS, 'due_date')}3") == date(2025, 2, 14)
    ref = col(INVOICE_COLUMNS, "invoice_reference")
    assert book.text(s, f"{ref}2") == "PO-7"
    # the case without invoices has no invoice row: totals row is row 4
    assert book.cell(s, "A5")["v"] is None
    assert book.text(s, "A4") == "Total"
    for name, total in (
        ("invoice_amount", 1452.0),
        ("open_amount", 952.0),
        ("interest", 15.44),
    ):
        c = col(INVOICE_COLUMNS, name)
        assert book.cell(s, f"{c}4")["f"] == f"SUM({c}2:{c}3)"
        assert float(book.cell(s, f"{c}4")["v"]) == total


@pytest.mark.parametrize("sheet", ["Cases", "Invoices"])
def test_xlsx_frozen_header_autofilter_widths(sheet):
    book = Book(cases_xlsx([case_one()]))
    pane = book.find(sheet, "m:sheetViews/m:sheetView/m:pane")
    assert pane is not None and pane.get("state") == "frozen"
    assert pane.get("ySplit") == "1" and pane.get("topLeftCell") == "A2"
    columns = CASE_COLUMNS if sheet == "Cases" else INVOICE_COLUMNS
    last_row = 2 if sheet == "Cases" else 3
    last_col = chr(64 + len(columns))
    assert book.find(sheet, "m:autoFilter").get("ref") == f"A1:{last_col}{last_row}"
    widths = book.roots[sheet].findall("m:cols/m:col", NS)
    assert widths and all(w.get("customWidth") == "1" for w in widths)


def test_xlsx_text_stays_text():
    case = case_one()
    case.debtor.name = '=HYPERLINK("http://evil","x")'
    case.debtor.kvk = "01234567"
    case.invoices[0].reference = "https://example.com/po/7"
    case.invoices[1].number = "+123"
    data = cases_xlsx([case])
    book = Book(data)
    name_col = col(CASE_COLUMNS, "debtor_name")
    assert book.text("Cases", f"{name_col}2") == case.debtor.name  # no apostrophe
    assert book.cell("Cases", f"{name_col}2")["f"] is None
    assert book.text("Cases", f"{col(CASE_COLUMNS, 'kvk_number')}2") == "01234567"
    ref = col(INVOICE_COLUMNS, "invoice_reference")
    assert book.text("Invoices", f"{ref}2") == "https://example.com/po/7"
    number = col(INVOICE_COLUMNS, "invoice_number")
    assert book.text("Invoices", f"{number}3") == "+123"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert not [n for n in zf.namelist() if n.endswith("sheet1.xml.rels")]


def test_xlsx_sheet_names_sanitised_and_unique():
    labels = {
        "sheet_cases": "Dossiers [2025]/Q1: *alle* dossiers?",
        "sheet_invoices": "",
    }
    book = Book(cases_xlsx([case_one()], labels))
    assert book.names == ["Dossiers 2025 Q1 alle dossiers", "Invoices"]
    book = Book(cases_xlsx([case_one()], {"sheet_cases": "X", "sheet_invoices": "x"}))
    assert book.names == ["X", "x 2"]


def test_xlsx_without_cases():
    book = Book(cases_xlsx([]))
    assert book.names == ["Cases", "Invoices"]
    assert book.text("Cases", "A2") == "Total"
    c = col(CASE_COLUMNS, "principal")
    assert book.cell("Cases", f"{c}2")["f"] is None
    assert book.number("Cases", f"{c}2") == 0


def test_xlsx_accepts_a_generator():
    book = Book(cases_xlsx(case for case in [case_one()]))
    assert book.text("Invoices", "A3") == "INC-001"


def test_phone_numbers_are_not_escaped_but_formulas_are():
    assert csv_safe("+31 20 123 45 67") == "+31 20 123 45 67"
    assert csv_safe("+31 (0)20-1234567") == "+31 (0)20-1234567"
    assert csv_safe("+SUM(A1:A2)") == "'+SUM(A1:A2)"
    assert csv_safe("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert csv_safe("=1+1") == "'=1+1"
