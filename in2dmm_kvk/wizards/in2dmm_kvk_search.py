from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tools import kvk_parse

#: KvK-neutral value -> partner field, in the order the preview shows them
PARTNER_FIELDS = [
    ("name", "name"),
    ("street", "street"),
    ("street2", "street2"),
    ("zip", "zip"),
    ("city", "city"),
    ("country_code", "country_id"),
    ("website", "website"),
    ("company_registry", "company_registry"),
    ("vestigingsnummer", "in2dmm_kvk_branch_number"),
    ("rsin", "in2dmm_kvk_rsin"),
    ("legal_form", "in2dmm_kvk_legal_form"),
    ("sbi_main", "in2dmm_kvk_sbi_main"),
    ("sbi_other", "in2dmm_kvk_sbi_other"),
    ("registration_date", "in2dmm_kvk_registration_date"),
    ("end_date", "in2dmm_kvk_end_date"),
    ("state", "in2dmm_kvk_state"),
    ("non_mailing", "in2dmm_kvk_non_mailing"),
]


class In2dmmKvkSearch(models.TransientModel):
    _name = "in2dmm.kvk.search"
    _description = "Search in the KvK"

    partner_id = fields.Many2one(
        "res.partner", string="Contact to Update", help="Empty: create a new company."
    )
    state = fields.Selection(
        [("search", "Search"), ("preview", "Preview")], default="search"
    )
    name = fields.Char()
    kvk_number = fields.Char(string="KvK Number")
    rsin = fields.Char(string="RSIN")
    postcode = fields.Char()
    house_number = fields.Char()
    city = fields.Char()
    result_ids = fields.One2many("in2dmm.kvk.search.result", "search_id")
    result_message = fields.Char(readonly=True)
    selected_id = fields.Many2one("in2dmm.kvk.search.result", readonly=True)
    change_ids = fields.One2many("in2dmm.kvk.search.change", "search_id")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(
            values.get("partner_id") or self.env.context.get("default_partner_id")
        )
        if partner:
            values.setdefault("kvk_number", partner.company_registry or False)
            if not partner.company_registry:
                values.setdefault("name", partner.commercial_partner_id.name)
        return values

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Search in the KvK"),
        }

    def _house_number(self):
        text = (self.house_number or "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise UserError(
                self.env._(
                    "The house number must be a number, without additions (%(value)s).",
                    value=text,
                )
            )
        return int(text)

    def action_search(self):
        self.ensure_one()
        criteria = {
            "naam": self.name,
            "kvkNummer": self.kvk_number,
            "rsin": self.rsin,
            "postcode": self.postcode,
            "huisnummer": self._house_number(),
            "plaats": self.city,
        }
        criteria = {key: value for key, value in criteria.items() if value}
        if not criteria:
            raise UserError(
                self.env._(
                    "Enter a name, KvK number, RSIN, postcode with house number "
                    "or a city."
                )
            )
        page = self.env.company._in2dmm_kvk_call("search", **criteria)
        results = list(page or ())
        self.write(
            {
                "result_ids": [fields.Command.clear()]
                + [
                    fields.Command.create(
                        {
                            "kvk_number": result.kvk_number,
                            "branch_number": result.vestigingsnummer or False,
                            "name": result.name,
                            "kind": result.type or False,
                            "street": result.street,
                            "zip": result.postcode,
                            "city": result.city,
                            "active": result.active is not False,
                        }
                    )
                    for result in results
                ],
                "result_message": self.env._(
                    "%(count)s results found.", count=len(results)
                )
                if results
                else self.env._("The KvK found nothing for this search."),
            }
        )
        return self._reopen()

    def _kvk_values(self, result):
        """Partner values from the KvK's profile of ``result`` (KvK-neutral keys)."""
        company = self.env.company
        profile = company._in2dmm_kvk_call("basisprofiel", result.kvk_number)
        if profile is None:
            raise UserError(
                self.env._(
                    "The KvK has no profile for %(number)s.", number=result.kvk_number
                )
            )
        values = kvk_parse.to_partner_values(profile)
        if result.branch_number and result.branch_number != values.get(
            "vestigingsnummer"
        ):
            branch = company._in2dmm_kvk_call("vestigingsprofiel", result.branch_number)
            if branch is not None:
                branch_values = kvk_parse.to_partner_values(branch)
                for key in (
                    "street",
                    "street2",
                    "zip",
                    "city",
                    "country_code",
                    "vestigingsnummer",
                ):
                    values[key] = branch_values.get(key) or values.get(key)
        codes = values.get("sbi_codes") or []
        values["sbi_main"] = " - ".join(
            x for x in (values.get("sbi_code"), values.get("sbi_description")) if x
        )
        values["sbi_other"] = ", ".join(c for c in codes if c != values.get("sbi_code"))
        active = values.get("active")
        values["state"] = (
            "ended" if values.get("end_date") or active is False else "active"
        )
        return values

    def _current_values(self):
        partner = self.partner_id
        if not partner:
            return {}
        current = {kvk: partner[fname] for kvk, fname in PARTNER_FIELDS}
        current["country_code"] = partner.country_id.code or ""
        return current

    def action_select(self, result):
        self.ensure_one()
        values = self._kvk_values(result)
        current = self._current_values()
        keys = [kvk for kvk, _fname in PARTNER_FIELDS]
        changes = kvk_parse.diff(current, {k: values.get(k) for k in keys}, keys)
        labels = {key: self._label(fname) for key, fname in PARTNER_FIELDS}
        self.write(
            {
                "state": "preview",
                "selected_id": result.id,
                "change_ids": [fields.Command.clear()]
                + [
                    fields.Command.create(
                        {
                            "field_key": change.field,
                            "label": labels[change.field],
                            "old_value": self._display(change.field, change.old),
                            "new_value": self._display(change.field, change.new),
                        }
                    )
                    for change in changes
                ],
            }
        )
        return self._reopen()

    def _label(self, fname):
        if fname == "company_registry":
            return self.env._("KvK Number")
        return self.env["res.partner"]._fields[fname]._description_string(self.env)

    def _display(self, key, value):
        """A value as the user reads it: names, labels and local dates."""
        if value in (None, False, ""):
            return ""
        if key == "country_code":
            country = self.env["res.country"].search([("code", "=", value)], limit=1)
            return country.name or value
        if key == "state":
            selection = self.env["res.partner"]._fields["in2dmm_kvk_state"]
            return dict(selection._description_selection(self.env)).get(value, value)
        if isinstance(value, bool):
            return "✓"
        if isinstance(value, date):
            return format_date(self.env, value)
        return str(value)

    def action_back(self):
        self.write({"state": "search", "change_ids": [fields.Command.clear()]})
        return self._reopen()

    def action_apply(self):
        """Create the company or write the accepted changes; the chatter says what."""
        self.ensure_one()
        if not self.selected_id:
            raise UserError(self.env._("Select a result first."))
        values = self._kvk_values(self.selected_id)
        accepted = {c.field_key for c in self.change_ids if c.apply}
        vals = {}
        for key, fname in PARTNER_FIELDS:
            if self.partner_id and key not in accepted:
                continue
            value = values.get(key)
            if key == "country_code":
                country = self.env["res.country"].search(
                    [("code", "=", value)], limit=1
                )
                vals["country_id"] = country.id or False
            elif value not in (None, ""):
                vals[fname] = value
        vals["in2dmm_kvk_checked_on"] = fields.Datetime.now()
        if self.partner_id:
            self.partner_id.write(vals)
            if accepted:
                self.partner_id.message_post(
                    body=self.env._(
                        "Updated from the KvK (%(number)s): %(fields)s.",
                        number=values.get("company_registry"),
                        fields=", ".join(c.label for c in self.change_ids if c.apply),
                    )
                )
            partner = self.partner_id
        else:
            vals["is_company"] = True
            partner = self.env["res.partner"].create(vals)
            partner.message_post(
                body=self.env._(
                    "Created from the KvK (%(number)s).",
                    number=values.get("company_registry"),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "target": "current",
        }


class In2dmmKvkSearchResult(models.TransientModel):
    _name = "in2dmm.kvk.search.result"
    _description = "KvK Search Result"

    search_id = fields.Many2one("in2dmm.kvk.search", required=True, ondelete="cascade")
    kvk_number = fields.Char(string="KvK Number")
    branch_number = fields.Char(string="Establishment Number")
    name = fields.Char()
    kind = fields.Char(string="Type")
    street = fields.Char()
    zip = fields.Char(string="Postcode")
    city = fields.Char()
    active = fields.Boolean()

    def action_select(self):
        self.ensure_one()
        return self.search_id.action_select(self)


class In2dmmKvkSearchChange(models.TransientModel):
    _name = "in2dmm.kvk.search.change"
    _description = "Change Proposed by the KvK"

    search_id = fields.Many2one("in2dmm.kvk.search", required=True, ondelete="cascade")
    field_key = fields.Char()
    label = fields.Char(string="Field")
    old_value = fields.Char(string="Now")
    new_value = fields.Char(string="In the KvK")
    apply = fields.Boolean(default=True)
