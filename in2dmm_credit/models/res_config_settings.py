from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    in2dmm_policy_id = fields.Many2one(
        related="company_id.in2dmm_policy_id", readonly=False
    )
    in2dmm_collector_id = fields.Many2one(
        related="company_id.in2dmm_collector_id", readonly=False
    )
    in2dmm_execute_sync_limit = fields.Integer(
        related="company_id.in2dmm_execute_sync_limit", readonly=False
    )
    in2dmm_batch_size = fields.Integer(
        related="company_id.in2dmm_batch_size", readonly=False
    )
