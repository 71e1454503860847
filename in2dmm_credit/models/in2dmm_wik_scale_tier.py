from odoo import api, fields, models


class In2dmmWikScaleTier(models.Model):
    _name = "in2dmm.wik.scale.tier"
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

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
