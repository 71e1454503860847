"""Aging, payment behaviour and dunning run workbooks, read back from the XML."""

import io
import zipfile
from datetime import date
from decimal import Decimal as D
from xml.etree import ElementTree as ET

import pytest

from in2dmm_credit.tools.reports_xlsx import (
    AGING_LABELS,
    BEHAVIOUR_LABELS,
    DEFAULT_LABELS,
    DUNNING_RUN_LABELS,
    AgingCustomer,
    AgingItem,
    BehaviourRow,
    RunLine,
    aging_xlsx,
    behaviour_xlsx,
    dunning_run_xlsx,
)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
M = "{%s}" % NS["m"]
EXCEL_EPOCH = date(1899, 12, 30)
BUILTIN_FORMATS = {"0": "General", "1": "0", "2": "0.00", "4": "#,##0.00"}
TODAY = date(2025, 3, 1)


# ---------------------------------------------------------------------------
# reading a workbook back
# ---------------------------------------------------------------------------


class Book:
    """The sheets of an XLSX file, by name, plus its shared strings and styles."""

    def __init__(self, data: bytes):
        assert data[:2] == b"PK"
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.testzip() is None
            self.names = zf.namelist()
            workbook = ET.fromstring(zf.read("xl/workbook.xml"))
            styles = ET.fromstring(zf.read("xl/styles.xml"))
            strings = (
                ET.fromstring(zf.read("xl/sharedStrings.xml"))
                if "xl/sharedStrings.xml" in self.names
                else None
            )
            self.sheet_names = [
                s.get("name") for s in workbook.findall("m:sheets/m:sheet", NS)
            ]
            roots = [
                ET.fromstring(zf.read(f"xl/worksheets/sheet{i}.xml"))
                for i in range(1, len(self.sheet_names) + 1)
            ]
        self.strings = (
            []
            if strings is None
            else [
                "".join(t.text or "" for t in si.iter(f"{M}t"))
                for si in strings.findall("m:si", NS)
            ]
        )
        self.styles = styles
        self.xfs = styles.findall("m:cellXfs/m:xf", NS)
        codes = dict(BUILTIN_FORMATS)
        codes |= {
            n.get("numFmtId"): n.get("formatCode")
            for n in styles.findall("m:numFmts/m:numFmt", NS)
        }
        self.num_formats = [
            codes.get(x.get("numFmtId"), x.get("numFmtId")) for x in self.xfs
        ]
        self.sheets = {
            name: Sheet(self, root)
            for name, root in zip(self.sheet_names, roots, strict=True)
        }

    def __getitem__(self, name):
        return self.sheets[name]

    def fill_colour(self, style):
        fill = self.styles.findall("m:fills/m:fill", NS)[
            int(self.xfs[style].get("fillId"))
        ]
        pattern = fill.find("m:patternFill", NS)
        if pattern is None or pattern.get("patternType") != "solid":
            return None
        return pattern.find("m:fgColor", NS).get("rgb")

    def is_bold(self, style):
        font = self.styles.findall("m:fonts/m:font", NS)[
            int(self.xfs[style].get("fontId"))
        ]
        return font.find("m:b", NS) is not None


class Sheet:
    def __init__(self, book, root):
        self.book = book
        self.root = root
        self.cells = {}
        for c in root.iter(f"{M}c"):
            v, f = c.find("m:v", NS), c.find("m:f", NS)
            self.cells[c.get("r")] = {
                "type": c.get("t"),
                "style": int(c.get("s", "0")),
                "v": None if v is None else v.text,
                "f": None if f is None else f.text,
            }

    def cell(self, ref):
        return self.cells.get(ref, {"type": None, "style": 0, "v": None, "f": None})

    def text(self, ref):
        c = self.cell(ref)
        if c["type"] == "s":
            return self.book.strings[int(c["v"])]
        assert c["v"] is None, f"{ref} is not a text cell: {c}"
        return None

    def number(self, ref):
        c = self.cell(ref)
        assert c["type"] is None and c["v"] is not None, f"{ref}: {c}"
        return float(c["v"])

    def formula(self, ref):
        """(formula, cached value) of a formula cell."""
        c = self.cell(ref)
        assert c["f"] is not None, f"{ref} is not a formula: {c}"
        return c["f"], float(c["v"])

    def is_blank(self, ref):
        c = self.cell(ref)
        return c["v"] is None and c["f"] is None

    def num_format(self, ref):
        return self.book.num_formats[self.cell(ref)["style"]]

    def style(self, ref):
        return self.cell(ref)["style"]

    def date(self, ref):
        fmt = self.num_format(ref)
        assert "yy" in fmt and "dd" in fmt, f"{ref} has no date format: {fmt}"
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(self.number(ref)))

    def row_texts(self, row, cols):
        return [self.text(f"{col}{row}") for col in cols]

    def pane(self):
        return self.root.find("m:sheetViews/m:sheetView/m:pane", NS)

    def autofilter(self):
        node = self.root.find("m:autoFilter", NS)
        return None if node is None else node.get("ref")

    def widths(self):
        covered = {}
        for col in self.root.findall("m:cols/m:col", NS):
            for index in range(int(col.get("min")), int(col.get("max")) + 1):
                covered[index] = float(col.get("width"))
        return covered


