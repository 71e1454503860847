"""The shipped Dutch tables (in2dmm_credit/data/*.csv) and their loader."""

import csv
from datetime import date
from decimal import Decimal as D

import pytest

from in2dmm_credit.tools.interest import MissingRateError, rate_on, statutory_interest
from in2dmm_credit.tools.legal_data import (
    COMMERCIAL,
    INTEREST_RATES_FILE,
    STATUTORY,
    WIK_SCALE_FILE,
    LegalDataError,
    load_interest_rates,
    load_wik_scales,
    parse_interest_rates,
    parse_wik_scales,
)
from in2dmm_credit.tools.wik import MissingScaleError, collection_costs, select_scale

# Section 4.3 of the research notes, row by row.
EXPECTED_RATES = {
    STATUTORY: [
        (date(2020, 1, 1), D("2")),
        (date(2023, 1, 1), D("4")),
        (date(2023, 7, 1), D("6")),
        (date(2024, 1, 1), D("7")),
        (date(2024, 7, 1), D("7")),
        (date(2025, 1, 1), D("6")),
        (date(2025, 7, 1), D("6")),
        (date(2026, 1, 1), D("4")),
    ],
    COMMERCIAL: [
        (date(2020, 1, 1), D("8")),
        (date(2023, 1, 1), D("10.5")),
        (date(2023, 7, 1), D("12")),
        (date(2024, 1, 1), D("12.5")),
        (date(2024, 7, 1), D("12.25")),
        (date(2025, 1, 1), D("11.15")),
        (date(2025, 7, 1), D("10.15")),
        (date(2026, 1, 1), D("10.15")),
    ],
}


def test_wik_file_parses_to_the_2012_scale():
    scales = load_wik_scales()
    assert len(scales) == 1
    scale = scales[0]
    assert scale.valid_from == date(2012, 7, 1)
    assert scale.tiers == (
        (D("2500"), D("15")),
        (D("5000"), D("10")),
        (D("10000"), D("5")),
        (D("200000"), D("1")),
        (None, D("0.5")),
    )
    assert (scale.minimum, scale.maximum) == (D("40"), D("6775"))
    assert "Stb. 2012, 141" in scale.source


def test_wik_file_rows_sorted_and_sourced():
    with WIK_SCALE_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["valid_from"] for r in rows] == sorted(r["valid_from"] for r in rows)
    assert all(r["source"].strip() for r in rows)


def test_select_scale_on_shipped_data():
    scales = load_wik_scales()
    assert select_scale(scales, date(2012, 7, 1)).valid_from == date(2012, 7, 1)
    assert select_scale(scales, date(2026, 1, 1)).valid_from == date(2012, 7, 1)
    with pytest.raises(MissingScaleError):
        select_scale(scales, date(2012, 6, 30))
    scale = select_scale(scales, date(2025, 5, 1))
    # 15% x 2,500 = 375 ; 875 + 1% x 190,000 = 2,775
    assert collection_costs(D("2500"), scale).costs == D("375.00")
    assert collection_costs(D("200000"), scale).costs == D("2775.00")
    assert collection_costs(D("100"), scale).costs == D("40.00")


def test_interest_file_has_every_row_of_the_research_table():
    tables = load_interest_rates()
    assert set(tables) == {STATUTORY, COMMERCIAL}
    for kind, expected in EXPECTED_RATES.items():
        assert [(r.valid_from, r.rate) for r in tables[kind]] == expected
        assert all(r.source for r in tables[kind])
        assert all(r.status in {"V", "S", "U"} for r in tables[kind])
    # the unverified rows are marked as such
    unverified = {
        (kind, r.valid_from)
        for kind, rows in tables.items()
        for r in rows
        if r.status == "U"
    }
    assert unverified == {
        (STATUTORY, date(2025, 7, 1)),
        (STATUTORY, date(2026, 1, 1)),
        (COMMERCIAL, date(2026, 1, 1)),
    }


def test_interest_file_rows_sorted_per_kind():
    with INTEREST_RATES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for kind in (STATUTORY, COMMERCIAL):
        dates = [r["valid_from"] for r in rows if r["kind"] == kind]
        assert dates == sorted(dates)
        assert len(dates) == len(set(dates))


