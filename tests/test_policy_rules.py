"""The credit-insurance policy's rules for a sale."""

from decimal import Decimal

from in2dmm_insurers.tools.policy_rules import PolicyRules, check_sale

RULES = PolicyRules(
    max_payment_days=60, max_extension_days=60, max_own_limit=Decimal(15000)
)


def codes(findings):
    return [f.code for f in findings]


def test_within_the_rules_nothing_is_found():
    assert not check_sale(
        RULES, insured=True, term_days=60, oldest_overdue_days=60, own_limit=None
    )


def test_a_longer_term_than_the_policy_covers():
    (finding,) = check_sale(
        RULES, insured=True, term_days=90, oldest_overdue_days=None, own_limit=None
    )
    assert finding.code == "term_too_long"
    assert finding.values == {"days": 90, "allowed": 60}


def test_past_the_maximum_extension_deliveries_must_stop():
    found = check_sale(
        RULES, insured=True, term_days=30, oldest_overdue_days=61, own_limit=None
    )
    assert codes(found) == ["extension_exceeded"]
    assert found[0].values["days"] == 61


def test_uninsured_customers_are_not_held_to_term_and_extension():
    assert not check_sale(
        RULES, insured=False, term_days=120, oldest_overdue_days=90, own_limit=None
    )


def test_own_limit_above_the_discretionary_maximum_without_a_decision():
    found = check_sale(
        RULES,
        insured=False,
        term_days=30,
        oldest_overdue_days=None,
        own_limit=Decimal("15000.01"),
    )
    assert codes(found) == ["own_limit_too_high"]
    # with an insurer's decision the own limit is the company's own affair
    assert not check_sale(
        RULES,
        insured=True,
        term_days=30,
        oldest_overdue_days=None,
        own_limit=Decimal(50000),
    )


def test_rules_set_to_zero_are_off():
    assert not check_sale(
        PolicyRules(),
        insured=True,
        term_days=365,
        oldest_overdue_days=365,
        own_limit=Decimal(10**6),
    )


def test_several_findings_at_once():
    found = check_sale(
        RULES, insured=True, term_days=75, oldest_overdue_days=70, own_limit=None
    )
    assert codes(found) == ["term_too_long", "extension_exceeded"]