def assert_frozen_under(sheet, header_row):
    pane = sheet.pane()
    assert pane is not None and pane.get("state") == "frozen"
    assert pane.get("ySplit") == str(header_row)
    assert pane.get("xSplit") is None
    assert pane.get("topLeftCell") == f"A{header_row + 1}"


def assert_header_style(book, sheet, ref):
    style = sheet.style(ref)
    assert book.is_bold(style)
    assert book.fill_colour(style) is not None


# ---------------------------------------------------------------------------
# 1. aging
# ---------------------------------------------------------------------------

AGING_HEADER = 6  # title, company, date, currency, blank row
AGING_FIRST = AGING_HEADER + 1
AGING_COLS = "ABCDEFGHIJ"
BUCKET_COLS = "EFGHI"  # not_due, 1_30, 31_60, 61_90, 90_plus
ITEM_COLS = "ABCDEFGH"


def item(number, days, amount, due=None, day=None):
    return AgingItem(
        number=number, date=day, due_date=due, days_overdue=days, residual=D(amount)
    )


def boundary_customer():
    # one power of two per item, so every bucket's sum names its items
    days = (0, 1, 30, 31, 60, 61, 90, 91, -5)
    items = [item(f"INV/{d}", d, str(2**i)) for i, d in enumerate(days)]
    return AgingCustomer("Bakkerij de Vries", "C-1", items, "Sam Sales", "Cora Coll")


def aging_customers():
    return [
        AgingCustomer(
            "Small BV",
            "C-2",
            [item("S/1", 10, "5.00", due=date(2025, 2, 19))],
        ),
        AgingCustomer(
            "Big BV",
            "C-3",
            [
                item("B/2", -3, "100.50", due=date(2025, 3, 4), day=date(2025, 2, 2)),
                item("B/1", 95, "1000", due=date(2024, 11, 26), day=date(2024, 10, 27)),
                item("B/3", 45, "-20.25", due=date(2025, 1, 15)),
            ],
            salesperson="Sam",
        ),
        AgingCustomer(
            "Middle BV",
            "C-4",
            [item("M/1", 70, "300", due=date(2024, 12, 21))],
            collector="Cora",
        ),
    ]


def test_default_labels_cover_every_report():
    assert DEFAULT_LABELS == {
        "aging": AGING_LABELS,
        "behaviour": BEHAVIOUR_LABELS,
        "dunning_run": DUNNING_RUN_LABELS,
    }
    for labels in DEFAULT_LABELS.values():
        assert all(isinstance(v, str) and v for v in labels.values())


def test_aging_bucket_boundaries():
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", [boundary_customer()]))
    sheet = book["Aging"]
    r = AGING_FIRST
    # amounts 2**i for days 0, 1, 30, 31, 60, 61, 90, 91, -5
    expected = {
        "E": 1 + 256,  # 0 and -5: not yet due
        "F": 2 + 4,  # 1 and 30
        "G": 8 + 16,  # 31 and 60
        "H": 32 + 64,  # 61 and 90
        "I": 128,  # 91
    }
    for col, value in expected.items():
        assert sheet.number(f"{col}{r}") == value
        assert sheet.num_format(f"{col}{r}") == "#,##0.00"
    assert sheet.row_texts(r, "ABCD") == [
        "Bakkerij de Vries",
        "C-1",
        "Sam Sales",
        "Cora Coll",
    ]

    items = book["Open items"]
    buckets = {
        items.text(f"C{row}"): items.text(f"G{row}")
        for row in range(AGING_FIRST, AGING_FIRST + 9)
    }
    assert buckets == {
        "INV/0": "Not yet due",
        "INV/-5": "Not yet due",
        "INV/1": "1-30 days",
        "INV/30": "1-30 days",
        "INV/31": "31-60 days",
        "INV/60": "31-60 days",
        "INV/61": "61-90 days",
        "INV/90": "61-90 days",
        "INV/91": "Over 90 days",
    }


