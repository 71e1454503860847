import logging
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import metrics

_logger = logging.getLogger(__name__)

LAST_RUN_PARAM = "in2dmm_credit.payment_stat_last_run"


class In2dmmPaymentStat(models.Model):
    """Payment behaviour of a customer in one month (by the month of payment)."""

    _name = "in2dmm.payment.stat"
    _description = "Payment Behaviour per Month"
    _order = "month desc, partner_id"
    _rec_name = "partner_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    month = fields.Date(required=True, index=True, readonly=True)
    segment_id = fields.Many2one(
        "res.partner.category",
        string="Customer Group",
        readonly=True,
        help="The customer's first customer group (for behaviour per segment).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_count = fields.Integer(string="Invoices Paid", readonly=True)
    amount_paid = fields.Monetary(string="Amount Paid", readonly=True)
    avg_days_to_pay = fields.Float(
        string="Average Days to Pay", digits=(8, 1), readonly=True, aggregator="avg"
    )
    weighted_days_late = fields.Float(
        string="Days Late (Weighted)",
        digits=(8, 1),
        readonly=True,
        aggregator="avg",
        help="Days paid after the due date, weighted by amount.",
    )
    on_time_share = fields.Float(
        string="Paid on Time (%)", digits=(5, 1), readonly=True, aggregator="avg"
    )
    amount_overdue = fields.Monetary(
        string="Overdue at Month End",
        readonly=True,
        aggregator="sum",
        help="The overdue amount when the job last ran in that month.",
    )
    promises_kept = fields.Integer(readonly=True)
    promises_broken = fields.Integer(readonly=True)

    _company_partner_month_uniq = models.Constraint(
        "unique (company_id, partner_id, month)",
        "One row per customer and month.",
    )

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------

    @api.model
    def _changed_partners(self, since):
        """Commercial partners whose invoices or payments changed since ``since``."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT m.commercial_partner_id
                  FROM account_move m
                 WHERE m.move_type = 'out_invoice' AND m.write_date >= %(since)s
                UNION
                SELECT DISTINCT p.commercial_partner_id
                  FROM account_partial_reconcile apr
                  JOIN account_move_line l ON l.id = apr.debit_move_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE apr.create_date >= %(since)s
                UNION
                SELECT DISTINCT partner_id FROM in2dmm_promise
                 WHERE write_date >= %(since)s
                """,
                since=since,
            )
        )
        return [pid for (pid,) in rows if pid]

    @api.model
    def _cron_update(self, full=False, batch=2000):
        """Recompute the months of the customers that changed since the last run
        (all customers with ``full``), in batches, then their scores."""
        ICP = self.env["ir.config_parameter"].sudo()
        started = self.env.cr.now()
        last = ICP.get_param(LAST_RUN_PARAM)
        if full or not last:
            partner_ids = [
                pid
                for (pid,) in self.env.execute_query(
                    SQL(
                        "SELECT DISTINCT commercial_partner_id FROM account_move "
                        "WHERE move_type = 'out_invoice' AND state = 'posted'"
                    )
                )
                if pid
            ]
        else:
            # an hour of overlap: a transaction that began before the last run
            # but committed after it stamps its rows with its own start time
            partner_ids = self._changed_partners(
                fields.Datetime.to_datetime(last) - timedelta(hours=1)
            )
        if full:
            # one set-based pass over everything; only the scores go in batches
            self._recompute(partner_ids, full=True)
        for start in range(0, len(partner_ids), batch):
            chunk = partner_ids[start : start + batch]
            if not full:
                self._recompute(chunk)
            self.env["res.partner"].browse(chunk)._in2dmm_update_scores()
            if not self.env.context.get("in2dmm_no_commit") and not full:
                self.env["ir.cron"]._commit_progress(len(chunk))
        ICP.set_param(LAST_RUN_PARAM, fields.Datetime.to_string(started))
        _logger.info("payment statistics: %s customers recomputed", len(partner_ids))
        return len(partner_ids)

    @api.model
    def _rebuild(self):
        """Everything anew (Settings button, benchmark)."""
        self.env.cr.execute(SQL("DELETE FROM in2dmm_payment_stat"))
        return self.with_context(in2dmm_no_commit=True)._cron_update(full=True)

    @api.model
    def _recompute(self, partner_ids, full=False):
        for model, fnames in (
            ("account.move", ["payment_state", "state", "amount_total_signed"]),
            ("account.partial.reconcile", ["max_date", "amount"]),
            ("in2dmm.promise", ["state", "date_promised"]),
        ):
            self.env[model].flush_model(fnames)
        ids = tuple(partner_ids)
        if not ids:
            return
        today = fields.Date.context_today(self)
        month = today.replace(day=1)
        partner_filter = (
            SQL("TRUE") if full else SQL("m.commercial_partner_id IN %s", ids)
        )
        if not full:
            self.env.cr.execute(
                SQL("DELETE FROM in2dmm_payment_stat WHERE partner_id IN %s", ids)
            )
        uid = self.env.uid
        # paid invoices, by month of their last payment
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO in2dmm_payment_stat (
                    company_id, partner_id, month, invoice_count, amount_paid,
                    avg_days_to_pay, weighted_days_late, on_time_share,
                    amount_overdue, promises_kept, promises_broken,
                    create_uid, write_uid, create_date, write_date)
                SELECT agg.*, 0, 0, 0, %(uid)s, %(uid)s, now() at time zone 'UTC',
                       now() at time zone 'UTC'
                  FROM (%(select)s) agg
                """,
                uid=uid,
                select=self._paid_aggregate_sql(partner_filter),
            )
        )
        # the overdue amount now, on this month's row
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO in2dmm_payment_stat AS s (
                    company_id, partner_id, month, amount_overdue,
                    invoice_count, amount_paid, promises_kept, promises_broken,
                    create_uid, write_uid, create_date, write_date)
                SELECT aml.company_id, p.commercial_partner_id, %(month)s,
                       SUM(aml.amount_residual), 0, 0, 0, 0, %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                   AND aml.amount_residual > 0
                   AND aml.date_maturity < %(today)s
                   AND %(filter)s
                 GROUP BY aml.company_id, p.commercial_partner_id
                ON CONFLICT (company_id, partner_id, month)
                DO UPDATE SET amount_overdue = EXCLUDED.amount_overdue
                """,
                month=month,
                today=today,
                uid=uid,
                filter=SQL("TRUE")
                if full
                else SQL("p.commercial_partner_id IN %s", ids),
            )
        )
        # promises kept and broken, by promised month
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO in2dmm_payment_stat AS s (
                    company_id, partner_id, month, promises_kept, promises_broken,
                    invoice_count, amount_paid, amount_overdue,
                    create_uid, write_uid, create_date, write_date)
                SELECT company_id, partner_id,
                       date_trunc('month', date_promised)::date,
                       COUNT(*) FILTER (WHERE state = 'kept'),
                       COUNT(*) FILTER (WHERE state IN ('broken', 'partial')),
                       0, 0, 0, %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM in2dmm_promise
                 WHERE state IN ('kept', 'broken', 'partial') AND %(filter)s
                 GROUP BY 1, 2, 3
                ON CONFLICT (company_id, partner_id, month)
                DO UPDATE SET promises_kept = EXCLUDED.promises_kept,
                              promises_broken = EXCLUDED.promises_broken
                """,
                uid=uid,
                filter=SQL("TRUE") if full else SQL("partner_id IN %s", ids),
            )
        )
        # the segment: the customer's first customer group
        self.env.cr.execute(
            SQL(
                """
                UPDATE in2dmm_payment_stat s
                   SET segment_id = (
                        SELECT MIN(r.category_id)
                          FROM res_partner_res_partner_category_rel r
                         WHERE r.partner_id = s.partner_id)
                 WHERE %(filter)s
                """,
                filter=SQL("TRUE") if full else SQL("s.partner_id IN %s", ids),
            )
        )
        self.invalidate_model()

    @api.model
    def _paid_aggregate_sql(self, partner_filter=None):
        """The single aggregate over paid invoices that the statistics are made
        of (the benchmark times it alone against the whole rebuild)."""
        return SQL(
            """
            SELECT paid.company_id, paid.partner_id,
                   date_trunc('month', paid.paid_date)::date,
                   COUNT(*), SUM(paid.amount),
                   ROUND(AVG(paid.paid_date - paid.invoice_date)::numeric, 1),
                   ROUND(SUM(paid.amount
                             * GREATEST(paid.paid_date - paid.invoice_date_due, 0))
                         / NULLIF(SUM(paid.amount), 0), 1),
                   ROUND(100.0 * AVG(CASE WHEN paid.paid_date
                                          <= paid.invoice_date_due
                                     THEN 1 ELSE 0 END), 1)
              FROM (
                    SELECT m.company_id, m.commercial_partner_id AS partner_id,
                           m.amount_total_signed AS amount,
                           COALESCE(m.invoice_date, m.date) AS invoice_date,
                           COALESCE(m.invoice_date_due, m.date) AS invoice_date_due,
                           (SELECT MAX(apr.max_date)
                              FROM account_move_line l
                              JOIN account_partial_reconcile apr
                                ON apr.debit_move_id = l.id
                             WHERE l.move_id = m.id) AS paid_date
                      FROM account_move m
                     WHERE m.move_type = 'out_invoice'
                       AND m.state = 'posted'
                       AND m.payment_state IN ('paid', 'in_payment')
                       AND %(partner_filter)s
                   ) paid
             WHERE paid.paid_date IS NOT NULL
             GROUP BY 1, 2, 3
            """,
            partner_filter=partner_filter or SQL("TRUE"),
        )

    @api.model
    def _scores(self, partner_ids, company, months=12):
        """``{partner id: metrics.Score}`` over the last ``months`` months, and the
        grade of each quarter before (oldest first) for the trend."""
        since = fields.Date.context_today(self).replace(day=1) - timedelta(
            days=31 * (months - 1)
        )
        since = since.replace(day=1)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id,
                       SUM(weighted_days_late * amount_paid)
                           / NULLIF(SUM(amount_paid) FILTER (
                               WHERE weighted_days_late IS NOT NULL), 0),
                       SUM(promises_kept + promises_broken),
                       SUM(promises_broken)
                  FROM in2dmm_payment_stat
                 WHERE company_id = %(company)s AND partner_id IN %(ids)s
                   AND month >= %(since)s
                 GROUP BY partner_id
                """,
                company=company.id,
                ids=tuple(partner_ids) or (0,),
                since=since,
            )
        )
        result = {}
        for pid, wdl, made, broken in rows:
            result[pid] = metrics.payment_score(
                None if wdl is None else Decimal(str(round(wdl, 1))),
                int(made or 0),
                int(broken or 0),
                months=months,
            )
        return result
