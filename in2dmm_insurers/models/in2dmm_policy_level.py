from odoo import fields, models


class In2dmmPolicyLevel(models.Model):
    _inherit = "in2dmm.policy.level"

    insurer_notice = fields.Boolean(
        string="Prepare Insurer Notice",
        help="Executing this level prepares an overdue notice to the company's "
        "credit insurer for customers with an insured limit (with a to-do for "
        "the collector, or sent by the daily job when the account sends "
        "automatically).",
    )