def test_aging_row_total_is_a_sum_over_the_buckets():
    sheet = Book(aging_xlsx("In2 BV", TODAY, "EUR", [boundary_customer()]))["Aging"]
    r = AGING_FIRST
    formula, cached = sheet.formula(f"J{r}")
    assert formula == f"SUM(E{r}:I{r})"
    assert cached == 2**9 - 1
    assert sheet.num_format(f"J{r}") == "#,##0.00"


def test_aging_customers_sorted_by_total_descending():
    sheet = Book(aging_xlsx("In2 BV", TODAY, "EUR", aging_customers()))["Aging"]
    rows = range(AGING_FIRST, AGING_FIRST + 3)
    assert [sheet.text(f"A{r}") for r in rows] == ["Big BV", "Middle BV", "Small BV"]
    assert [sheet.formula(f"J{r}")[1] for r in rows] == [1080.25, 300.0, 5.0]
    # Big BV: 100.50 not due, -20.25 in 31-60, 1000 over 90
    big = [sheet.number(f"{col}{AGING_FIRST}") for col in BUCKET_COLS]
    assert big == [100.5, 0.0, -20.25, 0.0, 1000.0]


def test_aging_sort_ties_by_name():
    customers = [
        AgingCustomer("b", "2", [item("X", 1, "10")]),
        AgingCustomer("A", "1", [item("Y", 1, "10")]),
        AgingCustomer("nothing open", "3", []),
    ]
    sheet = Book(aging_xlsx("In2 BV", TODAY, "EUR", customers))["Aging"]
    names = [sheet.text(f"A{r}") for r in range(AGING_FIRST, AGING_FIRST + 3)]
    assert names == ["A", "b", "nothing open"]
    assert sheet.formula(f"J{AGING_FIRST + 2}") == (
        f"SUM(E{AGING_FIRST + 2}:I{AGING_FIRST + 2})",
        0.0,
    )


def test_aging_totals_row():
    sheet = Book(aging_xlsx("In2 BV", TODAY, "EUR", aging_customers()))["Aging"]
    last = AGING_FIRST + 2
    total = last + 1
    assert sheet.text(f"A{total}") == "Total"
    expected = {"E": 100.5, "F": 5.0, "G": -20.25, "H": 300.0, "I": 1000.0}
    expected["J"] = 1385.25
    for col, value in expected.items():
        assert sheet.formula(f"{col}{total}") == (
            f"SUM({col}{AGING_FIRST}:{col}{last})",
            value,
        )
        assert sheet.num_format(f"{col}{total}") == "#,##0.00"
    for col in "BCD":
        assert sheet.is_blank(f"{col}{total}")


def test_aging_cached_totals_match_the_rounded_cells():
    customer = AgingCustomer(
        "Rounding", "R", [item("A", 5, "10.005"), item("B", 6, "10.005")]
    )
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", [customer]))
    sheet = book["Aging"]
    assert sheet.number(f"F{AGING_FIRST}") == 20.02  # 10.01 + 10.01
    assert sheet.formula(f"J{AGING_FIRST}")[1] == 20.02
    items = book["Open items"]
    assert items.number(f"H{AGING_FIRST}") == 10.01
    assert items.formula(f"H{AGING_FIRST + 2}")[1] == 20.02


def test_aging_open_items_sheet():
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", aging_customers()))
    assert book.sheet_names == ["Aging", "Open items"]
    sheet = book["Open items"]
    assert sheet.row_texts(AGING_HEADER, ITEM_COLS) == [
        "Customer",
        "Customer number",
        "Document",
        "Document date",
        "Due date",
        "Days overdue",
        "Period",
        "Open amount",
    ]
    r = AGING_FIRST
    # customers in report order, items by due date
    assert [sheet.text(f"C{row}") for row in range(r, r + 5)] == [
        "B/1",
        "B/3",
        "B/2",
        "M/1",
        "S/1",
    ]
    assert sheet.row_texts(r, "ABC") == ["Big BV", "C-3", "B/1"]
    assert sheet.date(f"D{r}") == date(2024, 10, 27)
    assert sheet.date(f"E{r}") == date(2024, 11, 26)
    assert sheet.number(f"F{r}") == 95
    assert sheet.text(f"G{r}") == "Over 90 days"
    assert sheet.number(f"H{r}") == 1000.0
    assert sheet.num_format(f"H{r}") == "#,##0.00"
    # B/3 has no document date: blank date cell
    assert sheet.is_blank(f"D{r + 1}")
    assert sheet.date(f"E{r + 1}") == date(2025, 1, 15)
    # B/2 not yet due: negative days as given
    assert sheet.number(f"F{r + 2}") == -3
    assert sheet.text(f"G{r + 2}") == "Not yet due"
    total = r + 5
    assert sheet.text(f"A{total}") == "Total"
    assert sheet.formula(f"H{total}") == (f"SUM(H{r}:H{r + 4})", 1385.25)
    assert sheet.autofilter() == f"A{AGING_HEADER}:H{r + 4}"


