import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_out_of_scope_page_is_a_chinese_404(world, client_as):
    response = client_as(world.secretary).get(f"/orgs/{world.branch_b_1.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "找不到您要的内容" in body
    assert "乙县医院" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_forbidden_change_is_a_chinese_403_with_the_reason(world, client_as):
    response = client_as(world.viewer).get(f"/people/{world.people['in_branch'].pk}/edit/")
    assert response.status_code == 403
    assert "没有操作权限" in response.content.decode()
