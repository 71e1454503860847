"""Payment promises and plans (in2dmm_credit/tools/promises.py)."""

from datetime import date
from decimal import Decimal

import pytest

from in2dmm_credit.tools.promises import (
    InstalmentStatus,
    Payment,
    evaluate_plan,
    evaluate_promise,
    split_amount,
)

D = Decimal
DUE = date(2026, 3, 15)


def pay(day, amount):
    return Payment(day, amount)


# --- promises ---------------------------------------------------------------


def test_kept_before_the_deadline():
    result = evaluate_promise(
        "500", DUE, [pay(date(2026, 3, 10), "500")], date(2026, 3, 11)
    )
    assert result.state == "kept"
    assert result.paid == D("500")
    assert result.shortfall == 0
    assert result.deadline == DUE


def test_open_until_the_deadline_then_kept_by_a_payment_on_it():
    payments = [pay(date(2026, 3, 1), "200")]
    assert evaluate_promise("500", DUE, payments, DUE).state == "open"
    payments.append(pay(DUE, "300"))
    result = evaluate_promise("500", DUE, payments, DUE)
    assert result.state == "kept"
    assert result.paid == D("500")


def test_grace_days_move_the_deadline_by_one_day_exactly():
    # deadline = 15 March + 3 days = 18 March
    on_deadline = [pay(date(2026, 3, 18), "500")]
    after_deadline = [pay(date(2026, 3, 19), "500")]
    today = date(2026, 3, 25)
    kept = evaluate_promise("500", DUE, on_deadline, today, grace_days=3)
    assert kept.deadline == date(2026, 3, 18)
    assert kept.state == "kept"
    late = evaluate_promise("500", DUE, after_deadline, today, grace_days=3)
    assert late.state == "broken"
    assert late.paid == 0
    assert late.shortfall == D("500")
    # still open on the last grace day, broken the day after
    assert evaluate_promise("500", DUE, [], date(2026, 3, 18), grace_days=3).state == (
        "open"
    )
    assert evaluate_promise("500", DUE, [], date(2026, 3, 19), grace_days=3).state == (
        "broken"
    )


def test_partial_after_the_deadline():
    result = evaluate_promise(
        "500", DUE, [pay(date(2026, 3, 14), "120.50")], date(2026, 3, 16)
    )
    assert result.state == "partial"
    assert result.paid == D("120.50")
    assert result.shortfall == D("379.50")


def test_broken_without_payment():
    result = evaluate_promise("500", DUE, [], date(2026, 3, 16))
    assert result.state == "broken"
    assert result.paid == 0
    assert result.shortfall == D("500")


def test_over_payment_still_kept_without_shortfall():
    result = evaluate_promise(
        "500", DUE, [pay(date(2026, 3, 2), "650")], date(2026, 3, 20)
    )
    assert result.state == "kept"
    assert result.paid == D("650")
    assert result.shortfall == 0


def test_credit_note_counts_like_a_payment():
    payments = [pay(date(2026, 3, 5), "400"), pay(date(2026, 3, 6), "100")]  # CN
    assert evaluate_promise("500", DUE, payments, date(2026, 3, 20)).state == "kept"


def test_reversed_payment_reduces_what_was_paid():
    payments = [pay(date(2026, 3, 5), "500"), pay(date(2026, 3, 9), "-500")]
    result = evaluate_promise("500", DUE, payments, date(2026, 3, 20))
    assert result.paid == 0
    assert result.state == "broken"
    payments.append(pay(date(2026, 3, 12), "200"))
    result = evaluate_promise("500", DUE, payments, date(2026, 3, 20))
    assert result.paid == D("200")
    assert result.state == "partial"


def test_payments_before_the_promise_was_made_are_ignored():
    payments = [pay(date(2026, 2, 27), "300"), pay(date(2026, 3, 1), "200")]
    result = evaluate_promise(
        "500", DUE, payments, date(2026, 3, 20), since=date(2026, 3, 1)
    )
    assert result.paid == D("200")  # the payment on `since` itself counts
    assert result.state == "partial"
    assert evaluate_promise("500", DUE, payments, date(2026, 3, 20)).state == "kept"


