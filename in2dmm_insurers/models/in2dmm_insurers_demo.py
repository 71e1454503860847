"""Demo data of the insurer connection: no provider is called, the answers
are written as the adapters would have brought them."""

from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..tools.insurer import Condition, Decision, MonitoringEvent, Rating

# customer, Creditsafe grades from old to new
RATING_HISTORY = [
    ("Bakkerij De Gouden Korst", ["B", "A"]),
    ("Bouwbedrijf Jansen & Zonen B.V.", ["B", "C", "D"]),
    ("Groothandel Bakker B.V.", ["C", "C"]),
    ("Dakdekkersbedrijf Smit", ["C", "E"]),
    ("Schildersbedrijf Mulder", ["A"]),
    ("Aannemersbedrijf Dekker", ["B", "C"]),
    ("Transportbedrijf Hendriks", ["C", "D"]),
    ("Architectenbureau Koster", ["A", "A"]),
    ("Metaalbewerking Kok", ["B"]),
    ("Installatiebureau Visser", ["B", "B"]),
]


class In2dmmInsurersDemo(models.AbstractModel):
    _name = "in2dmm.insurers.demo"
    _description = "in2dmm insurers demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("base.demo_company_nl")
        Account = self.env["in2dmm.insurer.account"]
        if Account.search_count([("company_id", "=", company.id)]):
            return
        env = (
            self.with_company(company)
            .with_context(
                allowed_company_ids=[company.id],
                tracking_disable=True,
                # signals and chatter are written in the demo user's language
                lang=self.env.ref("base.user_admin").lang,
            )
            .env
        )
        Account = env["in2dmm.insurer.account"]
        atradius = Account.create(
            {
                "name": "Atradius polis 2027",
                "provider": "atradius",
                "policy_number": "NL-2027-004512",
                "api_customer_id": "123456",
                "company_id": company.id,
                "max_discretionary_limit": 15000,
                "max_payment_days": 60,
                "max_extension_days": 60,
                "reporting_deadline_days": 60,
            }
        )
        creditsafe = Account.create(
            {
                "name": "Creditsafe (Graydon)",
                "provider": "creditsafe",
                "company_id": company.id,
                "rating_refresh_days": 30,
                "monitoring_portfolio": "in2dmm-demo",
                "monitoring_since": fields.Date.context_today(self),
            }
        )
        Account.create(
            {
                "name": "Kredietbewaking Bouw",
                "provider": "kredietbewaking_bouw",
                "company_id": company.id,
                "reporting_deadline_days": 60,
                "exchange_email": "meldingen@kredietbewaking-bouw.example",
            }
        )
        company.in2dmm_insurer_account_id = atradius
        today = fields.Date.context_today(self)
        Partner = env["res.partner"]
        # insured customers are known at Atradius by their limit's buyer
        limits = env["in2dmm.insured.limit"].search(
            [("company_id", "=", company.id), ("state", "=", "active")]
        )
        Buyer = env["in2dmm.insurer.buyer"]
        for index, limit in enumerate(limits):
            Buyer.create(
                {
                    "account_id": atradius.id,
                    "partner_id": limit.partner_id.id,
                    "external_id": str(40117700 + index),
                    "matched_name": limit.partner_id.name.upper(),
                    "match": "kvk" if limit.partner_id.company_registry else "vat",
                }
            )
        # ratings with their history, as the refresh job brought them
        Rating_ = env["in2dmm.buyer.rating"]
        for index, (name, grades) in enumerate(RATING_HISTORY):
            partner = Partner.search([("name", "=", name)], limit=1)
            if not partner:
                continue
            buyer = Buyer.create(
                {
                    "account_id": creditsafe.id,
                    "partner_id": partner.id,
                    "external_id": "NL-X-%08d" % (60000000 + index * 7919),
                    "matched_name": partner.name,
                    "match": "kvk",
                    "monitored": True,
                    "rating_checked_on": fields.Datetime.now(),
                }
            )
            for step, grade in enumerate(grades):
                Rating_._store(
                    creditsafe,
                    partner,
                    Rating(
                        buyer.external_id,
                        "creditsafe",
                        grade,
                        description={
                            "A": "Zeer laag risico",
                            "B": "Laag risico",
                            "C": "Gemiddeld risico",
                            "D": "Hoog risico",
                            "E": "Niet beoordeeld / insolventie",
                        }[grade],
                        score=Decimal(90 - 18 * "ABCDE".index(grade)),
                        score_min=Decimal(0),
                        score_max=Decimal(100),
                        advised_limit=Decimal((5 - "ABCDE".index(grade)) * 10000),
                        currency="EUR",
                        rated_on=today
                        - timedelta(days=120 * (len(grades) - 1 - step) + index),
                    ),
                    "job",
                )
        # what the monitoring reported lately
        smit = Buyer.search(
            [
                ("account_id", "=", creditsafe.id),
                ("partner_id.name", "=", "Dakdekkersbedrijf Smit"),
            ]
        )
        koster = Buyer.search(
            [
                ("account_id", "=", creditsafe.id),
                ("partner_id.name", "=", "Architectenbureau Koster"),
            ]
        )
        events = []
        if smit:
            events.append(
                MonitoringEvent(
                    "demo-ev-1",
                    smit.external_id,
                    "insolvency",
                    today - timedelta(days=2),
                    text="Surseance van betaling aangevraagd",
                )
            )
        if koster:
            events.append(
                MonitoringEvent(
                    "demo-ev-2",
                    koster.external_id,
                    "identity",
                    today - timedelta(days=5),
                    old_value="Museumplein 4, Amsterdam",
                    new_value="Keizersgracht 300, Amsterdam",
                    text="Bezoekadres gewijzigd",
                )
            )
        env["in2dmm.insurer.event"]._record(creditsafe, events)
        # limit requests in their different states
        Request = env["in2dmm.insurer.limit.request"]
        customers = Partner.search(
            [("is_company", "=", True), ("ref", "like", "DEB%")], order="ref"
        )
        insured = limits.partner_id
        uninsured = customers - insured
        if len(uninsured) >= 3 and insured:
            decided = Request.create(
                {
                    "account_id": atradius.id,
                    "partner_id": uninsured[0].id,
                    "buyer_id": "40118801",
                    "amount": 25000,
                }
            )
            decided.write({"state": "pending", "cover_id": "7781203"})
            decided._apply(
                Decision(
                    "7781203",
                    "40118801",
                    "decided",
                    approved_amount=Decimal(20000),
                    currency="EUR",
                    code="DC02",
                    text="Approved with conditions",
                    conditions=(
                        Condition("C12", "Betalingstermijn maximaal 60 dagen"),
                    ),
                    valid_from=today - timedelta(days=3),
                    decided_on=today - timedelta(days=3),
                )
            )
            pending = Request.create(
                {
                    "account_id": atradius.id,
                    "partner_id": uninsured[1].id,
                    "buyer_id": "40118802",
                    "amount": 60000,
                }
            )
            pending.write({"state": "pending", "cover_id": "7781209"})
            Request.create(
                {
                    "account_id": atradius.id,
                    "partner_id": uninsured[2].id,
                    "amount": 15000,
                    "state": "error",
                    "error": "Atradius could not be reached or refused the call: "
                    "Must be positive number greater than zero and a multiple of "
                    "1000. (creditLimitAmount)",
                }
            )
            Request.create(
                {
                    "account_id": atradius.id,
                    "partner_id": insured[0].id,
                    "kind": "increase",
                    "amount": 40000,
                }
            )
        # overdue notices the daily job prepares
        env["in2dmm.insurer.overdue.notice"]._cron_prepare(warn_days=30)
