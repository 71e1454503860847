from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from .in2dmm_customer_document_mixin import OPEN_INVOICES_DOMAIN

OUTCOMES = [
    ("reached", "Reached"),
    ("not_reached", "Not reached"),
    ("voicemail", "Voicemail"),
    ("wrong_number", "Wrong number"),
]


class In2dmmCallWizard(models.TransientModel):
    """Log a collection call and, in the same screen, what was agreed."""

    _name = "in2dmm.call.wizard"
    _description = "Log a Collection Call"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    activity_id = fields.Many2one("mail.activity", string="Planned Call")
    outcome = fields.Selection(OUTCOMES, required=True, default="reached")
    notes = fields.Text()
    next_call_date = fields.Date(
        string="Next Call",
        help="Plans the next call for you; empty: no follow-up call.",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain=OPEN_INVOICES_DOMAIN,
        compute="_compute_move_ids",
        store=True,
        readonly=False,
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_move_ids", store=True
    )
    register = fields.Selection(
        [
            ("none", "Nothing"),
            ("promise", "Payment promise"),
            ("plan", "Payment plan"),
            ("dispute", "Complaint or dispute"),
        ],
        string="Agreed",
        default="none",
        required=True,
    )
    promise_amount = fields.Monetary(string="Promised Amount")
    promise_date = fields.Date(string="Promised Date")
    send_confirmation = fields.Boolean(default=True)
    plan_count = fields.Integer(string="Number of Instalments", default=3)
    plan_first_date = fields.Date(string="First Instalment")
    plan_interval = fields.Integer(string="Every (Months)", default=1)
    dispute_kind = fields.Selection(
        [("complaint", "Complaint"), ("dispute", "Dispute")], default="dispute"
    )
    dispute_category_id = fields.Many2one(
        "in2dmm.dispute.category", domain="[('kind', '=', dispute_kind)]"
    )
    dispute_description = fields.Text()

    @api.depends("partner_id")
    def _compute_move_ids(self):
        for wizard in self:
            moves = (
                self.env["account.move"].search(
                    wizard.partner_id._in2dmm_overdue_invoice_domain()
                )
                if wizard.partner_id
                else self.env["account.move"]
            )
            wizard.move_ids = moves
            wizard.currency_id = moves[:1].currency_id or self.env.company.currency_id

    @api.onchange("register", "move_ids")
    def _onchange_register(self):
        total = sum(self.move_ids.mapped("amount_residual"))
        if self.register == "promise" and not self.promise_amount:
            self.promise_amount = total
            self.promise_date = fields.Date.context_today(self) + timedelta(days=7)
        if self.register == "plan" and not self.plan_first_date:
            self.plan_first_date = fields.Date.context_today(self) + timedelta(days=7)

    def _label(self, field, value):
        return dict(self._fields[field]._description_selection(self.env))[value]

    def action_log(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if self.register != "none" and not self.move_ids:
            raise UserError(self.env._("Choose the invoices this agreement is about."))
        created = None
        if self.register == "promise":
            if not (self.promise_amount > 0 and self.promise_date):
                raise UserError(self.env._("Give the promised amount and date."))
            created = self.env["in2dmm.promise"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [fields.Command.set(self.move_ids.ids)],
                    "currency_id": self.currency_id.id,
                    "amount": self.promise_amount,
                    "date_promised": self.promise_date,
                    "channel": "call",
                    "note": self.notes,
                }
            )
            if self.send_confirmation:
                created.action_send_confirmation()
        elif self.register == "plan":
            created = self.env["in2dmm.payment.plan"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [fields.Command.set(self.move_ids.ids)],
                    "currency_id": self.currency_id.id,
                    "amount_total": sum(self.move_ids.mapped("amount_residual")),
                    "instalment_count": self.plan_count,
                    "first_date": self.plan_first_date
                    or fields.Date.context_today(self),
                    "interval_months": self.plan_interval or 1,
                    "note": self.notes,
                }
            )
            created.action_generate_lines()
            created.action_activate()
        elif self.register == "dispute":
            if not self.dispute_description:
                raise UserError(self.env._("Describe the complaint or dispute."))
            created = self.env["in2dmm.dispute"].create(
                {
                    "partner_id": partner.id,
                    "kind": self.dispute_kind,
                    "category_id": self.dispute_category_id.id,
                    "description": escape(self.dispute_description),
                    "line_ids": [
                        fields.Command.create({"move_id": move.id})
                        for move in self.move_ids
                    ],
                }
            )
        body = Markup("%s<br/>%s") % (
            self.env._(
                "Call: %(outcome)s.", outcome=self._label("outcome", self.outcome)
            ),
            self.notes or "",
        )
        if created:
            body += Markup("<br/>") + escape(
                self.env._("Registered: %(record)s", record=created.display_name)
            )
        partner.message_post(body=body)
        for move in self.move_ids:
            move.message_post(body=body)
        partner.sudo().in2dmm_last_contact_date = fields.Date.context_today(self)
        if self.activity_id:
            self.activity_id.action_feedback(
                feedback=self.env._(
                    "Call: %(outcome)s", outcome=self._label("outcome", self.outcome)
                )
            )
        if self.next_call_date:
            partner.activity_schedule(
                "in2dmm_credit.mail_activity_type_debtor_call",
                date_deadline=self.next_call_date,
                user_id=self.env.user.id,
                summary=self.env._("Call back"),
            )
        if created:
            return {
                "type": "ir.actions.act_window",
                "res_model": created._name,
                "res_id": created.id,
                "view_mode": "form",
            }
        return {"type": "ir.actions.act_window_close"}
