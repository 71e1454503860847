from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.in2dmm_credit.models.download import XLSX, download_action

from ..tools import file_exchange
from ..tools.insurer import Decision, LimitRequest, NotSupported
from .in2dmm_insurer_account import _is_provider_error


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
        help="The insurer's number for this customer; looked up by KvK number, "
        "VAT number or name and address when empty.",
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
            ("sent", "Sent"),
            ("pending", "Pending at the Insurer"),
            ("decided", "Decided"),
            ("refused", "Refused"),
            ("error", "Error"),
        ],
        default="draft",
        required=True,
        tracking=True,
        help="Sent: the insurer accepted the request for processing (a job that "
        "in2dmm polls). Pending: an underwriter decides.",
    )
    error = fields.Text(readonly=True)
    job_id = fields.Char(string="Insurer's Job", readonly=True, copy=False)
    cover_id = fields.Char(string="Cover ID", readonly=True, copy=False)
    decision_code = fields.Char(readonly=True)
    decision_text = fields.Char(readonly=True)
    conditions = fields.Text(readonly=True)
    approved_amount = fields.Monetary(readonly=True)
    valid_from = fields.Date(readonly=True)
    valid_until = fields.Date(readonly=True)
    decided_on = fields.Date(readonly=True)
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

    @api.constrains("kind", "amount")
    def _check_amount(self):
        for request in self:
            if request.kind != "cancel" and request.amount <= 0:
                raise UserError(
                    self.env._("A limit request needs an amount above zero.")
                )

    def action_find_buyer(self):
        for request in self:
            buyer = self.env["in2dmm.insurer.buyer"]._resolve(
                request.account_id, request.partner_id
            )
            request.buyer_id = buyer.external_id

    def _remember_buyer(self):
        """A buyer id typed by hand is kept for the customer's next requests."""
        Buyer = self.env["in2dmm.insurer.buyer"]
        for request in self:
            if request.buyer_id and not Buyer._resolve(
                request.account_id, request.partner_id, lookup=False
            ):
                Buyer.sudo().create(
                    {
                        "account_id": request.account_id.id,
                        "partner_id": request.partner_id.commercial_partner_id.id,
                        "external_id": request.buyer_id,
                        "match": "manual",
                    }
                )

    def _current_cover(self):
        """The cover in force for the customer (for increase/decrease/cancel)."""
        self.ensure_one()
        limit = self.env["in2dmm.insured.limit"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "active"),
                ("source", "=", "insurer"),
            ],
            limit=1,
        )
        return limit.reference or ""

    def action_send(self):
        for request in self:
            if request.state not in ("draft", "error"):
                continue
            if not request.account_id._supports("limit"):
                raise UserError(
                    self.env._(
                        "%(provider)s takes no limit requests by API: export the "
                        "request (CSV or XLSX) for the insurer and import its "
                        "decision.",
                        provider=request.account_id._provider_label(),
                    )
                )
            try:
                if not request.buyer_id:
                    request.action_find_buyer()
                request._remember_buyer()
                decision = request.account_id._adapter().request_limit(
                    LimitRequest(
                        request.buyer_id,
                        Decimal(str(request.amount or 0)),
                        request.currency_id.name,
                        kind=request.kind,
                        effect_from=fields.Date.context_today(request),
                        reference=str(request.id),
                        cover_id=request.cover_id or request._current_cover(),
                    )
                )
            except UserError as exc:
                request.write({"state": "error", "error": str(exc)})
                continue
            except Exception as exc:
                if not _is_provider_error(exc):
                    raise
                # nothing is lost: the request stays, with the reason, for a retry
                request.write(
                    {
                        "state": "error",
                        "error": request.account_id._call_error(exc),
                    }
                )
                continue
            request.write(
                {
                    "cover_id": decision.cover_id or request.cover_id,
                    "job_id": decision.job_id,
                    "error": False,
                    "state": "sent" if decision.state == "pending" else "pending",
                }
            )
            request._apply(decision)

    def _decision_values(self, decision):
        return {
            "decision_code": decision.code,
            "decision_text": decision.text,
            "conditions": "\n".join(
                "%s %s" % (c.code, c.description) for c in decision.conditions
            )
            or False,
            "decided_on": decision.decided_on or fields.Date.context_today(self),
        }

    def _apply(self, decision):
        """Take over a decision; a decided cover becomes the insured limit."""
        self.ensure_one()
        if decision.cover_id and decision.cover_id != self.cover_id:
            self.cover_id = decision.cover_id
        if decision.state == "pending":
            return
        if decision.state == "referred":
            if self.state == "sent":
                self.state = "pending"
            return
        values = self._decision_values(decision)
        if decision.state in ("refused", "withdrawn"):
            self.write({"state": "refused", **values})
            if self.kind == "cancel" or decision.state == "withdrawn":
                self._end_insured_limit()
            return
        if decision.approved_amount is None:
            return  # decided, amount to follow from the decisions list
        limit = self.env["in2dmm.insured.limit"].create(
            self._insured_limit_vals(
                decision, self.partner_id, self.company_id, self.cover_id
            )
        )
        self.write(
            {
                "state": "decided",
                "approved_amount": float(decision.approved_amount),
                "valid_from": limit.valid_from,
                "valid_until": decision.valid_until,
                "insured_limit_id": limit.id,
                **values,
            }
        )

    @api.model
    def _insured_limit_vals(self, decision, partner, company, cover_id=""):
        """The insured limit a decided cover becomes."""
        return {
            "partner_id": partner.id,
            "company_id": company.id,
            "amount": float(decision.approved_amount),
            "source": "insurer",
            "reference": decision.cover_id or cover_id,
            "valid_from": decision.valid_from or fields.Date.context_today(self),
            "valid_until": decision.valid_until,
            "note": decision.text,
        }

    def _end_insured_limit(self):
        limits = self.env["in2dmm.insured.limit"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "active"),
            ]
        )
        if limits:
            limits.action_withdraw()

    @api.model
    def _cron_poll(self):
        """Follow requests at the insurers: jobs of sent requests, decisions of
        pending ones, and the insurer's own changes on known covers."""
        open_requests = self.search([("state", "in", ("sent", "pending"))])
        # accounts with covers in force are asked too: the insurer may have
        # reduced or withdrawn one on its own
        insured_companies = (
            self.env["in2dmm.insured.limit"]
            .search([("source", "=", "insurer"), ("state", "=", "active")])
            .company_id
        )
        accounts = open_requests.account_id | self.env["in2dmm.insurer.account"].search(
            [
                ("provider", "in", ("atradius", "allianz_trade")),
                ("company_id", "in", insured_companies.ids),
            ]
        )
        for account in accounts:
            requests = open_requests.filtered(lambda r, a=account: r.account_id == a)
            account = account.sudo()
            try:
                adapter = account._adapter()
                for request in requests.filtered("job_id"):
                    if request.state != "sent":
                        continue
                    decision = adapter.poll(
                        Decision(
                            request.cover_id or "",
                            request.buyer_id or "",
                            "pending",
                            job_id=request.job_id,
                        )
                    )
                    request._apply(decision)
                today = fields.Date.context_today(self)
                since = min(
                    [r.create_date.date() for r in requests]
                    + [account.decisions_checked_on or today - timedelta(days=30)]
                )
                try:
                    decisions = adapter.decisions(since)
                except NotSupported:
                    continue
                account.decisions_checked_on = today
            except UserError as exc:
                account.message_post(body=str(exc))
                continue
            except Exception as exc:
                if not _is_provider_error(exc):
                    raise
                account.message_post(body=account._call_error(exc))
                continue
            by_cover = {d.cover_id: d for d in decisions if d.cover_id}
            for request in requests.filtered(lambda r: r.state == "pending"):
                decision = by_cover.pop(request.cover_id, None)
                if decision:
                    request._apply(decision)
            self._sync_insurer_decisions(account, by_cover.values())

    @api.model
    def _sync_insurer_decisions(self, account, decisions):
        """Decisions the insurer took on its own (a reduction, a withdrawal)
        update the insured limit of the customer whose cover they concern."""
        Limit = self.env["in2dmm.insured.limit"]
        decisions = [d for d in decisions if d.cover_id]
        if not decisions:
            return
        limits = {
            limit.reference: limit
            for limit in Limit.search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("reference", "in", [d.cover_id for d in decisions]),
                    ("source", "=", "insurer"),
                    ("state", "=", "active"),
                ]
            )
        }
        for decision in decisions:
            limit = limits.get(decision.cover_id)
            if not limit:
                continue
            if decision.state in ("withdrawn", "refused"):
                limit.action_withdraw()
            elif (
                decision.state == "decided"
                and decision.approved_amount is not None
                and float(decision.approved_amount) != limit.amount
            ):
                Limit.create(
                    self._insured_limit_vals(
                        decision, limit.partner_id, limit.company_id
                    )
                )

    def _export_rows(self):
        return [
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

    def _export(self, data, filename, mimetype):
        self.filtered(lambda r: r.state in ("draft", "error")).write(
            {"state": "pending", "error": False}
        )
        return download_action(self.env, filename, data, mimetype)

    def action_export_csv(self):
        """The requests as a CSV file for an insurer without an API."""
        return self._export(
            file_exchange.requests_csv(self._export_rows()),
            "limit-requests.csv",
            "text/csv",
        )

    def action_export_xlsx(self):
        """The requests as an XLSX file for an insurer without an API."""
        return self._export(
            file_exchange.requests_xlsx(self._export_rows()),
            "limit-requests.xlsx",
            XLSX,
        )