def test_aging_title_block_headers_and_layout():
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", aging_customers()))
    for name in ("Aging", "Open items"):
        sheet = book[name]
        assert sheet.text("A1") == "Aging report"
        assert sheet.text("A2") == "In2 BV"
        assert sheet.text("A3") == "Date"
        assert sheet.date("B3") == TODAY
        assert (sheet.text("A4"), sheet.text("B4")) == ("Currency", "EUR")
        assert_frozen_under(sheet, AGING_HEADER)
        assert_header_style(book, sheet, f"A{AGING_HEADER}")
        assert all(width >= 8 for width in sheet.widths().values())
    sheet = book["Aging"]
    assert sheet.row_texts(AGING_HEADER, AGING_COLS) == [
        "Customer",
        "Customer number",
        "Salesperson",
        "Collector",
        "Not yet due",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "Over 90 days",
        "Total",
    ]
    assert sheet.autofilter() == f"A{AGING_HEADER}:J{AGING_FIRST + 2}"
    assert set(sheet.widths()) == set(range(1, 11))


def test_aging_labels_translate_headers_sheets_and_buckets():
    labels = {
        "title": "Ouderdomsanalyse",
        "report_date": "Datum",
        "sheet_aging": "Ouderdom",
        "sheet_items": "Openstaande posten",
        "customer": "Klant",
        "not_due": "Niet vervallen",
        "90_plus": "Meer dan 90 dagen",
        "totals_row": "Totaal",
        "ref": "",  # empty: falls back to the default
        "unknown_key": "ignored",
    }
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", aging_customers(), labels))
    assert book.sheet_names == ["Ouderdom", "Openstaande posten"]
    sheet = book["Ouderdom"]
    assert sheet.text("A1") == "Ouderdomsanalyse"
    assert sheet.text("A3") == "Datum"
    assert sheet.row_texts(AGING_HEADER, "ABEI") == [
        "Klant",
        "Customer number",
        "Niet vervallen",
        "Meer dan 90 dagen",
    ]
    assert sheet.text(f"A{AGING_FIRST + 3}") == "Totaal"
    items = book["Openstaande posten"]
    assert items.text(f"G{AGING_FIRST}") == "Meer dan 90 dagen"
    assert items.text(f"G{AGING_FIRST + 2}") == "Niet vervallen"


def test_aging_same_sheet_names_made_unique_and_valid():
    labels = {"sheet_aging": "Posten: 2025", "sheet_items": "posten  2025"}
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", [], labels))
    assert book.sheet_names == ["Posten 2025", "posten 2025 2"]


def test_aging_without_customers():
    book = Book(aging_xlsx("In2 BV", TODAY, "EUR", []))
    assert book.sheet_names == ["Aging", "Open items"]
    sheet = book["Aging"]
    assert sheet.text(f"A{AGING_HEADER}") == "Customer"
    assert sheet.text(f"A{AGING_FIRST}") == "Total"
    for col in "EFGHIJ":
        assert sheet.cell(f"{col}{AGING_FIRST}")["f"] is None
        assert sheet.number(f"{col}{AGING_FIRST}") == 0
    assert_frozen_under(sheet, AGING_HEADER)
    items = book["Open items"]
    assert items.text(f"A{AGING_FIRST}") == "Total"
    assert items.number(f"H{AGING_FIRST}") == 0
    assert_frozen_under(items, AGING_HEADER)


def test_aging_text_is_never_a_formula():
    customer = AgingCustomer('=HYPERLINK("x")', "00123", [item("=1+1", 3, "1")])
    book = Book(aging_xlsx("=cmd", TODAY, "EUR", [customer]))
    sheet = book["Aging"]
    assert sheet.text(f"A{AGING_FIRST}") == '=HYPERLINK("x")'
    assert sheet.cell(f"A{AGING_FIRST}")["f"] is None
    assert sheet.text(f"B{AGING_FIRST}") == "00123"
    assert sheet.text("A2") == "=cmd"
    assert book["Open items"].text(f"C{AGING_FIRST}") == "=1+1"


# ---------------------------------------------------------------------------
# 2. payment behaviour
# ---------------------------------------------------------------------------

BEH_HEADER = 7  # title, company, date, period, currency, blank row
BEH_FIRST = BEH_HEADER + 1
BEH_COLS = "ABCDEFGHIJKLM"


