from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    in2dmm_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Default Dunning Policy",
        check_company=True,
        help="Policy used for customers that have no policy of their own and "
        "none through their customer groups.",
    )
    in2dmm_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        help="User who gets the call actions for customers without a collector.",
    )
    in2dmm_execute_sync_limit = fields.Integer(
        string="Lines Executed in the Browser",
        default=30,
        help="Runs with more lines than this are executed in the background, "
        "with progress shown on the run.",
    )
    in2dmm_batch_size = fields.Integer(
        string="Dunning Batch Size",
        default=100,
        help="Number of dunning lines executed and committed per batch.",
    )
