from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

#: partner fields only credit controllers may change
CONTROLLED_FIELDS = {
    "in2dmm_policy_id",
    "in2dmm_collector_id",
    "in2dmm_no_dunning",
    "in2dmm_no_dunning_reason",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    in2dmm_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Dunning Policy",
        company_dependent=True,
        tracking=True,
        help="Leave empty to follow the policy of the customer's groups or the "
        "company default.",
    )
    in2dmm_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        tracking=True,
        help="Credit controller who follows this customer up. Leave empty for "
        "the company's default collector.",
    )
    in2dmm_no_dunning = fields.Boolean(
        string="Excluded from Dunning", company_dependent=True, tracking=True
    )
    in2dmm_no_dunning_reason = fields.Char(
        string="Exclusion Reason", company_dependent=True
    )
    in2dmm_effective_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Applied Policy",
        compute="_compute_in2dmm_effective",
    )
    in2dmm_effective_collector_id = fields.Many2one(
        "res.users",
        string="Applied Collector",
        compute="_compute_in2dmm_effective",
    )
    in2dmm_dunning_line_ids = fields.One2many(
        "in2dmm.dunning.line", "partner_id", string="Dunning History"
    )
    in2dmm_amount_overdue = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_in2dmm_overdue",
        currency_field="currency_id",
    )
    in2dmm_overdue_count = fields.Integer(
        string="Overdue Invoice Count", compute="_compute_in2dmm_overdue"
    )
    in2dmm_overdue_invoice_ids = fields.Many2many(
        "account.move",
        string="Overdue Invoices",
        compute="_compute_in2dmm_overdue_invoice_ids",
    )
    in2dmm_signal_count = fields.Integer(
        string="Open Signals", compute="_compute_in2dmm_signal_count"
    )
    in2dmm_last_level_id = fields.Many2one(
        "in2dmm.policy.level",
        string="Last Dunning Level",
        compute="_compute_in2dmm_overdue",
    )

    @api.depends_context("company")
    @api.depends("category_id", "in2dmm_policy_id", "in2dmm_collector_id")
    def _compute_in2dmm_effective(self):
        company = self.env.company
        policies = self.env["in2dmm.policy"].search(
            [("company_id", "=", company.id), ("category_ids", "!=", False)]
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            policy = commercial.in2dmm_policy_id
            if not policy:
                policy = policies.filtered(
                    lambda p, cats=commercial.category_id: p.category_ids & cats
                )[:1]
            partner.in2dmm_effective_policy_id = policy or company.in2dmm_policy_id
            partner.in2dmm_effective_collector_id = (
                commercial.in2dmm_collector_id or company.in2dmm_collector_id
            )

    def write(self, vals):
        if (
            CONTROLLED_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group(
                "in2dmm_credit.in2dmm_credit_group_controller"
            )
        ):
            raise AccessError(
                self.env._(
                    "Only credit controllers may change a customer's dunning settings."
                )
            )
        return super().write(vals)

    def _in2dmm_overdue_domain(self):
        return Domain(
            [
                ("move_id.move_type", "in", ("out_invoice", "out_receipt")),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.context_today(self)),
                ("company_id", "=", self.env.company.id),
            ]
        )

    @api.depends_context("company")
    def _compute_in2dmm_overdue(self):
        commercials = self.commercial_partner_id
        groups = self.env["account.move.line"]._read_group(
            self._in2dmm_overdue_domain()
            & Domain("partner_id", "child_of", commercials.ids),
            groupby=["partner_id"],
            aggregates=["amount_residual:sum", "move_id:count_distinct"],
        )
        totals = {}
        for partner, amount, count in groups:
            key = partner.commercial_partner_id.id
            prev = totals.get(key, (0.0, 0))
            totals[key] = (prev[0] + amount, prev[1] + count)
        moves = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", commercials.ids),
                ("in2dmm_level_id", "!=", False),
                ("company_id", "=", self.env.company.id),
                ("payment_state", "not in", ("paid", "reversed", "in_payment")),
            ],
            groupby=["commercial_partner_id"],
            aggregates=["in2dmm_level_id:array_agg"],
        )
        levels_by_partner = {}
        level_model = self.env["in2dmm.policy.level"]
        for partner, level_ids in moves:
            levels = level_model.browse(set(level_ids))
            levels_by_partner[partner.id] = levels.sorted(
                lambda lvl: (lvl.sequence, lvl.days)
            )[-1:]
        for partner in self:
            key = partner.commercial_partner_id.id
            amount, count = totals.get(key, (0.0, 0))
            partner.in2dmm_amount_overdue = amount
            partner.in2dmm_overdue_count = count
            partner.in2dmm_last_level_id = levels_by_partner.get(key, level_model)

    def _in2dmm_overdue_invoice_domain(self):
        """Open customer invoices of these customers, past their due date."""
        return [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
            ("move_type", "in", ("out_invoice", "out_receipt")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    @api.depends_context("company")
    def _compute_in2dmm_overdue_invoice_ids(self):
        moves = self.env["account.move"].search(
            self._in2dmm_overdue_invoice_domain(), order="invoice_date_due"
        )
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            partner.in2dmm_overdue_invoice_ids = by_partner.get(
                partner.commercial_partner_id, moves.browse()
            )

    @api.depends_context("company")
    def _compute_in2dmm_signal_count(self):
        counts = dict(
            self.env["in2dmm.signal"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "!=", "closed"),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.in2dmm_signal_count = counts.get(partner.commercial_partner_id, 0)

    def action_in2dmm_open_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_signal_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_in2dmm_open_overdue(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = self._in2dmm_overdue_invoice_domain()
        action["context"] = {"create": False}
        return action

    def action_in2dmm_open_dunning_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_dunning_line_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
