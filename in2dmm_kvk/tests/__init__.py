from . import test_kvk_numbers
