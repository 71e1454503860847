import base64
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.in2dmm_credit.models.download import XLSX, url_action

from ..tools import file_exchange
from ..tools.insurer import OverdueLine, OverdueNotice
from .in2dmm_insurer_account import _is_provider_error


class In2dmmInsurerOverdueNotice(models.Model):
    """An overdue debt to report to the credit insurer before the policy's
    deadline (late reporting can cost the cover)."""

    _name = "in2dmm.insurer.overdue.notice"
    _description = "Overdue Notice to the Insurer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "reporting_deadline, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "in2dmm.insurer.account", string="Insurer", required=True, check_company=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_ids = fields.Many2many("account.move", string="Invoices")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Overdue Amount")
    overdue_since = fields.Date(help="Due date of the oldest invoice.")
    reporting_deadline = fields.Date(index=True)
    category = fields.Selection(
        [
            ("OVD", "Overdue (state of default)"),
            ("EXP", "Extension of a due date"),
            ("RES", "Rescheduling (payment plan)"),
        ],
        default="OVD",
        required=True,
    )
    origin = fields.Selection(
        [("job", "Daily job"), ("dunning", "Dunning level"), ("manual", "By hand")],
        default="manual",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("to_report", "To Report"),
            ("reported", "Reported"),
            ("withdrawn", "Withdrawn"),
        ],
        default="to_report",
        required=True,
        tracking=True,
    )
    can_report_overdue = fields.Boolean(related="account_id.can_report_overdue")
    reported_on = fields.Date(readonly=True, copy=False)
    reported_by = fields.Selection(
        [("api", "Insurer's API"), ("file", "File / e-mail"), ("manual", "By hand")],
        readonly=True,
        copy=False,
    )
    external_ref = fields.Char(string="Insurer's Reference", readonly=True, copy=False)
    exported_on = fields.Date(readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False)

    @api.depends("partner_id", "reporting_deadline")
    def _compute_display_name(self):
        for notice in self:
            notice.display_name = "%s (%s)" % (
                notice.partner_id.display_name or "",
                fields.Date.to_string(notice.reporting_deadline) or "",
            )

    def _mark_reported(self, by, reference=False):
        self.write(
            {
                "state": "reported",
                "reported_on": fields.Date.context_today(self),
                "reported_by": by,
                "external_ref": reference,
                "error": False,
            }
        )
        self.activity_ids.action_feedback()

    def action_reported(self):
        self._mark_reported("manual")

    def action_withdraw(self):
        self.write({"state": "withdrawn"})
        self.activity_ids.unlink()

    # ------------------------------------------------------------ sending --

    def _neutral(self, buyer):
        self.ensure_one()
        lines = tuple(
            OverdueLine(
                invoice_number=move.name,
                invoice_date=move.invoice_date,
                due_date=move.invoice_date_due or move.invoice_date or move.date,
                amount=Decimal(str(move.amount_total)),
                open_amount=Decimal(str(move.amount_residual)),
                currency=move.currency_id.name,
            )
            for move in self.move_ids.sorted("invoice_date_due")
        )
        return OverdueNotice(
            buyer_id=buyer.external_id,
            lines=lines,
            reference=str(self.id),
            category=self.category,
        )

    def action_send(self):
        """Report the notices through the insurer's API. A failed call keeps
        the notice to report, with the reason."""
        for notice in self.filtered(lambda n: n.state == "to_report"):
            account = notice.account_id
            if not account._supports("overdue"):
                raise UserError(
                    self.env._(
                        "%(provider)s takes no overdue notices by API: export them "
                        "(CSV or XLSX) and send the file.",
                        provider=account._provider_label(),
                    )
                )
            if not notice.move_ids:
                raise UserError(self.env._("The notice lists no invoices."))
            try:
                buyer = self.env["in2dmm.insurer.buyer"]._resolve(
                    account, notice.partner_id
                )
                receipt = account._adapter().report_overdue(notice._neutral(buyer))
            except UserError as exc:
                notice.error = str(exc)
                continue
            except Exception as exc:
                if not _is_provider_error(exc):
                    raise
                notice.error = account._call_error(exc)
                continue
            notice._mark_reported("api", receipt.reference)
            notice.message_post(
                body=self.env._(
                    "Reported to %(provider)s, reference %(ref)s.",
                    provider=account._provider_label(),
                    ref=receipt.reference or "-",
                )
            )

    def _export_rows(self):
        return [
            {
                "reference": notice.id,
                "customer": notice.partner_id.name,
                "kvk_number": notice.partner_id.company_registry or "",
                "invoices": ", ".join(notice.move_ids.mapped("name")),
                "amount": "%.2f" % notice.amount,
                "currency": notice.currency_id.name,
                "overdue_since": fields.Date.to_string(notice.overdue_since) or "",
                "reporting_deadline": fields.Date.to_string(notice.reporting_deadline)
                or "",
            }
            for notice in self
        ]

    def _export_attachment(self, kind):
        rows = self._export_rows()
        if kind == "xlsx":
            data, name, mimetype = (
                file_exchange.notices_xlsx(rows),
                "overdue-notices.xlsx",
                XLSX,
            )
        else:
            data, name, mimetype = (
                file_exchange.notices_csv(rows),
                "overdue-notices.csv",
                "text/csv",
            )
        self.write({"exported_on": fields.Date.context_today(self)})
        return self.env["ir.attachment"].create(
            {"name": name, "datas": base64.b64encode(data), "mimetype": mimetype}
        )

    def action_export_csv(self):
        return url_action(self._export_attachment("csv"))

    def action_export_xlsx(self):
        return url_action(self._export_attachment("xlsx"))

    # ---------------------------------------------------------- preparing --

    @api.model
    def _prepare_for(self, account, partner, invoices, origin="job", notice=None):
        """The open notice of ``partner`` at ``account`` with ``invoices``
        (created with a to-do for the collector when there is none).
        ``notice``: the open notice when the caller looked it up already."""
        partner = partner.commercial_partner_id
        oldest = min(invoices.mapped("invoice_date_due"))
        values = {
            "move_ids": [fields.Command.set(invoices.ids)],
            "amount": sum(invoices.mapped("amount_residual")),
            "overdue_since": oldest,
            "reporting_deadline": oldest
            + timedelta(days=account.reporting_deadline_days or 0),
        }
        if notice is None:
            notice = self._open_notices(account, partner)
        if notice:
            notice.write(values)
            return notice
        notice = self.create(
            {
                "account_id": account.id,
                "partner_id": partner.id,
                "origin": origin,
                **values,
            }
        )
        company = account.company_id
        collector = partner.with_company(company).in2dmm_effective_collector_id
        notice.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=notice.reporting_deadline,
            user_id=(collector or self.env.user).id,
            summary=self.env._(
                "Report overdue debt of %(customer)s to %(insurer)s",
                customer=partner.display_name,
                insurer=account.name,
            ),
        )
        return notice

    @api.model
    def _open_notices(self, account, partners):
        return self.search(
            [
                ("account_id", "=", account.id),
                ("partner_id", "in", partners.ids),
                ("state", "=", "to_report"),
            ]
        )

    @api.model
    def _overdue_invoices(self, company, partners, latest_due):
        return self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "in", partners.ids),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<=", latest_due),
            ]
        )

    @api.model
    def _cron_prepare(self, warn_days=7):
        """Prepare notices for insured customers whose overdue invoices come within
        ``warn_days`` of the reporting deadline (one open notice per customer),
        then send them through the insurer's API or e-mail them as a file."""
        today = fields.Date.context_today(self)
        # the company's credit insurer (Settings) is the one whose policy covers
        # the insured limits, and so the one to report to
        accounts = (
            self.env["res.company"]
            .search([("in2dmm_insurer_account_id", "!=", False)])
            .in2dmm_insurer_account_id.filtered(lambda a: a.reporting_deadline_days > 0)
        )
        for account in accounts:
            company = account.company_id
            insured = (
                self.env["in2dmm.insured.limit"]
                .search([("company_id", "=", company.id), ("state", "=", "active")])
                .partner_id
            )
            if insured:
                latest_due = (
                    today
                    + timedelta(days=warn_days)
                    - timedelta(days=account.reporting_deadline_days)
                )
                moves = self._overdue_invoices(company, insured, latest_due)
                by_partner = moves.grouped("commercial_partner_id")
                open_notices = self._open_notices(
                    account, self.env["res.partner"].concat(*by_partner)
                ).grouped("partner_id")
                for partner, invoices in by_partner.items():
                    self._prepare_for(
                        account,
                        partner,
                        invoices,
                        origin="job",
                        notice=open_notices.get(partner, self.browse()),
                    )
            account_notices = self.search(
                [("account_id", "=", account.id), ("state", "=", "to_report")]
            )
            if account.notice_auto_send and account._supports("overdue"):
                account_notices.filtered(
                    lambda n: (
                        n.reporting_deadline
                        and n.reporting_deadline <= today + timedelta(days=warn_days)
                    )
                ).sudo().action_send()
            elif account.exchange_email and not account._supports("overdue"):
                account_notices.filtered(lambda n: not n.exported_on)._mail_export(
                    account
                )

    def _mail_export(self, account):
        """E-mail the notices as an XLSX file to the provider's exchange address."""
        if not self:
            return
        attachment = self._export_attachment("xlsx")
        body = self.env._(
            "Overdue notices of %(company)s under policy %(policy)s: %(count)s "
            "customer(s), see the attached file.",
            company=account.company_id.name,
            policy=account.policy_number or "-",
            count=len(self),
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self.env._(
                        "Overdue notices %(company)s", company=account.company_id.name
                    ),
                    "email_from": account.company_id.email_formatted
                    or self.env.user.email_formatted,
                    "email_to": account.exchange_email,
                    "body_html": Markup("<p>%s</p>") % body,
                    "attachment_ids": [fields.Command.link(attachment.id)],
                }
            )
        )
        account.message_post(
            body=self.env._(
                "%(count)s overdue notice(s) e-mailed to %(email)s.",
                count=len(self),
                email=account.exchange_email,
            ),
            attachment_ids=attachment.ids,
        )
        self._mark_reported("file")
        return mail
