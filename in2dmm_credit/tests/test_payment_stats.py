import base64
import io
import zipfile
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestPaymentStats(In2dmmCreditCommon):
    """Payment behaviour per month, scores, and the dashboard's figures."""

    def _pay(self, move, amount=None, date=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {
                "amount": amount or move.amount_residual,
                "payment_date": date or self.today,
            }
        ).action_create_payments()

    def _stats(self, partner):
        return self.env["in2dmm.payment.stat"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_rebuild_counts_days_late_by_month_of_payment(self):
        late = self._invoice(self.customer, 1000, 25)  # due 25 days ago
        self._pay(late)  # paid today: 25 days late
        on_time = self._invoice(self.customer, 3000, -5)
        self._pay(on_time)  # paid 5 days before its due date
        self._invoice(self.customer, 200, 10)  # still open, overdue
        self.env["in2dmm.payment.stat"]._rebuild()
        row = self._stats(self.customer).filtered(
            lambda s: s.month == self.today.replace(day=1)
        )
        self.assertEqual(row.invoice_count, 2)
        self.assertEqual(row.amount_paid, 4000)
        # weighted by amount: (1000 * 25 + 3000 * 0) / 4000
        self.assertAlmostEqual(row.weighted_days_late, 6.3, 1)
        self.assertEqual(row.on_time_share, 50.0)
        self.assertEqual(row.amount_overdue, 200)
        self.assertFalse(row.segment_id)
        group = self.env["res.partner.category"].create({"name": "Bakkerijen"})
        self.customer.category_id = group
        self.env["in2dmm.payment.stat"]._rebuild()
        [(segment, days)] = self.env["in2dmm.payment.stat"]._read_group(
            [("partner_id", "=", self.customer.id)],
            ["segment_id"],
            ["weighted_days_late:avg"],
        )
        self.assertEqual(segment, group)
        score = self.customer.with_company(self.company)
        self.assertEqual(score.in2dmm_payment_score, "B")
        self.assertIn("6.3 days late", score.in2dmm_payment_score_text)
        self.env["res.lang"]._activate_lang("nl_NL")
        dutch = score.with_context(lang="nl_NL").in2dmm_payment_score_text
        self.assertIn("6,3", dutch)

    def test_job_recomputes_only_what_changed_and_signals_worse_behaviour(self):
        other = self._new_customer("Drukkerij Dijkstra")
        good = self._invoice(self.customer, 500, -3)
        self._pay(good)
        self._pay(self._invoice(other, 700, -3))
        Stat = self.env["in2dmm.payment.stat"]
        Stat._rebuild()
        self.assertEqual(
            self.customer.with_company(self.company).in2dmm_payment_score, "A"
        )
        other_row = self._stats(other)
        other_row_id = other_row.id
        # in a test everything shares one transaction (one timestamp): age what
        # exists so that only what follows counts as changed
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET write_date = write_date - interval '1 day';"
            "UPDATE account_partial_reconcile"
            "   SET create_date = create_date - interval '1 day';"
        )
        self.env["ir.config_parameter"].set_param(
            "in2dmm_credit.payment_stat_last_run",
            fields.Datetime.to_string(self.env.cr.now() - timedelta(hours=1)),
        )
        # the customer starts paying very late
        bad = self._invoice(self.customer, 5000, 80)
        self._pay(bad)
        self.env.flush_all()
        changed = Stat._changed_partners(self.env.cr.now() - timedelta(hours=2))
        self.assertIn(self.customer.id, changed)
        self.assertNotIn(other.id, changed)
        Stat.with_context(in2dmm_no_commit=True)._cron_update()
        # the unchanged customer's rows were left alone
        self.assertEqual(self._stats(other).id, other_row_id)
        partner = self.customer.with_company(self.company)
        partner.invalidate_recordset()
        self.assertEqual(partner.in2dmm_payment_score, "E")
        self.assertEqual(partner.in2dmm_payment_trend, "worse")
        signal = self.env["in2dmm.signal"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("signal_type", "=", "behaviour_worse"),
            ]
        )
        self.assertIn("from A to E", signal.description)
        self.assertIn("days late", signal.description)

    def test_rebuild_in_several_batches_gives_the_same_rows(self):
        customers = [self._new_customer(f"Klant {i}") for i in range(5)]
        for index, customer in enumerate(customers):
            self._pay(self._invoice(customer, 100 * (index + 1), 10 + index))
        Stat = self.env["in2dmm.payment.stat"]
        Stat._rebuild()
        once = sorted(
            Stat.search([]).mapped(lambda s: (s.partner_id.id, s.month, s.amount_paid))
        )
        self.env.cr.execute("DELETE FROM in2dmm_payment_stat")
        Stat.invalidate_model()
        Stat.with_context(in2dmm_no_commit=True)._cron_update(full=True, batch=2)
        again = sorted(
            Stat.search([]).mapped(lambda s: (s.partner_id.id, s.month, s.amount_paid))
        )
        self.assertEqual(once, again)
        self.assertEqual(
            len(self.env["in2dmm.payment.score"].search([("grade", "!=", False)])), 5
        )

    def test_broken_promises_lower_the_score(self):
        inv = self._invoice(self.customer, 400, -2)
        self._pay(inv)
        for days in (10, 20):
            promise = self.env["in2dmm.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [
                        Command.set(self._invoice(self.customer, 100, 30).ids)
                    ],
                    "amount": 100,
                    "date_promised": self.today - timedelta(days=days),
                }
            )
            promise.state = "broken"
        self.env["in2dmm.payment.stat"]._rebuild()
        partner = self.customer.with_company(self.company)
        self.assertEqual(partner.in2dmm_payment_score, "C")  # A lowered by two
        self.assertIn("2 of 2 promises broken", partner.in2dmm_payment_score_text)

    def test_dashboard_figures_and_filters(self):
        self._invoice(self.customer, 1000, 45)
        self._invoice(self.customer, 300, 10)
        self._invoice(self.customer, 200, -10)
        other = self._new_customer("Slagerij Peters", user_id=False)
        self._invoice(other, 500, 100)
        Dashboard = self.env["in2dmm.dashboard"]
        data = Dashboard.get_data({})
        buckets = {b["key"]: b["amount"] for b in data["buckets"]}
        self.assertEqual(data["total"], 2000)
        self.assertEqual(data["overdue"], 1800)
        self.assertEqual(buckets["31_60"], 1000)
        self.assertEqual(buckets["1_30"], 300)
        self.assertEqual(buckets["not_due"], 200)
        self.assertEqual(buckets["90_plus"], 500)
        self.assertIsNotNone(data["dso"])
        self.assertEqual(len(data["series"]), 6)
        self.assertEqual(data["series"][-1]["dso"], data["dso"])
        # the salesperson filter keeps only their customers
        mine = Dashboard.get_data({"salesperson_id": self.salesperson.id})
        self.assertEqual(mine["total"], 1500)
        # each figure opens the records behind it
        action = Dashboard.open_receivables({}, "90_plus")
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(lines.partner_id, other)
        # action needed: a late dispute counts
        self.env["in2dmm.dispute"].create(
            {
                "partner_id": self.customer.id,
                "description": "<p>Te laat geleverd</p>",
                "date_deadline": self.today - timedelta(days=2),
            }
        )
        counts = {a["key"]: a["count"] for a in Dashboard.get_data({})["actions"]}
        self.assertEqual(counts["disputes_late"], 1)

    def test_dso_and_cei_per_month(self):
        # this month: 3,000 invoiced (1,000 of it due after today), 500 paid
        first = self.today.replace(day=1)

        def invoice(amount, due):
            return self._create_invoice_one_line(
                price_unit=amount,
                tax_ids=self.env["account.tax"],
                partner_id=self.customer,
                invoice_date=first,
                invoice_date_due=due,
                invoice_payment_term_id=False,
                post=True,
            )

        inv = invoice(2000, self.today)
        invoice(1000, self.today + timedelta(days=20))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=inv.ids
        ).create({"amount": 500, "payment_date": self.today}).action_create_payments()
        series = self.env["in2dmm.dashboard"].get_data({})["series"]
        self.assertEqual(series[-1]["month"], str(first))
        # CEI = (begin 0 + sales 3,000 - end 2,500) / (0 + 3,000 - current 1,000)
        self.assertEqual(series[-1]["cei"], 25.0)
        # DSO: 2,500 open against 3,000 sold in this month's days so far
        days = (self.today - first).days + 1
        self.assertAlmostEqual(series[-1]["dso"], round(days * 2500 / 3000, 1), 1)

    def test_branches_count_with_their_parent(self):
        branch = self.env["res.company"].create(
            {"name": "Vestiging Utrecht", "parent_id": self.company.id}
        )
        self.env.user.company_ids |= branch
        self._invoice(self.customer, 700, 20)
        partner = self._new_customer("Filiaalklant")
        move = self._invoice(partner, 300, 10)
        # book it in the branch (the test company has no branch journals)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET company_id = %s WHERE id = %s;"
            "UPDATE account_move_line SET company_id = %s WHERE move_id = %s",
            (branch.id, move.id, branch.id, move.id),
        )
        self.env.invalidate_all()
        Dashboard = self.env["in2dmm.dashboard"].with_context(
            allowed_company_ids=[self.company.id, branch.id]
        )
        data = Dashboard.get_data({"company_id": self.company.id})
        self.assertEqual(data["total"], 1000)
        self.assertEqual(data["branches"], ["Vestiging Utrecht"])
        alone = Dashboard.get_data({"company_id": self.company.id, "branches": False})
        self.assertEqual(alone["total"], 700)

    def test_figures_stay_in_their_company(self):
        self._pay(self._invoice(self.customer, 900, 5))
        self._invoice(self.customer, 400, 20)
        self.env["in2dmm.payment.stat"]._rebuild()
        outsider = self._outsider()
        other = outsider.company_id
        # the other company's dashboard and statistics see nothing of ours
        data = (
            self.env["in2dmm.dashboard"]
            .with_user(outsider)
            .with_company(other)
            .get_data({})
        )
        self.assertEqual(data["total"], 0)
        self.assertFalse(
            self.env["in2dmm.payment.stat"]
            .with_user(outsider)
            .search([("partner_id", "=", self.customer.id)])
        )
        row = self._stats(self.customer)[:1]
        with self.assertRaises(AccessError):
            row.with_user(outsider).read(["amount_paid"])
        # asking for a company the user may not use falls back to their own
        data = (
            self.env["in2dmm.dashboard"]
            .with_user(outsider)
            .with_company(other)
            .get_data({"company_id": self.company.id})
        )
        self.assertEqual(data["company"]["id"], other.id)


