"""Credit limits, exposure and the order check (in2dmm_credit/tools/exposure.py)."""

from decimal import Decimal

import pytest

from in2dmm_credit.tools.exposure import (
    Exposure,
    blocks,
    check_order,
    effective_limit,
)

D = Decimal


@pytest.mark.parametrize(
    ("rule", "own", "insured", "disc", "expected"),
    [
        ("own", 10000, 5000, 0, D(10000)),
        ("own", None, 5000, 0, None),
        ("insured", 10000, 5000, 0, D(5000)),
        ("insured", 10000, None, 0, None),
        ("insured_plus", 10000, 5000, 2500, D(7500)),
        ("insured_plus", 10000, None, 2500, D(2500)),  # discretionary only
        ("insured_plus", 10000, None, 0, None),
        ("lowest", 10000, 5000, 0, D(5000)),
        ("lowest", None, 5000, 0, D(5000)),  # unknown is not zero
        ("lowest", 0, 5000, 0, D(0)),  # zero is a real limit
        ("highest", 10000, 5000, 0, D(10000)),
        ("highest", None, None, 0, None),
    ],
)
def test_effective_limit(rule, own, insured, disc, expected):
    assert effective_limit(rule, own, insured, disc) == expected


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        effective_limit("average", 1, 2)


def test_exposure_total_usage_and_available():
    exp = Exposure(
        receivable=D("6000"),
        draft_invoices=D("1000"),
        open_orders=D("500"),
        limit=D("10000"),
    )
    assert exp.total == D("7500")
    assert exp.usage == D("75.00")
    assert exp.available == D("2500")
    assert Exposure(receivable=D(10)).usage is None
    assert Exposure(receivable=D(10), limit=D(0)).usage == D("999.99")
    assert Exposure(limit=D(0)).usage == 0


def test_credit_notes_make_exposure_negative_and_usage_follows():
    exp = Exposure(receivable=D("-200"), limit=D("1000"))
    assert exp.total == D("-200")
    assert check_order(exp, 1150) == []  # -200 + 1150 = 950 <= 1000


def test_over_limit_says_by_how_much():
    exp = Exposure(receivable=D("9000"), limit=D("10000"))
    findings = check_order(exp, D("1500"))
    assert [f.code for f in findings] == ["over_limit"]
    assert findings[0].values["excess"] == D("500")
    assert blocks(findings)
    # exactly at the limit is allowed
    assert check_order(exp, D("1000")) == []


def test_near_limit_is_a_warning_only():
    exp = Exposure(receivable=D("8000"), limit=D("10000"))
    findings = check_order(exp, D("1200"), near_pct=90)
    assert [f.code for f in findings] == ["near_limit"]
    assert findings[0].values["usage"] == D("92.0")
    assert findings[0].values["available"] == D("800")
    assert not blocks(findings)
    assert check_order(exp, D("500"), near_pct=90) == []


def test_no_limit_means_no_limit_check():
    exp = Exposure(receivable=D("1000000"))
    assert check_order(exp, D("5000000"), near_pct=80) == []


def test_hold_and_overdue_block_even_within_the_limit():
    exp = Exposure(
        receivable=D("100"),
        limit=D("10000"),
        max_days_overdue=45,
        overdue_amount=D("100"),
    )
    findings = check_order(exp, D("10"), on_hold=True, overdue_days=30)
    assert [f.code for f in findings] == ["credit_hold", "overdue"]
    assert findings[1].values == {"days": 45, "allowed": 30, "amount": D("100")}
    assert blocks(findings)
    assert check_order(exp, D("10"), overdue_days=45) == []  # not beyond
    assert check_order(exp, D("10"), overdue_days=None) == []


def test_floats_are_accepted_without_binary_noise():
    exp = Exposure(receivable=D("0.1") + D("0.2"), limit=D("0.3"))
    assert check_order(exp, 0.0) == []
    assert check_order(exp, 0.01)[0].values["excess"] == D("0.01")


def test_hold_comes_with_the_exposure_unless_overridden():
    exp = Exposure(receivable=D("10"), on_hold=True)
    assert [f.code for f in check_order(exp, D("1"))] == ["credit_hold"]
    assert check_order(exp, D("1"), on_hold=False) == []
