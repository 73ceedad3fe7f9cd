"""Plain helpers shared by the HTTP API tests (test_api_*.py)."""

from __future__ import annotations

import datetime as dt
import re

from dangjian.accounts.services import api_token_create
from dangjian.conftest import valid_id_number

HAN = re.compile(r"[\u4e00-\u9fff]")


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(actor=None, user=user, name="测试")
    return {"Authorization": f"Bearer {raw}"}


def new_person_payload(org_code: str, **overrides) -> dict:
    data = {
        "name": "何晓雯",
        "id_number": valid_id_number(dt.date(1995, 4, 3), "F"),
        "org_code": org_code,
        "standing": "applicant",
        "applied_on": "2020-05-04",
        "phone": "13900001111",
    }
    data.update(overrides)
    return data
