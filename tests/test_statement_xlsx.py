"""Account statement data and XLSX, read back from the zipped XML."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal as D
from xml.etree import ElementTree as ET

import pytest

from in2dmm_credit.tools.statement import (
    Statement,
    StatementLabels,
    StatementLine,
    safe_sheet_name,
    statement_xlsx,
)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = date(1899, 12, 30)


# ---------------------------------------------------------------------------
# reading an XLSX back
# ---------------------------------------------------------------------------


class Sheet:
    """Cells of one worksheet: ref -> dict(value, formula, style, type)."""

    def __init__(self, data: bytes, index: int = 1):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.root = ET.fromstring(zf.read(f"xl/worksheets/sheet{index}.xml"))
            strings = ET.fromstring(zf.read("xl/sharedStrings.xml"))
            styles = ET.fromstring(zf.read("xl/styles.xml"))
            workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        self.strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in strings.findall("m:si", NS)
        ]
        codes = {
            n.get("numFmtId"): n.get("formatCode")
            for n in styles.findall("m:numFmts/m:numFmt", NS)
        }
        self.style_formats = [
            codes.get(xf.get("numFmtId"), xf.get("numFmtId"))
            for xf in styles.findall("m:cellXfs/m:xf", NS)
        ]
        self.sheet_names = [
            s.get("name") for s in workbook.findall("m:sheets/m:sheet", NS)
        ]
        self.cells = {}
        for c in self.root.iter(f"{{{NS['m']}}}c"):
            v = c.find("m:v", NS)
            f = c.find("m:f", NS)
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
            return self.strings[int(c["v"])]
        return c["v"]

    def number(self, ref):
        c = self.cell(ref)
        assert c["type"] is None, f"{ref} is not a number cell: {c}"
        return float(c["v"]) if c["v"] is not None else None

    def num_format(self, ref):
        return self.style_formats[self.cell(ref)["style"]]

    def date(self, ref):
        c = self.cell(ref)
        assert c["type"] is None and c["v"] is not None, f"{ref}: {c}"
        fmt = self.num_format(ref)
        assert "yy" in fmt and "dd" in fmt, f"{ref} has no date format: {fmt}"
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(float(c["v"])))

    def find(self, path):
        return self.root.find(path, NS)


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------

TODAY = date(2025, 3, 1)


def line(number, kind="invoice", day=None, due=None, days=0, amount="100", res=None):
    amount = D(amount)
    return StatementLine(
        number=number,
        kind=kind,
        date=day,
        due_date=due,
        days_overdue=days,
        amount=amount,
        residual=amount if res is None else D(res),
    )


def sample_lines():
    return [
        line(
            "INV/3", day=date(2025, 2, 10), due=date(2025, 3, 12), days=-11, amount="50"
        ),
        line(
            "INV/1",
            day=date(2025, 1, 1),
            due=date(2025, 1, 31),
            days=29,
            amount="1210.00",
            res="710.00",
        ),
        line("CN/1", "credit_note", day=date(2025, 2, 1), amount="-121", res="-121"),
        line("PAY/1", "payment", amount="-20.50", res="-20.50"),
        line(
            "CH/1",
            "charge",
            day=date(2025, 1, 15),
            due=date(2025, 2, 14),
            days=15,
            amount="40",
        ),
    ]


def sample(**kw):
    kw.setdefault("lines", sample_lines())
    return Statement(
        company_name="In2 BV",
        partner_name="Bakkerij de Vries",
        partner_ref="C-0042",
        date=TODAY,
        currency_name="EUR",
        **kw,
    )


DUTCH = StatementLabels(
    title="Rekeningoverzicht",
    customer="Klant",
    customer_ref="Klantnummer",
    date="Datum",
    number="Document",
    kind="Soort",
    doc_date="Factuurdatum",
    due_date="Vervaldatum",
    days_overdue="Dagen over",
    amount="Bedrag",
    paid="Betaald",
    residual="Open",
    reference="Kenmerk",
    total="Totaal",
    total_open="Totaal open",
    total_overdue="Totaal vervallen",
    not_due="Nog niet vervallen",
    kinds={
        "invoice": "Factuur",
        "credit_note": "Creditnota",
        "payment": "Betaling",
        "charge": "Kosten en rente",
    },
)


# ---------------------------------------------------------------------------
# data model
# ---------------------------------------------------------------------------


def test_totals():
    st = sample()
    # 50 + 710 - 121 - 20.50 + 40
    assert st.total_open == D("658.50")
    # only days_overdue > 0: INV/1 710 + CH/1 40
    assert st.total_overdue == D("750.00")
    assert isinstance(st.total_open, D) and isinstance(st.total_overdue, D)
    assert sample(lines=[]).total_open == D(0) == sample(lines=[]).total_overdue


def test_paid():
    ln = line("X", amount="1210.00", res="710.00")
    assert ln.paid == D("500.00")
    assert line("Y", amount="-20", res="-20").paid == D(0)


def test_sorted_lines_due_date_then_date_then_number_none_last():
    st = sample()
    # INV/1 due 31-01, CN/1 date 01-02 (no due date), CH/1 due 14-02,
    # INV/3 due 12-03, PAY/1 without dates last
    assert [ln.number for ln in st.sorted_lines] == [
        "INV/1",
        "CN/1",
        "CH/1",
        "INV/3",
        "PAY/1",
    ]
    same_day = [
        line("B", due=date(2025, 1, 1)),
        line("A", due=date(2025, 1, 1)),
        line("Z"),
        line("C", day=date(2024, 12, 31)),
    ]
    assert [ln.number for ln in sample(lines=same_day).sorted_lines] == [
        "C",
        "A",
        "B",
        "Z",
    ]
    # the lines themselves are not reordered
    assert [ln.number for ln in sample(lines=same_day).lines][0] == "B"


def test_default_labels():
    labels = StatementLabels()
    assert labels.title == "Account statement"
    assert labels.kinds["charge"] == "Costs and interest"
    # every instance has its own dict
    labels.kinds["invoice"] = "Rechnung"
    assert StatementLabels().kinds["invoice"] == "Invoice"


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------

HEADER = 7  # the Excel row of the table header
FIRST = HEADER + 1  # first data row


def test_xlsx_is_a_zip_with_one_sheet():
    data = statement_xlsx(sample())
    assert data[:2] == b"PK"
    sheet = Sheet(data)
    assert sheet.sheet_names == ["Account statement"]


def test_xlsx_title_block_and_headers_from_labels():
    sheet = Sheet(statement_xlsx(sample(labels=DUTCH)))
    assert sheet.sheet_names == ["Rekeningoverzicht"]
    assert sheet.text("A1") == "Rekeningoverzicht"
    assert sheet.text("A2") == "In2 BV"
    assert (sheet.text("A3"), sheet.text("B3")) == ("Klant", "Bakkerij de Vries")
    assert (sheet.text("A4"), sheet.text("B4")) == ("Klantnummer", "C-0042")
    assert sheet.text("A5") == "Datum"
    assert sheet.date("B5") == TODAY
    headers = [sheet.text(f"{col}{HEADER}") for col in "ABCDEFGHI"]
    assert headers == [
        "Document",
        "Soort",
        "Factuurdatum",
        "Vervaldatum",
        "Dagen over",
        "Bedrag (EUR)",
        "Betaald (EUR)",
        "Open (EUR)",
        "Kenmerk",
    ]
    # kinds translated, rows in sorted order
    assert [sheet.text(f"B{r}") for r in range(FIRST, FIRST + 5)] == [
        "Factuur",
        "Creditnota",
        "Kosten en rente",
        "Factuur",
        "Betaling",
    ]


def test_xlsx_header_style_bold_fill_border():
    data = statement_xlsx(sample())
    sheet = Sheet(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = ET.fromstring(zf.read("xl/styles.xml"))
    xf = styles.findall("m:cellXfs/m:xf", NS)[sheet.cell(f"A{HEADER}")["style"]]
    font = styles.findall("m:fonts/m:font", NS)[int(xf.get("fontId"))]
    fill = styles.findall("m:fills/m:fill", NS)[int(xf.get("fillId"))]
    border = styles.findall("m:borders/m:border", NS)[int(xf.get("borderId"))]
    assert font.find("m:b", NS) is not None
    assert fill.find("m:patternFill", NS).get("patternType") == "solid"
    assert border.find("m:bottom", NS).get("style") == "thin"


def test_xlsx_freeze_pane_autofilter_and_widths():
    sheet = Sheet(statement_xlsx(sample()))
    pane = sheet.find("m:sheetViews/m:sheetView/m:pane")
    assert pane is not None
    assert pane.get("state") == "frozen"
    assert pane.get("ySplit") == str(HEADER)
    assert pane.get("topLeftCell") == f"A{FIRST}"
    assert sheet.find("m:autoFilter").get("ref") == f"A{HEADER}:I{FIRST + 4}"
    cols = sheet.root.findall("m:cols/m:col", NS)
    covered = set()
    for col in cols:
        assert col.get("customWidth") == "1"
        assert float(col.get("width")) >= 8
        covered.update(range(int(col.get("min")), int(col.get("max")) + 1))
    assert covered == set(range(1, 10))


def test_xlsx_line_cells():
    sheet = Sheet(statement_xlsx(sample()))
    r = FIRST  # INV/1
    assert sheet.text(f"A{r}") == "INV/1"
    assert sheet.date(f"C{r}") == date(2025, 1, 1)
    assert sheet.date(f"D{r}") == date(2025, 1, 31)
    assert sheet.number(f"E{r}") == 29
    assert sheet.number(f"F{r}") == 1210.0
    assert sheet.number(f"G{r}") == 500.0
    assert sheet.number(f"H{r}") == 710.0
    for col in "FGH":
        assert sheet.num_format(f"{col}{r}") == "#,##0.00"
    r = FIRST + 1  # CN/1: no due date, not overdue
    assert sheet.text(f"A{r}") == "CN/1"
    assert sheet.cell(f"D{r}")["v"] is None
    assert sheet.cell(f"E{r}")["v"] is None  # days overdue empty when <= 0
    assert sheet.number(f"F{r}") == -121.0
    r = FIRST + 3  # INV/3, days_overdue -11 -> empty
    assert sheet.text(f"A{r}") == "INV/3"
    assert sheet.cell(f"E{r}")["v"] is None
    r = FIRST + 4  # PAY/1, no dates at all
    assert sheet.text(f"A{r}") == "PAY/1"
    assert sheet.cell(f"C{r}")["v"] is None and sheet.cell(f"D{r}")["v"] is None


def test_xlsx_totals_are_formulas_with_cached_values():
    sheet = Sheet(statement_xlsx(sample()))
    last = FIRST + 4
    total = last + 1
    assert sheet.text(f"A{total}") == "Total"
    expected = {"F": 1158.5, "G": 500.0, "H": 658.5}
    for col, value in expected.items():
        cell = sheet.cell(f"{col}{total}")
        assert cell["f"] == f"SUM({col}{FIRST}:{col}{last})"
        assert float(cell["v"]) == value
        assert sheet.num_format(f"{col}{total}") == "#,##0.00"
    overdue = sheet.cell(f"H{total + 1}")
    assert sheet.text(f"A{total + 1}") == "Total overdue"
    assert overdue["f"] == f'SUMIF(E{FIRST}:E{last},">0",H{FIRST}:H{last})'
    assert float(overdue["v"]) == 750.0
    not_due = sheet.cell(f"H{total + 2}")
    assert sheet.text(f"A{total + 2}") == "Not yet due"
    assert not_due["f"] == f"H{total}-H{total + 1}"
    assert float(not_due["v"]) == -91.5


def test_xlsx_cached_totals_match_rounded_cells():
    lines = [
        line("A", due=date(2025, 1, 1), days=5, amount="10.005"),
        line("B", due=date(2025, 1, 2), days=5, amount="10.005"),
    ]
    sheet = Sheet(statement_xlsx(sample(lines=lines)))
    assert sheet.number(f"F{FIRST}") == 10.01
    # what a spreadsheet computes: 10.01 + 10.01, not round(20.01)
    assert float(sheet.cell(f"F{FIRST + 2}")["v"]) == 20.02
    assert float(sheet.cell(f"H{FIRST + 3}")["v"]) == 20.02


def test_xlsx_without_lines():
    sheet = Sheet(statement_xlsx(sample(lines=[])))
    assert sheet.text(f"A{HEADER}") == "Document"
    assert sheet.text(f"A{FIRST}") == "Total"
    for col in "FGH":
        assert sheet.cell(f"{col}{FIRST}")["f"] is None
        assert sheet.number(f"{col}{FIRST}") == 0
    assert sheet.find("m:sheetViews/m:sheetView/m:pane").get("state") == "frozen"


def test_xlsx_text_is_never_a_formula():
    lines = [line("=1+1", day=date(2025, 1, 1))]
    lines[0].reference = "http://example.com"
    st = sample(lines=lines)
    st.partner_name = '=HYPERLINK("http://evil")'
    st.partner_ref = "00123"
    data = statement_xlsx(st)
    sheet = Sheet(data)
    assert sheet.text(f"A{FIRST}") == "=1+1"
    assert sheet.cell(f"A{FIRST}")["f"] is None
    assert sheet.text("B3") == '=HYPERLINK("http://evil")'
    assert sheet.text("B4") == "00123"  # not converted to the number 123
    assert sheet.text(f"I{FIRST}") == "http://example.com"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "xl/worksheets/_rels/sheet1.xml.rels" not in zf.namelist()


def test_xlsx_unknown_kind_shown_as_is():
    sheet = Sheet(statement_xlsx(sample(lines=[line("X", kind="other")])))
    assert sheet.text(f"B{FIRST}") == "other"


def test_xlsx_custom_date_format():
    sheet = Sheet(statement_xlsx(sample(), date_format="yyyy-mm-dd"))
    assert sheet.num_format(f"C{FIRST}") == "yyyy-mm-dd"
    assert sheet.date(f"C{FIRST}") == date(2025, 1, 1)


def test_xlsx_sheet_name_sanitised():
    labels = StatementLabels(title="Overzicht [2025]: a/b\\c*d?e - een heel lange naam")
    sheet = Sheet(statement_xlsx(sample(labels=labels)))
    (name,) = sheet.sheet_names
    assert len(name) <= 31
    assert not re.search(r"[\[\]:*?/\\]", name)
    assert name == "Overzicht 2025 a b c d e - een"
    # the title itself is printed in full
    assert sheet.text("A1") == labels.title


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cases", "Cases"),
        ("a[b]c:d*e?f/g\\h", "a b c d e f g h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("  \t ", "Sheet1"),
        ("???", "Sheet1"),
        ("History", "Sheet1"),
        ("", "Sheet1"),
        ("Rekening\noverzicht", "Rekening overzicht"),
    ],
)
def test_safe_sheet_name(name, expected):
    assert safe_sheet_name(name) == expected


def test_safe_sheet_name_default():
    assert safe_sheet_name("[]", "Statement") == "Statement"
    assert safe_sheet_name("", "History") == "Sheet1"
    # cut at 31, then no trailing space or apostrophe
    assert safe_sheet_name("a" * 30 + " b") == "a" * 30
