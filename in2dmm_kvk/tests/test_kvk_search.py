import json
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.in2dmm_kvk.tools import kvk_client, kvk_parse
from odoo.addons.in2dmm_kvk.tools.kvk_client import KvkClient

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "kvk"


def _body(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["body"]


@tagged("post_install", "-at_install")
class TestKvkSearch(TransactionCase):
    """The KvK is faked at the client: recorded KvK answers, no network."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("in2dmm_kvk.group_kvk_api_user")
        cls.search_page = kvk_parse.parse_search(
            _body("200_zoeken_kvkNummer-69599084.json")
        )
        cls.profile = kvk_parse.parse_basisprofiel(
            _body("200_basisprofielen_69599084.json")
        )

    def _fake_client(self, **side_effects):
        calls = []

        def fake(name, value):
            def method(client, *args, **kwargs):
                calls.append((name, args, kwargs))
                if isinstance(value, Exception):
                    raise value
                return value

            return method

        patches = [
            patch.object(KvkClient, name, fake(name, value))
            for name, value in {
                "search": self.search_page,
                "basisprofiel": self.profile,
                "vestigingsprofiel": None,
                **side_effects,
            }.items()
        ]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)
        return calls

    def test_search_and_create_company(self):
        calls = self._fake_client()
        wizard = self.env["in2dmm.kvk.search"].create({"kvk_number": "69599084"})
        wizard.action_search()
        self.assertEqual(calls[0], ("search", (), {"kvkNummer": "69599084"}))
        self.assertEqual(len(wizard.result_ids), len(self.search_page.results))
        result = wizard.result_ids[0]
        self.assertEqual(result.kvk_number, "69599084")
        wizard.action_select(result)
        self.assertEqual(wizard.state, "preview")
        self.assertIn("69599084", wizard.change_ids.mapped("new_value"))
        action = wizard.action_apply()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(partner.company_registry, "69599084")
        self.assertEqual(partner.name, self.profile.name)
        self.assertTrue(partner.is_company)
        self.assertTrue(partner.in2dmm_kvk_checked_on)
        self.assertEqual(partner.in2dmm_kvk_state, "active")
        self.assertEqual(partner.country_id, self.env.ref("base.nl"))
        self.assertTrue(partner.in2dmm_kvk_non_mailing)
        self.assertIn("69599084", partner.message_ids[0].body)

    def test_update_shows_changes_and_writes_only_accepted_ones(self):
        self._fake_client()
        partner = self.env["res.partner"].create(
            {
                "name": "Oude naam B.V.",
                "is_company": True,
                "street": "Oudegracht 1",
                "city": "Utrecht",
                "company_registry": "69599084",
                "country_id": self.env.ref("base.nl").id,
            }
        )
        wizard = (
            self.env["in2dmm.kvk.search"]
            .with_context(default_partner_id=partner.id)
            .create({})
        )
        self.assertEqual(wizard.kvk_number, "69599084")
        wizard.action_search()
        wizard.action_select(wizard.result_ids[0])
        by_key = {c.field_key: c for c in wizard.change_ids}
        self.assertEqual(by_key["name"].old_value, "Oude naam B.V.")
        self.assertEqual(by_key["name"].new_value, self.profile.name)
        self.assertNotIn("company_registry", by_key, "unchanged values are not listed")
        by_key["street"].apply = False
        wizard.action_apply()
        self.assertEqual(partner.name, self.profile.name)
        self.assertEqual(partner.street, "Oudegracht 1", "an unticked change is kept")
        self.assertIn("Updated from the KvK", partner.message_ids[0].body)

    def test_errors_are_clear_and_nothing_is_created(self):
        count = self.env["res.partner"].search_count([])
        self._fake_client(
            search=kvk_client.ApiUnavailable("KvK: temporarily unavailable (IPD1003)")
        )
        wizard = self.env["in2dmm.kvk.search"].create({"name": "Jansen"})
        with self.assertRaisesRegex(UserError, "temporarily unavailable"):
            wizard.action_search()
        with self.assertRaises(UserError):
            self.env["in2dmm.kvk.search"].create({}).action_search()
        with self.assertRaisesRegex(UserError, "12a"):
            self.env["in2dmm.kvk.search"].create(
                {"postcode": "1015 CW", "house_number": "12a"}
            ).action_search()
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def test_empty_result(self):
        self._fake_client(search=kvk_parse.empty_search_page())
        wizard = self.env["in2dmm.kvk.search"].create({"city": "Nergenshuizen"})
        wizard.action_search()
        self.assertFalse(wizard.result_ids)
        self.assertTrue(wizard.result_message)

    def test_only_kvk_api_users_may_call_the_paid_api(self):
        self._fake_client()
        user = new_test_user(self.env, login="plain_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env.company.with_user(user)._in2dmm_kvk_client()
        controller = new_test_user(
            self.env,
            login="controller",
            groups="in2dmm_credit.in2dmm_credit_group_controller",
        )
        self.assertTrue(self.env.company.with_user(controller)._in2dmm_kvk_client())

    def test_production_without_key_is_a_clear_error(self):
        self.env.company.in2dmm_kvk_environment = "production"
        self.env.company.in2dmm_kvk_api_key = False
        with self.assertRaisesRegex(UserError, "not set up"):
            self.env.company._in2dmm_kvk_client()
