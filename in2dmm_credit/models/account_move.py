from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    in2dmm_level_id = fields.Many2one(
        "in2dmm.policy.level",
        string="Dunning Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Highest dunning level sent for this invoice.",
    )
    in2dmm_last_dunning_date = fields.Date(
        string="Last Dunning Action", copy=False, readonly=True
    )
    in2dmm_excluded = fields.Boolean(
        string="Excluded from Dunning", copy=False, tracking=True
    )
    in2dmm_exclude_reason = fields.Char(string="Dunning Exclusion Reason", copy=False)
    in2dmm_fourteen_day_date = fields.Date(
        string="14-Day Letter Sent",
        copy=False,
        readonly=True,
        help="Date the first 14-day letter (veertiendagenbrief) for this invoice "
        "was sent; a consumer owes collection costs only after its term expired.",
    )
    in2dmm_costs_booked = fields.Boolean(
        string="Collection Costs Booked", copy=False, readonly=True
    )
    in2dmm_interest_booked_until = fields.Date(
        string="Interest Booked Until", copy=False, readonly=True
    )
    in2dmm_is_charge = fields.Boolean(
        string="Costs and Interest Invoice",
        copy=False,
        readonly=True,
        help="This invoice charges collection costs and interest; it bears no "
        "costs or interest itself.",
    )
    in2dmm_collection_case_ids = fields.Many2many(
        "in2dmm.collection.case",
        "in2dmm_collection_case_move_rel",
        "move_id",
        "case_id",
        string="Collection Cases",
        copy=False,
        readonly=True,
    )
    in2dmm_item_ids = fields.One2many(
        "in2dmm.dunning.line.item", "move_id", string="Dunning History"
    )

    def _in2dmm_hold_reasons(self):
        """Invoices temporarily held out of dunning, with the reason.

        Open complaints and disputes, open payment promises (until the promised
        date plus the grace period), payment plans on schedule and collection
        cases hold their invoices.
        :return: dict {move_id: reason}
        """
        reasons = {}
        # the dunning run passes its own date: a promise holds up to that day
        today = self.env.context.get("in2dmm_date") or fields.Date.context_today(self)
        for line in (
            self.env["in2dmm.dispute.line"]
            .sudo()
            .search(
                [
                    ("move_id", "in", self.ids),
                    ("dispute_id.state", "in", ("new", "in_progress")),
                ]
            )
        ):
            dispute = line.dispute_id
            reasons.setdefault(
                line.move_id.id,
                self.env._(
                    "%(kind)s %(ref)s", kind=dispute._kind_label(), ref=dispute.name
                ),
            )
        for promise in (
            self.env["in2dmm.promise"]
            .sudo()
            .search(
                [
                    ("move_ids", "in", self.ids),
                    ("state", "=", "open"),
                    ("date_hold_until", ">=", today),
                ]
            )
        ):
            for move in promise.move_ids & self:
                reasons.setdefault(
                    move.id,
                    self.env._(
                        "payment promised for %(date)s (%(ref)s)",
                        date=fields.Date.to_string(promise.date_promised),
                        ref=promise.name,
                    ),
                )
        for plan in (
            self.env["in2dmm.payment.plan"]
            .sudo()
            .search([("move_ids", "in", self.ids), ("state", "=", "active")])
        ):
            for move in plan.move_ids & self:
                reasons.setdefault(
                    move.id,
                    self.env._("payment plan %(ref)s", ref=plan.name),
                )
        cases = (
            self.env["in2dmm.collection.case"]
            .sudo()
            .search([("move_ids", "in", self.ids), ("state", "=", "handed_over")])
        )
        for case in cases:
            for move in case.move_ids:
                reasons.setdefault(
                    move.id,
                    self.env._(
                        "handed over to %(agency)s (%(case)s)",
                        agency=case.agency_id.display_name or self.env._("an agency"),
                        case=case.name,
                    ),
                )
        return reasons

    def _post(self, soft=True):
        posted = super()._post(soft)
        refunds = posted.filtered(lambda m: m.move_type == "out_refund")
        if refunds:
            self.env["in2dmm.dispute"]._in2dmm_check_settled(
                refunds.reversed_entry_id
                | refunds.line_ids.matched_debit_ids.debit_move_id.move_id
            )
        return posted
