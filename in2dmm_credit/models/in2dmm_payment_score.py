from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import metrics

GRADES = [(g, g) for g in metrics.SCORES]


class In2dmmPaymentScore(models.Model):
    """The current payment score of a customer in a company (A best, E worst),
    written by the payment statistics job."""

    _name = "in2dmm.payment.score"
    _description = "Payment Score"
    _rec_name = "grade"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    grade = fields.Selection(GRADES, readonly=True)
    previous_grade = fields.Selection(GRADES, readonly=True)
    trend = fields.Selection(
        [("better", "Better"), ("stable", "Stable"), ("worse", "Worse")],
        readonly=True,
    )
    explanation = fields.Char(readonly=True)
    weighted_days_late = fields.Float(digits=(8, 1), readonly=True)
    promises_made = fields.Integer(readonly=True)
    promises_broken = fields.Integer(readonly=True)
    date = fields.Date(string="Computed On", readonly=True)

    _company_partner_uniq = models.Constraint(
        "unique (company_id, partner_id)", "One score per customer and company."
    )

    @api.model
    def _store(self, company, scores):
        """Upsert ``{partner id: metrics.Score}``; return ``{partner id: (old grade,
        new grade)}`` for the grades that changed."""
        if not scores:
            return {}
        ids = tuple(scores)
        old = dict(
            self.env.execute_query(
                SQL(
                    "SELECT partner_id, grade FROM in2dmm_payment_score "
                    "WHERE company_id = %s AND partner_id IN %s",
                    company.id,
                    ids,
                )
            )
        )
        today = fields.Date.context_today(self)
        values = []
        changed = {}
        for pid, score in scores.items():
            previous = old.get(pid) or None
            grade = score.grade or None
            if previous and grade and previous != grade:
                changed[pid] = (previous, grade)
            values.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                    " now() at time zone 'UTC', now() at time zone 'UTC')",
                    company.id,
                    pid,
                    grade,
                    previous,
                    metrics.trend([previous or "", grade or ""]),
                    score.explanation,
                    float(score.weighted_days_late)
                    if score.weighted_days_late is not None
                    else None,
                    score.promises_made,
                    score.promises_broken,
                    today,
                    self.env.uid,
                    self.env.uid,
                )
            )
        for start in range(0, len(values), 1000):
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO in2dmm_payment_score (
                        company_id, partner_id, grade, previous_grade, trend,
                        explanation, weighted_days_late, promises_made,
                        promises_broken, date, create_uid, write_uid, create_date,
                        write_date)
                    VALUES %s
                    ON CONFLICT (company_id, partner_id) DO UPDATE SET
                        previous_grade = CASE
                            WHEN in2dmm_payment_score.grade IS DISTINCT FROM
                                 EXCLUDED.grade
                            THEN in2dmm_payment_score.grade
                            ELSE in2dmm_payment_score.previous_grade END,
                        trend = EXCLUDED.trend,
                        grade = EXCLUDED.grade,
                        explanation = EXCLUDED.explanation,
                        weighted_days_late = EXCLUDED.weighted_days_late,
                        promises_made = EXCLUDED.promises_made,
                        promises_broken = EXCLUDED.promises_broken,
                        date = EXCLUDED.date,
                        write_uid = EXCLUDED.write_uid,
                        write_date = EXCLUDED.write_date
                    """,
                    SQL(", ").join(values[start : start + 1000]),
                )
            )
        self.invalidate_model()
        return changed
