from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..tools import promises as promise_tools
from .in2dmm_customer_document_mixin import OPEN_INVOICES_DOMAIN
from .in2dmm_promise import invoice_payments


class In2dmmPaymentPlan(models.Model):
    """An amount split over instalments; dunning is held while it is on schedule."""

    _name = "in2dmm.payment.plan"
    _description = "Payment Plan"
    _inherit = [
        "in2dmm.customer.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _in2dmm_sequence_code = "in2dmm.payment.plan"
    _order = "id desc"
    _check_company_auto = True

    move_ids = fields.Many2many(
        "account.move",
        "in2dmm_payment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain=OPEN_INVOICES_DOMAIN,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount_total = fields.Monetary(string="Amount", required=True, tracking=True)
    instalment_count = fields.Integer(string="Number of Instalments", default=3)
    first_date = fields.Date(
        string="First Instalment", default=fields.Date.context_today
    )
    interval_months = fields.Integer(string="Every (Months)", default=1)
    line_ids = fields.One2many(
        "in2dmm.payment.plan.line", "plan_id", string="Instalment Lines"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "On Schedule"),
            ("completed", "Completed"),
            ("broken", "Instalment Missed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    collector_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user
    )
    note = fields.Text()

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.move_ids:
            moves = self._in2dmm_overdue_moves()
            self.move_ids = moves
            self.amount_total = sum(moves.mapped("amount_residual"))
            if moves:
                self.currency_id = moves[:1].currency_id

    def action_generate_lines(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Instalments can only be changed on a draft plan.")
                )
            try:
                split = promise_tools.split_amount(
                    Decimal(str(plan.amount_total)),
                    plan.instalment_count,
                    plan.first_date,
                    months=plan.interval_months or 1,
                )
            except ValueError as exc:
                raise UserError(
                    self.env._(
                        "Give an amount above zero and at least one instalment "
                        "(%(error)s).",
                        error=exc,
                    )
                ) from exc
            plan.line_ids = [fields.Command.clear()] + [
                fields.Command.create({"date": date, "amount": float(amount)})
                for date, amount in split
            ]

    def action_activate(self):
        for plan in self:
            if not plan.line_ids:
                plan.action_generate_lines()
            total = sum(plan.line_ids.mapped("amount"))
            if plan.currency_id.compare_amounts(total, plan.amount_total):
                raise UserError(
                    self.env._(
                        "The instalments add up to %(sum)s, not to the plan's "
                        "%(total)s.",
                        sum=formatLang(self.env, total, currency_obj=plan.currency_id),
                        total=formatLang(
                            self.env, plan.amount_total, currency_obj=plan.currency_id
                        ),
                    )
                )
            if not plan.move_ids:
                raise UserError(self.env._("Choose the invoices of the plan."))
            plan.state = "active"
            body = self.env._(
                "Payment plan %(ref)s agreed: %(count)s instalments, %(total)s in "
                "all. Dunning is held while the plan is on schedule.",
                ref=plan.name,
                count=len(plan.line_ids),
                total=formatLang(
                    self.env, plan.amount_total, currency_obj=plan.currency_id
                ),
            )
            plan.partner_id.message_post(body=body)
            for move in plan.move_ids:
                move.message_post(body=body)

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def _evaluate(self, today=None):
        today = today or fields.Date.context_today(self)
        for plan in self.filtered(lambda p: p.state == "active"):
            since = plan.create_date.date() if plan.create_date else None
            lines = plan.line_ids.sorted(lambda line: (line.date, line.id))
            result = promise_tools.evaluate_plan(
                [(line.date, Decimal(str(line.amount))) for line in lines],
                invoice_payments(plan.move_ids, since),
                today,
                grace_days=plan.company_id.in2dmm_promise_grace_days,
                since=since,
            )
            for line, status in zip(lines, result.instalments, strict=True):
                line.write({"amount_paid": float(status.paid), "state": status.state})
            plan.amount_paid = float(result.paid)
            if result.state == "completed":
                plan.state = "completed"
            elif result.state == "missed":
                plan.state = "broken"
                summary = self.env._(
                    "Payment plan %(ref)s: the instalment of %(date)s was missed; "
                    "dunning resumes.",
                    ref=plan.name,
                    date=fields.Date.to_string(result.first_missed),
                )
                plan.partner_id.activity_schedule(
                    "in2dmm_credit.mail_activity_type_debtor_call",
                    user_id=(plan.collector_id or self.env.user).id,
                    summary=summary,
                )
                plan.partner_id.message_post(body=summary)
                self.env["in2dmm.signal"]._raise_signal(
                    plan.partner_id,
                    "promise_broken",
                    description=summary,
                    cause=plan,
                    company=plan.company_id,
                )
