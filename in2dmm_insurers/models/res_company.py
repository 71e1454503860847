from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    in2dmm_insurer_account_id = fields.Many2one(
        "in2dmm.insurer.account",
        string="Credit Insurer",
        check_company=True,
        help="The insurer whose policy covers this company's receivables.",
    )