def behaviour_row(customer, grade, **kw):
    values = {
        "customer": customer,
        "ref": f"R-{customer}",
        "grade": grade,
        "trend": "stable",
        "explanation": f"explanation of {customer}",
        "invoices_paid": 0,
        "amount_paid": D(0),
        "avg_days_to_pay": None,
        "weighted_days_late": None,
        "on_time_share": None,
        "promises_kept": 0,
        "promises_broken": 0,
        "amount_overdue": D(0),
    }
    values.update(kw)
    return BehaviourRow(**values)


def behaviour_rows():
    return [
        behaviour_row(
            "Alpha",
            "A",
            trend="better",
            invoices_paid=4,
            amount_paid=D("1000.00"),
            avg_days_to_pay=D("28.5"),
            weighted_days_late=D("2.0"),
            on_time_share=D("75.0"),
            promises_kept=1,
            amount_overdue=D("10.00"),
        ),
        behaviour_row(
            "Beta",
            "B",
            invoices_paid=1,
            amount_paid=D("500.00"),
            avg_days_to_pay=D("40"),
            weighted_days_late=D("8.5"),
            on_time_share=D("0"),
        ),
        behaviour_row("Gamma", "C", trend="worse", weighted_days_late=D("20")),
        behaviour_row(
            "Delta",
            "D",
            invoices_paid=2,
            amount_paid=D("250.00"),
            avg_days_to_pay=D("60"),
            weighted_days_late=None,  # counts as 0 days in the average
            on_time_share=D("50"),
            promises_broken=3,
            amount_overdue=D("99.99"),
        ),
        behaviour_row("Epsilon", "E", promises_kept=2, promises_broken=2),
        behaviour_row("Zeta", "", trend=""),
    ]


def test_behaviour_headers_title_block_and_layout():
    book = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", behaviour_rows(), months=6))
    assert book.sheet_names == ["Payment behaviour"]
    sheet = book["Payment behaviour"]
    assert sheet.text("A1") == "Payment behaviour"
    assert sheet.text("A2") == "In2 BV"
    assert sheet.text("A3") == "Date"
    assert sheet.date("B3") == TODAY
    assert sheet.text("A4") == "Period (months)"
    assert sheet.number("B4") == 6
    assert sheet.text("B5") == "EUR"
    assert sheet.row_texts(BEH_HEADER, BEH_COLS) == [
        "Customer",
        "Customer number",
        "Grade",
        "Trend",
        "Invoices paid",
        "Amount paid",
        "Average days to pay",
        "Weighted days late",
        "Paid on time (%)",
        "Promises kept",
        "Promises broken",
        "Overdue",
        "Explanation",
    ]
    assert_frozen_under(sheet, BEH_HEADER)
    assert_header_style(book, sheet, f"A{BEH_HEADER}")
    assert sheet.autofilter() == f"A{BEH_HEADER}:M{BEH_FIRST + 5}"
    assert set(sheet.widths()) == set(range(1, 14))


def test_behaviour_rows_in_given_order_with_trend_labels():
    sheet = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", behaviour_rows()))[
        "Payment behaviour"
    ]
    r = BEH_FIRST
    assert [sheet.text(f"A{row}") for row in range(r, r + 6)] == [
        "Alpha",
        "Beta",
        "Gamma",
        "Delta",
        "Epsilon",
        "Zeta",
    ]
    assert sheet.row_texts(r, "ABCD") == ["Alpha", "R-Alpha", "A", "Better"]
    assert sheet.text(f"D{r + 2}") == "Worse"
    assert sheet.text(f"D{r + 1}") == "Stable"
    assert sheet.is_blank(f"D{r + 5}")
    assert sheet.is_blank(f"C{r + 5}")  # no grade
    assert sheet.text(f"M{r}") == "explanation of Alpha"
    assert sheet.number(f"E{r}") == 4
    assert sheet.number(f"F{r}") == 1000.0
    assert sheet.num_format(f"F{r}") == "#,##0.00"
    assert sheet.number(f"G{r}") == 28.5
    assert sheet.number(f"H{r}") == 2.0
    assert sheet.number(f"I{r}") == 75.0
    assert sheet.num_format(f"H{r}") == "0.0"
    assert sheet.number(f"L{r + 3}") == 99.99


