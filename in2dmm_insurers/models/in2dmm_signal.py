from odoo import fields, models


class In2dmmSignal(models.Model):
    _inherit = "in2dmm.signal"

    signal_type = fields.Selection(
        selection_add=[
            ("rating_worse", "Credit rating lowered"),
            ("bureau_event", "Reported by a credit bureau or insurer"),
        ],
        ondelete={"rating_worse": "cascade", "bureau_event": "cascade"},
    )