@tagged("post_install", "-at_install")
class TestDashboardInBrowser(HttpCase):
    def test_dashboard_opens(self):
        self.browser_js(
            "/odoo/action-in2dmm_credit.in2dmm_dashboard_action",
            """
            const started = Date.now();
            const timer = setInterval(() => {
                const cards = document.querySelectorAll(".o_in2dmm_dashboard .card");
                if (cards.length >= 5) {
                    clearInterval(timer);
                    // let the web client finish loading its lazy bundles before
                    // the browser is closed (else they fail "after termination")
                    setTimeout(() => console.log("test successful"), 2000);
                } else if (Date.now() - started > 20000) {
                    clearInterval(timer);
                    console.error("dashboard did not render");
                }
            }, 200);
            """,
            ready="odoo.isReady",
            login="admin",
        )


@tagged("post_install", "-at_install")
class TestReportExports(In2dmmCreditCommon):
    def _xlsx(self, action):
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        book = zipfile.ZipFile(io.BytesIO(base64.b64decode(attachment.datas)))
        return book.read("xl/sharedStrings.xml").decode(), book

    def test_aging_behaviour_and_run_exports(self):
        inv = self._invoice(self.customer, 1200, 45)
        self._invoice(self.customer, 300, -5)
        strings, book = self._xlsx(self.env["in2dmm.dashboard"].export_aging({}))
        self.assertIn(inv.name, strings)
        self.assertIn("Bakkerij De Gouden Korst", strings)
        self.assertIn("31-60 days", strings)
        self.assertEqual(
            len([n for n in book.namelist() if "worksheets/sheet" in n]), 2
        )
        self.env["in2dmm.payment.stat"]._rebuild()
        strings, _book = self._xlsx(
            self.env["in2dmm.payment.score"].action_export_xlsx()
        )
        self.assertIn("Payment behaviour", strings)
        run = self._run()
        strings, book = self._xlsx(run.action_export_xlsx())
        self.assertIn(run.name, strings)
        self.assertIn(self.level1.name, strings)  # one level per run
        sheet = book.read("xl/worksheets/sheet2.xml").decode()
        self.assertIn("COUNTIF(", sheet)


