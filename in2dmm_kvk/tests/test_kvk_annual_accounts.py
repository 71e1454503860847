import importlib.util
import sys
import time
from datetime import date
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.in2dmm_kvk.models import in2dmm_kvk_annual_account
from odoo.addons.in2dmm_kvk.models.in2dmm_kvk_annual_account import (
    BASE_URL_PARAM,
    NEXT_CALL_PARAM,
)

REPO = Path(__file__).resolve().parents[2]


def _shared_test_module(name):
    """The pytest tier's fake servers (``tests/fakes.py``, ``tests/fake_kvk.py``):
    one fake KvK for both tiers."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__file__", "").startswith(
        str(REPO / "tests")
    ):
        return module
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fakes = _shared_test_module("fakes")
fake_kvk = _shared_test_module("fake_kvk")

LIST_PATH = "/api/v1/hvds/jaarrekeningen/kvknummer/"
DOCUMENTS = "/api/v1/hvds/jaarrekeningen/documenten/"


@tagged("post_install", "-at_install")
class TestKvkAnnualAccounts(TransactionCase):
    """The annual accounts against a local stand-in of opendata.kvk.nl."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_user = new_test_user(
            cls.env,
            login="kvk_open_data_user",
            groups="base.group_user,in2dmm_kvk.group_kvk_api_user",
            tz="Europe/Amsterdam",
        )
        nl = cls.env.ref("base.nl")
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Grenswerk Bouw B.V.",
                "is_company": True,
                "company_registry": "90009992",
                "country_id": nl.id,
            }
        )
        cls.small = cls.env["res.partner"].create(
            {
                "name": "Test BV Donald",
                "is_company": True,
                "company_registry": "68750110",
                "country_id": nl.id,
            }
        )
        cls.sole_trader = cls.env["res.partner"].create(
            {
                "name": "Test EMZ Dagobert",
                "is_company": True,
                "company_registry": "69599084",
                "country_id": nl.id,
            }
        )
        cls.Account = cls.env["in2dmm.kvk.annual.account"]
        cls.cron = cls.env.ref("in2dmm_kvk.ir_cron_in2dmm_kvk_annual_accounts")

    def setUp(self):
        super().setUp()
        self.server = fake_kvk.FakeKvkOpenData().start()
        self.addCleanup(self.server.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            BASE_URL_PARAM, self.server.base_url
        )
        # Odoo's test transport compares the timeout with a number: no tuple
        timeout = patch.object(in2dmm_kvk_annual_account, "TIMEOUT", 10)
        timeout.start()
        self.addCleanup(timeout.stop)
        self._minute_over()

    # ------------------------------------------------------------ helpers --

    def _minute_over(self):
        self.env["ir.config_parameter"].sudo().set_param(NEXT_CALL_PARAM, "0")

    def _minute_busy(self, seconds=40):
        self.env["ir.config_parameter"].sudo().set_param(
            NEXT_CALL_PARAM, repr(time.time() + seconds)
        )

    def _next_call(self):
        return float(self.env["ir.config_parameter"].sudo().get_param(NEXT_CALL_PARAM))

    def _ask(self, partner, user=None):
        return partner.with_user(
            user or self.api_user
        ).action_in2dmm_kvk_annual_accounts()

    def _paths(self):
        return [request.path for request in self.server.requests]

    def _by_year(self, partner):
        return {a.fiscal_year: a for a in partner.in2dmm_kvk_annual_account_ids}

    def _run_cron(self):
        self.Account._cron_process_queue()

    # -------------------------------------------------------------- tests --

    def test_list_then_documents_one_per_minute(self):
        action = self._ask(self.partner)
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["type"], "success")
        self.assertIn("3 annual accounts (2024, 2023, 2022)", params["message"])
        self.assertIn("CC BY 4.0", params["message"])
        self.assertIn("one per minute", params["message"])
        self.assertEqual(params["next"]["res_model"], "in2dmm.kvk.annual.account")
        self.assertEqual(
            params["next"]["domain"], [("partner_id", "=", self.partner.id)]
        )
        self.assertEqual(self._paths(), [LIST_PATH + "90009992"])

        accounts = self._by_year(self.partner)
        self.assertEqual(set(accounts), {2024, 2023, 2022})
        self.assertEqual(self.partner.in2dmm_kvk_annual_account_count, 3)
        recent = accounts[2024]
        self.assertEqual(recent.kvk_number, "90009992")
        self.assertEqual(recent.period_start, date(2024, 1, 1))
        self.assertEqual(recent.period_end, date(2024, 12, 31))
        self.assertEqual(recent.adoption_date, date(2025, 5, 20))
        self.assertEqual(recent.deposit_date, date(2025, 6, 2))
        self.assertEqual(
            (recent.kind, recent.size_class, recent.consolidated),
            ("jaarrekening", "small", False),
        )
        self.assertEqual(recent.total_assets, 599750.0)
        self.assertEqual(recent.equity, 201300.0)
        self.assertEqual(recent.current_liabilities, 233450.0)
        self.assertEqual(recent.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(recent.state, "listed", "the document comes next minute")
        self.assertEqual(recent.create_uid, self.api_user)
        self.assertIn("Equity: 201300", recent.published_data)
        group = accounts[2023]
        self.assertEqual(group.kind, "publicatiestukken")
        self.assertTrue(group.consolidated)
        self.assertEqual(group.total_assets, 1250400.0)
        self.assertEqual(group.revenue, 2310000.0)
        self.assertEqual(group.net_result, -12500.0)
        self.assertIn("(consolidated)", group.display_name)
        oldest = accounts[2022]
        self.assertEqual(oldest.state, "not_retrievable")
        self.assertIn("no document", oldest.message)
        self.assertFalse(self.partner.in2dmm_kvk_annual_queued_at)
        self.assertTrue(self.partner.in2dmm_kvk_annual_checked_on)
        self.assertIn("lists 3 annual accounts", str(self.partner.message_ids[0].body))

        # the minute is not over: the queue waits and asks to be woken
        self._run_cron()
        self.assertEqual(len(self.server.requests), 1)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        )

        self._minute_over()
        self._run_cron()
        self.assertEqual(self._paths()[-1], DOCUMENTS + "90009992-2024.xbrl")
        self.assertEqual(recent.state, "attached")
        xbrl = fake_kvk.load_fixture(
            "constructed_200_jaarrekeningen_document_90009992-2024"
        )["raw_body"].encode()
        attachment = recent.attachment_id
        self.assertEqual(attachment.raw, xbrl)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("res.partner", self.partner.id)
        )
        self.assertTrue(attachment.name.endswith(".xbrl"))
        self.assertIn(attachment, self.partner.message_ids[0].attachment_ids)
        self.assertEqual(recent.document, attachment.datas)

        self._minute_over()
        self._run_cron()
        self.assertEqual(group.state, "attached")
        self.assertTrue(group.attachment_id.raw.startswith(b"%PDF-1.4"))
        self.assertEqual(group.document_type, "pdf")

        self._minute_over()
        self._run_cron()
        self.assertEqual(len(self.server.requests), 3, "nothing left to fetch")

    def test_rate_limited_request_is_queued_and_worked_by_the_cron(self):
        self._minute_busy(40)
        action = self._ask(self.partner)
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("one request per minute", params["message"])
        self.assertIn("(in 1 min)", params["message"])
        self.assertTrue(self.partner.in2dmm_kvk_annual_queued_at)
        self.assertFalse(self.server.requests)
        self.assertFalse(self.partner.in2dmm_kvk_annual_account_ids)

        # a second company waits a minute longer; asking again changes nothing
        second = self._ask(self.small)["params"]["message"]
        self.assertIn("(in 2 min)", second)
        again = self._ask(self.partner)["params"]["message"]
        self.assertIn("(in 1 min)", again)

        self._run_cron()
        self.assertFalse(self.server.requests, "the minute is not over")

        self._minute_over()
        self._run_cron()
        self.assertEqual(self._paths(), [LIST_PATH + "90009992"])
        self.assertEqual(len(self.partner.in2dmm_kvk_annual_account_ids), 3)
        self.assertFalse(self.partner.in2dmm_kvk_annual_queued_at)
        self.assertTrue(self.small.in2dmm_kvk_annual_queued_at)
        self.assertIn("lists 3 annual accounts", str(self.partner.message_ids[0].body))

        # the queued company comes before the waiting documents
        self._minute_over()
        self._run_cron()
        self.assertEqual(self._paths()[-1], LIST_PATH + "68750110")
        (account,) = self.small.in2dmm_kvk_annual_account_ids
        self.assertEqual(account.fiscal_year, 2023)
        self.assertEqual(account.total_assets, 108150.0)
        self.assertEqual(account.called_up_share_capital, 100.0)
        self.assertFalse(self.small.in2dmm_kvk_annual_queued_at)

    def test_429_keeps_the_company_queued_and_waits_as_asked(self):
        self.server.push(fakes.Reply(429, headers={"Retry-After": "120"}))
        params = self._ask(self.partner)["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("cannot answer now", params["message"])
        self.assertTrue(self.partner.in2dmm_kvk_annual_queued_at)
        self.assertGreater(self._next_call(), time.time() + 100)
        self.assertFalse(self.partner.in2dmm_kvk_annual_account_ids)
        self._run_cron()
        self.assertEqual(len(self.server.requests), 1, "waits the asked 120 s")

    def test_service_unavailable_moves_the_company_to_the_end(self):
        for _attempt in range(3):  # the first try and two retries
            self.server.push(
                fakes.Reply(
                    500, {"fout": [{"code": "IPD1003", "omschrijving": "Even geduld."}]}
                )
            )
        params = self._ask(self.partner)["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("asked again", params["message"])
        self.assertTrue(self.partner.in2dmm_kvk_annual_queued_at)

    def test_no_annual_accounts(self):
        for partner in (
            self.sole_trader,
            self.env["res.partner"].create(
                {
                    "name": "VvE Global Conron",
                    "is_company": True,
                    "company_registry": "90000749",
                }
            ),
        ):
            self._minute_over()
            params = self._ask(partner)["params"]
            self.assertEqual(params["type"], "info")
            self.assertIn("no annual accounts", params["message"])
            self.assertFalse(partner.in2dmm_kvk_annual_account_ids)
            self.assertFalse(partner.in2dmm_kvk_annual_queued_at)
            self.assertTrue(partner.in2dmm_kvk_annual_checked_on)
        self.assertEqual(
            self._paths(), [LIST_PATH + "69599084", LIST_PATH + "90000749"]
        )

    def test_malformed_answer_loses_nothing(self):
        self._ask(self.partner)
        self.assertEqual(len(self.partner.in2dmm_kvk_annual_account_ids), 3)
        self._minute_over()
        self.server.push_fixture("constructed_200_malformed-json")
        params = self._ask(self.partner)["params"]
        self.assertEqual(params["type"], "danger")
        self.assertIn("not valid JSON", params["message"])
        self.assertIn("not valid JSON", str(self.partner.message_ids[0].body))
        self.assertFalse(self.partner.in2dmm_kvk_annual_queued_at)
        self.assertEqual(len(self.partner.in2dmm_kvk_annual_account_ids), 3)

    def test_fetching_again_updates_and_keeps(self):
        self._ask(self.partner)
        self._minute_over()
        self._run_cron()  # the 2024 document
        attachment = self._by_year(self.partner)[2024].attachment_id
        self.assertTrue(attachment)
        # the KvK now lists only 2024, with another figure
        body = fake_kvk.load_body("constructed_200_jaarrekeningen_kvknummer_90009992")
        body[0]["opendataFields"][-1]["opendataFields"][0]["opendataFields"][2][
            "value"
        ] = "600000"
        self.server.push(fakes.Reply(200, [body[0]]))
        self._minute_over()
        self._ask(self.partner)
        accounts = self._by_year(self.partner)
        self.assertEqual(set(accounts), {2024, 2023, 2022}, "nothing is removed")
        self.assertEqual(accounts[2024].total_assets, 600000.0)
        self.assertEqual(accounts[2024].attachment_id, attachment)
        self.assertEqual(accounts[2024].state, "attached")

    def test_document_failures_leave_a_message(self):
        self._ask(self.partner)
        accounts = self._by_year(self.partner)
        # a server error: tried again later
        self.server.push(fakes.Reply(500, {"message": "kapot"}))
        self._minute_over()
        self._run_cron()
        self.assertEqual(accounts[2024].state, "listed")
        self.assertEqual(accounts[2024].download_attempts, 1)
        self.assertIn("tried again", accounts[2024].message)
        # gone: given up with a message; the record stays
        self.server.push(fakes.Reply(404), path=DOCUMENTS + "90009992-2023.pdf")
        accounts[2024].sudo().download_attempts = 3  # 2023 is next
        self._minute_over()
        self._run_cron()
        self.assertEqual(accounts[2023].state, "not_retrievable")
        self.assertIn("no document at this address", accounts[2023].message)
        # retrieving by hand, when the minute is over
        self._minute_over()
        params = (
            accounts[2024].with_user(self.api_user).action_retrieve_document()["params"]
        )
        self.assertEqual(params["type"], "success")
        self.assertEqual(accounts[2024].state, "attached")
        self.assertFalse(accounts[2024].message)
        # and when it is not: said when
        params = (
            accounts[2023].with_user(self.api_user).action_retrieve_document()["params"]
        )
        self.assertEqual(params["type"], "warning")
        self.assertEqual(accounts[2023].state, "listed")
        self.assertIn("retrieved at about", accounts[2023].message)
        # an address outside the KvK is never fetched
        requests = len(self.server.requests)
        accounts[2023].sudo().document_url = "https://example.com/jaarrekening.pdf"
        self._minute_over()
        self._run_cron()
        self.assertEqual(len(self.server.requests), requests)
        self.assertEqual(accounts[2023].state, "not_retrievable")
        self.assertIn("not on a KvK host", accounts[2023].message)
        with self.assertRaises(UserError):
            accounts[2022].with_user(self.api_user).action_retrieve_document()

    def test_access_rights(self):
        self._ask(self.partner)
        plain = new_test_user(
            self.env, login="kvk_plain_user", groups="base.group_user"
        )
        Account = self.Account.with_user(plain)
        self.assertEqual(
            Account.search_count([("partner_id", "=", self.partner.id)]), 3
        )
        self.assertEqual(
            self.partner.with_user(plain).in2dmm_kvk_annual_account_count, 3
        )
        account = Account.search([("partner_id", "=", self.partner.id)], limit=1)
        with self.assertRaises(AccessError):
            self._ask(self.partner, user=plain)
        with self.assertRaises(AccessError):
            account.action_retrieve_document()
        with self.assertRaises(AccessError):
            account.unlink()
        with self.assertRaises(AccessError):
            account.write({"fiscal_year": 1999})
        self.assertEqual(len(self.server.requests), 1)

        # a company of another firm: its accounts stay in that firm
        other_company = self.env["res.company"].create({"name": "Andere Holding B.V."})
        foreign = self.env["res.partner"].create(
            {
                "name": "Klant van de holding B.V.",
                "is_company": True,
                "company_registry": "68750110",
                "company_id": other_company.id,
            }
        )
        self._minute_over()
        self.Account.with_company(other_company)._request_list(foreign)
        self.assertEqual(len(foreign.in2dmm_kvk_annual_account_ids), 1)
        self.assertEqual(
            foreign.in2dmm_kvk_annual_account_ids.company_id, other_company
        )
        self.assertFalse(
            Account.search([("partner_id", "=", foreign.id)]),
            "not visible outside the company",
        )

    def test_a_contact_without_number_is_refused(self):
        partner = self.env["res.partner"].create({"name": "Zonder nummer B.V."})
        with self.assertRaisesRegex(UserError, "no KvK number"):
            self._ask(partner)
        # queued, and the number was removed before its turn
        self._minute_busy()
        self._ask(self.small)
        self.small.company_registry = False
        self._minute_over()
        self._run_cron()
        self.assertFalse(self.small.in2dmm_kvk_annual_queued_at)
        self.assertIn("cannot be asked", str(self.small.message_ids[0].body))
        self.assertFalse(self.server.requests)
