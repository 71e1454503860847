from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestKvkNumbers(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nl = cls.env.ref("base.nl")
        cls.be = cls.env.ref("base.be")

    def _partner(self, **vals):
        return self.env["res.partner"].create(
            {
                "name": "Bouwbedrijf Jansen B.V.",
                "is_company": True,
                "country_id": self.nl.id,
                **vals,
            }
        )

    def test_numbers_are_stored_canonically(self):
        partner = self._partner(
            company_registry="6959 9084",
            in2dmm_kvk_branch_number="0000.3717.8598",
            in2dmm_kvk_rsin="992 760 562",
            zip="1015cw",
        )
        self.assertEqual(partner.company_registry, "69599084")
        self.assertEqual(partner.in2dmm_kvk_branch_number, "000037178598")
        self.assertEqual(partner.in2dmm_kvk_rsin, "992760562")
        partner.write({"company_registry": "9000 0749"})
        self.assertEqual(partner.company_registry, "90000749")

    def test_wrong_numbers_are_refused_with_a_clear_message(self):
        with self.assertRaisesRegex(ValidationError, "not a valid KvK number"):
            self._partner(company_registry="1234567")
        with self.assertRaisesRegex(ValidationError, "establishment number"):
            self._partner(in2dmm_kvk_branch_number="12345678901")
        with self.assertRaisesRegex(ValidationError, "check digit is wrong"):
            self._partner(in2dmm_kvk_rsin="123456789")
        with self.assertRaisesRegex(ValidationError, "Dutch postcode"):
            self._partner(zip="9700")
        partner = self._partner(company_registry="69599084")
        with self.assertRaisesRegex(ValidationError, "Bouwbedrijf Jansen"):
            partner.company_registry = "6959908A"

    def test_foreign_registries_are_not_checked_as_kvk(self):
        partner = self._partner(
            country_id=self.be.id, company_registry="0403.170.701", zip="2000"
        )
        self.assertEqual(partner.company_registry, "0403.170.701")

    def test_bulk_check_lists_the_problems(self):
        good = self._partner(company_registry="69599084")
        bad = self._partner(name="Café Het Hoekje", company_registry="69599084")
        # data from before the addon was installed, written without the ORM checks
        self.env.cr.execute(
            "UPDATE res_partner SET company_registry = '123', in2dmm_kvk_rsin = "
            "'123456789' WHERE id = %s",
            (bad.id,),
        )
        bad.invalidate_recordset()
        action = (good | bad).action_in2dmm_kvk_check_numbers()
        check = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(check.checked_count, 2)
        self.assertEqual(check.problem_count, 2)
        self.assertEqual(check.line_ids.partner_id, bad)
        self.assertEqual(
            set(check.line_ids.mapped("field_name")),
            {"company_registry", "in2dmm_kvk_rsin"},
        )
        self.assertTrue(
            all("Café Het Hoekje" in m for m in check.line_ids.mapped("message"))
        )
