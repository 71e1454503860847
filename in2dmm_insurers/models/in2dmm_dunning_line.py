from odoo import models


class In2dmmDunningLine(models.Model):
    _inherit = "in2dmm.dunning.line"

    def _execute(self):
        result = super()._execute()
        if self.state == "done" and self.level_id.insurer_notice:
            self._prepare_insurer_notice()
        return result

    def _prepare_insurer_notice(self):
        """A level that requires it prepares the insurer's overdue notice for
        the line's invoices, if the customer is insured."""
        self.ensure_one()
        account = self.company_id.in2dmm_insurer_account_id
        if not account:
            return False
        partner = self.partner_id.commercial_partner_id
        insured = self.env["in2dmm.insured.limit"].search_count(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "active"),
            ]
        )
        moves = self._charge_moves().filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_receipt")
                and m.invoice_date_due
                and m.invoice_date_due < self.run_id.date
            )
        )
        if not insured or not moves:
            return False
        Notice = self.env["in2dmm.insurer.overdue.notice"].sudo()
        open_notice = Notice._open_notices(account, partner)[:1]
        return Notice._prepare_for(
            account,
            partner,
            moves | open_notice.move_ids,
            origin="dunning",
            notice=open_notice,
        )
