from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    in2dmm_insurer_account_id = fields.Many2one(
        related="company_id.in2dmm_insurer_account_id", readonly=False
    )
