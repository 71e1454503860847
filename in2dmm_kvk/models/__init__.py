from . import in2dmm_kvk_annual_account
from . import res_company
from . import res_config_settings
from . import res_partner
from . import in2dmm_kvk_demo
