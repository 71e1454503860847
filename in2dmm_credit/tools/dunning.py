"""Level decisions of a dunning run, in plain Python.

The Odoo glue reads the open receivable items of a company in one query, turns them
into :class:`OpenItem` values and calls :func:`compute_proposals`. Nothing here
touches the database, so the rules are tested directly with pytest.

Rules
-----
* An invoice reaches level L when its days past due reach ``L.days`` (negative days
  are friendly reminders before the due date) and L is higher than the level it had.
  Levels only go up and never repeat.
* Unless the policy allows skipping, an invoice climbs at most one level per run, and
  not before ``min_interval_days`` have passed since its previous dunning action: a
  debtor never receives a final summons that was not preceded by the earlier letters.
* One proposal per (commercial partner, currency), at the highest level any of its
  invoices reached, listing all its overdue invoices (and those that reached a
  pre-due reminder level). Credit notes and unreconciled payments of that partner
  and currency reduce what is asked.
* A proposal whose amount to pay is below the level's minimum is left out.
* Excluded items and partners never appear; held items (dispute, promise, ...) are
  listed as held, neither counted nor escalated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Level:
    """A policy level; ``sequence`` orders the levels of one policy (higher = later)."""

    id: int
    sequence: int
    days: int
    min_amount: float = 0.0
    name: str = ""


@dataclass(frozen=True)
class Policy:
    id: int
    levels: tuple[Level, ...]
    allow_skip: bool = False
    min_interval_days: int = 0

    def __post_init__(self):
        ordered = tuple(
            sorted(self.levels, key=lambda lvl: (lvl.sequence, lvl.days, lvl.id))
        )
        object.__setattr__(self, "_ordered", ordered)

    def ordered_levels(self):
        return self._ordered


@dataclass(frozen=True)
class OpenItem:
    """One open receivable item (an invoice, credit note or unreconciled payment).

    ``residual`` is signed in the item's currency: positive = the customer owes it,
    negative = credit in the customer's favour. ``level_id`` is the level already
    sent for this item (``None`` when never dunned).
    """

    id: int
    move_id: int | None
    partner_id: int
    currency_id: int
    policy_id: int | None
    due_date: date | None
    residual: float
    level_id: int | None = None
    last_dunning_date: date | None = None
    excluded: bool = False
    hold_reason: str = ""


@dataclass
class ProposalItem:
    item: OpenItem
    days_overdue: int
    level_before: Level | None
    level: Level | None  # level after this run (== level_before when not escalated)
    held: bool = False

    @property
    def escalated(self):
        return self.level is not None and (
            self.level_before is None or self.level.id != self.level_before.id
        )


@dataclass
class Proposal:
    partner_id: int
    currency_id: int
    policy_id: int
    level: Level
    items: list[ProposalItem] = field(default_factory=list)
    credit_items: list[OpenItem] = field(default_factory=list)

    @property
    def amount_overdue(self):
        return round(sum(p.item.residual for p in self.items if not p.held), 6)

    @property
    def amount_credit(self):
        return round(sum(i.residual for i in self.credit_items), 6)

    @property
    def amount_to_pay(self):
        return round(max(self.amount_overdue + self.amount_credit, 0.0), 6)


def days_overdue(due_date, run_date):
    if due_date is None:
        return 0
    return (run_date - due_date).days


def _target_level(policy, item, days, run_date, levels_by_id):
    """The level this item reaches in this run, or its current level, or None."""
    current = levels_by_id.get(item.level_id) if item.level_id else None
    ordered = policy.ordered_levels()
    reached = [lvl for lvl in ordered if days >= lvl.days]
    if not reached:
        return current
    candidates = [
        lvl for lvl in reached if current is None or lvl.sequence > current.sequence
    ]
    if not candidates:
        return current
    if (
        current is not None
        and policy.min_interval_days
        and item.last_dunning_date
        and run_date < item.last_dunning_date + timedelta(days=policy.min_interval_days)
    ):
        return current
    if policy.allow_skip:
        return candidates[-1]
    return candidates[0]


def compute_proposals(items, policies, run_date):
    """Return the dunning proposals for ``items`` on ``run_date``.

    :param items: iterable of :class:`OpenItem`
    :param policies: mapping policy id -> :class:`Policy`
    :param run_date: :class:`datetime.date`
    :return: list of :class:`Proposal`, sorted by partner and currency
    """
    levels_by_id = {}
    for policy in policies.values():
        for lvl in policy.levels:
            levels_by_id[lvl.id] = lvl

    groups = defaultdict(list)
    for item in items:
        if item.excluded or item.policy_id not in policies:
            continue
        groups[(item.partner_id, item.currency_id, item.policy_id)].append(item)

    proposals = []
    for (partner_id, currency_id, policy_id), group in groups.items():
        policy = policies[policy_id]
        if not policy.levels:
            continue
        first_days = policy.ordered_levels()[0].days
        debit, credit = [], []
        escalated_any = False
        for item in group:
            if item.residual < 0:
                credit.append(item)
                continue
            if item.residual == 0:
                continue
            days = days_overdue(item.due_date, run_date)
            if item.due_date is None or (days <= 0 and days < first_days):
                # not due yet and not within reach of a pre-due reminder
                continue
            before = levels_by_id.get(item.level_id) if item.level_id else None
            if item.hold_reason:
                debit.append(ProposalItem(item, days, before, before, held=True))
                continue
            target = _target_level(policy, item, days, run_date, levels_by_id)
            pitem = ProposalItem(item, days, before, target)
            escalated_any = escalated_any or pitem.escalated
            debit.append(pitem)
        if not escalated_any:
            continue
        level = max(
            (p.level for p in debit if p.escalated),
            key=lambda lvl: (lvl.sequence, lvl.days),
        )
        # Only list items that are overdue or reached a level; a not-yet-due
        # invoice that reached nothing is not part of the letter.
        listed = [p for p in debit if p.days_overdue > 0 or p.level is not None]
        proposal = Proposal(
            partner_id=partner_id,
            currency_id=currency_id,
            policy_id=policy_id,
            level=level,
            items=sorted(
                listed, key=lambda p: (p.item.due_date or run_date, p.item.id)
            ),
            credit_items=sorted(credit, key=lambda i: i.id),
        )
        if proposal.amount_to_pay <= 0:
            continue
        if proposal.amount_to_pay < level.min_amount:
            continue
        proposals.append(proposal)
    proposals.sort(key=lambda p: (p.partner_id, p.currency_id))
    return proposals
