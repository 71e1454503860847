from datetime import timedelta

from odoo import api, fields, models


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

    @api.depends("partner_id", "reporting_deadline")
    def _compute_display_name(self):
        for notice in self:
            notice.display_name = "%s (%s)" % (
                notice.partner_id.display_name or "",
                fields.Date.to_string(notice.reporting_deadline) or "",
            )

    def action_reported(self):
        self.write({"state": "reported"})
        self.activity_ids.action_feedback()

    def action_withdraw(self):
        self.write({"state": "withdrawn"})
        self.activity_ids.unlink()

    @api.model
    def _cron_prepare(self, warn_days=7):
        """Prepare notices for insured customers whose overdue invoices come within
        ``warn_days`` of the reporting deadline; one open notice per customer."""
        today = fields.Date.context_today(self)
        accounts = self.env["in2dmm.insurer.account"].search(
            [("reporting_deadline_days", ">", 0)]
        )
        for account in accounts:
            company = account.company_id
            insured = (
                self.env["in2dmm.insured.limit"]
                .search([("company_id", "=", company.id), ("state", "=", "active")])
                .partner_id
            )
            if not insured:
                continue
            latest_due = (
                today
                + timedelta(days=warn_days)
                - timedelta(days=account.reporting_deadline_days)
            )
            moves = self.env["account.move"].search(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "in", insured.ids),
                    ("move_type", "in", ("out_invoice", "out_receipt")),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<=", latest_due),
                ]
            )
            open_notices = self.search(
                [("account_id", "=", account.id), ("state", "=", "to_report")]
            )
            for partner, invoices in moves.grouped("commercial_partner_id").items():
                notice = open_notices.filtered(lambda n, p=partner: n.partner_id == p)
                oldest = min(invoices.mapped("invoice_date_due"))
                values = {
                    "move_ids": [fields.Command.set(invoices.ids)],
                    "amount": sum(invoices.mapped("amount_residual")),
                    "overdue_since": oldest,
                    "reporting_deadline": oldest
                    + timedelta(days=account.reporting_deadline_days),
                }
                if notice:
                    notice.write(values)
                    continue
                notice = self.create(
                    {"account_id": account.id, "partner_id": partner.id, **values}
                )
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