@pytest.mark.parametrize(
    "kind, day, rate",
    [
        (STATUTORY, date(2022, 12, 31), "2"),
        (STATUTORY, date(2023, 1, 1), "4"),
        (STATUTORY, date(2023, 6, 30), "4"),
        (STATUTORY, date(2024, 6, 30), "7"),
        (STATUTORY, date(2025, 1, 1), "6"),
        (STATUTORY, date(2030, 1, 1), "4"),
        (COMMERCIAL, date(2023, 6, 30), "10.5"),
        (COMMERCIAL, date(2024, 7, 1), "12.25"),
        (COMMERCIAL, date(2025, 6, 30), "11.15"),
        (COMMERCIAL, date(2025, 7, 1), "10.15"),
    ],
)
def test_rate_lookup_on_shipped_data(kind, day, rate):
    assert rate_on(load_interest_rates()[kind], day).rate == D(rate)


def test_shipped_rates_drive_the_interest_calculation():
    rates = load_interest_rates()
    with pytest.raises(MissingRateError):
        rate_on(rates[STATUTORY], date(2019, 12, 31))
    # commercial 1000 from 2024-06-15 to 2024-07-15 incl.: 16 d at 12.5%/366 = 5.46,
    # 15 d at 12.25%/366 = 5.02 (see test_interest) -> 10.48
    assert statutory_interest(
        D("1000"), date(2024, 6, 15), date(2024, 7, 16), rates[COMMERCIAL]
    ).interest == D("10.48")


WIK_HEADER = "valid_from,upper_bound,percentage,minimum,maximum,source\n"
RATE_HEADER = "kind,valid_from,rate,status,source\n"


def test_parse_wik_several_scales_and_blank_lines():
    text = (
        WIK_HEADER
        + "2030-01-01,,2,50,,new\n"
        + "\n"
        + "2012-07-01,2500,15,40,6775,old\n"
        + "2012-07-01,,10,40,6775,old\n"
    )
    scales = parse_wik_scales(text.splitlines(keepends=True))
    assert [s.valid_from for s in scales] == [date(2012, 7, 1), date(2030, 1, 1)]
    assert scales[1].maximum is None
    assert scales[0].tiers == ((D("2500"), D("15")), (None, D("10")))


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("2012-13-01,2500,15,40,6775,x\n", "line 2"),
        ("2012-07-01,abc,15,40,6775,x\n", "not a number"),
        ("2012-07-01,2500,15,40,6775,x\n2012-07-01,,10,45,6775,x\n", "line 3"),
        ("2012-07-01,5000,15,40,6775,x\n2012-07-01,2500,10,40,6775,x\n", "ascending"),
    ],
)
def test_parse_wik_errors(body, fragment):
    with pytest.raises(LegalDataError, match=fragment):
        parse_wik_scales((WIK_HEADER + body).splitlines(keepends=True))


def test_parse_wik_missing_column():
    with pytest.raises(LegalDataError, match="maximum"):
        parse_wik_scales(["valid_from,upper_bound,percentage,minimum\n"])


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("consumer,2024-01-01,7,V,x\n", "unknown kind"),
        ("statutory,2024-01-01,seven,V,x\n", "not a number"),
        ("statutory,2024-01-01,-1,V,x\n", "negative"),
        ("statutory,01-01-2024,7,V,x\n", "ISO date"),
        ("statutory,2024-01-01,7,V,x\nstatutory,2024-01-01,8,V,x\n", "two rates"),
        ("statutory,2024-01-01,NaN,V,x\n", "not a number"),
    ],
)
def test_parse_rate_errors(body, fragment):
    with pytest.raises(LegalDataError, match=fragment):
        parse_interest_rates((RATE_HEADER + body).splitlines(keepends=True))


def test_parse_rates_sorts_unsorted_input():
    text = RATE_HEADER + "statutory,2024-01-01,7,V,b\nstatutory,2023-01-01,4,V,a\n"
    rows = parse_interest_rates(text.splitlines(keepends=True))[STATUTORY]
    assert [(r.valid_from, r.rate, r.source) for r in rows] == [
        (date(2023, 1, 1), D("4"), "a"),
        (date(2024, 1, 1), D("7"), "b"),
    ]


def test_load_from_an_explicit_path(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(RATE_HEADER + "commercial,2024-01-01,12.5,V,x\n", encoding="utf-8")
    assert load_interest_rates(path)[COMMERCIAL][0].rate == D("12.5")
    wik = tmp_path / "wik.csv"
    wik.write_text(WIK_HEADER + "2012-07-01,,15,40,6775,x\n", encoding="utf-8")
    assert load_wik_scales(str(wik))[0].tiers == ((None, D("15")),)
