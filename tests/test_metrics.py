"""Receivables metrics and the payment score (in2dmm_credit/tools/metrics.py)."""

from datetime import date
from decimal import Decimal

import pytest

from in2dmm_credit.tools.metrics import (
    AGING_BUCKETS,
    DEFAULT_THRESHOLDS,
    SCORES,
    Behaviour,
    PaidInvoice,
    aging_bucket,
    behaviour,
    collection_effectiveness,
    dso_countback,
    grade_change,
    payment_score,
    trend,
)

D = Decimal


# --- ageing -------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "90_plus"),
        (400, "90_plus"),
    ],
)
def test_aging_bucket_boundaries(days, bucket):
    assert aging_bucket(days) == bucket
    assert bucket in AGING_BUCKETS


# --- DSO ----------------------------------------------------------------------


def test_dso_worked_example():
    # 100 of the 150 is last month's sales (30 days); the other 50 is half of the
    # month before (31 days): 30 + 31 * 50 / 100 = 45.5
    result = dso_countback(D(150), [D(100), D(100)], days_in_months=[30, 31])
    assert result == D("45.5")
    assert str(result) == "45.5"


def test_dso_default_thirty_days_and_rounding():
    # 30 + 30 * 30 / 60 = 45; 30 * 7 / 9 = 23.33.. -> 23.3
    assert dso_countback(D(130), [D(100), D(60)]) == D("45.0")
    assert dso_countback(D(7), [D(9)]) == D("23.3")
    # 31 * 1 / 4 = 7.75 -> 7.8 (half up)
    assert dso_countback(D(1), [D(4)], days_in_months=[31]) == D("7.8")


def test_dso_receivable_equal_to_a_month_counts_that_month_only():
    # remaining == sales is not "larger": the month covers the rest in full
    assert dso_countback(D(100), [D(100), D(100)], days_in_months=[31, 28]) == D("31.0")
    # one cent more spills into the month before: 31 + 28 * 0.01 / 100 = 31.0028
    assert dso_countback(D("100.01"), [D(100), D(100)], days_in_months=[31, 28]) == D(
        "31.0"
    )
    # exactly two months of sales: both months, not a third
    assert dso_countback(D(200), [D(100), D(100), D(100)]) == D("60.0")


def test_dso_months_run_out():
    assert dso_countback(D(250), [D(100), D(100)]) is None
    assert dso_countback(D(1), []) is None
    # a trailing month without sales cannot cover the rest either
    assert dso_countback(D(150), [D(100), D(0)]) is None


def test_dso_zero_sales_month_counts_in_full():
    # month 1 has no sales (31 days), month 2 covers 50 of 100 (30 days): 31 + 15
    assert dso_countback(D(50), [D(0), D(100)], days_in_months=[31, 30]) == D("46.0")
    # net credit notes count as no sales: nothing is added back to the receivable
    assert dso_countback(D(50), [D(-20), D(100)]) == D("45.0")


@pytest.mark.parametrize("receivable", [D(0), D("-10"), 0])
def test_dso_no_receivable_is_zero(receivable):
    assert dso_countback(receivable, [D(100)]) == D(0)
    assert dso_countback(receivable, []) == D(0)


def test_dso_accepts_plain_numbers_and_checks_days():
    assert dso_countback(150, [100, "100"], days_in_months=(30, 31)) == D("45.5")
    with pytest.raises(ValueError):
        dso_countback(D(150), [D(100), D(100)], days_in_months=[30])


# --- CEI ----------------------------------------------------------------------


def test_collection_effectiveness_example():
    # collected 1000 + 500 - 900 = 600 of 1000 + 500 - 400 = 1100: 54.5454.. %
    assert collection_effectiveness(D(1000), D(500), D(900), D(400)) == D("54.5")
    # everything collectable collected: 100 %
    assert collection_effectiveness(D(200), D(300), D(100), D(100)) == D("100.0")
    # 1 of 8: 12.5 exactly
    assert collection_effectiveness(D(8), D(0), D(7), D(0)) == D("12.5")


