from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import dunning


class In2dmmPolicy(models.Model):
    _name = "in2dmm.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    level_ids = fields.One2many("in2dmm.policy.level", "policy_id", string="Levels")
    category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Groups",
        help="Customers in one of these groups follow this policy unless they "
        "have a policy of their own.",
    )
    allow_level_skip = fields.Boolean(
        string="Skip Levels",
        help="When set, an invoice that is far overdue goes straight to the "
        "highest level it reached. When not set (recommended), it climbs one "
        "level per run, so no debtor gets a final notice that was not preceded "
        "by the earlier letters.",
    )
    min_interval_days = fields.Integer(
        string="Days Between Actions",
        default=7,
        help="Minimum number of days between two dunning actions for the same invoice.",
    )
    auto_run = fields.Boolean(
        string="Run Automatically",
        tracking=True,
        help="A daily job computes and executes a dunning run for this policy.",
    )
    escalate_on_broken_promise = fields.Boolean(
        string="Escalate at Once after a Broken Promise",
        help="When a payment promise is broken, the next dunning run may send the "
        "next level without waiting the days between actions.",
    )
    level_count = fields.Integer(compute="_compute_level_count")

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("min_interval_days")
    def _check_min_interval_days(self):
        for policy in self:
            if policy.min_interval_days < 0:
                raise ValidationError(
                    self.env._("The days between actions cannot be negative.")
                )

    def _to_engine(self):
        """Plain-data view of the policies for :mod:`..tools.dunning`."""
        return {
            policy.id: dunning.Policy(
                id=policy.id,
                levels=tuple(level._to_engine() for level in policy.level_ids),
                allow_skip=policy.allow_level_skip,
                min_interval_days=policy.min_interval_days,
            )
            for policy in self
        }
