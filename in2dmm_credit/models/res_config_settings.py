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
    in2dmm_limit_rule = fields.Selection(
        related="company_id.in2dmm_limit_rule", readonly=False
    )
    in2dmm_discretionary_amount = fields.Monetary(
        related="company_id.in2dmm_discretionary_amount",
        readonly=False,
        currency_field="currency_id",
    )
    in2dmm_order_check = fields.Selection(
        related="company_id.in2dmm_order_check", readonly=False
    )
    in2dmm_order_overdue_days = fields.Integer(
        related="company_id.in2dmm_order_overdue_days", readonly=False
    )
    in2dmm_limit_near_pct = fields.Float(
        related="company_id.in2dmm_limit_near_pct", readonly=False
    )
    in2dmm_credit_manager_id = fields.Many2one(
        related="company_id.in2dmm_credit_manager_id", readonly=False
    )
    in2dmm_insured_expiry_days = fields.Integer(
        related="company_id.in2dmm_insured_expiry_days", readonly=False
    )
    in2dmm_promise_grace_days = fields.Integer(
        related="company_id.in2dmm_promise_grace_days", readonly=False
    )
    in2dmm_dispute_user_id = fields.Many2one(
        related="company_id.in2dmm_dispute_user_id", readonly=False
    )
    in2dmm_dispute_days = fields.Integer(
        related="company_id.in2dmm_dispute_days", readonly=False
    )
    in2dmm_score_signal_steps = fields.Integer(
        related="company_id.in2dmm_score_signal_steps", readonly=False
    )

    def action_in2dmm_rebuild_payment_stats(self):
        count = self.env["in2dmm.payment.stat"].sudo()._rebuild()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Payment statistics rebuilt for %(count)s customers.", count=count
                ),
            },
        }