def test_collection_effectiveness_nothing_collectable():
    # denominator 0: all that is left is current
    assert collection_effectiveness(D(0), D(100), D(100), D(100)) is None
    # denominator negative
    assert collection_effectiveness(D(0), D(50), D(60), D(60)) is None


# --- behaviour ----------------------------------------------------------------


def paid(amount, invoice_date, due_date, paid_date):
    return PaidInvoice(D(amount), invoice_date, due_date, paid_date)


def test_behaviour_hand_computed():
    invoices = [
        # 30 days to pay, 10 late
        paid("1000", date(2025, 1, 1), date(2025, 1, 21), date(2025, 1, 31)),
        # 5 days to pay, 9 days early: must weigh 0, not -9
        paid("3000", date(2025, 2, 1), date(2025, 2, 15), date(2025, 2, 6)),
        # 14 days to pay, paid on the due date: on time
        paid("500", date(2025, 3, 1), date(2025, 3, 15), date(2025, 3, 15)),
        # 40 days to pay, 25 late
        paid("500", date(2025, 4, 1), date(2025, 4, 16), date(2025, 5, 11)),
    ]
    result = behaviour(invoices)
    assert result.count == 4
    assert result.amount == D("5000")
    # (30 + 5 + 14 + 40) / 4 = 22.25 -> 22.3
    assert result.avg_days_to_pay == D("22.3")
    # (1000 * 10 + 500 * 25) / 5000 = 22500 / 5000 = 4.5
    # (with the early one as -9 days it would be 22500 - 27000 < 0)
    assert result.weighted_days_late == D("4.5")
    # 2 of 4 on or before the due date
    assert result.on_time_share == D("50.0")


def test_behaviour_on_time_share_by_count_and_rounding():
    invoices = [
        paid("10", date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 31)),
        paid("10", date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 2)),
        paid("980", date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 1)),
    ]
    result = behaviour(invoices)
    # 2 of 3 invoices on time, whatever their amounts: 66.666.. -> 66.7
    assert result.on_time_share == D("66.7")
    # 980 * 1 / 1000 = 0.98 -> 1.0
    assert result.weighted_days_late == D("1.0")
    # (30 + 1 + 31) / 3 = 20.666.. -> 20.7
    assert result.avg_days_to_pay == D("20.7")


def test_behaviour_empty_and_zero_amounts():
    assert behaviour([]) == Behaviour(0, D(0), None, None, None)
    result = behaviour(
        [paid("0", date(2025, 1, 1), date(2025, 1, 10), date(2025, 1, 20))]
    )
    assert result.count == 1
    assert result.weighted_days_late is None  # nothing to weigh with
    assert result.avg_days_to_pay == D("19.0")
    assert result.on_time_share == D("0.0")


def test_paid_invoice_amount():
    invoice = PaidInvoice(0.1, date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3))
    assert invoice.amount == D("0.1")
    with pytest.raises(ValueError):
        PaidInvoice(D("-1"), date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3))


# --- payment score ------------------------------------------------------------


@pytest.mark.parametrize(
    "days, grade",
    [
        (D(0), "A"),
        (D(3), "A"),
        (D("3.01"), "B"),
        (D(10), "B"),
        (D("10.01"), "C"),
        (D(25), "C"),
        (D("25.01"), "D"),
        (D(45), "D"),
        (D("45.01"), "E"),
        (D(400), "E"),
    ],
)
def test_score_thresholds_at_their_boundaries(days, grade):
    score = payment_score(days)
    assert score.grade == grade
    assert score.code == "days_late"
    assert score.weighted_days_late == days


