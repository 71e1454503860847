from odoo import fields, models, tools


class In2dmmCollectorReport(models.Model):
    """What each collector did and achieved per month: calls made, promises
    obtained and kept, and the amounts paid on them (a database view)."""

    _name = "in2dmm.collector.report"
    _description = "Collector Results"
    _auto = False
    _order = "month desc"
    _depends = {
        "mail.activity": ["date_done", "active", "user_id", "activity_type_id"],
        "in2dmm.promise": ["state", "amount", "amount_paid", "collector_id"],
        "in2dmm.dunning.line": ["state", "date_done", "collector_id"],
    }

    month = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    calls = fields.Integer(string="Calls Made", readonly=True)
    letters = fields.Integer(string="Dunning Actions", readonly=True)
    promises = fields.Integer(string="Promises Obtained", readonly=True)
    promises_kept = fields.Integer(readonly=True)
    promises_broken = fields.Integer(readonly=True)
    amount_promised = fields.Monetary(readonly=True)
    amount_collected = fields.Monetary(
        string="Paid on Promises", readonly=True, help="Paid on the promises obtained."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT row_number() OVER () AS id, month, user_id, company_id,
                       currency_id, SUM(calls) AS calls, SUM(letters) AS letters,
                       SUM(promises) AS promises, SUM(kept) AS promises_kept,
                       SUM(broken) AS promises_broken,
                       SUM(promised) AS amount_promised,
                       SUM(collected) AS amount_collected
                  FROM (
                        SELECT date_trunc('month', a.date_done)::date AS month,
                               a.user_id, u.company_id, c.currency_id,
                               1 AS calls, 0 AS letters, 0 AS promises, 0 AS kept,
                               0 AS broken, 0 AS promised, 0 AS collected
                          FROM mail_activity a
                          JOIN res_users u ON u.id = a.user_id
                          JOIN res_company c ON c.id = u.company_id
                         WHERE NOT a.active AND a.date_done IS NOT NULL
                           AND a.res_model = 'res.partner'
                           AND a.activity_type_id IN (
                                SELECT res_id FROM ir_model_data
                                 WHERE module = 'in2dmm_credit'
                                   AND name = 'mail_activity_type_debtor_call')
                        UNION ALL
                        SELECT date_trunc('month', l.date_done)::date, l.collector_id,
                               l.company_id, c.currency_id, 0, 1, 0, 0, 0, 0, 0
                          FROM in2dmm_dunning_line l
                          JOIN res_company c ON c.id = l.company_id
                         WHERE l.state = 'done' AND l.collector_id IS NOT NULL
                        UNION ALL
                        SELECT date_trunc('month', p.create_date)::date,
                               p.collector_id, p.company_id, c.currency_id, 0, 0, 1,
                               (p.state = 'kept')::int,
                               (p.state IN ('broken', 'partial'))::int,
                               p.amount, COALESCE(p.amount_paid, 0)
                          FROM in2dmm_promise p
                          JOIN res_company c ON c.id = p.company_id
                         WHERE p.state != 'cancelled' AND p.collector_id IS NOT NULL
                  ) facts
                 GROUP BY month, user_id, company_id, currency_id
            )
            """
        )
