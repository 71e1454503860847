"""Insurer file exchange: CSV and XLSX out, decisions in from CSV and XLSX."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
import xlsxwriter

from in2dmm_insurers.tools.file_exchange import (
    NOTICE_COLUMNS,
    REQUEST_COLUMNS,
    FileExchangeError,
    notices_csv,
    notices_xlsx,
    parse_decisions,
    requests_csv,
    requests_xlsx,
)

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_requests_out_with_bom_semicolons_and_formula_guard():
    data = requests_csv(
        [
            {
                "reference": "12",
                "customer": "=HYPERLINK(1)",
                "kvk_number": "68750110",
                "kind": "new",
                "amount": "25000.00",
                "currency": "EUR",
            }
        ]
    )
    assert data.startswith("\ufeff".encode())
    rows = read(data)
    assert rows[0] == list(REQUEST_COLUMNS)
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][2] == "68750110"
    assert rows[1][6] == "25000.00"


def test_notices_out():
    rows = read(
        notices_csv([{"reference": "3", "invoices": "F/1, F/2", "amount": "10"}])
    )
    assert rows[1][3] == "F/1, F/2"


def test_decisions_in_dutch_and_english_comma_or_semicolon():
    lines = parse_decisions(
        "\ufeffreference;decision;amount;currency;valid_until\n"
        "12;Goedgekeurd;20000,00;EUR;2027-06-30\n"
        "13;refused;;;\n".encode()
    )
    assert [line.reference for line in lines] == ["12", "13"]
    assert lines[0].decision.state == "decided"
    assert lines[0].decision.approved_amount == Decimal("20000.00")
    assert lines[0].decision.valid_until == date(2027, 6, 30)
    assert (
        lines[1].decision.state == "refused" and lines[1].decision.approved_amount == 0
    )
    comma = parse_decisions("reference,decision,amount\n7,approved,500\n")
    assert comma[0].decision.approved_amount == Decimal(500)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reference;amount\n1;2\n", "decision"),
        ("reference;decision;amount\n1;maybe;2\n", "Line 2"),
        ("reference;decision;amount\n1;approved;\n", "needs an amount"),
        ("reference;decision;amount\n1;approved;abc\n", "not an amount"),
        (
            "reference;decision;amount;valid_until\n1;approved;5;31-12-2027\n",
            "ISO date",
        ),
        ("reference;decision;amount\n;approved;5\n", "no reference"),
    ],
)
def test_bad_decision_files_name_the_problem(text, message):
    with pytest.raises(FileExchangeError, match=message):
        parse_decisions(text)


def test_not_utf8():
    with pytest.raises(FileExchangeError):
        parse_decisions(b"\xff\xfe\x00r")


# --------------------------------------------------------------------- XLSX --


class Sheet:
    """The first sheet of an XLSX, read back from the zipped XML."""

    def __init__(self, data):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.root = ET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
            strings = ET.fromstring(zf.read("xl/sharedStrings.xml"))
            styles = ET.fromstring(zf.read("xl/styles.xml"))
            workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        self.sheet_names = [s.get("name") for s in workbook.iter(M + "sheet")]
        self.strings = [
            "".join(t.text or "" for t in si.iter(M + "t")) for si in strings
        ]
        codes = {
            n.get("numFmtId"): n.get("formatCode") for n in styles.iter(M + "numFmt")
        }
        self.fonts = list(styles.find(M + "fonts"))
        self.xfs = list(styles.find(M + "cellXfs"))
        self.formats = [
            codes.get(x.get("numFmtId"), x.get("numFmtId")) for x in self.xfs
        ]
        self.cells = {c.get("r"): c for c in self.root.iter(M + "c")}

    def text(self, ref):
        cell = self.cells[ref]
        assert cell.get("t") == "s", f"{ref} is no text cell"
        assert cell.find(M + "f") is None
        return self.strings[int(cell.find(M + "v").text)]

    def number(self, ref):
        cell = self.cells[ref]
        assert cell.get("t") is None, f"{ref} is no number cell"
        return float(cell.find(M + "v").text)

    def fmt(self, ref):
        return self.formats[int(self.cells[ref].get("s", "0"))]

    def bold(self, ref):
        xf = self.xfs[int(self.cells[ref].get("s", "0"))]
        return self.fonts[int(xf.get("fontId"))].find(M + "b") is not None

    def date(self, ref):
        assert "yy" in self.fmt(ref) and "dd" in self.fmt(ref)
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(self.number(ref)))


def test_requests_xlsx_header_numbers_and_text():
    data = requests_xlsx(
        [
            {
                "reference": 12,
                "customer": "=cmd|' /C calc'!A0",
                "kvk_number": "01234567",
                "vat_number": "NL001234567B01",
                "country": "NL",
                "kind": "new",
                "amount": "25000.00",
                "currency": "EUR",
            },
            {"reference": "13", "customer": "+31 Bouw", "amount": Decimal("1234.565")},
            {"reference": "14", "customer": "Geen bedrag", "amount": ""},
        ]
    )
    sheet = Sheet(data)
    assert sheet.sheet_names == ["Limit requests"]
    assert [sheet.text(c + "1") for c in "ABCDEFGH"] == list(REQUEST_COLUMNS)
    assert sheet.bold("A1") and not sheet.bold("A2")
    pane = sheet.root.find(f"{M}sheetViews/{M}sheetView/{M}pane")
    assert pane.get("ySplit") == "1" and pane.get("state") == "frozen"
    widths = {
        index: float(col.get("width"))
        for col in sheet.root.findall(f"{M}cols/{M}col")
        for index in range(int(col.get("min")), int(col.get("max")) + 1)
    }
    assert sorted(widths) == list(range(1, len(REQUEST_COLUMNS) + 1))
    assert all(10 <= width <= 62 for width in widths.values())
    assert widths[2] > widths[5]  # the customer column fits the longest name
    # text stays text: no formula, no number, no leading quote
    assert sheet.text("A2") == "12"
    assert sheet.text("B2") == "=cmd|' /C calc'!A0"
    assert sheet.text("B3") == "+31 Bouw"
    assert sheet.text("C2") == "01234567"
    assert not any(c.find(M + "f") is not None for c in sheet.cells.values())
    # amounts are numbers with two decimals
    assert sheet.number("G2") == 25000.0 and sheet.fmt("G2") == "#,##0.00"
    assert sheet.number("G3") == 1234.57
    assert "G4" not in sheet.cells or sheet.cells["G4"].find(M + "v") is None


def test_notices_xlsx_dates_are_dates():
    data = notices_xlsx(
        [
            {
                "reference": "3",
                "customer": "@SUM(1)",
                "kvk_number": "68750110",
                "invoices": "F/1, F/2",
                "amount": 1500.5,
                "currency": "EUR",
                "overdue_since": date(2026, 9, 30),
                "reporting_deadline": "2026-12-29",
            },
            {
                "reference": "4",
                "amount": 10,
                "overdue_since": datetime(2026, 10, 1, 13, 30),
                "reporting_deadline": None,
            },
        ]
    )
    sheet = Sheet(data)
    assert sheet.sheet_names == ["Overdue notices"]
    assert [sheet.text(c + "1") for c in "ABCDEFGH"] == list(NOTICE_COLUMNS)
    assert sheet.text("B2") == "@SUM(1)" and sheet.text("D2") == "F/1, F/2"
    assert sheet.number("E2") == 1500.5 and sheet.number("E3") == 10
    assert sheet.date("G2") == date(2026, 9, 30)
    assert sheet.date("H2") == date(2026, 12, 29)
    assert sheet.date("G3") == date(2026, 10, 1)
    assert sheet.fmt("G2") == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"amount": "abc"}, "Row 2, amount: 'abc' is not an amount"),
        ({"amount": "NaN"}, "not an amount"),
        ({"overdue_since": "30-09-2026"}, "Row 2, overdue_since: .* ISO date"),
    ],
)
def test_xlsx_out_refuses_bad_values(row, message):
    with pytest.raises(ValueError, match=message):
        notices_xlsx([row])


def test_xlsx_out_reads_back_as_decisions_layout():
    """Our own reader understands our own workbook (a sheet with a
    reference column but no decision column)."""
    with pytest.raises(FileExchangeError, match="misses the column"):
        parse_decisions(requests_xlsx([{"reference": "1", "amount": "5"}]))


def decisions_xlsx(
    rows,
    header=("reference", "decision", "amount", "currency", "valid_until"),
    **options,
):
    """A decisions workbook as an insurer would fill it in; each value is
    written with its own type (str, number, date)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet("Besluiten")
    workbook.add_worksheet("Other").write_string(0, 0, "not read")
    for col, name in enumerate(header):
        sheet.write_string(0, col, name)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(number, col, value, date_format)
            elif isinstance(value, int | float):
                sheet.write_number(number, col, value)
            else:
                sheet.write_string(number, col, value)
    workbook.close()
    return buffer.getvalue()


