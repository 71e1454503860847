import base64
import csv
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import (
    charges as charge_tools,
    fourteen_day,
    legal_data,
)
from ..tools.letter import format_date
from .common import In2dmmCreditCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestCollectionLaw(In2dmmCreditCommon):
    """WIK costs, statutory interest, the 14-day letter, statements, cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # level 3 claims costs and interest on the letter; level 2 is the
        # 14-day letter with the legally safe wording
        cls.level2.write(
            {
                "is_fourteen_day_letter": True,
                "announces_costs": True,
                "letter_body_before": "Geachte {partner_name},\n\nWij verzoeken u "
                "{amount_to_pay} te betalen {fourteen_day_term}. Betaalt u niet op "
                "tijd, dan bent u incassokosten verschuldigd van {costs_announced}.",
            }
        )
        cls.level3.write({"costs_mode": "show", "interest_mode": "show"})
        cls.consumer = cls.env["res.partner"].create(
            {
                "name": "J. de Vries",
                "email": "jdevries@example.com",
                "street": "Lange Nieuwstraat 3",
                "zip": "3512 PA",
                "city": "Utrecht",
                "country_id": cls.env.ref("base.nl").id,
                "lang": "en_US",
            }
        )
        cls.customer.company_registry = "12345678"

    def _tables(self):
        return (
            legal_data.load_wik_scales(),
            legal_data.load_interest_rates(),
        )

    def _expected(self, moves, today, consumer=False, **kw):
        scales, rates = self._tables()
        rules = charge_tools.ChargeRules(
            scales=scales, rates=rates, is_consumer=consumer, **kw
        )
        return charge_tools.compute_charges(
            [
                charge_tools.ClaimInvoice(
                    key=m.id,
                    principal=D(str(m.amount_residual)),
                    due_date=m.invoice_date_due,
                    fourteen_day_sent=m.in2dmm_fourteen_day_date or None,
                )
                for m in moves
            ],
            today,
            rules,
        )

    def _pdf_text(self, data):
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)

    # ------------------------------------------------------------------

    def test_shipped_tables_are_loaded_and_editable(self):
        rates = self.env["in2dmm.interest.rate"]._in2dmm_tables()
        shipped = legal_data.load_interest_rates()
        self.assertEqual(
            [(r.valid_from, r.rate) for r in rates["commercial"]],
            [(r.valid_from, r.rate) for r in shipped["commercial"]],
        )
        scale = self.env["in2dmm.wik.scale"]._in2dmm_scales()[0]
        self.assertEqual(scale.minimum, D("40"))
        self.assertEqual(len(scale.tiers), 5)
        # loading again adds nothing and keeps an edited rate
        rate = self.env["in2dmm.interest.rate"].search(
            [("kind", "=", "commercial")], order="valid_from desc", limit=1
        )
        rate.rate = 9.99
        count = self.env["in2dmm.interest.rate"].search_count([])
        self.env["in2dmm.interest.rate"]._in2dmm_load_shipped()
        self.assertEqual(self.env["in2dmm.interest.rate"].search_count([]), count)
        self.assertEqual(rate.rate, 9.99)
        # the cached tables follow the edit at once
        tables = self.env["in2dmm.interest.rate"]._in2dmm_tables()
        self.assertEqual(tables["commercial"][-1].rate, D("9.99"))
        # a broken scale is refused with a clear message
        with self.assertRaisesRegex(Exception, "not valid"):
            self.env["in2dmm.wik.scale"].create(
                {
                    "valid_from": "2030-01-01",
                    "minimum": 50,
                    "maximum": 10,
                    "tier_ids": [Command.create({"upper_bound": 0, "percentage": 5})],
                }
            )

    def test_business_letter_claims_costs_and_commercial_interest(self):
        inv = self._invoice(self.customer, 3000, 40)
        self.assertFalse(self.customer.in2dmm_is_consumer)
        self.policy.allow_level_skip = True
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id, self.level3)
        expected = self._expected(inv, self.today)
        # 15% of 2,500 + 10% of 500 = 425; interest from the day after due
        self.assertEqual(D(str(line.amount_costs)), D("425.00"))
        self.assertEqual(expected.costs.costs, D("425.00"))
        self.assertAlmostEqual(line.amount_interest, float(expected.interest), 2)
        self.assertGreater(line.amount_interest, 0)
        self.assertAlmostEqual(
            line.amount_claim, 3000 + 425 + float(expected.interest), 2
        )
        self.assertIn("6:119a", line.charges_info)
        run.action_execute()
        self.assertEqual(line.state, "done", line.error)
        text = self._pdf_text(base64.b64decode(line.letter_attachment_id.datas))
        self.assertIn("425.00", text)  # English customer
        self.assertIn("Collection costs", text)
        self.assertIn("Interest", text)
        # not booked: the invoice carries no booking marks
        self.assertFalse(inv.in2dmm_costs_booked)
        self.assertFalse(line.charge_move_id)

    def test_consumer_costs_only_after_an_expired_fourteen_day_letter(self):
        inv = self._invoice(self.consumer, 1000, 25)
        self.assertTrue(self.consumer.in2dmm_is_consumer)
        run = self._run(date=self.today - timedelta(days=3))
        line = self._line(run, self.consumer)
        self.assertEqual(line.level_id, self.level1)
        run.action_execute()
        # the 14-day letter (level 2) announces the costs with the safe wording
        run2 = self._run()
        line2 = self._line(run2, self.consumer)
        self.assertEqual(line2.level_id, self.level2)
        self.assertEqual(line2.amount_costs, 0)
        self.assertEqual(line2.amount_costs_announced, 150.0)
        # the letter never names a pay-before day earlier than the legal deadline
        # (the level's 7 days would be too short)
        deadline = fourteen_day.fourteen_day_deadline(self.today)
        self.assertGreaterEqual((deadline - self.today).days, 16)
        values = line2.with_context(lang="en_US")._text_values()
        self.assertEqual(values["pay_before"], format_date(deadline, "en_US"))
        self.assertEqual(
            values["fourteen_day_deadline"], format_date(deadline, "en_US")
        )
        run2.action_execute()
        self.assertEqual(line2.state, "done", line2.error)
        self.assertEqual(inv.in2dmm_fourteen_day_date, self.today)
        text = self._pdf_text(base64.b64decode(line2.letter_attachment_id.datas))
        self.assertIn("150.00", text)  # English customer: English number format
        self.assertIn("fourteen days from the day after", text)
        # level 3 within the term: interest yes, costs no (only explained)
        within = self._run(date=self.today + timedelta(days=10))
        line3 = self._line(within, self.consumer)
        self.assertEqual(line3.level_id, self.level3)
        self.assertEqual(line3.amount_costs, 0)
        self.assertGreater(line3.amount_interest, 0)
        self.assertIn("6:119 BW", line3.charges_info)
        self.assertIn("No collection costs are charged yet", line3.charges_info)
        within.unlink()
        # after the term (presumed delivery + 14 days, next working day)
        after = self._run(date=self.today + timedelta(days=25))
        line4 = self._line(after, self.consumer)
        self.assertEqual(line4.amount_costs, 150.0)

    def test_fourteen_day_letter_without_legal_wording_is_refused(self):
        self.level2.letter_body_before = "Betaal binnen 14 dagen na dagtekening."
        self._invoice(self.consumer, 1000, 25)
        run = self._run()
        line = self._line(run, self.consumer)
        self.assertEqual(line.level_id, self.level1)
        line.level_id = self.level2
        run.action_execute()
        self.assertEqual(line.state, "failed")
        self.assertIn("14-day letter", line.error)
        self.assertIn("letter date", line.error)
        # a business customer gets the same text: no 14-day rule applies
        self._invoice(self.customer, 1000, 25)
        run2 = self._run(date=self.today + timedelta(days=1))
        business = self._line(run2, self.customer)
        business.level_id = self.level2
        run2.action_execute()
        self.assertEqual(business.state, "done", business.error)

    def test_booking_charges_once(self):
        self.level3.write({"costs_mode": "book", "interest_mode": "book"})
        self.policy.allow_level_skip = True
        inv = self._invoice(self.customer, 1000, 40)
        run = self._run()
        line = self._line(run, self.customer)
        costs, interest = line.amount_costs, line.amount_interest
        self.assertEqual(costs, 150.0)
        run.action_execute()
        self.assertEqual(line.state, "done", line.error)
        charge = line.charge_move_id
        self.assertEqual(charge.state, "posted")
        self.assertTrue(charge.in2dmm_is_charge)
        self.assertAlmostEqual(charge.amount_total, costs + interest, 2)
        self.assertFalse(charge.invoice_line_ids.tax_ids)
        self.assertEqual(
            charge.invoice_line_ids.product_id,
            self.company.in2dmm_costs_product_id
            | self.company.in2dmm_interest_product_id,
        )
        self.assertEqual(
            self.company.in2dmm_costs_product_id,
            self.env.ref("in2dmm_credit.product_in2dmm_collection_costs"),
        )
        self.assertTrue(inv.in2dmm_costs_booked)
        self.assertEqual(inv.in2dmm_interest_booked_until, self.today)
        # a later letter charges only the interest since, never the costs again,
        # and the charge invoice itself bears no costs or interest
        later = self.customer._in2dmm_charges_for(
            inv | charge, self.today + timedelta(days=30)
        )
        self.assertIsNone(later.costs)
        self.assertEqual([c.key for c in later.invoices], [inv.id])
        full = self._expected(inv, self.today + timedelta(days=30)).interest
        self.assertAlmostEqual(float(later.interest), float(full) - interest, 2)

    def test_collection_case_stops_dunning_and_exports(self):
        agency = self.env["res.partner"].create(
            {"name": "Incassobureau Noord B.V.", "is_company": True}
        )
        self.company.in2dmm_collection_agency_id = agency
        inv = self._invoice(self.customer, 800, 40)
        other = self._invoice(self.customer, 200, 30)
        action = self.customer.action_in2dmm_new_collection_case()
        case = self.env["in2dmm.collection.case"].browse(action["res_id"])
        self.assertEqual(case.move_ids, inv | other)
        self.assertEqual(case.agency_id, agency)
        self.assertEqual(case.amount_principal, 1000)
        self.assertEqual(case.amount_costs, 150)  # business: WIK over 1,000
        self.assertGreater(case.amount_interest, 0)
        case.action_hand_over()
        self.assertEqual(case.state, "handed_over")
        # our own dunning holds these invoices, with the reason; an invoice
        # outside the case is still dunned
        run = self._run()
        self.assertFalse(self._line(run, self.customer))
        later = self._invoice(self.customer, 75, 10)
        run = self._run(date=self.today + timedelta(days=1))
        line = self._line(run, self.customer)
        held = line.item_ids.filtered(lambda i: i.state == "held")
        self.assertEqual(held.move_id, inv | other)
        self.assertIn(case.name, held[0].hold_reason)
        self.assertEqual(
            line.item_ids.filtered(lambda i: i.state == "included").move_id, later
        )
        self.assertEqual(line.amount_to_pay, 75)
        # the export carries what the agency needs
        data = base64.b64decode(case._export_attachment("csv").datas)
        rows = list(
            csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
        )
        self.assertEqual({r["invoice_number"] for r in rows}, {inv.name, other.name})
        self.assertEqual(rows[0]["kvk_number"], "12345678")
        self.assertEqual(rows[0]["debtor_type"], "business")
        self.assertEqual(sum(D(r["open_amount"]) for r in rows), D("1000.00"))
        xlsx = base64.b64decode(case._export_attachment("xlsx").datas)
        with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
            strings = zf.read("xl/sharedStrings.xml").decode()
        self.assertIn(inv.name, strings)
        self.assertIn("Bakkerij De Gouden Korst", strings)
        # a payment after the hand-over shows on the case
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=inv.ids
        ).create({"amount": 300.0, "payment_date": self.today}).action_create_payments()
        case.invalidate_recordset()
        self.assertEqual(case.amount_paid_since, 300)
        self.assertEqual(case.amount_open, 700)
        # the same invoices cannot be handed over twice
        second = self.env["in2dmm.collection.case"].create(
            {
                "partner_id": self.customer.id,
                "agency_id": agency.id,
                "move_ids": [Command.set(other.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, case.name):
            second.action_hand_over()
        # closed: dunning resumes
        case.action_close()
        run.unlink()
        run2 = self._run(date=self.today + timedelta(days=1))
        resumed = self._line(run2, self.customer).item_ids
        self.assertFalse(resumed.filtered(lambda i: i.state == "held"))
        included = resumed.filtered(lambda i: i.state == "included").move_id
        self.assertEqual(included & (inv | other), inv | other)

    def test_level_hands_over(self):
        agency = self.env["res.partner"].create({"name": "Deurwaarder Zuid"})
        self.company.in2dmm_collection_agency_id = agency
        self.level4.hand_over = True
        self.policy.allow_level_skip = True
        inv = self._invoice(self.customer, 500, 60)
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id, self.level4)
        run.action_execute()
        self.assertEqual(line.state, "done", line.error)
        case = line.collection_case_id
        self.assertEqual(case.state, "handed_over")
        self.assertEqual(case.move_ids, inv)
        self.assertEqual(self.customer.in2dmm_collection_case_count, 1)
        # without a default agency the case waits in draft, with a to-do
        self.company.in2dmm_collection_agency_id = False
        other = self._new_customer("Kaashandel Noord")
        self._invoice(other, 300, 60)
        run2 = self._run(date=self.today + timedelta(days=1))
        line2 = self._line(run2, other)
        line2.action_mark_reviewed()
        run2.action_execute()
        self.assertEqual(line2.state, "done", line2.error)
        self.assertEqual(line2.collection_case_id.state, "draft")
        self.assertEqual(line2.collection_case_id.activity_ids.user_id, self.collector)

    def test_account_statement_pdf_and_xlsx(self):
        inv = self._invoice(self.customer, 1000, 25)
        future = self._invoice(self.customer, 250, -10)
        credit = self._invoice(self.customer, 100, 0, move_type="out_refund")
        pdf = base64.b64decode(self.customer._in2dmm_statement_attachment("pdf").datas)
        text = self._pdf_text(pdf)
        for move in (inv, future, credit):
            self.assertIn(move.name, text)
        self.assertIn("1,150.00", text.replace("\xa0", " "))  # total open
        statement, _currency = self.customer._in2dmm_statement()
        self.assertEqual(statement.total_open, D("1150.00"))
        self.assertEqual(statement.total_overdue, D("1000.00"))
        kinds = {line.number: line.kind for line in statement.lines}
        self.assertEqual(kinds[credit.name], "credit_note")
        xlsx = base64.b64decode(
            self.customer._in2dmm_statement_attachment("xlsx").datas
        )
        with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
            sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("SUM(", sheet)
        # a level that attaches the statement sends it with the e-mail
        self.level2.attach_statement = True
        self.policy.allow_level_skip = True
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id, self.level2)
        run.action_execute()
        names = line.mail_message_id.attachment_ids.mapped("name")
        self.assertEqual(len(names), 2, names)
        self.assertTrue(any("statement" in n.lower() for n in names), names)

    def test_collection_case_access_and_companies(self):
        case = self.env["in2dmm.collection.case"].create(
            {"partner_id": self.customer.id}
        )
        # a salesperson may read but not create or change cases
        with self.assertRaises(AccessError):
            self.env["in2dmm.collection.case"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id}
            )
        with self.assertRaises(AccessError):
            case.with_user(self.salesperson).write({"note": "x"})
        self.assertEqual(case.with_user(self.salesperson).name, case.name)
        # a user of another company does not see it
        outsider = self._outsider()
        self.assertFalse(
            self.env["in2dmm.collection.case"]
            .with_user(outsider)
            .search([("id", "=", case.id)])
        )
        # only credit managers edit the legal tables
        with self.assertRaises(AccessError):
            self.env["in2dmm.interest.rate"].with_user(self.collector).create(
                {"kind": "commercial", "valid_from": "2031-01-01", "rate": 5}
            )
