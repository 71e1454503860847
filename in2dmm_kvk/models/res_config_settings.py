from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    in2dmm_kvk_api_key = fields.Char(
        related="company_id.in2dmm_kvk_api_key",
        readonly=False,
        groups="base.group_system",
    )
    in2dmm_kvk_environment = fields.Selection(
        related="company_id.in2dmm_kvk_environment", readonly=False
    )
    in2dmm_kvk_auto_update_address = fields.Boolean(
        related="company_id.in2dmm_kvk_auto_update_address", readonly=False
    )
