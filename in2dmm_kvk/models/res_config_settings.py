from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    in2dmm_kvk_api_key = fields.Char(
        related="company_id.in2dmm_kvk_api_key",
        readonly=False,
        groups="base.group_system",
    )
    in2dmm_kvk_environment = fields.Selection(
        related="company_id.in2dmm_kvk_environment", readonly=False
    )
    in2dmm_kvk_auto_update_address = fields.Boolean(
        related="company_id.in2dmm_kvk_auto_update_address", readonly=False
    )
    in2dmm_kvk_mutation_subscription = fields.Char(
        related="company_id.in2dmm_kvk_mutation_subscription", readonly=False
    )
    in2dmm_kvk_mutation_since = fields.Datetime(
        related="company_id.in2dmm_kvk_mutation_since"
    )
    in2dmm_kvk_refresh_enabled = fields.Boolean(
        string="Re-check Companies in the KvK",
        compute="_compute_in2dmm_kvk_refresh_enabled",
        inverse="_inverse_in2dmm_kvk_refresh_enabled",
        help="A daily job compares Dutch companies with the KvK (paid calls in "
        "production) and signals changes.",
    )

    def _in2dmm_kvk_refresh_cron(self):
        return self.env.ref(
            "in2dmm_kvk.ir_cron_in2dmm_kvk_refresh", raise_if_not_found=False
        ).sudo()

    def _compute_in2dmm_kvk_refresh_enabled(self):
        cron = self._in2dmm_kvk_refresh_cron()
        for settings in self:
            settings.in2dmm_kvk_refresh_enabled = bool(cron and cron.active)

    def _inverse_in2dmm_kvk_refresh_enabled(self):
        cron = self._in2dmm_kvk_refresh_cron()
        for settings in self:
            if cron and cron.active != settings.in2dmm_kvk_refresh_enabled:
                cron.active = settings.in2dmm_kvk_refresh_enabled
