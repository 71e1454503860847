"""The providers end to end: Odoo calls a stand-in of each provider's API on
127.0.0.1 through the real adapters (HTTP, tokens, retries)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.in2dmm_credit.tests.common import In2dmmCreditCommon

from .fake_provider import FakeProvider

AT_TOKEN = (200, {"access_token": "at-tok", "token_type": "Bearer", "expires_in": 3600})
AT_MATCH = "/search/uatm-v2/companies/matching"
AT_COVERS = "/riskinfo/v3/covers"


def at_cover(cover_id, amount, code="AlreadyAgreed"):
    return {
        "coverId": cover_id,
        "company": {"companyId": "EH-4711"},
        "creditLimitsAggregation": {
            "creditLimits": [
                {
                    "technicalDecisionStatusCode": code,
                    "amount": amount,
                    "currencyCode": "EUR",
                    "startDate": str(fields.Date.today()),
                }
            ]
        },
    }


def cs_company(connect_id="NL-X-68750110"):
    return {
        "companies": [
            {
                "id": connect_id,
                "name": "Bouwbedrijf Jansen B.V.",
                "regNo": "68750110",
                "address": {"street": "Oudegracht 12", "city": "Utrecht"},
            }
        ],
        "totalSize": 1,
    }


def cs_report(value, previous=None, limit=25000):
    rating = {
        "commonValue": value,
        "commonDescription": "Risk %s" % value,
        "creditLimit": {"value": limit, "currency": "EUR"},
        "providerValue": {"value": "55", "minValue": "0", "maxValue": "100"},
    }
    score = {"currentCreditRating": rating, "latestRatingChangeDate": "2026-11-30"}
    if previous:
        score["previousCreditRating"] = {"commonValue": previous}
    return {"report": {"creditScore": score}}


@tagged("post_install", "-at_install")
class TestProviders(In2dmmCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProvider()
        cls.addClassCleanup(cls.fake.stop)
        cls.customer.write({"company_registry": "68750110", "vat": "NL000099998B57"})
        cls.allianz = cls.env["in2dmm.insurer.account"].create(
            {
                "name": "Allianz Trade NL",
                "provider": "allianz_trade",
                "policy_number": "POL-9",
                "business_unit": "NL",
                "api_secret": "allianz-key-secret",
                "api_base_url": cls.fake.url,
                "reporting_deadline_days": 30,
                "company_id": cls.company.id,
            }
        )
        cls.creditsafe = cls.env["in2dmm.insurer.account"].create(
            {
                "name": "Creditsafe",
                "provider": "creditsafe",
                "api_client_id": "user@example.com",
                "api_secret": "cs-password",
                "api_base_url": cls.fake.url,
                "company_id": cls.company.id,
            }
        )
        cls.company.in2dmm_insurer_account_id = cls.allianz

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test guard compares the timeout with a number; the adapters
        # send (connect, read)
        if isinstance(kw.get("timeout"), tuple):
            kw["timeout"] = max(kw["timeout"])
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.fake.routes.clear()
        self.fake.calls.clear()
        self.fake.route("POST", "/v1/idp/oauth2/authorize", AT_TOKEN)
        self.fake.route("POST", "/authenticate", (200, {"token": "cs-tok"}))

    def _signal(self, signal_type):
        return self.env["in2dmm.signal"].search(
            [("partner_id", "=", self.customer.id), ("signal_type", "=", signal_type)]
        )

    # ------------------------------------------------------------ limits --

    def test_allianz_request_job_is_polled_into_the_insured_limit(self):
        self.fake.route(
            "POST",
            AT_MATCH,
            (200, {"results": [{"company": {"companyId": "EH-4711"}}]}),
        )
        self.fake.route("POST", AT_COVERS, (202, {"jobId": "job-1"}))
        self.fake.route(
            "GET",
            "/riskinfo/v3/jobs/job-1",
            (200, {"jobStatusCode": "Pending"}),
            (
                200,
                {"jobStatusCode": "Processed", "resourceUrl": AT_COVERS + "/C-1"},
            ),
        )
        self.fake.route("GET", AT_COVERS + "/C-1", (200, at_cover("C-1", 40000)))
        request = self.env["in2dmm.insurer.limit.request"].create(
            {
                "account_id": self.allianz.id,
                "partner_id": self.customer.id,
                "amount": 50000,
            }
        )
        request.action_send()
        self.assertEqual(request.state, "sent")
        self.assertEqual(request.job_id, "job-1")
        self.assertEqual(request.buyer_id, "EH-4711")
        buyer = self.env["in2dmm.insurer.buyer"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("account_id", "=", self.allianz.id),
            ]
        )
        self.assertEqual((buyer.external_id, buyer.match), ("EH-4711", "kvk"))
        (_m, _p, _q, match_body) = self.fake.requests_to("POST", AT_MATCH)[0]
        self.assertIn(
            {"idTypeCode": "NL_KVK", "idValue": "68750110"},
            match_body["companyIdentifiers"],
        )
        cover_body = self.fake.requests_to("POST", AT_COVERS)[0][3]
        self.assertEqual(cover_body["creditLimitDetails"]["requestedAmount"], 50000)
        self.assertEqual(cover_body["policy"]["policyId"], "POL-9")
        Request = self.env["in2dmm.insurer.limit.request"]
        Request._cron_poll()  # the job is still pending
        self.assertEqual(request.state, "sent")
        Request._cron_poll()
        self.assertEqual(request.state, "decided")
        self.assertEqual(request.cover_id, "C-1")
        self.assertEqual(request.approved_amount, 40000)
        self.assertEqual(request.insured_limit_id.amount, 40000)
        self.assertEqual(request.insured_limit_id.reference, "C-1")
        self.assertEqual(self.customer.in2dmm_insured_limit, 40000)

    def test_a_failed_call_keeps_the_request_for_a_retry(self):
        self.env["in2dmm.insurer.buyer"].create(
            {
                "account_id": self.allianz.id,
                "partner_id": self.customer.id,
                "external_id": "EH-4711",
            }
        )
        self.fake.route(
            "POST", AT_COVERS, (401, {"errors": [{"message": "policy not granted"}]})
        )
        request = self.env["in2dmm.insurer.limit.request"].create(
            {
                "account_id": self.allianz.id,
                "partner_id": self.customer.id,
                "amount": 20000,
            }
        )
        request.action_send()
        self.assertEqual(request.state, "error")
        self.assertIn("Allianz Trade", request.error)
        self.assertNotIn("allianz-key-secret", request.error)
        self.assertEqual(request.amount, 20000)
        self.fake.route("POST", AT_COVERS, (202, {"jobId": "job-2"}))
        request.action_send()
        self.assertEqual(
            (request.state, request.job_id, request.error), ("sent", "job-2", False)
        )

    def test_insurer_reduces_and_withdraws_a_cover_on_its_own(self):
        Limit = self.env["in2dmm.insured.limit"]
        Limit.create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "amount": 40000,
                "source": "insurer",
                "reference": "C-1",
            }
        )
        self.fake.route(
            "POST",
            AT_COVERS + "/search",
            (200, {"covers": [at_cover("C-1", 15000)], "totalCount": 1}),
            (200, {"covers": [at_cover("C-1", 0, "Withdrawn")], "totalCount": 1}),
        )
        Request = self.env["in2dmm.insurer.limit.request"]
        Request._cron_poll()
        active = Limit.search(
            [("partner_id", "=", self.customer.id), ("state", "=", "active")]
        )
        self.assertEqual(active.amount, 15000)
        self.assertIn("40,000.00", self._signal("insured_limit_reduced").description)
        Request._cron_poll()
        self.assertFalse(
            Limit.search(
                [("partner_id", "=", self.customer.id), ("state", "=", "active")]
            )
        )
        self.assertEqual(self._signal("insured_limit_withdrawn").severity, "critical")

    def test_providers_without_a_limit_api_say_so(self):
        request = self.env["in2dmm.insurer.limit.request"].create(
            {
                "account_id": self.creditsafe.id,
                "partner_id": self.customer.id,
                "amount": 5000,
            }
        )
        with self.assertRaisesRegex(UserError, "Creditsafe.*no limit requests by API"):
            request.action_send()
        self.assertEqual(request.state, "draft")
        self.assertFalse(self.fake.calls)

    # ----------------------------------------------------------- ratings --

    def test_rating_on_demand_and_a_lower_grade_raises_a_signal(self):
        self.fake.route("GET", "/companies", (200, cs_company()))
        self.fake.route(
            "GET",
            "/companies/NL-X-68750110",
            (200, cs_report("B")),
            (200, cs_report("D", previous="B", limit=5000)),
        )
        self.customer.action_in2dmm_fetch_rating()
        first = self.customer.in2dmm_rating_id
        self.assertEqual((first.value, first.band, first.scale), ("B", 2, "creditsafe"))
        self.assertEqual(first.advised_limit, 25000)
        self.assertFalse(self._signal("rating_worse"))
        query = self.fake.requests_to("GET", "/companies")[0][2]
        self.assertEqual((query["regNo"], query["countries"]), ("68750110", "NL"))
        self.customer.action_in2dmm_fetch_rating()
        self.customer.invalidate_recordset()
        second = self.customer.in2dmm_rating_id
        self.assertEqual((second.value, second.previous_value), ("D", "B"))
        self.assertTrue(second.worsened)
        self.assertFalse(first.is_current)
        signal = self._signal("rating_worse")
        self.assertEqual(signal.severity, "critical")
        self.assertIn("from B to D", signal.description)
        self.assertIn("D at Creditsafe", self.customer.in2dmm_rating_text)
        # the buyer was looked up once, then reused
        self.assertEqual(len(self.fake.requests_to("GET", "/companies")), 1)

    def test_rating_job_refreshes_only_old_ratings(self):
        self.fake.route("GET", "/companies", (200, cs_company()))
        self.fake.route("GET", "/companies/NL-X-68750110", (200, cs_report("A")))
        self.customer.action_in2dmm_fetch_rating()
        Account = self.env["in2dmm.insurer.account"]
        Account._cron_refresh_ratings()
        self.assertEqual(
            len(self.fake.requests_to("GET", "/companies/NL-X-68750110")), 1
        )
        buyer = self.env["in2dmm.insurer.buyer"].search(
            [("account_id", "=", self.creditsafe.id)]
        )
        buyer.rating_checked_on = buyer.rating_checked_on - timedelta(days=31)
        Account._cron_refresh_ratings()
        self.assertEqual(
            len(self.fake.requests_to("GET", "/companies/NL-X-68750110")), 2
        )
        self.assertEqual(
            self.env["in2dmm.buyer.rating"].search_count(
                [("partner_id", "=", self.customer.id), ("source", "=", "job")]
            ),
            1,
        )

    def test_rating_job_stops_politely_when_the_provider_fails(self):
        buyer = self.env["in2dmm.insurer.buyer"].create(
            {
                "account_id": self.creditsafe.id,
                "partner_id": self.customer.id,
                "external_id": "NL-X-68750110",
            }
        )
        self.fake.route(
            "GET", "/companies/NL-X-68750110", (503, {"message": "maintenance"})
        )
        self.env["in2dmm.insurer.account"]._cron_refresh_ratings()
        self.assertFalse(buyer.rating_checked_on)
        self.assertFalse(self.customer.in2dmm_rating_id)
        message = self.creditsafe.message_ids[:1]
        self.assertIn("Creditsafe", message.body)
        self.assertIn("maintenance", message.body)
        self.assertNotIn("cs-password", message.body)

    def test_monitoring_events_become_ratings_and_signals_once(self):
        self.fake.route("GET", "/companies", (200, cs_company()))
        self.fake.route("POST", "/monitoring/portfolios", (201, {"portfolioId": 77}))
        self.fake.route("POST", "/monitoring/portfolios/77/companies", (201, {}))
        events = {
            "totalCount": 3,
            "data": [
                {
                    "eventId": "e1",
                    "eventDate": "2026-12-01",
                    "ruleCode": 101,
                    "ruleName": "International score change",
                    "oldValue": "B",
                    "newValue": "E",
                    "company": {"id": "NL-X-68750110"},
                },
                {
                    "eventId": "e2",
                    "eventDate": "2026-12-02",
                    "ruleCode": 1801,
                    "ruleName": "Faillissement uitgesproken",
                    "company": {"id": "NL-X-68750110"},
                },
                {
                    "eventId": "e3",
                    "eventDate": "2026-12-02",
                    "ruleCode": 1801,
                    "ruleName": "Faillissement uitgesproken",
                    "company": {"id": "NL-X-99999999"},
                },
            ],
        }
        self.fake.route(
            "GET", "/monitoring/portfolios/77/notificationEvents", (200, events)
        )
        buyer = self.env["in2dmm.insurer.buyer"]._resolve(
            self.creditsafe, self.customer
        )
        buyer.action_monitor()
        self.assertTrue(buyer.monitored)
        self.assertEqual(self.creditsafe.monitoring_portfolio, "77")
        added = self.fake.requests_to("POST", "/monitoring/portfolios/77/companies")
        self.assertEqual(added[0][3]["id"], "NL-X-68750110")
        self.creditsafe.action_check_monitoring()
        Event = self.env["in2dmm.insurer.event"]
        self.assertEqual(
            Event.search_count([("account_id", "=", self.creditsafe.id)]), 3
        )
        rating = self.customer.in2dmm_rating_id
        self.assertEqual(
            (rating.value, rating.source, rating.band), ("E", "monitoring", 5)
        )
        self.assertEqual(self._signal("rating_worse").severity, "critical")
        insolvency = self._signal("bureau_event")
        self.assertEqual(insolvency.severity, "critical")
        self.assertIn("Insolvency", insolvency.description)
        self.assertFalse(Event.search([("external_id", "=", "e3")]).partner_id)
        # the same events read again are not taken twice
        count = insolvency.raised_count
        self.creditsafe.action_check_monitoring()
        self.assertEqual(
            Event.search_count([("account_id", "=", self.creditsafe.id)]), 3
        )
        self.assertEqual(insolvency.raised_count, count)
        self.assertEqual(self.creditsafe.monitoring_since, self.today)
        since = self.fake.requests_to(
            "GET", "/monitoring/portfolios/77/notificationEvents"
        )
        self.assertEqual(since[-1][2].get("startDate"), str(self.today))

    # ------------------------------------------------------ overdue notices --

    def test_notice_sent_through_the_api_and_by_the_daily_job(self):
        self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.customer.id,
                "amount": 30000,
                "company_id": self.company.id,
            }
        )
        self.env["in2dmm.insurer.buyer"].create(
            {
                "account_id": self.allianz.id,
                "partner_id": self.customer.id,
                "external_id": "EH-4711",
            }
        )
        invoice = self._invoice(self.customer, 1200, 26)
        self.fake.route(
            "POST",
            "/payment-overdues/v1/overdues",
            (500, {"message": "down"}),
            (202, {"jobId": "ovd-1"}),
        )
        self.allianz.notice_auto_send = True
        Notice = self.env["in2dmm.insurer.overdue.notice"]
        Notice._cron_prepare()
        notice = Notice.search([("partner_id", "=", self.customer.id)])
        # the first call failed: the notice stays to report, with the reason
        self.assertEqual(notice.state, "to_report")
        self.assertIn("Allianz Trade", notice.error)
        Notice._cron_prepare()
        self.assertEqual(notice.state, "reported")
        self.assertEqual((notice.reported_by, notice.external_ref), ("api", "ovd-1"))
        body = self.fake.requests_to("POST", "/payment-overdues/v1/overdues")[-1][3]
        self.assertEqual(body["overdueCategoryTypeCode"], "OVD")
        self.assertEqual(body["companyId"], "EH-4711")
        self.assertEqual(
            [line["invoiceNumber"] for line in body["invoices"]], [invoice.name]
        )

    def test_file_exchange_notices_are_mailed_as_xlsx(self):
        kbb = self.env["in2dmm.insurer.account"].create(
            {
                "name": "Kredietbewaking Bouw",
                "provider": "kredietbewaking_bouw",
                "reporting_deadline_days": 30,
                "exchange_email": "meldingen@kbb.example",
                "company_id": self.company.id,
            }
        )
        self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.customer.id,
                "amount": 30000,
                "company_id": self.company.id,
            }
        )
        self._invoice(self.customer, 700, 28)
        Notice = self.env["in2dmm.insurer.overdue.notice"]
        Notice._cron_prepare()
        # only the company's credit insurer (Settings) gets notices
        self.assertFalse(Notice.search([("account_id", "=", kbb.id)]))
        self.company.in2dmm_insurer_account_id = kbb
        Notice._cron_prepare()
        notice = Notice.search([("account_id", "=", kbb.id)])
        self.assertEqual((notice.state, notice.reported_by), ("reported", "file"))
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "meldingen@kbb.example")]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.attachment_ids.name, "overdue-notices.xlsx")
        self.assertTrue(mail.attachment_ids.raw.startswith(b"PK"))
        action = notice.action_export_csv()
        exported = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        text = exported.raw.decode("utf-8-sig")
        self.assertIn(self.customer.name, text)
        self.assertIn("700.00", text)
        with self.assertRaisesRegex(UserError, "takes no overdue notices by API"):
            Notice.create(
                {"account_id": kbb.id, "partner_id": self.customer.id}
            ).action_send()

    def test_dunning_level_prepares_the_insurer_notice(self):
        self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.customer.id,
                "amount": 30000,
                "company_id": self.company.id,
            }
        )
        late = self._invoice(self.customer, 900, 40)
        uninsured = self._new_customer("Kapsalon Knip")
        self._invoice(uninsured, 500, 40)
        run = self._run()
        level = self._line(run, self.customer).level_id
        self.assertEqual(self._line(run, uninsured).level_id, level)
        level.insurer_notice = True
        run.with_context(in2dmm_sync=True).action_execute()
        Notice = self.env["in2dmm.insurer.overdue.notice"]
        notice = Notice.search([("origin", "=", "dunning")])
        self.assertEqual(notice.partner_id, self.customer)
        self.assertEqual(notice.move_ids, late)
        self.assertEqual(notice.account_id, self.allianz)
        self.assertEqual(
            notice.reporting_deadline, late.invoice_date_due + timedelta(days=30)
        )

    # ------------------------------------------------------------ access --

    def test_only_controllers_call_providers_and_see_no_secrets(self):
        self.fake.route("GET", "/companies", (200, cs_company()))
        partner = self.customer.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            partner.action_in2dmm_fetch_rating()
        self.assertFalse(self.fake.calls)
        # sales people read ratings, not the credentials
        self.env["in2dmm.buyer.rating"].create(
            {
                "partner_id": self.customer.id,
                "account_id": self.creditsafe.id,
                "scale": "creditsafe",
                "value": "C",
            }
        )
        self.assertEqual(partner.in2dmm_rating_id.value, "C")
        # what the customer form and the ratings list read for a salesperson
        self.assertIn("C at Creditsafe", partner.in2dmm_rating_text)
        rows = (
            self.env["in2dmm.buyer.rating"]
            .with_user(self.salesperson)
            .web_search_read(
                [("partner_id", "=", self.customer.id)],
                {"value": {}, "account_id": {"fields": {"display_name": {}}}},
            )
        )
        self.assertEqual(rows["records"][0]["value"], "C")
        account = self.creditsafe.with_user(self.collector)
        with self.assertRaises(AccessError):
            account.read(["api_secret"])
        self.assertEqual(account.read(["policy_number"])[0]["id"], self.creditsafe.id)

    def test_other_company_sees_no_ratings(self):
        self.env["in2dmm.buyer.rating"].create(
            {
                "partner_id": self.customer.id,
                "account_id": self.creditsafe.id,
                "scale": "creditsafe",
                "value": "C",
            }
        )
        outsider = self._outsider()
        self.assertFalse(self.env["in2dmm.buyer.rating"].with_user(outsider).search([]))
        self.assertFalse(
            self.env["in2dmm.insurer.account"].with_user(outsider).search([])
        )
