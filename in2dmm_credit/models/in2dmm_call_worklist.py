from odoo import fields, models, tools


class In2dmmCallWorklist(models.Model):
    """ "To call today": the collectors' due debtor calls, ranked by what is
    overdue (a database view)."""

    _name = "in2dmm.call.worklist"
    _description = "Calls to Make"
    _auto = False
    _order = "amount_overdue desc, max_days_overdue desc, date_deadline"
    _rec_name = "partner_id"
    # flushed before the view is read
    _depends = {
        "mail.activity": [
            "res_model",
            "res_id",
            "user_id",
            "date_deadline",
            "summary",
            "active",
            "activity_type_id",
        ],
        "account.move.line": [
            "amount_residual",
            "date_maturity",
            "reconciled",
            "parent_state",
            "partner_id",
            "company_id",
            "account_id",
        ],
        "res.partner": ["commercial_partner_id", "in2dmm_last_contact_date"],
        "res.users": ["company_id"],
    }

    activity_id = fields.Many2one("mail.activity", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_deadline = fields.Date(string="Call Due", readonly=True)
    summary = fields.Char(string="Reason", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    max_days_overdue = fields.Integer(string="Days Overdue", readonly=True)
    last_contact = fields.Date(string="Last Contact", readonly=True)
    phone = fields.Char(related="partner_id.phone")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH overdue AS (
                    SELECT p.commercial_partner_id AS partner_id,
                           aml.company_id,
                           SUM(aml.amount_residual) AS amount_overdue,
                           MAX(CURRENT_DATE - aml.date_maturity) AS max_days
                      FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                      JOIN res_partner p ON p.id = aml.partner_id
                     WHERE acc.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND NOT aml.reconciled
                       AND aml.amount_residual > 0
                       AND aml.date_maturity < CURRENT_DATE
                     GROUP BY p.commercial_partner_id, aml.company_id
                )
                SELECT a.id AS id,
                       a.id AS activity_id,
                       a.res_id AS partner_id,
                       a.user_id,
                       u.company_id,
                       c.currency_id,
                       a.date_deadline,
                       a.summary,
                       COALESCE(o.amount_overdue, 0) AS amount_overdue,
                       COALESCE(o.max_days, 0) AS max_days_overdue,
                       rp.in2dmm_last_contact_date AS last_contact
                  FROM mail_activity a
                  JOIN res_users u ON u.id = a.user_id
                  JOIN res_company c ON c.id = u.company_id
                  JOIN res_partner rp ON rp.id = a.res_id
                  LEFT JOIN overdue o
                         ON o.partner_id = rp.commercial_partner_id
                        AND o.company_id = u.company_id
                 WHERE a.res_model = 'res.partner'
                   AND a.active
                   AND a.activity_type_id IN (
                           SELECT res_id FROM ir_model_data
                            WHERE module = 'in2dmm_credit'
                              AND name = 'mail_activity_type_debtor_call')
                   AND a.date_deadline <= CURRENT_DATE
            )
            """
        )

    def action_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "in2dmm.call.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_activity_id": self.activity_id.id,
            },
        }
