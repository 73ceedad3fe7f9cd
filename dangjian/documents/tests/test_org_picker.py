"""文书报表 and 工作简报 choose the org with the searchable picker: every org in scope, nothing else."""

import pytest
from django.urls import reverse

from dangjian.orgs.services import org_tree_bulk_create


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["documents", "briefing"])
def test_any_org_in_scope_can_be_chosen_beyond_the_old_cap(world, client_as, page):
    # More committees and branches than the old 500-option list held.
    nodes = [{"code": f"BIG-{i:04d}", "name": f"第{i}号党支部", "kind": "branch"} for i in range(520)]
    org_tree_bulk_create(actor=None, parent=world.town_a1, nodes=nodes)
    client = client_as(world.admin)
    response = client.get(reverse(page), {"org_code": "第519号党支部（BIG-0519）"})
    assert response.status_code == 200 and response.context["org"].code == "BIG-0519"
    body = response.content.decode()
    assert 'value="第519号党支部（BIG-0519）"' in body and "data-org-picker" in body
    assert "<option" not in body.split('id="id_org_code"')[1].split("</div>")[0]  # no capped <select>
    # A code typed without the list works the same.
    assert client.get(reverse(page), {"org_code": "BIG-0007"}).context["org"].code == "BIG-0007"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["documents", "briefing"])
def test_unknown_or_out_of_scope_org_is_refused_with_a_chinese_error(world, client_as, page):
    client = client_as(world.secretary)
    for value in ("BR-B-1", "乙县医院第一党支部（BR-B-1）", "NO-SUCH"):
        response = client.get(reverse(page), {"org_code": value, "org": world.branch_a1_1.pk})
        assert response.status_code == 200
        assert response.context["org"] == world.branch_a1_1  # nothing else shown
        assert "或该党组织不在您的管理范围内" in response.content.decode()
        assert world.branch_b_1.name not in response.content.decode().split("<main")[1].replace(value, "")
    # A party group is not a choice there (committees and branches only).
    response = client.get(reverse(page), {"org_code": world.group_a1_1_1.code})
    assert response.context["org"] != world.group_a1_1_1 and "找不到" in response.content.decode()