def test_behaviour_none_numbers_are_blank_cells():
    sheet = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", behaviour_rows()))[
        "Payment behaviour"
    ]
    gamma, delta = BEH_FIRST + 2, BEH_FIRST + 3
    for col in "GI":  # Gamma: no average days, no on-time share
        assert sheet.is_blank(f"{col}{gamma}")
    assert sheet.number(f"H{gamma}") == 20.0
    assert sheet.is_blank(f"H{delta}")
    # a zero is a number, not a blank
    assert sheet.number(f"I{BEH_FIRST + 1}") == 0.0
    assert sheet.number(f"E{gamma}") == 0


def test_behaviour_grade_colours():
    book = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", behaviour_rows()))
    sheet = book["Payment behaviour"]
    style = {
        grade: sheet.style(f"C{BEH_FIRST + i}")
        for i, grade in enumerate(["A", "B", "C", "D", "E", ""])
    }
    assert style["A"] != style["E"]
    assert style["A"] == style["B"]
    assert style["D"] == style["E"]
    assert len({style["A"], style["C"], style["E"], style[""]}) == 4
    colours = {grade: book.fill_colour(s) for grade, s in style.items()}
    assert colours["A"] == "FFC6EFCE"  # green
    assert colours["C"] == "FFFFEB9C"  # amber
    assert colours["E"] == "FFFFC7CE"  # red
    assert colours[""] is None


def test_behaviour_totals_and_weighted_days_late():
    sheet = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", behaviour_rows()))[
        "Payment behaviour"
    ]
    first, last = BEH_FIRST, BEH_FIRST + 5
    total = last + 1
    assert sheet.text(f"A{total}") == "Total"
    sums = {"E": 7, "F": 1750.0, "J": 3, "K": 5, "L": 109.99}
    for col, value in sums.items():
        assert sheet.formula(f"{col}{total}") == (
            f"SUM({col}{first}:{col}{last})",
            value,
        )
    formula, cached = sheet.formula(f"H{total}")
    assert formula == (
        f"SUMPRODUCT(H{first}:H{last},F{first}:F{last})/SUM(F{first}:F{last})"
    )
    # (2.0 * 1000 + 8.5 * 500 + 20 * 0 + 0 * 250) / 1750; Delta's blank is 0
    assert cached == pytest.approx(6250 / 1750)
    assert sheet.num_format(f"H{total}") == "0.0"
    for col in "BCDGIM":
        assert sheet.is_blank(f"{col}{total}")


def test_behaviour_weighted_days_blank_when_nothing_paid():
    rows = [behaviour_row("Gamma", "C", weighted_days_late=D("20"))]
    sheet = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", rows))["Payment behaviour"]
    total = BEH_FIRST + 1
    assert sheet.text(f"A{total}") == "Total"
    assert sheet.is_blank(f"H{total}")
    assert sheet.formula(f"F{total}") == (f"SUM(F{BEH_FIRST})", 0.0)


def test_behaviour_labels():
    labels = {
        "title": "Betaalgedrag",
        "sheet": "Betaalgedrag",
        "period": "Periode (maanden)",
        "grade": "Score",
        "trend_better": "Beter",
        "weighted_days_late": "Gewogen dagen te laat",
        "totals_row": "Totaal",
    }
    rows = behaviour_rows()
    book = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", rows, labels))
    assert book.sheet_names == ["Betaalgedrag"]
    sheet = book["Betaalgedrag"]
    assert sheet.text("A1") == "Betaalgedrag"
    assert sheet.text("A4") == "Periode (maanden)"
    assert sheet.number("B4") == 12
    assert sheet.row_texts(BEH_HEADER, "CDH") == [
        "Score",
        "Trend",
        "Gewogen dagen te laat",
    ]
    assert sheet.text(f"D{BEH_FIRST}") == "Beter"
    assert sheet.text(f"D{BEH_FIRST + 2}") == "Worse"  # not translated: default
    assert sheet.text(f"A{BEH_FIRST + 6}") == "Totaal"


def test_behaviour_unknown_trend_shown_as_is():
    rows = [behaviour_row("X", "A", trend="sideways")]
    sheet = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", rows))["Payment behaviour"]
    assert sheet.text(f"D{BEH_FIRST}") == "sideways"


def test_behaviour_without_rows():
    book = Book(behaviour_xlsx("In2 BV", TODAY, "EUR", []))
    sheet = book["Payment behaviour"]
    assert sheet.text(f"A{BEH_HEADER}") == "Customer"
    assert sheet.text(f"A{BEH_FIRST}") == "Total"
    for col in "EFJKL":
        assert sheet.cell(f"{col}{BEH_FIRST}")["f"] is None
        assert sheet.number(f"{col}{BEH_FIRST}") == 0
    assert sheet.is_blank(f"H{BEH_FIRST}")
    assert_frozen_under(sheet, BEH_HEADER)


# ---------------------------------------------------------------------------
# 3. dunning run
# ---------------------------------------------------------------------------

