from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    in2dmm_level_id = fields.Many2one(
        "in2dmm.policy.level",
        string="Dunning Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Highest dunning level sent for this invoice.",
    )
    in2dmm_last_dunning_date = fields.Date(
        string="Last Dunning Action", copy=False, readonly=True
    )
    in2dmm_excluded = fields.Boolean(
        string="Excluded from Dunning", copy=False, tracking=True
    )
    in2dmm_exclude_reason = fields.Char(string="Dunning Exclusion Reason", copy=False)
    in2dmm_item_ids = fields.One2many(
        "in2dmm.dunning.line.item", "move_id", string="Dunning History"
    )

    def _in2dmm_hold_reasons(self):
        """Invoices temporarily held out of dunning, with the reason.

        Disputes, complaints, payment promises and collection cases extend this.
        :return: dict {move_id: reason}
        """
        return {}
