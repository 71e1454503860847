"""Dutch demo ledger: a company with about 50 customers in different situations."""

import random
from datetime import timedelta

from odoo import api, fields, models

# name, city, zip, street, group, lang, email?, profile
# profiles: good (pays on time), late (pays late), overdue_1 .. overdue_4 (open
# invoices that many dunning steps late), credit (with a credit note), partial
# (partly paid), excluded (excluded from dunning), foreign.
# fmt: off
CUSTOMERS = [
    ("Bakkerij De Gouden Korst", "Utrecht", "3511 AB", "Oudegracht 12", "wholesale", "nl_NL", True, "good"),
    ("Bouwbedrijf Jansen & Zonen B.V.", "Amersfoort", "3811 HN", "Utrechtseweg 45", "construction", "nl_NL", True, "overdue_3"),
    ("Hoveniersbedrijf Groen", "Zeist", "3701 AA", "Slotlaan 3", "construction", "nl_NL", True, "overdue_1"),
    ("Installatiebureau Visser", "Haarlem", "2011 VB", "Grote Markt 8", "construction", "nl_NL", True, "overdue_2"),
    ("Groothandel Bakker B.V.", "Rotterdam", "3011 AD", "Coolsingel 40", "wholesale", "nl_NL", True, "late"),
    ("Café Het Hoekje", "Leiden", "2312 BT", "Breestraat 101", "wholesale", "nl_NL", False, "overdue_2"),
    ("Dakdekkersbedrijf Smit", "Den Haag", "2511 CV", "Spui 70", "construction", "nl_NL", True, "overdue_4"),
    ("Schildersbedrijf Mulder", "Delft", "2611 HE", "Markt 15", "construction", "nl_NL", True, "good"),
    ("Restaurant De Waag", "Alkmaar", "1811 KE", "Waagplein 2", "wholesale", "nl_NL", True, "partial"),
    ("Van den Berg Vastgoed B.V.", "Amsterdam", "1017 CT", "Herengracht 500", "wholesale", "nl_NL", True, "credit"),
    ("Timmerfabriek De Vries", "Zwolle", "8011 LN", "Diezerstraat 30", "construction", "nl_NL", True, "overdue_1"),
    ("Loodgietersbedrijf Bos", "Apeldoorn", "7311 JC", "Hoofdstraat 90", "construction", "nl_NL", True, "late"),
    ("Hotel Zeezicht", "Noordwijk", "2202 BN", "Koningin Astrid Bd 5", "wholesale", "nl_NL", True, "overdue_2"),
    ("Autobedrijf Meijer", "Eindhoven", "5611 AB", "Stratumseind 14", "wholesale", "nl_NL", True, "good"),
    ("Kinderopvang Het Zonnetje", "Tilburg", "5038 AB", "Heuvel 21", "wholesale", "nl_NL", True, "excluded"),
    ("Aannemersbedrijf Dekker", "Breda", "4811 XJ", "Grote Markt 19", "construction", "nl_NL", True, "overdue_3"),
    ("Elektrotechniek Brouwer", "Nijmegen", "6511 KH", "Grote Markt 1", "construction", "nl_NL", True, "overdue_1"),
    ("Tandartspraktijk De Lach", "Arnhem", "6811 CD", "Jansstraat 3", "wholesale", "nl_NL", True, "good"),
    ("Garage Willems", "Maastricht", "6211 CN", "Vrijthof 9", "wholesale", "nl_NL", True, "late"),
    ("Sportschool Fit4All", "Groningen", "9711 LV", "Vismarkt 44", "wholesale", "nl_NL", True, "overdue_2"),
    ("Fysiotherapie Van Leeuwen", "Leeuwarden", "8911 BE", "Nieuwestad 60", "wholesale", "nl_NL", True, "good"),
    ("Kapsalon Knip & Co", "Deventer", "7411 KS", "Brink 12", "wholesale", "nl_NL", False, "overdue_1"),
    ("Transportbedrijf Hendriks", "Venlo", "5911 HP", "Parade 7", "wholesale", "nl_NL", True, "overdue_4"),
    ("Bloemenhandel Flora", "Aalsmeer", "1431 GA", "Legmeerdijk 313", "wholesale", "nl_NL", True, "partial"),
    ("Drukkerij Dijkstra", "Hilversum", "1211 BR", "Kerkstraat 55", "wholesale", "nl_NL", True, "credit"),
    ("Architectenbureau Koster", "Amsterdam", "1071 DJ", "Museumplein 4", "construction", "nl_NL", True, "good"),
    ("Ijzerhandel Prins", "Den Bosch", "5211 HX", "Markt 26", "wholesale", "nl_NL", True, "overdue_2"),
    ("Schoonmaakbedrijf Blinkend", "Almere", "1315 HR", "Stadhuisplein 1", "wholesale", "nl_NL", True, "late"),
    ("Makelaardij Huisman", "Gouda", "2801 JG", "Markt 27", "wholesale", "nl_NL", True, "overdue_1"),
    ("Kwekerij Van Dam", "Westland", "2671 DA", "Naaldwijkseweg 10", "wholesale", "nl_NL", True, "overdue_3"),
    ("Metaalbewerking Kok", "Enschede", "7511 JD", "Oude Markt 5", "construction", "nl_NL", True, "good"),
    ("Slagerij Peters", "Emmen", "7811 AJ", "Raadhuisplein 2", "wholesale", "nl_NL", True, "overdue_2"),
    ("Camping De Duinen", "Texel", "1791 CT", "Waalderweg 4", "wholesale", "nl_NL", True, "overdue_1"),
    ("Boekhandel Het Boek", "Middelburg", "4331 LK", "Markt 51", "wholesale", "nl_NL", True, "good"),
    ("Stukadoorsbedrijf Vos", "Dordrecht", "3311 BS", "Voorstraat 180", "construction", "nl_NL", True, "overdue_4"),
    ("Tegelzetter Jacobs", "Roermond", "6041 EG", "Markt 20", "construction", "nl_NL", True, "overdue_2"),
    ("Ingenieursbureau Van Wijk", "Delft", "2628 CD", "Mekelweg 2", "construction", "nl_NL", True, "late"),
    ("Zonnepanelen Noord B.V.", "Assen", "9401 GT", "Brink 1", "construction", "nl_NL", True, "overdue_1"),
    ("Hr. P. de Groot", "Utrecht", "3581 KP", "Biltstraat 88", "consumer", "nl_NL", True, "overdue_1"),
    ("Mw. A. van der Linden", "Haarlem", "2023 BK", "Kleverparkweg 12", "consumer", "nl_NL", False, "overdue_2"),
    ("Fam. Bakker", "Amersfoort", "3818 EA", "Stadsring 150", "consumer", "nl_NL", True, "good"),
    ("Hr. J. Kuiper", "Zaandam", "1506 DA", "Gedempte Gracht 30", "consumer", "nl_NL", True, "overdue_3"),
    ("Bâtiment Lefèvre SPRL", "Antwerpen", "2000", "Meir 50", "construction", "fr_BE", True, "foreign"),
    ("Müller Haustechnik GmbH", "Düsseldorf", "40213", "Königsallee 20", "construction", "de_DE", True, "foreign"),
    ("Northern Facilities Ltd", "London", "EC1A 1BB", "1 King Street", "wholesale", "en_GB", True, "foreign"),
    ("Vastgoedbeheer Oost", "Enschede", "7513 AA", "Hengelosestraat 5", "wholesale", "nl_NL", True, "overdue_2"),
    ("Bouwmaterialen Centrum", "Zwolle", "8017 JH", "Hanzelaan 100", "construction", "nl_NL", True, "late"),
    ("Koffiebranderij Aroma", "Amsterdam", "1013 AB", "Haarlemmerdijk 1", "wholesale", "nl_NL", True, "overdue_1"),
    ("Gemeentelijk Sportfonds", "Utrecht", "3500 AA", "Postbus 16200", "wholesale", "nl_NL", True, "good"),
    ("Stichting Woonzorg", "Rotterdam", "3000 AB", "Postbus 1234", "wholesale", "nl_NL", True, "overdue_3"),
]
# fmt: on

