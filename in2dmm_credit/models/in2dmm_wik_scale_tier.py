from odoo import fields, models


class In2dmmWikScaleTier(models.Model):
    _name = "in2dmm.wik.scale.tier"
    _inherit = ["in2dmm.legal.table.mixin"]
    _description = "Collection Costs Scale Tier"
    _order = "scale_id, sequence, id"

    scale_id = fields.Many2one(
        "in2dmm.wik.scale", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    upper_bound = fields.Float(
        string="Principal Up To",
        digits=(12, 2),
        help="The tier covers the principal from the previous tier's bound up to "
        "this amount; leave empty on the last tier for everything above.",
    )
    percentage = fields.Float(string="Percentage (%)", digits=(5, 3), required=True)
