"""The person service tests share plain helpers; their asserts get pytest's detailed failure messages."""

import pytest

pytest.register_assert_rewrite("dangjian.people.tests.helpers")
