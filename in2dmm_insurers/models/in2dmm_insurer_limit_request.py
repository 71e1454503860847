import base64
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import atradius, file_exchange
from ..tools.insurer import LimitRequest


class In2dmmInsurerLimitRequest(models.Model):
    """A credit-limit request to the insurer; the decision becomes the customer's
    insured limit. A failed call keeps the request, with the error, for a retry."""

    _name = "in2dmm.insurer.limit.request"
    _description = "Insured Limit Request"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "in2dmm.insurer.account", string="Insurer", required=True, check_company=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    buyer_id = fields.Char(
        string="Insurer's Buyer ID",
        help="The insurer's number for this customer; looked up by KvK number.",
    )
    kind = fields.Selection(
        [
            ("new", "New limit"),
            ("increase", "Increase"),
            ("decrease", "Decrease"),
            ("cancel", "Cancel"),
        ],
        default="new",
        required=True,
    )
    amount = fields.Monetary(string="Requested Amount")
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending at the Insurer"),
            ("decided", "Decided"),
            ("refused", "Refused"),
            ("error", "Error"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    error = fields.Text(readonly=True)
    cover_id = fields.Char(string="Cover ID", readonly=True, copy=False)
    decision_text = fields.Char(readonly=True)
    approved_amount = fields.Monetary(readonly=True)
    valid_until = fields.Date(readonly=True)
    insured_limit_id = fields.Many2one("in2dmm.insured.limit", readonly=True)

    @api.depends("partner_id", "account_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for request in self:
            request.display_name = "%s: %s (%s)" % (
                request.account_id.name or "",
                request.partner_id.display_name or "",
                kinds.get(request.kind, ""),
            )

    def action_find_buyer(self):
        for request in self:
            number = request.partner_id.company_registry
            if not number:
                raise UserError(
                    self.env._(
                        "%(customer)s has no KvK number.",
                        customer=request.partner_id.display_name,
                    )
                )
            buyer = request.account_id._adapter().find_buyer(kvk=number)
            if not buyer:
                raise UserError(
                    self.env._(
                        "The insurer does not know KvK number %(number)s.",
                        number=number,
                    )
                )
            request.buyer_id = buyer.id

    def action_send(self):
        for request in self:
            if not request.buyer_id:
                request.action_find_buyer()
            try:
                decision = request.account_id._adapter().request_limit(
                    LimitRequest(
                        request.buyer_id,
                        Decimal(str(request.amount or 0)),
                        request.currency_id.name,
                        kind=request.kind,
                        effect_from=fields.Date.context_today(request),
                        reference=str(request.id),
                    )
                )
            except (atradius.ApiError, ValueError) as exc:
                # nothing is lost: the request stays, with the reason, for a retry
                request.write({"state": "error", "error": str(exc)})
                continue
            request.write(
                {"cover_id": decision.cover_id, "error": False, "state": "pending"}
            )
            request._apply(decision)

    def _apply(self, decision):
        """Take over a decision; a decided cover becomes the insured limit."""
        self.ensure_one()
        if decision.state == "referred":
            return
        if decision.state in ("refused", "withdrawn"):
            self.write({"state": "refused", "decision_text": decision.text})
            return
        if decision.approved_amount is None:
            return  # decided, amount to follow from the decisions list
        limit = self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "amount": float(decision.approved_amount),
                "source": "insurer",
                "reference": decision.cover_id,
                "valid_from": decision.valid_from or fields.Date.context_today(self),
                "valid_until": decision.valid_until,
                "note": decision.text,
            }
        )
        self.write(
            {
                "state": "decided",
                "approved_amount": float(decision.approved_amount),
                "decision_text": decision.text,
                "valid_until": decision.valid_until,
                "insured_limit_id": limit.id,
            }
        )

    @api.model
    def _cron_poll(self):
        """Fetch the decisions of pending requests, per insurer account."""
        pending = self.search([("state", "=", "pending")])
        for account, requests in pending.grouped("account_id").items():
            since = min(r.create_date.date() for r in requests)
            try:
                decisions = account._adapter().decisions(since)
            except (atradius.ApiError, UserError) as exc:
                account.message_post(body=str(exc))
                continue
            by_cover = {d.cover_id: d for d in decisions}
            for request in requests:
                decision = by_cover.get(request.cover_id)
                if decision:
                    request._apply(decision)

    def action_export_csv(self):
        """The requests as a CSV file for an insurer without an API."""
        rows = [
            {
                "reference": request.id,
                "customer": request.partner_id.name,
                "kvk_number": request.partner_id.company_registry or "",
                "vat_number": request.partner_id.vat or "",
                "country": request.partner_id.country_id.code or "",
                "kind": request.kind,
                "amount": "%.2f" % request.amount,
                "currency": request.currency_id.name,
            }
            for request in self
        ]
        attachment = self.env["ir.attachment"].create(
            {
                "name": "limit-requests.csv",
                "datas": base64.b64encode(file_exchange.requests_csv(rows)),
                "mimetype": "text/csv",
            }
        )
        self.filtered(lambda r: r.state in ("draft", "error")).write(
            {"state": "pending", "error": False}
        )
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "self",
        }
