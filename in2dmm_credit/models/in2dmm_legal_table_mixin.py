from odoo import api, models


class In2dmmLegalTableMixin(models.AbstractModel):
    """Rows of the legal tables (rates, WIK scale) are read through an ormcache;
    any change clears it."""

    _name = "in2dmm.legal.table.mixin"
    _description = "Cached Legal Table"

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
