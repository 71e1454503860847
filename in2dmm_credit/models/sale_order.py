from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from ..tools import exposure as exposure_tools
from .res_partner import CREDIT_STATUS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    in2dmm_credit_status = fields.Selection(
        CREDIT_STATUS, string="Credit Status", compute="_compute_in2dmm_credit"
    )
    in2dmm_credit_warning = fields.Text(
        string="Credit Warning", compute="_compute_in2dmm_credit"
    )
    in2dmm_credit_blocked = fields.Boolean(
        string="Stopped by the Credit Check", compute="_compute_in2dmm_credit"
    )
    in2dmm_credit_approved_by = fields.Many2one(
        "res.users", string="Credit Approved By", readonly=True, copy=False
    )
    in2dmm_credit_approval_reason = fields.Text(
        string="Credit Approval Reason", readonly=True, copy=False
    )
    in2dmm_credit_approved_amount = fields.Monetary(
        string="Approved Up To", readonly=True, copy=False
    )

    # ------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------

    def _in2dmm_order_amount(self):
        """The order's total in company currency."""
        self.ensure_one()
        rate = self.currency_rate or 1.0
        return exposure_tools.Decimal(str(round(self.amount_total / rate, 2)))

    def _in2dmm_approved(self):
        self.ensure_one()
        return bool(self.in2dmm_credit_approved_by) and (
            self.amount_total <= self.in2dmm_credit_approved_amount + 0.005
        )

    def _in2dmm_findings(self):
        """``{order id: [Finding]}`` for the quotations in ``self``, batched per
        company; several orders of one customer count cumulatively."""
        result = {}
        for company, orders in self.grouped("company_id").items():
            if company.in2dmm_order_check == "off":
                continue
            exposures, _insured = self.env["res.partner"]._in2dmm_exposures(
                orders.partner_id, company
            )
            pending = {}
            allowed = company.in2dmm_order_overdue_days
            for order in orders.sorted("id"):
                commercial = order.partner_id.commercial_partner_id
                exposure = exposures.get(commercial.id)
                if exposure is None:
                    continue
                amount = order._in2dmm_order_amount()
                before = pending.get(commercial.id, exposure_tools.ZERO)
                if before:
                    exposure = exposure_tools.Exposure(
                        receivable=exposure.receivable,
                        draft_invoices=exposure.draft_invoices,
                        open_orders=exposure.open_orders + before,
                        limit=exposure.limit,
                        max_days_overdue=exposure.max_days_overdue,
                        overdue_amount=exposure.overdue_amount,
                        on_hold=exposure.on_hold,
                    )
                pending[commercial.id] = before + amount
                result[order.id] = exposure_tools.check_order(
                    exposure,
                    amount,
                    overdue_days=allowed if allowed >= 0 else None,
                    near_pct=company.in2dmm_limit_near_pct or None,
                )
        return result

    def _in2dmm_findings_text(self, findings):
        self.ensure_one()
        currency = self.company_id.currency_id

        def money(value):
            return formatLang(self.env, float(value), currency_obj=currency)

        lines = []
        commercial = self.partner_id.commercial_partner_id.with_company(self.company_id)
        for finding in findings:
            v = finding.values
            if finding.code == "credit_hold":
                lines.append(
                    self.env._(
                        "%(customer)s is on credit hold%(reason)s.",
                        customer=commercial.display_name,
                        reason=(": " + commercial.in2dmm_credit_hold_reason)
                        if commercial.in2dmm_credit_hold_reason
                        else "",
                    )
                )
            elif finding.code == "overdue":
                lines.append(
                    self.env._(
                        "An invoice is %(days)s days overdue (%(allowed)s allowed); "
                        "%(amount)s is overdue in all.",
                        days=v["days"],
                        allowed=v["allowed"],
                        amount=money(v["amount"]),
                    )
                )
            elif finding.code == "over_limit":
                lines.append(
                    self.env._(
                        "This order takes the exposure over the credit limit of "
                        "%(limit)s by %(excess)s (exposure %(exposure)s + order "
                        "%(order)s).",
                        limit=money(v["limit"]),
                        excess=money(v["excess"]),
                        exposure=money(v["exposure"]),
                        order=money(v["order"]),
                    )
                )
            elif finding.code == "near_limit":
                lines.append(
                    self.env._(
                        "With this order %(usage)s%% of the credit limit of %(limit)s "
                        "is used; %(available)s remains.",
                        usage=formatLang(self.env, float(v["usage"]), digits=1),
                        limit=money(v["limit"]),
                        available=money(v["available"]),
                    )
                )
        return "\n".join(lines)

    @api.depends_context("company", "lang")
    @api.depends("partner_id", "amount_total", "state", "company_id")
    def _compute_in2dmm_credit(self):
        quotations = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.partner_id
        )
        findings = quotations._in2dmm_findings() if quotations else {}
        statuses = {}
        for company, orders in (
            self.filtered("partner_id").grouped("company_id").items()
        ):
            partners = orders.partner_id.with_company(company)
            for partner in partners:
                statuses[(company.id, partner.id)] = partner.in2dmm_credit_status
        for order in self:
            found = findings.get(order.id, [])
            order.in2dmm_credit_status = statuses.get(
                (order.company_id.id, order.partner_id.id), False
            )
            order.in2dmm_credit_warning = (
                order._in2dmm_findings_text(found) if found else False
            )
            order.in2dmm_credit_blocked = (
                order.company_id.in2dmm_order_check == "block"
                and exposure_tools.blocks(found)
                and not order._in2dmm_approved()
            )

    def action_confirm(self):
        to_check = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.company_id.in2dmm_order_check != "off"
                and not o._in2dmm_approved()
            )
        )
        findings = to_check._in2dmm_findings() if to_check else {}
        blocked = []
        for order in to_check:
            found = findings.get(order.id)
            if not found:
                continue
            if order.company_id.in2dmm_order_check == "block" and (
                exposure_tools.blocks(found)
            ):
                blocked.append((order, found))
                continue
            order.message_post(
                body=self.env._(
                    "Confirmed despite a credit warning: %(warning)s",
                    warning=order._in2dmm_findings_text(found),
                )
            )
            order._in2dmm_raise_limit_signals(found)
        if blocked:
            raise UserError(
                "\n\n".join(
                    self.env._(
                        "%(order)s cannot be confirmed:\n%(reasons)s",
                        order=order.name,
                        reasons=order._in2dmm_findings_text(found),
                    )
                    for order, found in blocked
                )
                + "\n\n"
                + self.env._(
                    "A credit manager can approve the order; use Ask Credit "
                    "Approval on the order."
                )
            )
        return super().action_confirm()

    def _in2dmm_raise_limit_signals(self, findings):
        self.ensure_one()
        for finding in findings:
            if finding.code not in ("over_limit", "near_limit"):
                continue
            self.env["in2dmm.signal"]._raise_signal(
                self.partner_id,
                "limit_exceeded" if finding.code == "over_limit" else "limit_near",
                severity="critical" if finding.code == "over_limit" else "warning",
                description=self._in2dmm_findings_text([finding]),
                cause=self,
                company=self.company_id,
            )

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------

    def _in2dmm_credit_manager(self):
        self.ensure_one()
        company = self.company_id
        return (
            company.in2dmm_credit_manager_id
            or company.in2dmm_collector_id
            or self.env.ref("base.user_admin")
        )

    def action_in2dmm_request_approval(self):
        for order in self:
            findings = order._in2dmm_findings().get(order.id, [])
            text = order._in2dmm_findings_text(findings) if findings else ""
            order.activity_schedule(
                "in2dmm_credit.mail_activity_type_credit_approval",
                user_id=order._in2dmm_credit_manager().id,
                summary=self.env._("Credit approval for %(order)s", order=order.name),
                note=text,
            )
            order.message_post(
                body=self.env._(
                    "%(user)s asked for credit approval.", user=self.env.user.name
                )
            )
        return True

    def action_in2dmm_open_approval(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Credit"),
            "res_model": "in2dmm.credit.approval",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _in2dmm_approve(self, reason):
        if not self.env.user.has_group("in2dmm_credit.in2dmm_credit_group_manager"):
            raise AccessError(
                self.env._("Only a credit manager can approve an order on credit.")
            )
        for order in self:
            findings = order._in2dmm_findings().get(order.id, [])
            order.write(
                {
                    "in2dmm_credit_approved_by": self.env.user.id,
                    "in2dmm_credit_approval_reason": reason,
                    "in2dmm_credit_approved_amount": order.amount_total,
                }
            )
            order.message_post(
                body=self.env._(
                    "Credit approved by %(user)s up to %(amount)s: %(reason)s",
                    user=self.env.user.name,
                    amount=formatLang(
                        self.env, order.amount_total, currency_obj=order.currency_id
                    ),
                    reason=reason,
                )
            )
            order._in2dmm_raise_limit_signals(findings)
            order.activity_feedback(
                ["in2dmm_credit.mail_activity_type_credit_approval"],
                feedback=reason,
            )
