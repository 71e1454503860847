import logging

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import kvk_client
from ..tools.kvk_client import KvkClient

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    in2dmm_kvk_api_key = fields.Char(
        string="KvK API Key", groups="base.group_system", copy=False
    )
    in2dmm_kvk_environment = fields.Selection(
        [("test", "Test"), ("production", "Production")],
        string="KvK Environment",
        default="test",
        required=True,
    )
    in2dmm_kvk_auto_update_address = fields.Boolean(
        string="Update Addresses from the KvK",
        help="Write address changes found in the KvK directly on the customer "
        "instead of only signalling them.",
    )

    in2dmm_kvk_mutation_subscription = fields.Char(
        string="Mutatieservice Subscription",
        copy=False,
        help="The id (abonnementId) of the company's KvK Mutatieservice "
        "subscription. When set, the daily re-check asks the KvK what changed "
        "and re-checks only those customers instead of all of them.",
    )
    in2dmm_kvk_mutation_since = fields.Datetime(
        string="Change Signals Read Until", copy=False, readonly=True
    )

    def _in2dmm_kvk_client(self):
        """A KvK client for this company; only KvK API users may call the paid API."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "in2dmm_kvk.group_kvk_api_user"
        ):
            raise AccessError(
                self.env._("You are not allowed to use the KvK API (a paid service).")
            )
        company = self.sudo()
        # a local KvK stand-in (demo, acceptance tests) replaces the KvK's host
        base_url = (
            self.env["ir.config_parameter"].sudo().get_param("in2dmm_kvk.base_url")
            or None
        )
        try:
            return KvkClient(
                api_key=company.in2dmm_kvk_api_key,
                environment=company.in2dmm_kvk_environment,
                base_url=base_url,
                timeout=(5, 20),
                max_retries=2,
            )
        except ValueError as exc:
            raise UserError(
                self.env._(
                    "The KvK connection of %(company)s is not set up: %(error)s "
                    "Enter an API key in Settings > Credit Management.",
                    company=self.name,
                    error=exc,
                )
            ) from exc

    def _in2dmm_kvk_call(self, method, *args, **kwargs):
        """Call the KvK through this company's client; errors become UserErrors."""
        client = self._in2dmm_kvk_client()
        try:
            with client:
                return getattr(client, method)(*args, **kwargs)
        except kvk_client.ApiNotFound:
            return None
        except kvk_client.ApiError as exc:
            _logger.info("KvK %s failed: %s", method, exc)
            raise UserError(
                self.env._("The KvK did not answer as expected: %(error)s", error=exc)
            ) from exc
        except ValueError as exc:  # invalid search input, caught before sending
            raise UserError(
                self.env._(
                    "This search cannot be sent to the KvK: %(error)s", error=exc
                )
            ) from exc
