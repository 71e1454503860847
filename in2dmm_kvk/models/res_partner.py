from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import kvk_numbers

#: partner field -> (kvk_numbers kind, cleaning function)
NUMBER_FIELDS = {
    "company_registry": ("kvk_number", kvk_numbers.clean_kvk_number),
    "in2dmm_kvk_branch_number": (
        "vestigingsnummer",
        kvk_numbers.clean_vestigingsnummer,
    ),
    "in2dmm_kvk_rsin": ("rsin", kvk_numbers.clean_rsin),
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    in2dmm_kvk_branch_number = fields.Char(
        string="Establishment Number",
        size=12,
        copy=False,
        help="Vestigingsnummer: the 12-digit number of this establishment in the "
        "Dutch trade register.",
    )
    in2dmm_kvk_rsin = fields.Char(
        string="RSIN",
        size=9,
        copy=False,
        help="Legal entities and partnerships identification number.",
    )
    in2dmm_kvk_legal_form = fields.Char(string="Legal Form")
    in2dmm_kvk_sbi_main = fields.Char(
        string="Main Activity (SBI)", help="Main SBI activity code and description."
    )
    in2dmm_kvk_sbi_other = fields.Char(string="Other Activities (SBI)")
    in2dmm_kvk_registration_date = fields.Date(string="Registered On")
    in2dmm_kvk_end_date = fields.Date(string="Registration Ended On")
    in2dmm_kvk_state = fields.Selection(
        [("active", "Active"), ("ended", "Ended")],
        string="Trade Register Status",
        help="Empty until the company was checked in the KvK.",
    )
    in2dmm_kvk_non_mailing = fields.Boolean(
        string="No Unsolicited Mail",
        help="The company asked the KvK not to receive unsolicited mail "
        "(non-mailing indicator).",
    )
    in2dmm_kvk_checked_on = fields.Datetime(string="Last KvK Check", copy=False)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _in2dmm_kvk_is_dutch(self):
        self.ensure_one()
        country = self.country_id or self.commercial_partner_id.country_id
        return not country or country.code == "NL"

    @api.model
    def _in2dmm_kvk_error(self, partner_name, error):
        """A translated message for an :class:`InvalidNumber`."""
        labels = {
            "kvk_number": self.env._("KvK number"),
            "vestigingsnummer": self.env._("establishment number"),
            "rsin": self.env._("RSIN"),
            "postcode": self.env._("Dutch postcode"),
            "vat": self.env._("Dutch VAT number"),
        }
        expected = {
            "kvk_number": self.env._("8 digits, e.g. 69599084"),
            "vestigingsnummer": self.env._("12 digits, e.g. 000037178598"),
            "rsin": self.env._("9 digits that pass the eleven test"),
            "postcode": self.env._("4 digits and 2 letters, e.g. 1015 CW"),
            "vat": self.env._("NL, 9 digits, B and 2 digits"),
        }
        if error.reason == "checksum":
            problem = self.env._("its check digit is wrong")
        else:
            problem = self.env._(
                "it should be %(expected)s", expected=expected[error.kind]
            )
        return self.env._(
            "%(partner)s: %(value)s is not a valid %(label)s: %(problem)s.",
            partner=partner_name or self.env._("New contact"),
            value=error.value,
            label=labels[error.kind],
            problem=problem,
        )

    def _in2dmm_kvk_problems(self):
        """Every invalid Dutch number of these partners, as translated messages.

        :return: list of (partner, field name, message)
        """
        problems = []
        for partner in self:
            dutch = partner._in2dmm_kvk_is_dutch()
            for fname, (kind, clean) in NUMBER_FIELDS.items():
                value = partner[fname]
                if not value or (kind == "kvk_number" and not dutch):
                    continue
                try:
                    clean(value)
                except kvk_numbers.InvalidNumber as error:
                    problems.append(
                        (partner, fname, self._in2dmm_kvk_error(partner.name, error))
                    )
            if partner.zip and partner.country_id.code == "NL":
                try:
                    kvk_numbers.clean_postcode(partner.zip)
                except kvk_numbers.InvalidNumber as error:
                    problems.append(
                        (partner, "zip", self._in2dmm_kvk_error(partner.name, error))
                    )
        return problems

    @api.constrains(
        "company_registry",
        "in2dmm_kvk_branch_number",
        "in2dmm_kvk_rsin",
        "zip",
        "country_id",
    )
    def _check_in2dmm_kvk_numbers(self):
        problems = self._in2dmm_kvk_problems()
        if problems:
            raise ValidationError("\n".join(message for _p, _f, message in problems))

    # ------------------------------------------------------------------
    # CRUD: store numbers in their canonical form
    # ------------------------------------------------------------------

    @api.model
    def _in2dmm_kvk_normalise(self, vals):
        for fname, (_kind, clean) in NUMBER_FIELDS.items():
            if vals.get(fname):
                try:
                    vals[fname] = clean(vals[fname])
                except kvk_numbers.InvalidNumber:
                    pass  # the constraint reports it, with the partner's name
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._in2dmm_kvk_normalise(dict(v)) for v in vals_list])

    def write(self, vals):
        return super().write(self._in2dmm_kvk_normalise(dict(vals)))

    def action_in2dmm_kvk_check_numbers(self):
        """Check the numbers of the selected partners and list the problems."""
        wizard = self.env["in2dmm.kvk.number.check"].create(
            {"partner_ids": [fields.Command.set(self.ids)]}
        )
        wizard._run_check()
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("KvK Number Check"),
        }
