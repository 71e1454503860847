from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import legal_data
from ..tools.wik import WikScale, to_decimal


class In2dmmWikScale(models.Model):
    """The scale of extrajudicial collection costs (Besluit WIK art. 2)."""

    _name = "in2dmm.wik.scale"
    _inherit = ["in2dmm.legal.table.mixin"]
    _description = "Collection Costs Scale (WIK)"
    _order = "valid_from desc"
    _rec_name = "valid_from"

    valid_from = fields.Date(
        required=True,
        help="The scale applies to claims whose default began on or after this day.",
    )
    minimum = fields.Float(required=True, digits=(12, 2))
    maximum = fields.Float(digits=(12, 2), help="Leave empty for no maximum.")
    source = fields.Char()
    tier_ids = fields.One2many(
        "in2dmm.wik.scale.tier", "scale_id", string="Tiers", copy=True
    )

    _valid_from_uniq = models.Constraint(
        "unique (valid_from)", "There is already a scale from that date."
    )

    def _to_engine(self):
        self.ensure_one()
        tiers = tuple(
            (
                to_decimal(str(t.upper_bound)) if t.upper_bound else None,
                to_decimal(str(t.percentage)),
            )
            for t in self.tier_ids.sorted(
                lambda t: (not t.upper_bound, t.upper_bound, t.id)
            )
        )
        return WikScale(
            valid_from=self.valid_from,
            tiers=tiers,
            minimum=to_decimal(str(self.minimum)),
            maximum=to_decimal(str(self.maximum)) if self.maximum else None,
            source=self.source or "",
        )

    @api.constrains("minimum", "maximum", "tier_ids")
    def _check_scale(self):
        for scale in self:
            try:
                scale._to_engine()
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "The collection costs scale from %(date)s is not valid: "
                        "%(error)s. Each tier needs an upper bound above the previous "
                        "one (only the last may be empty) and a percentage of 0 or "
                        "more; the maximum cannot be below the minimum.",
                        date=scale.valid_from,
                        error=exc,
                    )
                ) from exc

    @api.model
    @tools.ormcache()
    def _in2dmm_scales(self):
        return tuple(scale._to_engine() for scale in self.sudo().search([]))

    @api.model
    def _in2dmm_load_shipped(self):
        existing = set(self.sudo().search([]).mapped("valid_from"))
        for scale in legal_data.load_wik_scales():
            if scale.valid_from in existing:
                continue
            self.sudo().create(
                {
                    "valid_from": scale.valid_from,
                    "minimum": float(scale.minimum),
                    "maximum": float(scale.maximum) if scale.maximum else 0.0,
                    "source": scale.source,
                    "tier_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": index,
                                "upper_bound": float(upper) if upper else 0.0,
                                "percentage": float(pct),
                            },
                        )
                        for index, (upper, pct) in enumerate(scale.tiers)
                    ],
                }
            )
