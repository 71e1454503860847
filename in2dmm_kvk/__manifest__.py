{
    "name": "in2dmm KvK",
    "summary": "Kamer van Koophandel: search, fetch and validate Dutch company data",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/in2dmm/in2dmm",
    "author": "in2dmm",
    "license": "LGPL-3",
    "depends": ["in2dmm_credit"],
    "external_dependencies": {"python": ["requests", "python-stdnum"]},
    "data": [
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "installable": True,
}
