from . import test_kvk_numbers
from . import test_kvk_search
from . import test_kvk_refresh
from . import test_kvk_annual_accounts
