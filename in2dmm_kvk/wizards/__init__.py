from . import in2dmm_kvk_number_check
