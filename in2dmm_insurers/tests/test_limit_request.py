import base64
import io
import zipfile
from datetime import date
from decimal import Decimal
from unittest.mock import patch

import xlsxwriter

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.in2dmm_insurers.tools import atradius
from odoo.addons.in2dmm_insurers.tools.atradius import AtradiusClient
from odoo.addons.in2dmm_insurers.tools.insurer import Decision


@tagged("post_install", "-at_install")
class TestLimitRequest(TransactionCase):
    """A limit request goes to the insurer; its decision becomes the insured limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["in2dmm.insurer.account"].create(
            {
                "name": "Atradius NL",
                "provider": "atradius",
                "policy_number": "POL-42",
                "api_client_id": "client-1",
                "api_secret": "s3cret",
                "api_app_key": "app-key",
                "api_customer_id": "123456",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Bouwbedrijf Jansen B.V.",
                "is_company": True,
                "company_registry": "68750110",
            }
        )

    def _patch(self, **methods):
        for name, fn in methods.items():
            p = patch.object(AtradiusClient, name, fn)
            p.start()
            self.addCleanup(p.stop)

    def _request(self, amount=50000):
        return self.env["in2dmm.insurer.limit.request"].create(
            {
                "account_id": self.account.id,
                "partner_id": self.customer.id,
                "buyer_id": "11223344",
                "amount": amount,
            }
        )

    def test_referred_request_is_polled_and_becomes_the_insured_limit(self):
        sent = []

        def request_limit(client, req):
            sent.append(req)
            return Decision("998877", req.buyer_id, "referred")

        def decisions(client, since=None):
            return [
                Decision(
                    "998877",
                    "11223344",
                    "decided",
                    approved_amount=Decimal(40000),
                    currency="EUR",
                    code="DC04",
                    text="Partial approval",
                    valid_until=date(2027, 6, 30),
                )
            ]

        self._patch(request_limit=request_limit, decisions=decisions)
        request = self._request()
        self.assertEqual(
            request.display_name, "Atradius NL: Bouwbedrijf Jansen B.V. (New limit)"
        )
        request.action_send()
        self.assertEqual(request.state, "pending")
        self.assertEqual(sent[0].amount, Decimal(50000))
        self.assertEqual(sent[0].currency, self.env.company.currency_id.name)
        self.env["in2dmm.insurer.limit.request"]._cron_poll()
        self.assertEqual(request.state, "decided")
        self.assertEqual(request.approved_amount, 40000)
        limit = request.insured_limit_id
        self.assertEqual(limit.amount, 40000)
        self.assertEqual(limit.source, "insurer")
        self.assertEqual(limit.valid_until, date(2027, 6, 30))
        self.assertEqual(
            self.customer.with_company(self.env.company).in2dmm_insured_limit, 40000
        )

    def test_a_failed_call_keeps_the_request_for_a_retry(self):
        def broken(client, req):
            raise atradius.ApiError(
                "Atradius: Must be a multiple of 1000 (creditLimitAmount)",
                service="Atradius",
            )

        self._patch(request_limit=broken)
        request = self._request(1500)
        request.action_send()
        self.assertEqual(request.state, "error")
        self.assertIn("multiple of 1000", request.error)
        self.assertFalse(request.insured_limit_id)

        def refused(client, req):
            return Decision(
                "1",
                req.buyer_id,
                "refused",
                approved_amount=Decimal(0),
                text="Action has been refused.",
            )

        self._patch(request_limit=refused)
        request.amount = 2000
        request.action_send()
        self.assertEqual(request.state, "refused")
        self.assertFalse(request.error)

    def test_unsupported_provider_says_so(self):
        request = self._request()
        for provider in ("creditsafe", "kredietbewaking_bouw"):
            self.account.provider = provider
            with self.assertRaisesRegex(UserError, "takes no limit requests by API"):
                request.action_send()
            self.assertEqual(request.state, "draft")

    def test_file_exchange_round_trip(self):
        self.account.provider = "kredietbewaking_bouw"
        request = self._request(30000)
        action = request.action_export_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        text = base64.b64decode(attachment.datas).decode("utf-8-sig")
        self.assertIn("68750110", text)
        self.assertIn("30000.00", text)
        self.assertEqual(request.state, "pending")
        Import = self.env["in2dmm.insurer.decision.import"]
        bad = Import.create(
            {
                "account_id": self.account.id,
                "file": base64.b64encode(
                    b"reference;decision;amount\n999;approved;5\n"
                ),
            }
        )
        with self.assertRaisesRegex(UserError, "999"):
            bad.action_import()
        self.assertEqual(request.state, "pending")
        good = Import.create(
            {
                "account_id": self.account.id,
                "file": base64.b64encode(
                    (
                        "reference;decision;amount;currency;valid_until\n"
                        f"{request.id};goedgekeurd;25000;EUR;2027-12-31\n"
                    ).encode()
                ),
            }
        )
        good.action_import()
        self.assertEqual(request.state, "decided")
        self.assertEqual(request.insured_limit_id.amount, 25000)

    def test_xlsx_out_and_decisions_in_from_xlsx(self):
        self.account.provider = "kredietbewaking_bouw"
        request = self._request(40000)
        action = request.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        self.assertEqual(attachment.name, "limit-requests.xlsx")
        with zipfile.ZipFile(io.BytesIO(attachment.raw)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        self.assertIn("<v>40000</v>", sheet)  # a number, not text
        self.assertIn("68750110", strings)
        self.assertEqual(request.state, "pending")
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer)
        sheet = book.add_worksheet()
        for col, value in enumerate(
            ["reference", "decision", "amount", "currency", "valid_until"]
        ):
            sheet.write(0, col, value)
        for col, value in enumerate([request.id, "approved", 35000, "EUR"]):
            sheet.write(1, col, value)
        book.close()
        self.env["in2dmm.insurer.decision.import"].create(
            {
                "account_id": self.account.id,
                "file": base64.b64encode(buffer.getvalue()),
                "filename": "besluiten.xlsx",
            }
        ).action_import()
        self.assertEqual(request.state, "decided")
        self.assertEqual(request.insured_limit_id.amount, 35000)
