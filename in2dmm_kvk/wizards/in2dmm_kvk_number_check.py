from odoo import fields, models


class In2dmmKvkNumberCheck(models.TransientModel):
    _name = "in2dmm.kvk.number.check"
    _description = "KvK Number Check"

    partner_ids = fields.Many2many("res.partner", string="Checked Contacts")
    line_ids = fields.One2many(
        "in2dmm.kvk.number.check.line", "check_id", string="Problems"
    )
    checked_count = fields.Integer(readonly=True)
    problem_count = fields.Integer(readonly=True)

    def _run_check(self):
        for check in self:
            partners = check.partner_ids or self.env["res.partner"].search(
                [
                    "|",
                    "|",
                    ("company_registry", "!=", False),
                    ("in2dmm_kvk_branch_number", "!=", False),
                    ("in2dmm_kvk_rsin", "!=", False),
                ]
            )
            problems = partners._in2dmm_kvk_problems()
            check.write(
                {
                    "checked_count": len(partners),
                    "problem_count": len(problems),
                    "line_ids": [fields.Command.clear()]
                    + [
                        fields.Command.create(
                            {
                                "partner_id": partner.id,
                                "field_name": fname,
                                "value": partner[fname],
                                "message": message,
                            }
                        )
                        for partner, fname, message in problems
                    ],
                }
            )


class In2dmmKvkNumberCheckLine(models.TransientModel):
    _name = "in2dmm.kvk.number.check.line"
    _description = "KvK Number Check Problem"

    check_id = fields.Many2one(
        "in2dmm.kvk.number.check", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    field_name = fields.Selection(
        [
            ("company_registry", "KvK Number"),
            ("in2dmm_kvk_branch_number", "Establishment Number"),
            ("in2dmm_kvk_rsin", "RSIN"),
            ("zip", "Postcode"),
        ],
        string="Field",
        readonly=True,
    )
    value = fields.Char(readonly=True)
    message = fields.Char(string="Problem", readonly=True)
