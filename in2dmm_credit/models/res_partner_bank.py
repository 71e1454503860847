from odoo import api, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.model_create_multi
    def create(self, vals_list):
        banks = super().create(vals_list)
        banks._in2dmm_signal_change()
        return banks

    def write(self, vals):
        result = super().write(vals)
        if "acc_number" in vals or "partner_id" in vals:
            self._in2dmm_signal_change()
        return result

    def _in2dmm_signal_change(self):
        """A new or changed bank account of a customer is worth a look."""
        if self.env.context.get("install_mode"):
            return
        for bank in self:
            partner = bank.partner_id.commercial_partner_id
            if partner.customer_rank <= 0:
                continue
            self.env["in2dmm.signal"]._raise_signal(
                partner,
                "master_data_changed",
                severity="warning",
                description=self.env._(
                    "Bank account %(account)s of %(customer)s was added or changed "
                    "by %(user)s.",
                    account=bank.acc_number,
                    customer=partner.display_name,
                    user=self.env.user.name,
                ),
                cause=partner,
            )