def test_tolerance():
    one_cent_short = [pay(date(2026, 3, 5), "499.99")]
    result = evaluate_promise("500", DUE, one_cent_short, date(2026, 3, 5))
    assert result.state == "kept"
    assert result.shortfall == D("0.01")
    two_cents_short = [pay(date(2026, 3, 5), "499.98")]
    assert evaluate_promise("500", DUE, two_cents_short, DUE).state == "open"
    assert (
        evaluate_promise("500", DUE, two_cents_short, DUE, tolerance=D("0.05")).state
        == "kept"
    )
    # a cent is not a partial payment
    assert (
        evaluate_promise("500", DUE, [pay(DUE, "0.01")], date(2026, 3, 16)).state
        == "broken"
    )


def test_float_input_has_no_binary_noise():
    payments = [pay(date(2026, 3, 1), 0.1), pay(date(2026, 3, 2), 0.2)]
    assert payments[0].amount == D("0.1")
    result = evaluate_promise(0.3, DUE, payments, DUE, tolerance=0)
    assert result.paid == D("0.3")
    assert result.shortfall == 0
    assert result.state == "kept"


def test_amount_types_are_accepted():
    for amount in (D("500"), 500, "500.00", 500.0):
        result = evaluate_promise(amount, DUE, [(DUE, 500)], DUE)
        assert result.state == "kept"
        assert result.paid == D("500")


def test_zero_promise_is_kept():
    assert evaluate_promise(0, DUE, [], date(2026, 4, 1)).state == "kept"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": "-1"},
        {"grace_days": -1},
        {"tolerance": "-0.01"},
        {"amount": "NaN"},
    ],
)
def test_promise_rejects_bad_input(kwargs):
    args = {"amount": "500", "grace_days": 0, "tolerance": D("0.01")} | kwargs
    with pytest.raises(ValueError):
        evaluate_promise(
            args["amount"],
            DUE,
            [],
            DUE,
            grace_days=args["grace_days"],
            tolerance=args["tolerance"],
        )


# --- plans ------------------------------------------------------------------

PLAN = [
    (date(2026, 1, 31), D("100")),
    (date(2026, 2, 28), D("100")),
    (date(2026, 3, 31), D("100")),
]


def states(result):
    return [s.state for s in result.instalments]


def test_plan_fifo_over_payment_covers_the_next_instalment():
    # 150 paid: January fully, February half; today is 10 Feb
    result = evaluate_plan(
        reversed(PLAN), [pay(date(2026, 1, 30), "150")], date(2026, 2, 10)
    )
    assert [s.date for s in result.instalments] == [d for d, _ in PLAN]
    assert states(result) == ["paid", "partial", "open"]
    assert [s.paid for s in result.instalments] == [D("100"), D("50"), D("0")]
    assert result.paid == D("150")
    assert result.due == D("100")
    assert result.state == "on_schedule"
    assert result.first_missed is None
    assert result.instalments[0] == InstalmentStatus(
        date(2026, 1, 31), D("100"), D("100"), "paid"
    )


def test_partly_paid_overdue_instalment_is_missed():
    result = evaluate_plan(PLAN, [pay(date(2026, 1, 30), "150")], date(2026, 3, 1))
    assert states(result) == ["paid", "missed", "open"]
    assert result.instalments[1].paid == D("50")
    assert result.state == "missed"
    assert result.first_missed == date(2026, 2, 28)
    assert result.due == D("200")


def test_completed_plan():
    payments = [pay(date(2026, 1, 31), "100"), pay(date(2026, 2, 20), "199.99")]
    result = evaluate_plan(PLAN, payments, date(2026, 2, 21))
    assert states(result) == ["paid", "paid", "paid"]  # last one a cent short
    assert result.state == "completed"
    assert result.paid == D("299.99")


def test_on_schedule_with_a_future_instalment_open():
    payments = [pay(date(2026, 1, 20), "100"), pay(date(2026, 2, 27), "100")]
    result = evaluate_plan(PLAN, payments, date(2026, 3, 5))
    assert states(result) == ["paid", "paid", "open"]
    assert result.state == "on_schedule"
    assert result.due == D("200")


