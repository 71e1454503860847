"""Insurer file exchange: CSV out, decisions in."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from in2dmm_insurers.tools.file_exchange import (
    REQUEST_COLUMNS,
    FileExchangeError,
    notices_csv,
    parse_decisions_csv,
    requests_csv,
)


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
    lines = parse_decisions_csv(
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
    comma = parse_decisions_csv("reference,decision,amount\n7,approved,500\n")
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
        parse_decisions_csv(text)


def test_not_utf8():
    with pytest.raises(FileExchangeError):
        parse_decisions_csv(b"\xff\xfe\x00r")
