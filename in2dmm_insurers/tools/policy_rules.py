"""The credit-insurance policy's rules for one sale, in plain Python.

A policy covers a customer's debts only within its rules: payment terms up
to the maximum credit term, invoices paid within the maximum extension past
the due date (after it deliveries must stop), and an own (discretionary)
limit up to the policy's maximum without the insurer's decision. The checks
return findings; the Odoo side words them and shows them where sales people
work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PolicyRules:
    max_payment_days: int = 0  # 0: no rule
    max_extension_days: int = 0
    max_own_limit: Decimal = Decimal(0)


@dataclass(frozen=True)
class PolicyFinding:
    code: str  # "term_too_long", "extension_exceeded", "own_limit_too_high"
    values: dict = field(default_factory=dict)


def check_sale(
    rules: PolicyRules,
    *,
    insured: bool,
    term_days: int | None,
    oldest_overdue_days: int | None,
    own_limit: Decimal | None,
) -> list[PolicyFinding]:
    """What a sale to a customer breaks of the policy.

    ``insured``: the customer has an insured limit in force; ``term_days``:
    the longest due date of the sale's payment term, in days; ``oldest_overdue_days``:
    days past due of the customer's oldest open invoice; ``own_limit``: the
    customer's own credit limit (``None``: not set).
    """
    findings = []
    if (
        insured
        and rules.max_payment_days > 0
        and term_days is not None
        and term_days > rules.max_payment_days
    ):
        findings.append(
            PolicyFinding(
                "term_too_long",
                {"days": term_days, "allowed": rules.max_payment_days},
            )
        )
    if (
        insured
        and rules.max_extension_days > 0
        and oldest_overdue_days is not None
        and oldest_overdue_days > rules.max_extension_days
    ):
        findings.append(
            PolicyFinding(
                "extension_exceeded",
                {"days": oldest_overdue_days, "allowed": rules.max_extension_days},
            )
        )
    if (
        not insured
        and rules.max_own_limit > 0
        and own_limit is not None
        and own_limit > rules.max_own_limit
    ):
        findings.append(
            PolicyFinding(
                "own_limit_too_high",
                {"limit": own_limit, "allowed": rules.max_own_limit},
            )
        )
    return findings
