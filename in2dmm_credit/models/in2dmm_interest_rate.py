from decimal import Decimal
from types import MappingProxyType

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import legal_data
from ..tools.interest import RatePeriod

RATE_KINDS = [
    ("statutory", "Statutory interest (art. 6:119 BW, consumers)"),
    ("commercial", "Commercial interest (art. 6:119a BW, businesses)"),
]


class In2dmmInterestRate(models.Model):
    """A dated statutory interest rate; rates change on 1 January and 1 July."""

    _name = "in2dmm.interest.rate"
    _inherit = ["in2dmm.legal.table.mixin"]
    _description = "Statutory Interest Rate"
    _order = "kind, valid_from desc"
    _rec_name = "valid_from"

    kind = fields.Selection(RATE_KINDS, required=True, default="commercial")
    valid_from = fields.Date(required=True)
    rate = fields.Float(
        string="Annual Rate (%)", required=True, digits=(5, 3), aggregator=False
    )
    status = fields.Selection(
        [("V", "Verified"), ("S", "Secondary sources"), ("U", "Unverified")],
        default="V",
        help="How well the rate is sourced. Check unverified rates against the "
        "government's publication before you rely on them.",
    )
    source = fields.Char()

    _kind_date_uniq = models.Constraint(
        "unique (kind, valid_from)",
        "There is already a rate of this kind from that date.",
    )

    @api.constrains("rate")
    def _check_rate(self):
        if any(rec.rate < 0 or rec.rate > 100 for rec in self):
            raise ValidationError(
                self.env._("An interest rate lies between 0 and 100%.")
            )

    @api.model
    @tools.ormcache()
    def _in2dmm_tables(self):
        """``{kind: (RatePeriod, ...)}`` for :mod:`..tools.charges`."""
        tables = {}
        for rec in self.sudo().search([], order="valid_from"):
            tables.setdefault(rec.kind, []).append(
                RatePeriod(
                    valid_from=rec.valid_from,
                    rate=Decimal(str(rec.rate)),
                    source=rec.source or "",
                    status=rec.status or "",
                )
            )
        # cached: hand out a read-only view
        return MappingProxyType({kind: tuple(rows) for kind, rows in tables.items()})

    @api.model
    def _in2dmm_load_shipped(self):
        """Add the shipped rates and WIK scale that are not in the database yet.

        Called at install; never overwrites a row a user has edited.
        """
        existing = {(r.kind, r.valid_from) for r in self.sudo().search([])}
        values = []
        for kind, rows in legal_data.load_interest_rates().items():
            for row in rows:
                if (kind, row.valid_from) in existing:
                    continue
                values.append(
                    {
                        "kind": kind,
                        "valid_from": row.valid_from,
                        "rate": float(row.rate),
                        "status": row.status or "U",
                        "source": row.source,
                    }
                )
        self.sudo().create(values)
        self.env["in2dmm.wik.scale"]._in2dmm_load_shipped()
        return True
