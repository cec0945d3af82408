"""Tests of the connector runtime, and the contracts every flow's tests share."""

import pytest

# The flows' test modules run the assertions of contracts.py: rewrite them as pytest does for
# test modules, so that a failure shows the values compared.
pytest.register_assert_rewrite("mfgint_runtime.tests.contracts")