@tagged("post_install", "-at_install")
class TestManagementReports(In2dmmCreditCommon):
    def test_dunning_effectiveness_and_collector_results(self):
        paid = self._invoice(self.customer, 600, 10)
        unpaid = self._invoice(self._new_customer("Kapsalon Knip"), 400, 10)
        run = self._run()
        run.action_execute()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": self.today}).action_create_payments()
        Effect = self.env["in2dmm.dunning.effect.report"]
        rows = Effect.search([("move_id", "in", (paid | unpaid).ids)])
        by_move = {row.move_id: row for row in rows}
        self.assertEqual(by_move[paid].paid_14, 600)
        self.assertEqual(by_move[paid].paid_14_pct, 100)
        self.assertEqual(by_move[unpaid].paid_30, 0)
        [(level, share)] = Effect._read_group(
            [("id", "in", rows.ids)], ["level_id"], ["paid_14_pct:avg"]
        )
        self.assertEqual(level, self.level1)
        self.assertEqual(share, 50)
        # the collector's month: two dunning actions, one promise, one call
        promise = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self._invoice(self.customer, 90, 5).ids)],
                "amount": 90,
                "date_promised": self.today,
                "collector_id": self.collector.id,
            }
        )
        promise.state = "kept"
        activity = self.customer.activity_schedule(
            "in2dmm_credit.mail_activity_type_debtor_call", user_id=self.collector.id
        )
        activity.action_feedback(feedback="Bereikt")
        [report] = self.env["in2dmm.collector.report"].search(
            [("user_id", "=", self.collector.id)]
        )
        self.assertEqual(report.letters, 2)
        self.assertEqual(report.promises, 1)
        self.assertEqual(report.promises_kept, 1)
        self.assertEqual(report.calls, 1)
