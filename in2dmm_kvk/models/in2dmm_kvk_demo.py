"""Demo data of the KvK connection: the annual accounts of one customer as
the KvK open data lists them (no service is called)."""

from odoo import api, models

from ..tools.kvk_annual_accounts import parse_annual_accounts

CUSTOMER = "Bouwbedrijf Jansen & Zonen B.V."
KVK_NUMBER = "68750110"


def _fields(**values):
    return [{"key": key, "value": value} for key, value in values.items()]


def _account(year, assets_nc, assets_c, equity, short, long_):
    """One deposit in the documented shape: ``opendataFields`` of key and
    string value, with the balance sheet as a group."""
    return {
        "opendataFields": _fields(
            FinancialYear=str(year),
            FinancialReportingPeriodCurrentStartDate="%s-01-01" % year,
            FinancialReportingPeriodCurrentEndDate="%s-12-31" % year,
            DocumentAdoptionDate="%s-05-28" % (year + 1),
            DatumDeponering="%s-06-12" % (year + 1),
            DocumentType="Publicatiestukken",
            LegalEntitySize="Klein",
            FinancialStatementsConsolidated="Nee",
            SbiBusinessCode="41201",
        )
        + [
            {
                "key": "BalanceSheet",
                "opendataFields": _fields(
                    AssetsNoncurrent=str(assets_nc),
                    AssetsCurrent=str(assets_c),
                    Assets=str(assets_nc + assets_c),
                    Equity=str(equity),
                    LiabilitiesMaturityLessThanOneYear=str(short),
                    LiabilitiesMaturityExceedingOneYear=str(long_),
                    EquityAndLiabilities=str(assets_nc + assets_c),
                ),
            }
        ]
    }


class In2dmmKvkDemo(models.AbstractModel):
    _name = "in2dmm.kvk.demo"
    _description = "in2dmm KvK demo data"

    @api.model
    def _load_demo(self):
        partner = self.env["res.partner"].search([("name", "=", CUSTOMER)], limit=1)
        Account = self.env["in2dmm.kvk.annual.account"]
        if not partner or Account.search_count([("partner_id", "=", partner.id)]):
            return
        if not partner.company_registry:
            partner.company_registry = KVK_NUMBER
        body = [
            # equity shrinking, short-term debt growing: what a credit manager
            # wants to see before raising a limit
            _account(2023, 410000, 265000, 210000, 330000, 135000),
            _account(2024, 395000, 240000, 148000, 372000, 115000),
        ]
        # what the records say is written in the language of the demo's user
        lang = self.env.ref("base.user_admin").lang
        Account.with_context(lang=lang)._store_list(
            partner, parse_annual_accounts(body, KVK_NUMBER)
        )