def test_score_custom_thresholds():
    thresholds = (D(0), D(5), D(15), D(30))
    assert payment_score(D(0), thresholds=thresholds).grade == "A"
    assert payment_score(D(1), thresholds=thresholds).grade == "B"
    assert payment_score(D(31), thresholds=thresholds).grade == "E"
    with pytest.raises(ValueError):
        payment_score(D(1), thresholds=(D(3), D(10), D(25)))
    with pytest.raises(ValueError):
        payment_score(D(1), thresholds=(D(3), D(3), D(25), D(45)))


def test_score_explanation_with_figures():
    score = payment_score(D(23), 5, 1)  # 1 of 5 = 20 %: not lowered
    assert score.grade == "C"
    assert score.code == "days_late"
    assert score.explanation == (
        "average 23.0 days late over 12 months, 1 of 5 promises broken"
    )
    assert payment_score(D("2.04"), months=1).explanation == (
        "average 2.0 days late over 1 month, no promises made"
    )


def test_score_promises_lower_by_one():
    # 1 of 4 = 25 %: one grade down (boundary included)
    score = payment_score(D(2), 4, 1)
    assert score.grade == "B"
    assert score.code == "promises"
    assert score.promises_made == 4
    assert score.promises_broken == 1
    assert "1 of 4 promises broken" in score.explanation
    assert "average 2.0 days late over 12 months" in score.explanation
    assert "from A to B" in score.explanation
    # 2 of 5 = 40 %: still one grade
    assert payment_score(D(23), 5, 2).grade == "D"


def test_score_promises_lower_by_two():
    # 1 of 2 = 50 %: two grades down (boundary included)
    score = payment_score(D(5), 2, 1)
    assert score.grade == "D"
    assert score.code == "promises"
    assert "from B to D" in score.explanation
    # 3 of 3 broken
    assert payment_score(D(0), 3, 3).grade == "C"


def test_score_promises_never_below_e():
    assert payment_score(D(40), 2, 2).grade == "E"  # D, two down -> E, not beyond
    score = payment_score(D(100), 1, 1)  # already E
    assert score.grade == "E"
    assert score.code == "days_late"  # the promises changed nothing
    assert "1 of 1 promise broken" in score.explanation


def test_score_no_history():
    score = payment_score(None)
    assert score.grade == ""
    assert score.code == "no_history"
    assert score.weighted_days_late is None
    assert score.explanation == "no paid invoices and no promises over 12 months"


def test_score_promises_only():
    score = payment_score(None, 2, 1)
    assert score.grade == "C"  # from A, two down
    assert score.code == "promises"
    assert score.explanation.startswith("no paid invoices over 12 months, 1 of 2")
    kept = payment_score(None, 3, 0)
    assert kept.grade == "A"
    assert kept.code == "promises"


def test_score_rejects_impossible_promises():
    with pytest.raises(ValueError):
        payment_score(D(1), 2, 3)
    with pytest.raises(ValueError):
        payment_score(D(1), 0, 1)


def test_defaults():
    assert SCORES == ("A", "B", "C", "D", "E")
    assert DEFAULT_THRESHOLDS == (D(3), D(10), D(25), D(45))


# --- grade changes ------------------------------------------------------------


def test_grade_change():
    assert grade_change("A", "C") == 2
    assert grade_change("E", "B") == -3
    assert grade_change("C", "C") == 0
    assert grade_change("", "E") == 0
    assert grade_change("A", "") == 0
    with pytest.raises(ValueError):
        grade_change("A", "F")


@pytest.mark.parametrize(
    "grades, expected",
    [
        (["A", "A", "C"], "worse"),
        (["C", "D", "B"], "better"),
        (["A", "C", "B"], "stable"),  # mean of A and C is B
        (["A", "B", "A"], "better"),  # mean 0.5 > 0
        (["B", "A", "B"], "worse"),  # 1 > mean 0.5
        (["", "A", "", "B"], "worse"),  # blanks ignored
        (["B", "", ""], "stable"),  # one graded value
        (["", ""], "stable"),
        ([], "stable"),
        (["A", "B"], "worse"),
    ],
)
def test_trend(grades, expected):
    assert trend(grades) == expected
