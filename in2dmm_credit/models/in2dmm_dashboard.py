from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import metrics, reports_xlsx
from .download import download_action


class In2dmmDashboard(models.AbstractModel):
    """Server side of the credit-management dashboard (one call, a few queries)."""

    _name = "in2dmm.dashboard"
    _description = "Credit Management Dashboard"

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------

    @api.model
    def _partner_filter(self, filters, company):
        """SQL condition on ``p`` (the commercial partner) for the filters."""
        conditions = [SQL("TRUE")]
        if filters.get("salesperson_id"):
            conditions.append(SQL("p.user_id = %s", int(filters["salesperson_id"])))
        if filters.get("team_id"):
            conditions.append(SQL("p.team_id = %s", int(filters["team_id"])))
        if filters.get("category_id"):
            conditions.append(
                SQL(
                    "p.id IN (SELECT partner_id"
                    " FROM res_partner_res_partner_category_rel"
                    " WHERE category_id = %s)",
                    int(filters["category_id"]),
                )
            )
        if filters.get("collector_id"):
            collector = int(filters["collector_id"])
            default = company.in2dmm_collector_id.id
            key = str(company.id)
            conditions.append(
                SQL(
                    "COALESCE((p.in2dmm_collector_id->>%s)::int, %s) = %s",
                    key,
                    default or 0,
                    collector,
                )
            )
        return SQL(" AND ").join(conditions)

    @api.model
    def _partner_domain(self, filters):
        domain = []
        if filters.get("salesperson_id"):
            domain.append(("user_id", "=", int(filters["salesperson_id"])))
        if filters.get("team_id"):
            domain.append(("team_id", "=", int(filters["team_id"])))
        if filters.get("category_id"):
            domain.append(("category_id", "in", [int(filters["category_id"])]))
        if filters.get("collector_id"):
            domain.append(("in2dmm_collector_id", "=", int(filters["collector_id"])))
        return domain

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def get_data(self, filters=None):
        filters = filters or {}
        company = self.env.company
        if (
            filters.get("company_id")
            and int(filters["company_id"]) in self.env.companies.ids
        ):
            company = self.env["res.company"].browse(int(filters["company_id"]))
        self = self.with_company(company)
        # the organisation level: a company with its branches
        companies = (
            self.env["res.company"].search(
                [("id", "child_of", company.id), ("id", "in", self.env.companies.ids)]
            )
            or company
        )
        if not filters.get("branches", True):
            companies = company
        today = fields.Date.context_today(self)
        for model in ("account.move.line", "account.move", "res.partner"):
            self.env[model].flush_model()
        pfilter = self._partner_filter(filters, company)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT CASE
                         WHEN aml.date_maturity IS NULL
                           OR aml.date_maturity >= %(today)s THEN 'not_due'
                         WHEN %(today)s - aml.date_maturity <= 30 THEN '1_30'
                         WHEN %(today)s - aml.date_maturity <= 60 THEN '31_60'
                         WHEN %(today)s - aml.date_maturity <= 90 THEN '61_90'
                         ELSE '90_plus' END,
                       SUM(aml.amount_residual), COUNT(DISTINCT p.id)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner lp ON lp.id = aml.partner_id
                  JOIN res_partner p ON p.id = lp.commercial_partner_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                   AND aml.company_id IN %(companies)s
                   AND %(pfilter)s
                 GROUP BY 1
                """,
                today=today,
                companies=tuple(companies.ids),
                pfilter=pfilter,
            )
        )
        buckets = {
            key: {"amount": 0.0, "customers": 0} for key in metrics.AGING_BUCKETS
        }
        for key, amount, customers in rows:
            buckets[key] = {"amount": amount or 0.0, "customers": customers}
        total = sum(b["amount"] for b in buckets.values())
        overdue = total - buckets["not_due"]["amount"]
        series = self._dso_cei_series(companies, filters, company, today, total)
        dso = series[-1]["dso"] if series else None
        trend = self._overdue_trend(companies, filters)
        partners = (
            self.env["res.partner"].search(self._partner_domain(filters))
            if (self._partner_domain(filters))
            else None
        )
        return {
            "company": {"id": company.id, "name": company.name},
            "currency": {
                "symbol": company.currency_id.symbol,
                "position": company.currency_id.position,
                "digits": company.currency_id.decimal_places,
            },
            "total": total,
            "overdue": overdue,
            "overdue_share": round(100.0 * overdue / total, 1) if total else 0.0,
            "buckets": [
                {"key": key, "label": label, **buckets[key]}
                for key, label in self._bucket_labels()
            ],
            "dso": dso,
            "cei": series[-2]["cei"] if len(series) > 1 else None,
            "series": series,
            "branches": [c.name for c in companies if c != company],
            "trend": trend,
            "actions": self._action_counts(companies, today, partners),
            "filters": self._filter_options(company),
        }

    @api.model
    def _bucket_labels(self):
        _ = self.env._
        return [
            ("not_due", _("Not due")),
            ("1_30", _("1-30 days")),
            ("31_60", _("31-60 days")),
            ("61_90", _("61-90 days")),
            ("90_plus", _("Over 90 days")),
        ]

    @api.model
    def _dso_cei_series(self, companies, filters, company, today, total, months=6):
        """DSO (countback) at the end of each of the last ``months`` months (the
        current one up to today) and the collection effectiveness of each month.

        The receivable balance at a month end is today's balance minus what moved
        after it; sales come from the invoices; "current" at a month end is what
        was invoiced by then and due after it (payments made before the due date
        are not subtracted, so CEI is slightly conservative). Three grouped
        queries over the last months only."""
        partner_join, pfilter = SQL(""), SQL("TRUE")
        if self._partner_domain(filters):
            partner_join = SQL(
                "JOIN res_partner lp ON lp.id = aml.partner_id "
                "JOIN res_partner p ON p.id = lp.commercial_partner_id"
            )
            pfilter = self._partner_filter(filters, company)
        month_starts = []
        cursor = today.replace(day=1)
        for _i in range(months):
            month_starts.insert(0, cursor)
            cursor = (cursor - timedelta(days=1)).replace(day=1)
        first = month_starts[0]
        sales_start = (first - timedelta(days=370)).replace(day=1)
        ids = tuple(companies.ids)
        moved = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT date_trunc('month', aml.date)::date, SUM(aml.balance)
                      FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                      %(partner_join)s
                     WHERE acc.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND aml.company_id IN %(ids)s
                       AND aml.date >= %(first)s
                       AND %(pfilter)s
                     GROUP BY 1
                    """,
                    partner_join=partner_join,
                    ids=ids,
                    first=first,
                    pfilter=pfilter,
                )
            )
        )
        sales = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT date_trunc('month', m.invoice_date)::date,
                           SUM(m.amount_total_signed)
                      FROM account_move m
                      JOIN res_partner p ON p.id = m.commercial_partner_id
                     WHERE m.move_type IN ('out_invoice', 'out_refund')
                       AND m.state = 'posted'
                       AND m.company_id IN %(ids)s
                       AND m.invoice_date >= %(start)s
                       AND %(pfilter)s
                     GROUP BY 1
                    """,
                    ids=ids,
                    start=sales_start,
                    pfilter=self._partner_filter(filters, company),
                )
            )
        )
        month_ends = [
            min((m + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
            for m in month_starts
        ]
        current = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT e.day, SUM(aml.balance)
                      FROM unnest(%(ends)s::date[]) AS e(day)
                      JOIN account_move_line aml
                        ON aml.date <= e.day AND aml.date_maturity > e.day
                      JOIN account_account acc ON acc.id = aml.account_id
                      %(partner_join)s
                     WHERE acc.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND aml.company_id IN %(ids)s
                       AND aml.balance > 0
                       AND aml.date_maturity > %(first)s
                       AND %(pfilter)s
                     GROUP BY e.day
                    """,
                    ends=month_ends,
                    partner_join=partner_join,
                    ids=ids,
                    first=first,
                    pfilter=pfilter,
                )
            )
        )

        def dec(value):
            return Decimal(str(value or 0))

        # balance at the end of each month: today's minus what moved after it
        ends = {}
        after = Decimal(0)
        for month in reversed(month_starts):
            ends[month] = dec(total) - after
            after += dec(moved.get(month))
        series = []
        for index, month in enumerate(month_starts):
            history = [month]
            while len(history) < 13:
                history.append((history[-1] - timedelta(days=1)).replace(day=1))
            days = [
                (
                    min((m + timedelta(days=32)).replace(day=1), today + timedelta(1))
                    - m
                ).days
                for m in history
            ]
            dso = metrics.dso_countback(
                ends[month], [dec(sales.get(m)) for m in history], days_in_months=days
            )
            begin = ends[month] - dec(moved.get(month))
            cei = metrics.collection_effectiveness(
                begin,
                dec(sales.get(month)),
                ends[month],
                dec(current.get(month_ends[index])),
            )
            series.append(
                {
                    "month": fields.Date.to_string(month),
                    "dso": float(dso) if dso is not None else None,
                    "cei": float(cei) if cei is not None else None,
                }
            )
        return series

    @api.model
    def _overdue_trend(self, companies, filters):
        """Overdue at month end, the last six months (from the payment statistics)."""
        domain = [("company_id", "in", companies.ids)]
        partner_domain = self._partner_domain(filters)
        if partner_domain:
            domain.append(
                ("partner_id", "in", self.env["res.partner"]._search(partner_domain))
            )
        since = (fields.Date.context_today(self) - timedelta(days=165)).replace(day=1)
        domain.append(("month", ">=", since))
        rows = self.env["in2dmm.payment.stat"]._read_group(
            domain,
            groupby=["month:month"],
            aggregates=["amount_overdue:sum", "weighted_days_late:avg"],
        )
        return [
            {
                "month": fields.Date.to_string(
                    month.date() if hasattr(month, "date") else month
                ),
                "overdue": amount or 0.0,
                "days_late": round(days or 0.0, 1),
            }
            for month, amount, days in rows
        ]

    @api.model
    def _action_counts(self, companies, today, partners):
        def count(model, domain):
            if partners is not None:
                domain = domain + [
                    ("partner_id", "in", partners.commercial_partner_id.ids)
                ]
            return self.env[model].search_count(domain), domain

        items = []
        specs = [
            (
                "calls",
                self.env._("Customers to call today"),
                "in2dmm.call.worklist",
                [("company_id", "in", companies.ids)],
                "in2dmm_credit.in2dmm_call_worklist_action",
            ),
            (
                "limits",
                self.env._("Customers over or near their limit"),
                "in2dmm.signal",
                [
                    ("company_id", "in", companies.ids),
                    ("signal_type", "in", ("limit_exceeded", "limit_near")),
                    ("state", "!=", "closed"),
                ],
                "in2dmm_credit.in2dmm_signal_action",
            ),
            (
                "disputes_late",
                self.env._("Complaints and disputes past their deadline"),
                "in2dmm.dispute",
                [("company_id", "in", companies.ids), ("is_late", "=", True)],
                "in2dmm_credit.in2dmm_dispute_action",
            ),
            (
                "promises_due",
                self.env._("Promises due today"),
                "in2dmm.promise",
                [
                    ("company_id", "in", companies.ids),
                    ("state", "=", "open"),
                    ("date_promised", "<=", today),
                ],
                "in2dmm_credit.in2dmm_promise_action",
            ),
            (
                "promises_broken",
                self.env._("Promises broken (30 days)"),
                "in2dmm.promise",
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ("broken", "partial")),
                    ("date_promised", ">=", today - timedelta(days=30)),
                ],
                "in2dmm_credit.in2dmm_promise_action",
            ),
        ]
        for key, label, model, domain, xmlid in specs:
            number, full_domain = count(model, domain)
            items.append(
                {
                    "key": key,
                    "label": label,
                    "count": number,
                    "action": {"xmlid": xmlid, "domain": full_domain},
                }
            )
        return items

    @api.model
    def _filter_options(self, company):
        def options(records):
            return [{"id": r.id, "name": r.display_name} for r in records]

        controllers = self.env.ref("in2dmm_credit.in2dmm_credit_group_controller")
        return {
            "companies": options(self.env.companies),
            "collectors": options(
                self.env["res.users"].search(
                    [
                        ("group_ids", "in", controllers.ids),
                        ("company_ids", "in", company.ids),
                    ]
                )
            ),
            "salespeople": options(
                self.env["res.users"].search(
                    [("share", "=", False), ("company_ids", "in", company.ids)]
                )
            ),
            "teams": options(self.env["crm.team"].search([])),
            "categories": options(self.env["res.partner.category"].search([])),
        }

    @api.model
    def open_receivables(self, filters=None, bucket=None):
        """The action behind an aging figure: the open receivable lines."""
        filters = filters or {}
        today = fields.Date.context_today(self)
        domain = [
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("company_id", "child_of", self.env.company.id),
            ("company_id", "in", self.env.companies.ids),
        ]
        bounds = {
            "not_due": (None, 0),
            "1_30": (1, 30),
            "31_60": (31, 60),
            "61_90": (61, 90),
            "90_plus": (91, None),
        }
        if bucket in bounds:
            low, high = bounds[bucket]
            if bucket == "not_due":
                domain.append(("date_maturity", ">=", today))
            else:
                domain.append(("date_maturity", "<=", today - timedelta(days=low)))
                if high:
                    domain.append(("date_maturity", ">=", today - timedelta(days=high)))
        elif bucket == "overdue":
            domain.append(("date_maturity", "<", today))
        partner_domain = self._partner_domain(filters)
        if partner_domain:
            domain.append(
                (
                    "partner_id.commercial_partner_id",
                    "in",
                    self.env["res.partner"]._search(partner_domain),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open Receivables"),
            "res_model": "account.move.line",
            "views": [[False, "list"], [False, "pivot"]],
            "domain": domain,
            "context": {"search_default_group_by_partner": 1, "create": False},
        }

    @api.model
    def export_aging(self, filters=None):
        """The aging report as XLSX: a row per customer, and the open items."""
        filters = filters or {}
        company = self.env.company
        action = self.open_receivables(filters)
        lines = self.env["account.move.line"].search(
            action["domain"], order="date_maturity"
        )
        today = fields.Date.context_today(self)
        customers = {}
        for line in lines:
            partner = line.partner_id.commercial_partner_id
            entry = customers.get(partner.id)
            if entry is None:
                entry = customers[partner.id] = reports_xlsx.AgingCustomer(
                    name=partner.name or "",
                    ref=partner.ref or "",
                    items=[],
                    salesperson=partner.user_id.name or "",
                    collector=partner.with_company(
                        company
                    ).in2dmm_effective_collector_id.name
                    or "",
                )
            entry.items.append(
                reports_xlsx.AgingItem(
                    number=line.move_id.name or "",
                    date=line.move_id.invoice_date or line.date,
                    due_date=line.date_maturity,
                    days_overdue=(today - line.date_maturity).days
                    if line.date_maturity
                    else 0,
                    residual=Decimal(str(line.amount_residual)),
                )
            )
        _ = self.env._
        labels = {
            "title": _("Aging report"),
            "customer": _("Customer"),
            "ref": _("Customer number"),
            "salesperson": _("Salesperson"),
            "collector": _("Collector"),
            "total": _("Total"),
            "number": _("Document"),
            "date": _("Date"),
            "due_date": _("Due date"),
            "days_overdue": _("Days overdue"),
            "bucket": _("Age"),
            "residual": _("Open"),
            "sheet_aging": _("Aging"),
            "sheet_items": _("Open items"),
            "report_date": _("Date"),
            "currency": _("Currency"),
            "totals_row": _("Total"),
            **{key: label for key, label in self._bucket_labels()},
        }
        data = reports_xlsx.aging_xlsx(
            company.name,
            today,
            company.currency_id.name,
            list(customers.values()),
            labels,
        )
        return download_action(
            self.env, "%s %s.xlsx" % (_("Aging"), today.isoformat()), data
        )
