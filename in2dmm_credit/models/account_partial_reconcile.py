from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # a credit note reconciled with a disputed invoice may settle the case
        refunds = partials.credit_move_id.move_id.filtered(
            lambda m: m.move_type == "out_refund"
        )
        if refunds:
            invoices = partials.filtered(
                lambda p: p.credit_move_id.move_id in refunds
            ).debit_move_id.move_id
            self.env["in2dmm.dispute"]._in2dmm_check_settled(invoices)
        return partials