RUN_HEADER = 7  # title, company, run, date, currency, blank row
RUN_FIRST = RUN_HEADER + 1
RUN_COLS = "ABCDEFGHIJKL"
RUN_DATE = date(2025, 3, 3)


def run_line(customer, level, asked, **kw):
    values = {
        "customer": customer,
        "ref": f"R-{customer}",
        "level": level,
        "state": "done",
        "channels": "email",
        "invoices": 1,
        "amount_overdue": D(asked),
        "amount_asked": D(asked),
        "costs": D(0),
        "interest": D(0),
    }
    values.update(kw)
    return RunLine(**values)


def run_lines():
    return [
        run_line(
            "Alpha",
            "Reminder",
            "100.00",
            invoices=2,
            amount_overdue=D("150.00"),
            costs=D("40"),
            interest=D("1.25"),
            collector="Cora",
        ),
        run_line("Beta", "Final notice", "200.10", channels="email, letter"),
        run_line("Gamma", "Reminder", "50.005", invoices=3),
        run_line(
            "Delta",
            "Final notice",
            "0",
            state="failed",
            channels="",
            error="no email address",
        ),
        run_line("Epsilon", "Summons", "999.99", interest=D("12.34")),
    ]


def test_run_sheet_rows_and_title_block():
    book = Book(dunning_run_xlsx("DR/2025/007", RUN_DATE, "In2 BV", "EUR", run_lines()))
    assert book.sheet_names == ["Dunning run", "Per level"]
    sheet = book["Dunning run"]
    assert sheet.text("A1") == "Dunning run"
    assert sheet.text("A2") == "In2 BV"
    assert (sheet.text("A3"), sheet.text("B3")) == ("Run", "DR/2025/007")
    assert sheet.text("A4") == "Date"
    assert sheet.date("B4") == RUN_DATE
    assert sheet.text("B5") == "EUR"
    assert sheet.row_texts(RUN_HEADER, RUN_COLS) == [
        "Customer",
        "Customer number",
        "Collector",
        "Level",
        "Status",
        "Channels",
        "Invoices",
        "Overdue",
        "Amount asked",
        "Costs",
        "Interest",
        "Error",
    ]
    r = RUN_FIRST
    assert sheet.row_texts(r, "ABCDEF") == [
        "Alpha",
        "R-Alpha",
        "Cora",
        "Reminder",
        "done",
        "email",
    ]
    assert [sheet.number(f"{col}{r}") for col in "GHIJK"] == [
        2,
        150.0,
        100.0,
        40.0,
        1.25,
    ]
    assert sheet.text(f"L{r + 3}") == "no email address"
    assert sheet.is_blank(f"F{r + 3}")
    assert sheet.number(f"I{r + 2}") == 50.01  # cents, half up
    assert_frozen_under(sheet, RUN_HEADER)
    assert_header_style(book, sheet, f"A{RUN_HEADER}")
    assert sheet.autofilter() == f"A{RUN_HEADER}:L{r + 4}"
    assert set(sheet.widths()) == set(range(1, 13))


def test_run_totals_row():
    sheet = Book(dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", run_lines()))[
        "Dunning run"
    ]
    first, last = RUN_FIRST, RUN_FIRST + 4
    total = last + 1
    assert sheet.text(f"A{total}") == "Total"
    expected = {
        "G": 8,
        "H": 1400.10,  # 150 + 200.10 + 50.01 (cell of 50.005) + 0 + 999.99
        "I": 1350.10,  # 100 + 200.10 + 50.01 + 0 + 999.99
        "J": 40.0,
        "K": 13.59,
    }
    for col, value in expected.items():
        formula, cached = sheet.formula(f"{col}{total}")
        assert formula == f"SUM({col}{first}:{col}{last})"
        assert cached == pytest.approx(value, abs=1e-9)
    assert sheet.num_format(f"G{total}") == "0"
    assert sheet.num_format(f"I{total}") == "#,##0.00"
    for col in "BCDEFL":
        assert sheet.is_blank(f"{col}{total}")


