from decimal import Decimal

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..tools.policy_rules import PolicyRules, check_sale


class SaleOrder(models.Model):
    _inherit = "sale.order"

    in2dmm_policy_warning = fields.Text(
        string="Credit Insurance Warning", compute="_compute_in2dmm_policy_warning"
    )

    def _in2dmm_term_days(self):
        """Days to the last due date of the order's payment term (0: none)."""
        self.ensure_one()
        term = self.payment_term_id
        if not term or not term.line_ids:
            return 0
        start = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        return max((line._get_due_date(start) - start).days for line in term.line_ids)

    @api.depends_context("company", "lang")
    @api.depends("partner_id", "payment_term_id", "state", "company_id", "date_order")
    def _compute_in2dmm_policy_warning(self):
        self.in2dmm_policy_warning = False
        quotations = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.partner_id
                and o.company_id.in2dmm_insurer_account_id
            )
        )
        for company, orders in quotations.grouped("company_id").items():
            account = company.in2dmm_insurer_account_id
            rules = PolicyRules(
                max_payment_days=account.max_payment_days,
                max_extension_days=account.max_extension_days,
                max_own_limit=Decimal(str(account.max_discretionary_limit or 0)),
            )
            exposures, insured = self.env["res.partner"]._in2dmm_exposures(
                orders.partner_id, company
            )
            for order in orders:
                partner = order.partner_id.commercial_partner_id.with_company(company)
                exposure = exposures.get(partner.id)
                findings = check_sale(
                    rules,
                    insured=bool(insured.get(partner.id)),
                    term_days=order._in2dmm_term_days(),
                    oldest_overdue_days=exposure.max_days_overdue if exposure else None,
                    own_limit=Decimal(str(partner.credit_limit))
                    if partner.credit_limit
                    else None,
                )
                if findings:
                    order.in2dmm_policy_warning = order._in2dmm_policy_text(
                        account, findings
                    )

    def _in2dmm_policy_text(self, account, findings):
        currency = self.company_id.currency_id
        lines = []
        for finding in findings:
            v = finding.values
            if finding.code == "term_too_long":
                lines.append(
                    self.env._(
                        "The payment term of %(days)s days is longer than the "
                        "%(allowed)s days the policy of %(insurer)s covers: this "
                        "sale is not insured.",
                        days=v["days"],
                        allowed=v["allowed"],
                        insurer=account.name,
                    )
                )
            elif finding.code == "extension_exceeded":
                lines.append(
                    self.env._(
                        "An invoice is %(days)s days past due, beyond the policy's "
                        "maximum extension of %(allowed)s days: %(insurer)s expects "
                        "deliveries to stop until it is paid or reported.",
                        days=v["days"],
                        allowed=v["allowed"],
                        insurer=account.name,
                    )
                )
            elif finding.code == "own_limit_too_high":
                lines.append(
                    self.env._(
                        "The own limit of %(limit)s is above the %(allowed)s the "
                        "policy lets you grant without a decision of %(insurer)s: "
                        "request an insured limit.",
                        limit=formatLang(
                            self.env, float(v["limit"]), currency_obj=currency
                        ),
                        allowed=formatLang(
                            self.env, float(v["allowed"]), currency_obj=currency
                        ),
                        insurer=account.name,
                    )
                )
        return "\n".join(lines)