COUNTRY_BY_LANG = {"fr_BE": "base.be", "de_DE": "base.de", "en_GB": "base.uk"}
# days after the due date at which each level was already sent
LEVEL_DAYS = [7, 21, 35, 50]


class In2dmmDemo(models.AbstractModel):
    _name = "in2dmm.demo"
    _description = "in2dmm demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("base.demo_company_nl")
        if self.env["res.partner"].search_count(
            [("ref", "=", "DEB10001"), ("name", "=", CUSTOMERS[0][0])], limit=1
        ):
            return  # loaded already
        env = (
            self.with_company(company)
            .with_context(
                allowed_company_ids=[company.id], tracking_disable=True, lang="en_US"
            )
            .env
        )
        for user in self.env.ref("base.user_admin") | self.env.ref("base.user_root"):
            user.write({"company_ids": [fields.Command.link(company.id)]})
        # the web client opens in the Dutch company
        self.env.ref("base.user_admin").company_id = company
        self._demo_company_bank(env, company)
        policy = env.ref("in2dmm_credit.policy_standard_demo")
        company.write(
            {
                "in2dmm_policy_id": policy.id,
                "in2dmm_collector_id": self.env.ref("base.user_admin").id,
            }
        )
        self._demo_ledger(env, company, policy)

    @api.model
    def _demo_company_bank(self, env, company):
        if company.partner_id.bank_ids:
            return
        bank = env["res.bank"].create({"name": "ING Bank", "bic": "INGBNL2A"})
        env["res.partner.bank"].create(
            {
                "partner_id": company.partner_id.id,
                "acc_number": "NL91ABNA0417164300",
                "bank_id": bank.id,
                "company_id": company.id,
            }
        )

    @api.model
    def _demo_ledger(self, env, company, policy):
        rnd = random.Random(2026)
        today = fields.Date.context_today(self)
        categories = {
            "wholesale": env.ref("in2dmm_credit.category_wholesale_demo"),
            "construction": env.ref("in2dmm_credit.category_construction_demo"),
            "consumer": env.ref("in2dmm_credit.category_consumer_demo"),
        }
        salespeople = env.ref("base.user_admin")
        demo_user = env.ref("base.user_demo", raise_if_not_found=False)
        if demo_user:
            salespeople |= demo_user
        tax = env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", 21),
                ("amount_type", "=", "percent"),
            ],
            limit=1,
        )
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        levels = policy.level_ids.sorted("sequence")
        partner_vals = []
        for idx, (
            name,
            city,
            zip_code,
            street,
            group,
            lang,
            has_email,
            _profile,
        ) in enumerate(CUSTOMERS):
            country = env.ref(COUNTRY_BY_LANG.get(lang, "base.nl"))
            slug = "".join(c for c in name.lower() if c.isalnum())[:20]
            partner_vals.append(
                {
                    "name": name,
                    "is_company": group != "consumer",
                    "street": street,
                    "zip": zip_code,
                    "city": city,
                    "country_id": country.id,
                    "lang": lang if lang in ("nl_NL", "en_GB") else "en_US",
                    "email": f"administratie@{slug}.example" if has_email else False,
                    "phone": f"+31 6 {10000000 + idx * 7919:08d}",
                    "category_id": [fields.Command.link(categories[group].id)],
                    "user_id": salespeople[idx % len(salespeople)].id,
                    "ref": f"DEB{10001 + idx}",
                    "company_id": False,
                }
            )
        active_langs = {code for code, _name in self.env["res.lang"].get_installed()}
        for vals in partner_vals:
            if vals["lang"] not in active_langs:
                vals["lang"] = "nl_NL" if "nl_NL" in active_langs else "en_US"
        partners = env["res.partner"].create(partner_vals)
        for partner, spec in zip(partners, CUSTOMERS, strict=True):
            profile = spec[7]
            self._demo_partner_invoices(
                env, rnd, today, partner, profile, tax, journal, levels
            )
            if profile == "overdue_3" and spec[4] == "consumer":
                self._demo_collection_case(env, company, partner)
            if profile == "excluded":
                partner.with_company(company).write(
                    {
                        "in2dmm_no_dunning": True,
                        "in2dmm_no_dunning_reason": "Gemeentelijke subsidie, "
                        "betaling via de gemeente",
                    }
                )
        self._demo_credit(env, company, partners, rnd)

    @api.model
    def _demo_credit(self, env, company, partners, rnd):
        """Limits (own and insured), a credit hold, opportunities and quotations,
        so that the credit status shows where sales people work."""
        company.write(
            {
                "in2dmm_limit_rule": "lowest",
                "in2dmm_order_check": "block",
                "in2dmm_order_overdue_days": 45,
                "in2dmm_credit_manager_id": self.env.ref("base.user_admin").id,
            }
        )
        insurer = env["res.partner"].create(
            {
                "name": "Atradius Kredietverzekering N.V.",
                "is_company": True,
                "city": "Amsterdam",
                "country_id": env.ref("base.nl").id,
            }
        )
        businesses = partners.filtered("is_company")
        for index, partner in enumerate(businesses):
            exposure = partner.with_company(company).in2dmm_exposure
            # most customers have room; some are over or close to their limit
            factor = (0.9, 3.0, 4.0, 1.05, 5.0)[index % 5]
            own = max(round(exposure * factor / 500) * 500, 2500)
            partner.with_company(company).credit_limit = own
            if index % 2:
                env["in2dmm.insured.limit"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "insurer_id": insurer.id,
                        "amount": own + 2500,
                        "source": "insurer",
                        "reference": "ATR-%06d" % (104200 + index),
                        "valid_from": fields.Date.context_today(self)
                        - timedelta(days=200),
                        "valid_until": fields.Date.context_today(self)
                        + timedelta(days=(20 if index % 7 == 1 else 165)),
                    }
                )
        held = businesses.filtered(lambda p: p.name == "Restaurant De Waag")
        held.with_company(company).write(
            {
                "in2dmm_credit_hold": True,
                "in2dmm_credit_hold_reason": "Betalingsregeling niet nagekomen",
            }
        )
        product = env["product.product"].create(
            {
                "name": "Onderhoudscontract installaties",
                "type": "service",
                "list_price": 1850.0,
            }
        )
        stages = env["crm.stage"].search([], limit=3)
        for index, partner in enumerate(businesses[:12]):
            env["crm.lead"].create(
                {
                    "name": "Onderhoud %s" % partner.name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "expected_revenue": 2500 * (index % 4 + 1),
                    "stage_id": stages[index % len(stages)].id if stages else False,
                    "user_id": partner.user_id.id,
                }
            )
            env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": partner.user_id.id,
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1 if index % 4 else 3,
                                "price_unit": 950.0 if index % 4 else 1850.0,
                            }
                        )
                    ],
                }
            )
        self._demo_collector(env, company, partners)
        env["res.partner"]._cron_in2dmm_limit_signals()
        env["in2dmm.insured.limit"]._cron_signal_expiring()
        env["in2dmm.payment.stat"]._rebuild()

    @api.model
    def _demo_collector(self, env, company, partners):
        """Complaints, disputes, promises, a payment plan and calls to make."""
        today = fields.Date.context_today(self)
        admin = self.env.ref("base.user_admin")
        by_name = {p.name: p for p in partners}

        def overdue(name):
            partner = by_name.get(name)
            if not partner:
                return partner, env["account.move"]
            moves = env["account.move"].search(
                partner._in2dmm_overdue_invoice_domain(), order="invoice_date_due"
            )
            return partner, moves

        partner, moves = overdue("Hotel Zeezicht")
        if moves:
            env["in2dmm.dispute"].create(
                {
                    "kind": "dispute",
                    "category_id": env.ref("in2dmm_credit.dispute_category_price").id,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": admin.id,
                    "description": "<p>Klant stelt dat de uurprijs hoger is dan in "
                    "de offerte.</p>",
                    "line_ids": [
                        fields.Command.create(
                            {"move_id": moves[0].id, "amount_disputed": 180.0}
                        )
                    ],
                }
            )
        partner, moves = overdue("Café Het Hoekje")
        if moves:
            complaint = env["in2dmm.dispute"].create(
                {
                    "kind": "complaint",
                    "category_id": env.ref("in2dmm_credit.dispute_category_service").id,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "description": "<p>Koelinstallatie lekt sinds de installatie.</p>",
                    "line_ids": [fields.Command.create({"move_id": moves[0].id})],
                }
            )
            complaint.date_deadline = today - timedelta(days=3)
        partner, moves = overdue("Slagerij Peters")
        if moves:
            env["in2dmm.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "move_ids": [fields.Command.set(moves.ids)],
                    "amount": sum(moves.mapped("amount_residual")),
                    "date_promised": today + timedelta(days=5),
                    "channel": "call",
                    "collector_id": admin.id,
                }
            )
        partner, moves = overdue("Sportschool Fit4All")
        if moves:
            broken = env["in2dmm.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "move_ids": [fields.Command.set(moves[:1].ids)],
                    "amount": moves[0].amount_residual,
                    "date_promised": today - timedelta(days=6),
                    "channel": "email",
                    "collector_id": admin.id,
                }
            )
            broken._evaluate(today)
        partner, moves = overdue("Vastgoedbeheer Oost")
        if moves:
            plan = env["in2dmm.payment.plan"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "move_ids": [fields.Command.set(moves.ids)],
                    "amount_total": sum(moves.mapped("amount_residual")),
                    "instalment_count": 3,
                    "first_date": today + timedelta(days=7),
                    "collector_id": admin.id,
                }
            )
            plan.action_activate()
        for name in (
            "Tegelzetter Jacobs",
            "Kwekerij Van Dam",
            "Stichting Woonzorg",
            "Bouwbedrijf Jansen & Zonen B.V.",
        ):
            partner, moves = overdue(name)
            if moves:
                partner.activity_schedule(
                    "in2dmm_credit.mail_activity_type_debtor_call",
                    user_id=admin.id,
                    date_deadline=today,
                    summary="Aanmaning onbeantwoord: bellen",
                )

    @api.model
    def _demo_collection_case(self, env, company, partner):
        """One claim handed over to the demo agency (held out of dunning)."""
        agency = company.in2dmm_collection_agency_id
        if not agency:
            agency = env["res.partner"].create(
                {
                    "name": "Incassobureau Noord B.V.",
                    "is_company": True,
                    "street": "Stationsweg 4",
                    "zip": "9726 AC",
                    "city": "Groningen",
                    "country_id": env.ref("base.nl").id,
                    "email": "dossiers@incassonoord.example",
                    "company_registry": "01012345",
                }
            )
            company.in2dmm_collection_agency_id = agency
        moves = env["account.move"].search(partner._in2dmm_overdue_invoice_domain())
        oldest = moves.sorted("invoice_date_due")[:1]
        if not oldest:
            return
        case = env["in2dmm.collection.case"].create(
            {
                "company_id": company.id,
                "partner_id": partner.id,
                "agency_id": agency.id,
                "move_ids": [fields.Command.set(oldest.ids)],
            }
        )
        case._fill_amounts()
        case.action_hand_over()

    @api.model
    def _demo_invoice(self, env, partner, invoice_date, due_date, amount, tax, journal):
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due_date,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "name": "Installatiewerkzaamheden",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [fields.Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @api.model
    def _demo_pay(self, env, moves, amount=None, date=None):
        wizard = env["account.payment.register"].with_context(
            active_model="account.move", active_ids=moves.ids
        )
        vals = {"payment_date": date or fields.Date.context_today(self)}
        if amount is not None:
            vals.update(amount=amount, payment_difference_handling="open")
        wizard.create(vals)._create_payments()

    @api.model
    def _demo_partner_invoices(
        self, env, rnd, today, partner, profile, tax, journal, levels
    ):
        def invoice(days_overdue, amount=None):
            due = today - timedelta(days=days_overdue)
            inv_date = due - timedelta(days=30)
            return self._demo_invoice(
                env,
                partner,
                inv_date,
                due,
                amount or rnd.choice([185, 420, 760, 1250, 2340, 4875]),
                tax,
                journal,
            )

        # paid history, for every customer
        for months in (5, 4, 3):
            inv = invoice(months * 30)
            delay = 0 if profile in ("good",) else rnd.randint(5, 40)
            self._demo_pay(env, inv, date=inv.invoice_date_due + timedelta(days=delay))
        # a current invoice, not yet due
        invoice(-rnd.randint(5, 25))
        if profile.startswith("overdue_"):
            steps = int(profile[-1])
            days = LEVEL_DAYS[steps - 1] + rnd.randint(1, 5)
            inv = invoice(days)
            if steps > 1:
                # the earlier levels were already sent
                inv.write(
                    {
                        "in2dmm_level_id": levels[steps - 2].id,
                        "in2dmm_last_dunning_date": inv.invoice_date_due
                        + timedelta(days=LEVEL_DAYS[steps - 2]),
                    }
                )
            fourteen = [
                lvl for lvl in levels[: steps - 1] if lvl.is_fourteen_day_letter
            ]
            if fourteen:
                index = list(levels).index(fourteen[0])
                inv.in2dmm_fourteen_day_date = inv.invoice_date_due + timedelta(
                    days=LEVEL_DAYS[index]
                )
            invoice(rnd.randint(8, 12))
        elif profile == "late":
            invoice(rnd.randint(8, 15))
        elif profile == "partial":
            inv = invoice(25, 2000)
            self._demo_pay(env, inv, amount=800, date=today - timedelta(days=10))
            inv.in2dmm_level_id = levels[0]
            inv.in2dmm_last_dunning_date = today - timedelta(days=18)
        elif profile == "credit":
            inv = invoice(12, 1500)
            refund = env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": today - timedelta(days=5),
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "name": "Creditering meerwerk",
                                "quantity": 1,
                                "price_unit": 400,
                                "tax_ids": [fields.Command.set(tax.ids)],
                            }
                        )
                    ],
                }
            )
            refund.action_post()
            del inv
        elif profile in ("excluded", "foreign"):
            invoice(rnd.randint(10, 40))
