from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools import metrics, reports_xlsx
from .download import download_action

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
    explanation = fields.Char(compute="_compute_explanation")
    code = fields.Char(readonly=True)
    weighted_days_late = fields.Float(digits=(8, 1), readonly=True)
    promises_made = fields.Integer(readonly=True)
    promises_broken = fields.Integer(readonly=True)
    date = fields.Date(string="Computed On", readonly=True)

    _company_partner_uniq = models.Constraint(
        "unique (company_id, partner_id)", "One score per customer and company."
    )

    @api.depends_context("lang")
    @api.depends("code", "weighted_days_late", "promises_made", "promises_broken")
    def _compute_explanation(self):
        """The score explained in the reader's language."""
        _ = self.env._
        for score in self:
            if score.code == metrics.NO_HISTORY or not score.code:
                score.explanation = _("no paid invoices and no promises in 12 months")
                continue
            parts = []
            if score.weighted_days_late or score.code == metrics.DAYS_LATE:
                parts.append(
                    _(
                        "on average %(days)s days late over 12 months",
                        days=formatLang(self.env, score.weighted_days_late, digits=1),
                    )
                )
            if score.promises_made:
                parts.append(
                    _(
                        "%(broken)s of %(made)s promises broken",
                        broken=score.promises_broken,
                        made=score.promises_made,
                    )
                )
            else:
                parts.append(_("no promises made"))
            text = ", ".join(parts)
            if score.code == metrics.PROMISES:
                text += " " + _("(score lowered for broken promises)")
            score.explanation = text

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
                    score.code,
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
                        code, weighted_days_late, promises_made,
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
                        code = EXCLUDED.code,
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

    def action_export_xlsx(self):
        """The payment-behaviour report of these scores (all when none)."""
        scores = self or self.search([("company_id", "=", self.env.company.id)])
        company = self.env.company
        since = fields.Date.context_today(self).replace(day=1)
        since = (since - timedelta(days=334)).replace(day=1)
        stats = {}
        for partner, count, amount, days, wdl, share, kept, broken in self.env[
            "in2dmm.payment.stat"
        ]._read_group(
            [
                ("partner_id", "in", scores.partner_id.ids),
                ("company_id", "=", company.id),
                ("month", ">=", since),
            ],
            groupby=["partner_id"],
            aggregates=[
                "invoice_count:sum",
                "amount_paid:sum",
                "avg_days_to_pay:avg",
                "weighted_days_late:avg",
                "on_time_share:avg",
                "promises_kept:sum",
                "promises_broken:sum",
            ],
        ):
            stats[partner.id] = (count, amount, days, wdl, share, kept, broken)
        overdue = dict(
            (partner.id, amount)
            for partner, amount in self.env["in2dmm.payment.stat"]._read_group(
                [
                    ("partner_id", "in", scores.partner_id.ids),
                    ("company_id", "=", company.id),
                    ("month", "=", fields.Date.context_today(self).replace(day=1)),
                ],
                groupby=["partner_id"],
                aggregates=["amount_overdue:sum"],
            )
        )

        def dec(value):
            return None if value is None else Decimal(str(round(value, 1)))

        rows = []
        for score in scores.sorted(lambda s: (s.grade or "Z", s.partner_id.name or "")):
            count, amount, days, wdl, share, kept, broken = stats.get(
                score.partner_id.id, (0, 0.0, None, None, None, 0, 0)
            )
            rows.append(
                reports_xlsx.BehaviourRow(
                    customer=score.partner_id.name or "",
                    ref=score.partner_id.ref or "",
                    grade=score.grade or "",
                    trend=score.trend or "",
                    explanation=score.explanation or "",
                    invoices_paid=count or 0,
                    amount_paid=Decimal(str(round(amount or 0.0, 2))),
                    avg_days_to_pay=dec(days),
                    weighted_days_late=dec(score.weighted_days_late)
                    if score.weighted_days_late
                    else dec(wdl),
                    on_time_share=dec(share),
                    promises_kept=kept or 0,
                    promises_broken=broken or 0,
                    amount_overdue=Decimal(
                        str(round(overdue.get(score.partner_id.id, 0.0), 2))
                    ),
                )
            )
        _ = self.env._
        labels = {
            "title": _("Payment behaviour"),
            "report_date": _("Date"),
            "period": _("Period (months)"),
            "currency": _("Currency"),
            "sheet": _("Payment behaviour"),
            "customer": _("Customer"),
            "ref": _("Customer number"),
            "grade": _("Score"),
            "trend": _("Trend"),
            "trend_better": _("Better"),
            "trend_worse": _("Worse"),
            "trend_stable": _("Stable"),
            "invoices_paid": _("Invoices paid"),
            "amount_paid": _("Amount paid"),
            "avg_days_to_pay": _("Average days to pay"),
            "weighted_days_late": _("Days late (weighted)"),
            "on_time_share": _("Paid on time (%)"),
            "promises_kept": _("Promises kept"),
            "promises_broken": _("Promises broken"),
            "amount_overdue": _("Overdue"),
            "explanation": _("Explanation"),
            "totals_row": _("Total"),
        }
        data = reports_xlsx.behaviour_xlsx(
            company.name,
            fields.Date.context_today(self),
            company.currency_id.name,
            rows,
            labels,
        )
        return download_action(
            self.env,
            "%s %s.xlsx"
            % (_("Payment behaviour"), fields.Date.context_today(self).isoformat()),
            data,
        )