def test_decisions_from_xlsx():
    data = decisions_xlsx(
        [
            ("12", "Goedgekeurd", 20000, "EUR", date(2027, 6, 30)),
            (13, "refused", None, None, None),
            (None, None, None, None, None),  # an empty row is skipped
            ("15", " Approved ", "1500,50", "EUR", "2027-01-31"),
            ("16", "akkoord", 99.999, "EUR", 46023.75),
        ]
    )
    assert data.startswith(b"PK")
    lines = parse_decisions(data)
    assert [line.reference for line in lines] == ["12", "13", "15", "16"]
    assert [line.line for line in lines] == [2, 3, 5, 6]
    first = lines[0].decision
    assert first.state == "decided" and first.approved_amount == Decimal(20000)
    assert first.valid_until == date(2027, 6, 30) and first.currency == "EUR"
    assert lines[1].decision.state == "refused"
    assert lines[1].decision.approved_amount == 0
    assert lines[2].decision.approved_amount == Decimal("1500.50")  # text, as in CSV
    assert lines[2].decision.valid_until == date(2027, 1, 31)
    assert lines[3].decision.approved_amount == Decimal("100.00")  # to cents
    assert lines[3].decision.valid_until == date(2026, 1, 1)  # serial with time


def test_decisions_from_xlsx_inline_strings_and_1904_dates():
    data = decisions_xlsx(
        [("21", "approved", 750, "EUR", date(2027, 6, 30))],
        constant_memory=True,  # xlsxwriter then writes inline strings
        in_memory=False,
        date_1904=True,
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"inlineStr" in zf.read("xl/worksheets/sheet1.xml")
    (line,) = parse_decisions(data)
    assert line.reference == "21" and line.decision.approved_amount == 750
    assert line.decision.valid_until == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("1", "maybe", 5), "Row 3: unknown decision 'maybe'"),
        (("1", "approved", None), "Row 3: an approval needs an amount"),
        (("1", "approved", "abc"), "Row 3: 'abc' is not an amount"),
        (("1", "approved", 5, "EUR", "31-12-2027"), "Row 3: .* ISO date"),
        ((None, "approved", 5), "Row 3: no reference"),
    ],
)
def test_bad_xlsx_rows_are_named(row, message):
    good = ("9", "approved", 100, "EUR", None)
    with pytest.raises(FileExchangeError, match=message):
        parse_decisions(decisions_xlsx([good, row]))


def test_bad_xlsx_files():
    with pytest.raises(FileExchangeError, match="misses the column.*decision"):
        parse_decisions(decisions_xlsx([("1", 5)], header=("reference", "amount")))
    with pytest.raises(FileExchangeError, match="empty"):
        parse_decisions(decisions_xlsx([], header=()))
    with pytest.raises(FileExchangeError, match="not a valid XLSX"):
        parse_decisions(b"PK\x03\x04 this is no zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "a zip, but no workbook")
    with pytest.raises(FileExchangeError, match="not an XLSX"):
        parse_decisions(buffer.getvalue())
