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
    in2dmm_costs_vat_deductible = fields.Boolean(
        related="company_id.in2dmm_costs_vat_deductible", readonly=False
    )
    in2dmm_costs_vat_rate = fields.Float(
        related="company_id.in2dmm_costs_vat_rate", readonly=False
    )
    in2dmm_wik_per_invoice = fields.Boolean(
        related="company_id.in2dmm_wik_per_invoice", readonly=False
    )
    in2dmm_charge_journal_id = fields.Many2one(
        related="company_id.in2dmm_charge_journal_id", readonly=False
    )
    in2dmm_costs_product_id = fields.Many2one(
        related="company_id.in2dmm_costs_product_id", readonly=False
    )
    in2dmm_interest_product_id = fields.Many2one(
        related="company_id.in2dmm_interest_product_id", readonly=False
    )
    in2dmm_collection_agency_id = fields.Many2one(
        related="company_id.in2dmm_collection_agency_id", readonly=False
    )
