"""The suite's one HTTP client base (``in2dmm_credit.tools.http_client``),
imported once for every provider adapter of this addon: the same module
object inside Odoo, and no Odoo import in the pytest tier."""

if __name__.startswith("odoo.addons."):
    from odoo.addons.in2dmm_credit.tools import http_client
else:
    try:
        from in2dmm_credit.tools import http_client
    except ImportError:
        from odoo.addons.in2dmm_credit.tools import http_client

__all__ = ["http_client"]
