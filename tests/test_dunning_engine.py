from datetime import date, timedelta

import pytest

from in2dmm_credit.tools.dunning import (
    Level,
    OpenItem,
    Policy,
    compute_proposals,
    days_overdue,
)

RUN = date(2026, 12, 4)
L0 = Level(id=10, sequence=0, days=-3, name="friendly")
L1 = Level(id=1, sequence=1, days=7, name="herinnering")
L2 = Level(id=2, sequence=2, days=21, min_amount=50.0, name="aanmaning")
L3 = Level(id=3, sequence=3, days=35, name="ingebrekestelling")
L4 = Level(id=4, sequence=4, days=50, name="laatste sommatie")
POLICY = Policy(id=1, levels=(L1, L2, L3, L4))


def item(id_, days, residual=100.0, partner=7, **kw):
    kw.setdefault("policy_id", 1)
    kw.setdefault("currency_id", 1)
    return OpenItem(
        id=id_,
        move_id=id_,
        partner_id=partner,
        due_date=RUN - timedelta(days=days),
        residual=residual,
        **kw,
    )


def run(items, policy=POLICY, run_date=RUN):
    return compute_proposals(items, {policy.id: policy}, run_date)


def test_days_overdue():
    assert days_overdue(date(2026, 12, 1), RUN) == 3
    assert days_overdue(date(2026, 12, 10), RUN) == -6
    assert days_overdue(None, RUN) == 0


def test_not_yet_reached_first_level_proposes_nothing():
    assert run([item(1, 6)]) == []


def test_first_level_reached_on_exact_day():
    (prop,) = run([item(1, 7)])
    assert prop.level == L1
    assert prop.items[0].escalated
    assert prop.amount_to_pay == 100.0


def test_one_step_per_run_without_skip():
    # 60 days overdue, never dunned: starts at the first level, not the last
    (prop,) = run([item(1, 60)])
    assert prop.level == L1


def test_skip_allowed_goes_to_highest_reached():
    policy = Policy(id=1, levels=POLICY.levels, allow_skip=True)
    (prop,) = run([item(1, 60)], policy)
    assert prop.level == L4


def test_levels_only_go_up_and_never_repeat():
    # already at level 2, 30 days overdue: level 3 needs 35 -> nothing
    assert run([item(1, 30, level_id=2)]) == []
    # at 35 days: level 3
    (prop,) = run([item(1, 35, level_id=2)])
    assert prop.level == L3
    # already at the last level: nothing, ever
    assert run([item(1, 400, level_id=4)]) == []


def test_min_interval_between_actions():
    policy = Policy(id=1, levels=POLICY.levels, min_interval_days=7)
    recent = item(1, 40, level_id=2, last_dunning_date=RUN - timedelta(days=3))
    assert run([recent], policy) == []
    older = item(1, 40, level_id=2, last_dunning_date=RUN - timedelta(days=7))
    (prop,) = run([older], policy)
    assert prop.level == L3


def test_one_line_per_partner_at_highest_level_listing_all_overdue():
    items = [
        item(1, 36, level_id=2),  # -> L3
        item(2, 8),  # -> L1
        item(3, 2),  # overdue, reaches nothing yet, still listed
        item(4, -10),  # not due: not listed
    ]
    (prop,) = run(items)
    assert prop.level == L3
    assert [p.item.id for p in prop.items] == [1, 2, 3]
    by_id = {p.item.id: p for p in prop.items}
    assert by_id[1].level == L3 and by_id[1].escalated
    assert by_id[2].level == L1 and by_id[2].escalated
    assert by_id[3].level is None and not by_id[3].escalated
    assert prop.amount_overdue == 300.0


def test_no_proposal_when_nothing_escalates():
    # overdue items exist but all already had their current level
    assert run([item(1, 10, level_id=1), item(2, 3)]) == []


def test_partners_and_currencies_are_separate_lines():
    items = [
        item(1, 8, partner=7),
        item(2, 8, partner=8),
        item(3, 8, partner=7, currency_id=2),
    ]
    props = run(items)
    assert [(p.partner_id, p.currency_id) for p in props] == [(7, 1), (7, 2), (8, 1)]


def test_credits_reduce_amount_to_pay():
    items = [item(1, 8, residual=300.0), item(2, -5, residual=-120.0)]
    (prop,) = run(items)
    assert prop.amount_overdue == 300.0
    assert prop.amount_credit == -120.0
    assert prop.amount_to_pay == 180.0
    assert [c.id for c in prop.credit_items] == [2]


def test_credit_covering_everything_proposes_nothing():
    items = [item(1, 8, residual=100.0), item(2, 20, residual=-100.0)]
    assert run(items) == []


def test_credit_in_other_currency_does_not_count():
    items = [item(1, 8, residual=100.0), item(2, 20, residual=-100.0, currency_id=2)]
    (prop,) = run(items)
    assert prop.amount_to_pay == 100.0


def test_level_minimum_amount():
    # level 2 requires 50; 40 open -> left out
    assert run([item(1, 22, residual=40.0, level_id=1)]) == []
    (prop,) = run([item(1, 22, residual=60.0, level_id=1)])
    assert prop.level == L2


def test_excluded_items_never_appear():
    items = [item(1, 8, excluded=True), item(2, 40, excluded=True)]
    assert run(items) == []
    (prop,) = run([item(1, 8), item(2, 40, excluded=True)])
    assert [p.item.id for p in prop.items] == [1]


def test_held_items_are_listed_not_counted_not_escalated():
    items = [item(1, 8), item(2, 40, hold_reason="dispute")]
    (prop,) = run(items)
    held = [p for p in prop.items if p.held]
    assert [p.item.id for p in held] == [2]
    assert not held[0].escalated
    assert prop.amount_overdue == 100.0
    # a held item alone proposes nothing
    assert run([item(2, 40, hold_reason="dispute")]) == []


def test_pre_due_friendly_reminder():
    policy = Policy(id=1, levels=(L0, L1, L2))
    assert run([item(1, -5)], policy) == []
    (prop,) = run([item(1, -2)], policy)
    assert prop.level == L0
    assert prop.items[0].days_overdue == -2
    # the friendly reminder is sent once
    assert run([item(1, -1, level_id=10)], policy) == []


def test_items_without_policy_are_ignored():
    assert run([item(1, 20, policy_id=99)]) == []


def test_paid_items_are_ignored():
    assert run([item(1, 20, residual=0.0)]) == []


def test_recompute_after_execution_proposes_nothing():
    items = [item(1, 8), item(2, 25, level_id=1)]
    props = run(items)
    # simulate execution: write the new levels back
    done = {p.item.id: p.level.id for prop in props for p in prop.items if p.escalated}
    after = [
        OpenItem(
            **{
                **i.__dict__,
                "level_id": done.get(i.id, i.level_id),
                "last_dunning_date": RUN,
            }
        )
        for i in items
    ]
    assert run(after) == []


@pytest.mark.parametrize("days,expected", [(7, L1), (21, L1), (50, L1)])
def test_first_letter_is_always_first_level(days, expected):
    (prop,) = run([item(1, days)])
    assert prop.level == expected
