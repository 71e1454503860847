"""Costs and interest of one dunning claim (in2dmm_credit/tools/charges.py)."""

from datetime import date
from decimal import Decimal

import pytest

from in2dmm_credit.tools import legal_data
from in2dmm_credit.tools.charges import ChargeRules, ClaimInvoice, compute_charges
from in2dmm_credit.tools.fourteen_day import Reason

D = Decimal
SCALES = legal_data.load_wik_scales()
RATES = legal_data.load_interest_rates()


def rules(**kw):
    return ChargeRules(scales=SCALES, rates=RATES, **kw)


def inv(key, amount, due, **kw):
    return ClaimInvoice(key=key, principal=D(amount), due_date=due, **kw)


def test_business_costs_and_commercial_interest():
    # due 31 Jan 2025, letter 2 March 2025: default from 1 Feb, 30 days counted
    # (1 Feb up to and including 2 Mar) at 11.15% (2025 has 365 days)
    charges = compute_charges(
        [inv(1, "1000", date(2025, 1, 31))], date(2025, 3, 2), rules()
    )
    assert charges.interest_kind == "commercial"
    assert charges.interest == (D(1000) * D("11.15") * 30 / 36500).quantize(D("0.01"))
    assert charges.interest == D("9.16")
    assert charges.costs.costs == D("150.00")  # 15% of 1,000
    assert charges.total == D("159.16")
    assert charges.announced is None
    assert (
        charges.invoices[0].costs_decision.reason == Reason.BUSINESS_NO_REMINDER_NEEDED
    )


def test_consumer_without_fourteen_day_letter_gets_interest_but_only_announced_costs():
    charges = compute_charges(
        [inv(1, "1000", date(2025, 1, 31))], date(2025, 3, 2), rules(is_consumer=True)
    )
    assert charges.interest_kind == "statutory"
    assert charges.interest == D("4.93")  # 6% over 30 days
    assert charges.costs is None and charges.costs_total == 0
    assert charges.announced.costs == D("150.00")
    assert charges.invoices[0].costs_decision.reason == Reason.CONSUMER_NO_LETTER


def test_consumer_costs_only_after_the_term_expired():
    # letter sent Monday 3 Feb 2025: presumed received Wed 5 Feb, last day Wed 19 Feb
    claim = [inv(1, "1000", date(2025, 1, 31), fourteen_day_sent=date(2025, 2, 3))]
    running = compute_charges(claim, date(2025, 2, 19), rules(is_consumer=True))
    assert running.costs is None
    assert running.invoices[0].costs_decision.reason == Reason.CONSUMER_TERM_RUNNING
    assert running.announced.costs == D("150.00")
    expired = compute_charges(claim, date(2025, 2, 20), rules(is_consumer=True))
    assert expired.costs.costs == D("150.00")
    assert expired.announced is None


def test_fourteen_day_letter_sent_before_default_does_not_count():
    claim = [inv(1, "500", date(2025, 1, 31), fourteen_day_sent=date(2025, 1, 20))]
    charges = compute_charges(claim, date(2025, 4, 1), rules(is_consumer=True))
    assert charges.costs is None
    assert (
        charges.invoices[0].costs_decision.reason
        == Reason.CONSUMER_LETTER_BEFORE_DEFAULT
    )


def test_costs_over_summed_principal_or_per_invoice():
    claim = [inv(1, "100", date(2025, 1, 1)), inv(2, "100", date(2025, 1, 10))]
    summed = compute_charges(claim, date(2025, 2, 1), rules())
    assert summed.costs_principal == D("200")
    assert summed.costs.costs == D("40.00") and summed.costs.minimum_applied
    per_invoice = compute_charges(claim, date(2025, 2, 1), rules(per_invoice=True))
    assert per_invoice.costs.costs == D("80.00")


def test_vat_on_costs_when_the_creditor_cannot_deduct_it():
    claim = [inv(1, "2500", date(2025, 1, 1))]
    charges = compute_charges(claim, date(2025, 2, 1), rules(vat_rate=D("21")))
    assert charges.costs.costs == D("375.00")
    assert charges.costs.vat_amount == D("78.75")
    assert charges.costs_total == D("453.75")


def test_not_yet_due_and_paid_invoices_earn_nothing():
    claim = [
        inv(1, "1000", date(2025, 3, 2)),  # due today: not in default yet
        inv(2, "0", date(2025, 1, 1)),
        inv(3, "-50", date(2025, 1, 1)),  # a credit
    ]
    charges = compute_charges(claim, date(2025, 3, 2), rules())
    assert charges.invoices == []
    assert charges.total == 0 and charges.costs is None


def test_foreign_currency_gets_interest_but_no_costs():
    claim = [inv(1, "1000", date(2025, 1, 31))]
    charges = compute_charges(claim, date(2025, 3, 2), rules(currency="USD"))
    assert charges.costs is None
    assert "not_euro" in charges.warnings
    assert charges.interest == D("9.16")


def test_booked_costs_and_interest_are_not_charged_twice():
    booked = inv(
        1,
        "1000",
        date(2025, 1, 31),
        costs_booked=True,
        interest_booked_until=date(2025, 2, 15),
    )
    charges = compute_charges([booked], date(2025, 3, 2), rules())
    assert charges.costs is None
    # 15 days (16 Feb up to and including 2 Mar) remain
    full = (D(1000) * D("11.15") * 30 / 36500).quantize(D("0.01"))
    earlier = (D(1000) * D("11.15") * 15 / 36500).quantize(D("0.01"))
    assert charges.interest == full - earlier
    again = compute_charges(
        [inv(1, "1000", date(2025, 1, 31), interest_booked_until=date(2025, 3, 2))],
        date(2025, 3, 2),
        rules(),
    )
    assert again.interest == 0


def test_interest_splits_at_rate_change_and_compounds_after_a_year():
    # default from 1 Jan 2024: 12.5% then 12.25% from 1 Jul 2024; the first
    # year's interest is added to the base on 1 Jan 2025
    claim = [inv(1, "10000", date(2023, 12, 31))]
    charges = compute_charges(claim, date(2025, 1, 31), rules())
    detail = charges.invoices[0].interest_detail
    assert [p.rate for p in detail.periods][:2] == [D("12.5"), D("12.25")]
    first_year = detail.capitalisations[0].amount
    assert detail.capitalisations[0].on == date(2025, 1, 1)
    assert detail.periods[-1].base == D("10000") + first_year
    assert charges.rate_periods == [D("12.5"), D("12.25"), D("11.15")]


def test_missing_tables_give_warnings_not_crashes():
    claim = [inv(1, "1000", date(2019, 1, 31))]
    charges = compute_charges(claim, date(2019, 3, 2), rules())
    assert "no_rate" in charges.warnings
    empty = ChargeRules(scales=[], rates=RATES)
    charges = compute_charges(
        [inv(1, "1000", date(2025, 1, 31))], date(2025, 3, 2), empty
    )
    assert "no_scale" in charges.warnings and charges.costs is None


@pytest.mark.parametrize(
    ("with_costs", "with_interest"), [(False, True), (True, False), (False, False)]
)
def test_parts_can_be_switched_off(with_costs, with_interest):
    claim = [inv(1, "1000", date(2025, 1, 31))]
    charges = compute_charges(
        claim,
        date(2025, 3, 2),
        rules(),
        with_costs=with_costs,
        with_interest=with_interest,
    )
    assert (charges.costs is not None) == with_costs
    assert (charges.interest > 0) == with_interest
