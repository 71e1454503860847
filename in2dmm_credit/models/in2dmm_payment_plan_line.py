from odoo import fields, models


class In2dmmPaymentPlanLine(models.Model):
    _name = "in2dmm.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one(
        "in2dmm.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("partial", "Partly Paid"),
            ("paid", "Paid"),
            ("missed", "Missed"),
        ],
        default="open",
        readonly=True,
    )
