import base64
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools import (
    letter as letter_tools,
    promises as promise_tools,
)
from .in2dmm_customer_document_mixin import OPEN_INVOICES_DOMAIN
from .in2dmm_dunning_line import _address_lines, _letter_company

CHANNELS = [
    ("call", "Phone call"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("other", "Other"),
]


def invoice_payments(moves, since=None):
    """The payments and credit notes reconciled with ``moves`` as
    :class:`..tools.promises.Payment`, in the invoices' currency."""
    payments = []
    receivable = moves.line_ids.filtered(
        lambda aml: aml.account_id.account_type == "asset_receivable"
    )
    for partial in receivable.matched_credit_ids:
        if since and partial.max_date < since:
            continue
        foreign = partial.debit_currency_id != partial.company_currency_id
        amount = partial.debit_amount_currency if foreign else partial.amount
        payments.append(
            promise_tools.Payment(date=partial.max_date, amount=Decimal(str(amount)))
        )
    return payments


class In2dmmPromise(models.Model):
    """A customer's promise to pay; it holds dunning until the promised date."""

    _name = "in2dmm.promise"
    _description = "Payment Promise"
    _inherit = [
        "in2dmm.customer.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _in2dmm_sequence_code = "in2dmm.promise"
    _order = "date_promised desc, id desc"
    _check_company_auto = True

    move_ids = fields.Many2many(
        "account.move",
        "in2dmm_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain=OPEN_INVOICES_DOMAIN,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(string="Promised Amount", required=True, tracking=True)
    date_promised = fields.Date(string="Promised Date", required=True, tracking=True)
    date_hold_until = fields.Date(
        string="Dunning Held Until", compute="_compute_date_hold_until", store=True
    )
    channel = fields.Selection(
        CHANNELS, string="Made By", required=True, default="call"
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("partial", "Partially Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    amount_paid = fields.Monetary(string="Paid", readonly=True, tracking=True)
    collector_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user
    )
    note = fields.Text()
    confirmation_sent = fields.Boolean(readonly=True, copy=False)

    @api.depends("date_promised", "company_id.in2dmm_promise_grace_days")
    def _compute_date_hold_until(self):
        for promise in self:
            promise.date_hold_until = promise.date_promised and (
                promise.date_promised
                + timedelta(days=promise.company_id.in2dmm_promise_grace_days)
            )

    @api.constrains("amount", "date_promised")
    def _check_values(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(
                    self.env._("A payment promise needs an amount above zero.")
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.move_ids:
            moves = self._in2dmm_overdue_moves()
            self.move_ids = moves
            self.amount = sum(moves.mapped("amount_residual"))
            if moves:
                self.currency_id = moves[:1].currency_id

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            body = self.env._(
                "Payment promise %(ref)s: %(amount)s by %(date)s (%(channel)s). "
                "Dunning is held until %(hold)s.",
                ref=promise.name,
                amount=formatLang(
                    self.env, promise.amount, currency_obj=promise.currency_id
                ),
                date=fields.Date.to_string(promise.date_promised),
                channel=dict(CHANNELS)[promise.channel],
                hold=fields.Date.to_string(promise.date_hold_until),
            )
            promise.partner_id.message_post(body=body)
            for move in promise.move_ids:
                move.message_post(body=body)
        return promises

    # ------------------------------------------------------------------
    # Confirmation to the customer
    # ------------------------------------------------------------------

    def action_send_confirmation(self):
        """E-mail the confirmation; without an e-mail address, make a letter."""
        template = self.env.ref("in2dmm_credit.mail_template_promise")
        for promise in self:
            contact = self.env["res.partner"].browse(
                promise.partner_id.address_get(["invoice"])["invoice"]
            )
            if contact.email:
                promise.with_context(lang=contact.lang).message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=contact.ids,
                )
            else:
                attachment = promise._confirmation_letter_attachment()
                promise.partner_id.message_post(
                    body=self.env._(
                        "Confirmation of payment promise %(ref)s to be sent by post.",
                        ref=promise.name,
                    ),
                    attachment_ids=attachment.ids,
                )
            promise.confirmation_sent = True
        return True

    def _confirmation_text(self, lang):
        self.ensure_one()
        env = self.with_context(lang=lang).env
        symbol = self.currency_id.symbol or self.currency_id.name
        position = "before" if lang.startswith("nl") else self.currency_id.position
        return env._(
            "Dear %(customer)s,\n\nThank you for our conversation. We confirm your "
            "promise to pay %(amount)s no later than %(date)s for the invoices "
            "below. We will not send reminders for these invoices until then.\n\n"
            "If the payment is not received in time, we will resume our collection "
            "procedure without further notice.",
            customer=self.partner_id.name,
            amount=letter_tools.format_amount(
                self.amount, lang, symbol=symbol, position=position
            ),
            date=letter_tools.format_date(self.date_promised, lang),
        )

    def _confirmation_letter_attachment(self):
        self.ensure_one()
        lang = self.partner_id.lang or "en_US"
        me = self.with_context(lang=lang)
        env = me.env
        partner = self.partner_id
        contact = env["res.partner"].browse(partner.address_get(["invoice"])["invoice"])
        items = [
            letter_tools.LetterItem(
                number=move.name,
                date=move.invoice_date,
                due_date=move.invoice_date_due,
                days_overdue=(
                    fields.Date.context_today(self) - move.invoice_date_due
                ).days
                if move.invoice_date_due
                else 0,
                amount=move.amount_total,
                residual=move.amount_residual,
            )
            for move in self.move_ids
        ]
        total = sum(self.move_ids.mapped("amount_residual"))
        letter = letter_tools.Letter(
            company=_letter_company(self.company_id),
            recipient_lines=_address_lines(contact, partner),
            date=fields.Date.context_today(self),
            subject=env._("Confirmation of your payment promise"),
            body_before=me._confirmation_text(lang),
            body_after=env._(
                "Kind regards,\n\n%(user)s\n%(company)s",
                user=self.collector_id.name or "",
                company=self.company_id.name,
            ),
            items=items,
            total_open=total,
            total_overdue=total,
            amount_to_pay=self.amount,
            currency_symbol=self.currency_id.symbol or self.currency_id.name,
            currency_position="before" if lang.startswith("nl") else "after",
            lang=lang,
            reference=self.name,
            customer_ref=partner.ref or str(partner.id),
            payment_reference=", ".join(self.move_ids.mapped("name")),
            labels=env["in2dmm.dunning.line"]._letter_labels(),
            epc_qr=self.currency_id.name == "EUR",
        )
        pdf = letter_tools.render_letter(letter)
        return self.env["ir.attachment"].create(
            {
                "name": "%s - %s.pdf" % (self.name, partner.name),
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": partner.id,
            }
        )

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    def action_cancel(self):
        self.filtered(lambda p: p.state == "open").write({"state": "cancelled"})

    def _evaluate(self, today=None):
        today = today or fields.Date.context_today(self)
        for promise in self.filtered(lambda p: p.state == "open"):
            since = promise.create_date.date() if promise.create_date else None
            result = promise_tools.evaluate_promise(
                Decimal(str(promise.amount)),
                promise.date_promised,
                invoice_payments(promise.move_ids, since),
                today,
                grace_days=promise.company_id.in2dmm_promise_grace_days,
                since=since,
            )
            vals = {"amount_paid": float(result.paid)}
            if result.state != "open":
                vals["state"] = result.state
            promise.write(vals)
            if result.state in ("broken", "partial"):
                promise._on_broken(result)

    def _on_broken(self, result):
        self.ensure_one()
        partner = self.partner_id
        collector = (
            self.collector_id
            or partner.with_company(self.company_id).in2dmm_effective_collector_id
        )
        summary = self.env._(
            "Promise %(ref)s not kept: %(paid)s of %(amount)s received",
            ref=self.name,
            paid=formatLang(
                self.env, float(result.paid), currency_obj=self.currency_id
            ),
            amount=formatLang(self.env, self.amount, currency_obj=self.currency_id),
        )
        partner.activity_schedule(
            "in2dmm_credit.mail_activity_type_debtor_call",
            user_id=collector.id or self.env.user.id,
            summary=summary,
        )
        partner.message_post(body=summary)
        policy = partner.with_company(self.company_id).in2dmm_effective_policy_id
        if policy.escalate_on_broken_promise:
            # the next run may escalate at once: no "days between actions" wait
            self.env["account.move"].with_context(
                tracking_disable=True, skip_invoice_sync=True, check_move_validity=False
            ).browse(self.move_ids.ids).write({"in2dmm_last_dunning_date": False})
        self.env["in2dmm.signal"]._raise_signal(
            partner,
            "promise_broken",
            severity="warning",
            description=summary,
            cause=self,
            company=self.company_id,
        )

    @api.model
    def _cron_evaluate(self):
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "open"), ("date_hold_until", "<", today)])
        due._evaluate(today)
        early = self.search([("state", "=", "open"), ("date_hold_until", ">=", today)])
        early._evaluate(today)  # kept early: stop holding nothing that is paid
        self.env["in2dmm.payment.plan"].search([("state", "=", "active")])._evaluate(
            today
        )

    def _check_invoices(self):
        for promise in self:
            if not promise.move_ids:
                raise UserError(self.env._("Choose the invoices the promise is about."))
