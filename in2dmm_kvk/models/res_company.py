from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    in2dmm_kvk_api_key = fields.Char(
        string="KvK API Key", groups="base.group_system", copy=False
    )
    in2dmm_kvk_environment = fields.Selection(
        [("test", "Test"), ("production", "Production")],
        string="KvK Environment",
        default="test",
        required=True,
    )
    in2dmm_kvk_auto_update_address = fields.Boolean(
        string="Update Addresses from the KvK",
        help="Write address changes found in the KvK directly on the customer "
        "instead of only signalling them.",
    )
