from odoo import fields, models


class In2dmmDisputeCategory(models.Model):
    _name = "in2dmm.dispute.category"
    _description = "Complaint or Dispute Category"
    _order = "kind, sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("complaint", "Complaint"), ("dispute", "Dispute")],
        required=True,
        default="dispute",
        help="Complaint: about the product or service, solved elsewhere in the "
        "organisation. Dispute: about quantities, prices, conditions or delivery, "
        "solved by credit management.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        help="Who solves cases of this category. Empty: for complaints the "
        "customer's salesperson, for disputes the company's default.",
    )
    deadline_days = fields.Integer(string="Days to Solve", default=14)
    company_id = fields.Many2one("res.company", help="Empty: all companies.")
