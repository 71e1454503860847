from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang


class In2dmmInsuredLimit(models.Model):
    """A credit limit granted by the company's credit insurer for one customer.

    The records of a customer are its history: a new decision replaces the one
    in force, a withdrawal ends it. The insurer connector (in2dmm_insurers)
    writes decisions here with ``source = 'insurer'``.
    """

    _name = "in2dmm.insured.limit"
    _description = "Insured Credit Limit"
    _inherit = ["mail.thread"]
    _order = "partner_id, valid_from desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Insured Limit", required=True, tracking=True)
    insurer_id = fields.Many2one("res.partner", string="Insurer", tracking=True)
    reference = fields.Char(help="The insurer's decision or buyer reference.")
    valid_from = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    valid_until = fields.Date(tracking=True)
    source = fields.Selection(
        [("manual", "Entered by hand"), ("insurer", "Insurer decision")],
        default="manual",
        required=True,
    )
    state = fields.Selection(
        [
            ("active", "In Force"),
            ("replaced", "Replaced"),
            ("withdrawn", "Withdrawn"),
        ],
        default="active",
        required=True,
        tracking=True,
        index=True,
    )
    note = fields.Text()

    @api.constrains("amount", "valid_from", "valid_until")
    def _check_values(self):
        for limit in self:
            if limit.amount < 0:
                raise ValidationError(
                    self.env._("An insured limit cannot be negative.")
                )
            if limit.valid_until and limit.valid_until < limit.valid_from:
                raise ValidationError(
                    self.env._("The insured limit ends before it starts.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner and partner.commercial_partner_id != partner:
                vals["partner_id"] = partner.commercial_partner_id.id
        limits = super().create(vals_list)
        for limit in limits.filtered(lambda rec: rec.state == "active"):
            previous = self.search(
                [
                    ("id", "!=", limit.id),
                    ("partner_id", "=", limit.partner_id.id),
                    ("company_id", "=", limit.company_id.id),
                    ("state", "=", "active"),
                ]
            )
            old_amount = max(previous.mapped("amount") or [0.0])
            previous.write({"state": "replaced"})
            if previous and limit.amount < old_amount:
                limit._signal(
                    "insured_limit_reduced",
                    self.env._(
                        "The insured limit was reduced from %(old)s to %(new)s.",
                        old=limit._money(old_amount),
                        new=limit._money(limit.amount),
                    ),
                    "critical" if limit.amount == 0 else "warning",
                )
        return limits

    def _money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _signal(self, signal_type, description, severity="warning"):
        self.ensure_one()
        self.env["in2dmm.signal"]._raise_signal(
            self.partner_id,
            signal_type,
            severity=severity,
            description=description,
            cause=self,
            company=self.company_id,
        )

    def action_withdraw(self):
        for limit in self:
            if limit.state != "active":
                raise UserError(
                    self.env._("Only an insured limit in force can be withdrawn.")
                )
            limit.state = "withdrawn"
            limit._signal(
                "insured_limit_withdrawn",
                self.env._(
                    "The insurer withdrew the insured limit of %(amount)s.",
                    amount=limit._money(limit.amount),
                ),
                "critical",
            )

    @api.model
    def _cron_signal_expiring(self):
        """Raise a signal for insured limits that end within the warning period."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([]):
            days = company.in2dmm_insured_expiry_days
            if days <= 0:
                continue
            for limit in self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("valid_until", ">=", today),
                    ("valid_until", "<=", today + timedelta(days=days)),
                ]
            ):
                limit._signal(
                    "insured_limit_expiring",
                    self.env._(
                        "The insured limit of %(amount)s ends on %(date)s.",
                        amount=limit._money(limit.amount),
                        date=fields.Date.to_string(limit.valid_until),
                    ),
                )
