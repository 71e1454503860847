from . import in2dmm_kvk_number_check
from . import in2dmm_kvk_search
