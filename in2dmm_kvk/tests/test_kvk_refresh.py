import json
from datetime import datetime
from pathlib import Path
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.in2dmm_kvk.tools import kvk_client, kvk_parse
from odoo.addons.in2dmm_kvk.tools.kvk_client import KvkClient
from odoo.addons.in2dmm_kvk.tools.kvk_mutations import MutationSignal

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "kvk"


def _profile(name):
    body = json.loads((FIXTURES / name).read_text(encoding="utf-8"))["body"]
    return kvk_parse.parse_basisprofiel(body)


@tagged("post_install", "-at_install")
class TestKvkRefresh(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = _profile("200_basisprofielen_69599084.json")
        cls.values = kvk_parse.to_partner_values(cls.profile)
        cls.partner = cls.env["res.partner"].create(
            {
                "name": cls.profile.name,
                "is_company": True,
                "company_registry": "69599084",
                "street": "Oude Straat 1",
                "zip": "1011 AA",
                "city": cls.values["city"],
                "country_id": cls.env.ref("base.nl").id,
            }
        )

    def _patch(self, result):
        def basisprofiel(client, number, geo=False):
            if isinstance(result, Exception):
                raise result
            return result

        p = patch.object(KvkClient, "basisprofiel", basisprofiel)
        p.start()
        self.addCleanup(p.stop)

    def test_address_change_goes_to_chatter_not_to_the_address(self):
        self._patch(self.profile)
        self.assertEqual(self.partner._in2dmm_kvk_refresh(), 1)
        self.assertEqual(self.partner.street, "Oude Straat 1", "only signalled")
        body = str(self.partner.message_ids[0].body)
        self.assertIn("Oude Straat 1", body)
        self.assertIn(self.values["street"], body)
        self.assertTrue(self.partner.in2dmm_kvk_checked_on)
        self.assertEqual(self.partner.in2dmm_kvk_state, "active")
        self.assertEqual(self.partner.in2dmm_kvk_legal_form, self.values["legal_form"])
        signal = self.env["in2dmm.signal"].search(
            [("partner_id", "=", self.partner.id), ("state", "!=", "closed")]
        )
        self.assertEqual(signal.signal_type, "master_data_changed")
        self.assertEqual(signal.cause_ref, self.partner)

    def test_address_is_updated_when_the_company_asks(self):
        self.env.company.in2dmm_kvk_auto_update_address = True
        self._patch(self.profile)
        self.partner._in2dmm_kvk_refresh()
        self.assertEqual(self.partner.street, self.values["street"])
        self.assertEqual(self.partner.zip, self.values["zip"])
        self.assertIn("address was updated", str(self.partner.message_ids[0].body))

    def test_ended_registration_is_marked_once(self):
        ended = _profile("constructed_200_basisprofielen_90009993_beeindigd.json")
        self._patch(ended)
        self.partner._in2dmm_kvk_refresh()
        self.assertEqual(self.partner.in2dmm_kvk_state, "ended")
        messages = self.partner.message_ids.filtered(
            lambda m: "has ended" in str(m.body)
        )
        self.assertEqual(len(messages), 1)
        self.partner._in2dmm_kvk_refresh()
        messages = self.partner.message_ids.filtered(
            lambda m: "has ended" in str(m.body)
        )
        self.assertEqual(len(messages), 1, "said once, not at every check")
        signal = self.env["in2dmm.signal"].search(
            [
                ("partner_id", "=", self.partner.id),
                ("signal_type", "=", "registration_ended"),
            ]
        )
        self.assertEqual(signal.severity, "critical")

    def test_unknown_registration(self):
        self._patch(kvk_client.ApiNotFound("KvK: not found"))
        self.partner._in2dmm_kvk_refresh()
        self.assertIn("no registration", str(self.partner.message_ids[0].body))

    def test_cron_stops_when_the_kvk_is_away_and_resumes_later(self):
        other = self.partner.copy(
            {"name": "Tweede B.V.", "company_registry": "69599084"}
        )
        self._patch(kvk_client.ApiUnavailable("KvK: temporarily unavailable"))
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 100.0
        ):
            self.env["res.partner"]._cron_in2dmm_kvk_refresh()
        self.assertFalse((self.partner | other).filtered("in2dmm_kvk_checked_on"))
        self.assertFalse(
            self.partner.message_ids.filtered(lambda m: "unavailable" in str(m.body))
        )
        self._patch(self.profile)
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 100.0
        ):
            self.env["res.partner"]._cron_in2dmm_kvk_refresh()
        self.assertTrue(self.partner.in2dmm_kvk_checked_on)
        self.assertTrue(other.in2dmm_kvk_checked_on)

    def test_settings_switch_the_daily_recheck(self):
        cron = self.env.ref("in2dmm_kvk.ir_cron_in2dmm_kvk_refresh")
        self.assertFalse(cron.active, "off until a paid service is wanted")
        settings = self.env["res.config.settings"].create(
            {"in2dmm_kvk_refresh_enabled": True}
        )
        settings.execute()
        self.assertTrue(cron.active)
        self.assertTrue(
            self.env["res.config.settings"].create({}).in2dmm_kvk_refresh_enabled
        )


@tagged("post_install", "-at_install")
class TestKvkMutations(TransactionCase):
    """With a Mutatieservice subscription only the reported companies are checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.changed = cls.env["res.partner"].create(
            {
                "name": "Test EMZ Dagobert",
                "is_company": True,
                "company_registry": "69599084",
                "street": "Oude Straat 1",
                "country_id": cls.env.ref("base.nl").id,
            }
        )
        cls.ended = cls.env["res.partner"].create(
            {
                "name": "Grenswerk B.V.",
                "is_company": True,
                "company_registry": "90009993",
            }
        )
        cls.quiet = cls.env["res.partner"].create(
            {"name": "Stil B.V.", "is_company": True, "company_registry": "68750110"}
        )
        cls.env.company.in2dmm_kvk_mutation_subscription = "abonnement-1"

    def test_only_reported_companies_are_checked(self):
        signals = [
            MutationSignal(
                "1", datetime(2026, 12, 1, 8), "69599084", "GewijzigdeVestiging"
            ),
            MutationSignal("2", datetime(2026, 12, 2, 9), "90009993", "Beeindiging"),
        ]
        asked = []

        def all_mutation_signals(
            client, subscription_id, since, until=None, per_page=500
        ):
            asked.append(subscription_id)
            yield from signals

        profile = _profile("200_basisprofielen_69599084.json")

        def basisprofiel(client, number, geo=False):
            if number == "69599084":
                return profile
            raise kvk_client.ApiNotFound("KvK: not found", service="KvK")

        for name, fn in (
            ("all_mutation_signals", all_mutation_signals),
            ("basisprofiel", basisprofiel),
        ):
            p = patch.object(KvkClient, name, fn)
            p.start()
            self.addCleanup(p.stop)
        self.env["res.partner"]._cron_in2dmm_kvk_refresh()
        self.assertEqual(asked, ["abonnement-1"])
        self.assertTrue(self.changed.in2dmm_kvk_checked_on)
        self.assertFalse(self.quiet.in2dmm_kvk_checked_on, "not reported: not checked")
        self.assertIn(
            "GewijzigdeVestiging", str(self.changed.message_ids.mapped("body"))
        )
        signal = self.env["in2dmm.signal"].search(
            [
                ("partner_id", "=", self.ended.id),
                ("signal_type", "=", "registration_ended"),
            ]
        )
        self.assertEqual(signal.severity, "critical")
        self.assertEqual(
            self.env.company.in2dmm_kvk_mutation_since, datetime(2026, 12, 2, 9)
        )