def test_plan_grace_days():
    payments = [pay(date(2026, 1, 31), "100")]
    # February's instalment is due 28 Feb; with 3 grace days still open on 3 March
    within = evaluate_plan(PLAN, payments, date(2026, 3, 3), grace_days=3)
    assert states(within) == ["paid", "open", "open"]
    assert within.state == "on_schedule"
    assert within.due == D("100")
    late = evaluate_plan(PLAN, payments, date(2026, 3, 4), grace_days=3)
    assert states(late) == ["paid", "missed", "open"]
    assert late.state == "missed"
    assert late.due == D("200")
    # without grace it is missed the day after its date
    assert evaluate_plan(PLAN, payments, date(2026, 3, 1)).state == "missed"


def test_plan_since_and_future_payments():
    payments = [
        pay(date(2025, 12, 1), "100"),  # before the plan: ignored
        pay(date(2026, 2, 1), "100"),
        pay(date(2026, 2, 20), "100"),  # after today: not yet counted
    ]
    result = evaluate_plan(PLAN, payments, date(2026, 2, 10), since=date(2026, 1, 1))
    assert result.paid == D("100")
    assert states(result) == ["paid", "open", "open"]


def test_plan_with_net_reversals_covers_nothing():
    payments = [pay(date(2026, 1, 5), "100"), pay(date(2026, 1, 6), "-150")]
    result = evaluate_plan(PLAN, payments, date(2026, 1, 10))
    assert result.paid == D("-50")
    assert [s.paid for s in result.instalments] == [0, 0, 0]
    assert states(result) == ["open", "open", "open"]


@pytest.mark.parametrize(
    "instalments",
    [[], [(date(2026, 1, 31), "100"), (date(2026, 2, 28), "0")], [(DUE, "-5")]],
)
def test_plan_rejects_empty_or_non_positive_instalments(instalments):
    with pytest.raises(ValueError):
        evaluate_plan(instalments, [], DUE)


def test_plan_rejects_negative_grace():
    with pytest.raises(ValueError):
        evaluate_plan(PLAN, [], DUE, grace_days=-1)


# --- splitting --------------------------------------------------------------


def test_split_remainder_cents_on_the_last_instalment():
    rows = split_amount("100", 3, date(2026, 1, 15))
    assert rows == [
        (date(2026, 1, 15), D("33.33")),
        (date(2026, 2, 15), D("33.33")),
        (date(2026, 3, 15), D("33.34")),
    ]
    assert sum(amount for _, amount in rows) == D("100")


def test_split_sum_is_exact():
    rows = split_amount(D("1000.07"), 7, date(2026, 1, 1))
    assert [a for _, a in rows] == [D("142.86")] * 6 + [D("142.91")]
    assert sum(a for _, a in rows) == D("1000.07")


def test_split_clamps_to_month_end_from_the_first_date():
    rows = split_amount(400, 4, date(2028, 1, 31))
    assert [d for d, _ in rows] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]
    quarterly = split_amount(400, 3, date(2027, 11, 30), months=3)
    assert [d for d, _ in quarterly] == [
        date(2027, 11, 30),
        date(2028, 2, 29),
        date(2028, 5, 30),
    ]


def test_split_every_n_days():
    rows = split_amount("90", 3, date(2026, 2, 20), days=14)
    assert rows == [
        (date(2026, 2, 20), D("30.00")),
        (date(2026, 3, 6), D("30.00")),
        (date(2026, 3, 20), D("30.00")),
    ]


def test_split_output_feeds_evaluate_plan():
    rows = split_amount("100", 3, date(2026, 1, 15))
    result = evaluate_plan(rows, [pay(date(2026, 3, 1), "66.66")], date(2026, 3, 2))
    assert states(result) == ["paid", "paid", "open"]


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (("100", 0), {}),
        (("0", 3), {}),
        (("-100", 3), {}),
        (("100", 3), {"months": 0}),
        (("100", 3), {"days": 0}),
        (("0.02", 3), {}),  # not a cent per instalment
    ],
)
def test_split_rejects_bad_input(args, kwargs):
    with pytest.raises(ValueError):
        split_amount(*args, date(2026, 1, 1), **kwargs)
