"""The navigation says who is logged in, in which role and where (issue 12)."""

import re

import pytest


def _account_menu(html: str) -> str:
    match = re.search(r'<div class="dropdown me-3" id="account-menu">(.*?)</ul>', html, re.S)
    assert match, "the navigation has no account menu"
    return match.group(1)


@pytest.mark.parametrize(
    "who, role, place",
    [("secretary", "支部书记", "东城镇第一党支部"), ("organizer", "党委组织员", "东城镇党委"),
     ("viewer", "只读查看", "甲县委")],
)  # fmt: skip
def test_the_account_menu_names_the_user_the_role_and_the_org(world, client_as, who, role, place):
    user = getattr(world, who)
    menu = _account_menu(client_as(user).get("/").content.decode())
    assert (user.get_full_name() or user.username) in menu
    assert f'<span id="account-role" class="text-white-50 small">{role}</span>' in menu.replace(
        'class="text-white-50 small" id="account-role"', 'id="account-role" class="text-white-50 small"'
    )
    assert f'<strong>{role}</strong><br><span class="text-muted">{place}</span>' in menu


def test_the_superuser_is_called_the_system_administrator(db, client_as):
    from dangjian.conftest import make_user

    menu = _account_menu(client_as(make_user("root", superuser=True)).get("/").content.decode())
    assert "<strong>系统管理员</strong>" in menu