def test_run_per_level_countif_sumif():
    book = Book(dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", run_lines()))
    sheet = book["Per level"]
    assert sheet.text("A1") == "Dunning run"
    assert sheet.row_texts(RUN_HEADER, "ABC") == ["Level", "Lines", "Amount asked"]
    assert_frozen_under(sheet, RUN_HEADER)
    levels = "'Dunning run'!$D$8:$D$12"
    asked = "'Dunning run'!$I$8:$I$12"
    expected = [
        ("Reminder", 2, 150.01),
        ("Final notice", 2, 200.10),
        ("Summons", 1, 999.99),
    ]
    for offset, (level, count, amount) in enumerate(expected):
        r = RUN_FIRST + offset
        assert sheet.text(f"A{r}") == level
        assert sheet.formula(f"B{r}") == (f'COUNTIF({levels},"={level}")', count)
        formula, cached = sheet.formula(f"C{r}")
        assert formula == f'SUMIF({levels},"={level}",{asked})'
        assert cached == pytest.approx(amount, abs=1e-9)
    total = RUN_FIRST + 3
    assert sheet.text(f"A{total}") == "Total"
    assert sheet.formula(f"B{total}") == (f"SUM(B{RUN_FIRST}:B{total - 1})", 5)
    formula, cached = sheet.formula(f"C{total}")
    assert formula == f"SUM(C{RUN_FIRST}:C{total - 1})"
    assert cached == pytest.approx(1350.10, abs=1e-9)
    assert sheet.autofilter() == f"A{RUN_HEADER}:C{total - 1}"


def test_run_per_level_criteria_are_exact():
    lines = [
        run_line("A", 'Level *1 "x"', "10"),
        run_line("B", 'level *1 "x"', "5"),  # same level, other case
        run_line("C", ">0", "1"),
        run_line("D", "", "2"),
    ]
    book = Book(dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", lines))
    sheet = book["Per level"]
    levels = "'Dunning run'!$D$8:$D$11"
    r = RUN_FIRST
    assert sheet.text(f"A{r}") == 'Level *1 "x"'
    assert sheet.formula(f"B{r}") == (f'COUNTIF({levels},"=Level ~*1 ""x""")', 2)
    assert sheet.formula(f"C{r}")[1] == 15.0
    assert sheet.formula(f"B{r + 1}") == (f'COUNTIF({levels},"=>0")', 1)
    # no level: a readable name, a criterion for the empty cells
    assert sheet.text(f"A{r + 2}") == "(no level)"
    assert sheet.formula(f"B{r + 2}") == (f'COUNTIF({levels},"=")', 1)
    assert sheet.formula(f"C{r + 2}")[1] == 2.0
    assert book["Dunning run"].is_blank(f"D{RUN_FIRST + 3}")


def test_run_labels_and_sheet_names():
    labels = {
        "title": "Aanmaanrun",
        "sheet_lines": "Aanmaningen",
        "sheet_levels": "Per niveau",
        "level": "Niveau",
        "amount_asked": "Gevraagd bedrag",
        "lines": "Regels",
        "totals_row": "Totaal",
    }
    book = Book(
        dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", run_lines(), labels)
    )
    assert book.sheet_names == ["Aanmaningen", "Per niveau"]
    assert book["Aanmaningen"].row_texts(RUN_HEADER, "DI") == [
        "Niveau",
        "Gevraagd bedrag",
    ]
    levels = book["Per niveau"]
    assert levels.row_texts(RUN_HEADER, "ABC") == [
        "Niveau",
        "Regels",
        "Gevraagd bedrag",
    ]
    assert levels.text("A1") == "Aanmaanrun"
    assert levels.text(f"A{RUN_FIRST + 3}") == "Totaal"
    # the cross-sheet ranges follow the translated sheet name
    assert levels.formula(f"B{RUN_FIRST}")[0].startswith(
        "COUNTIF(Aanmaningen!$D$8:$D$12,"
    )


def test_run_sheet_name_with_apostrophe_is_quoted():
    labels = {"sheet_lines": "Run's lines"}
    book = Book(
        dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", run_lines(), labels)
    )
    formula, _cached = book["Per level"].formula(f"B{RUN_FIRST}")
    assert formula.startswith("COUNTIF('Run''s lines'!$D$8:$D$12,")


def test_run_without_lines():
    book = Book(dunning_run_xlsx("DR/1", RUN_DATE, "In2 BV", "EUR", []))
    assert book.sheet_names == ["Dunning run", "Per level"]
    sheet = book["Dunning run"]
    assert sheet.text(f"A{RUN_FIRST}") == "Total"
    for col in "GHIJK":
        assert sheet.cell(f"{col}{RUN_FIRST}")["f"] is None
        assert sheet.number(f"{col}{RUN_FIRST}") == 0
    levels = book["Per level"]
    assert levels.text(f"A{RUN_HEADER}") == "Level"
    assert levels.text(f"A{RUN_FIRST}") == "Total"
    assert levels.number(f"B{RUN_FIRST}") == 0
    assert levels.number(f"C{RUN_FIRST}") == 0
    for each in (sheet, levels):
        assert_frozen_under(each, RUN_HEADER)
