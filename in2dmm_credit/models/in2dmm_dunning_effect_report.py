from odoo import fields, models, tools


class In2dmmDunningEffectReport(models.Model):
    """Dunning effectiveness: of the invoices sent at each level, how much was
    paid within 7, 14 and 30 days after the action (a database view)."""

    _name = "in2dmm.dunning.effect.report"
    _description = "Dunning Effectiveness"
    _auto = False
    _order = "date desc"
    _depends = {
        "in2dmm.dunning.line.item": ["state", "kind", "amount_residual", "move_id"],
        "in2dmm.dunning.line": ["state", "date_done", "level_id", "partner_id"],
        "account.partial.reconcile": ["max_date", "amount", "debit_move_id"],
    }

    date = fields.Date(string="Action Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    level_id = fields.Many2one("in2dmm.policy.level", string="Level", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    amount = fields.Monetary(string="Amount Dunned", readonly=True)
    paid_7 = fields.Monetary(string="Paid within 7 Days", readonly=True)
    paid_14 = fields.Monetary(string="Paid within 14 Days", readonly=True)
    paid_30 = fields.Monetary(string="Paid within 30 Days", readonly=True)
    paid_14_pct = fields.Float(
        string="Share Paid within 14 Days (%)",
        readonly=True,
        aggregator="avg",
        help="Per invoice 100 when it was paid in full within 14 days, else 0; the "
        "average is the share of invoices.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT item.id,
                       line.date_done::date AS date,
                       line.company_id,
                       c.currency_id,
                       item.level_id,
                       line.partner_id,
                       line.collector_id,
                       item.move_id,
                       item.amount_residual AS amount,
                       LEAST(item.amount_residual, COALESCE(paid.d7, 0)) AS paid_7,
                       LEAST(item.amount_residual, COALESCE(paid.d14, 0)) AS paid_14,
                       LEAST(item.amount_residual, COALESCE(paid.d30, 0)) AS paid_30,
                       CASE WHEN COALESCE(paid.d14, 0) >= item.amount_residual - 0.005
                            THEN 100.0 ELSE 0.0 END AS paid_14_pct
                  FROM in2dmm_dunning_line_item item
                  JOIN in2dmm_dunning_line line ON line.id = item.line_id
                  JOIN res_company c ON c.id = line.company_id
                  LEFT JOIN LATERAL (
                        SELECT SUM(apr.amount) FILTER (
                                   WHERE apr.max_date - line.date_done::date <= 7)
                                   AS d7,
                               SUM(apr.amount) FILTER (
                                   WHERE apr.max_date - line.date_done::date <= 14)
                                   AS d14,
                               SUM(apr.amount) FILTER (
                                   WHERE apr.max_date - line.date_done::date <= 30)
                                   AS d30
                          FROM account_move_line aml
                          JOIN account_partial_reconcile apr
                            ON apr.debit_move_id = aml.id
                         WHERE aml.move_id = item.move_id
                           AND apr.max_date >= line.date_done::date
                  ) paid ON TRUE
                 WHERE line.state = 'done'
                   AND item.state = 'included'
                   AND item.kind = 'debit'
                   AND item.escalated
            )
            """
        )
