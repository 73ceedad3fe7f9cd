"""The org picker: the lookup endpoint (scope, name / code / pinyin) and the field's validation."""

import pytest
from django.urls import reverse

from dangjian.orgs.fields import OrgPickerForm, org_label, resolve_org
from dangjian.orgs.models import Org, org_name_pinyin
from dangjian.orgs.services import org_create, org_tree_bulk_create, org_update


def _lookup(client, q, **params):
    response = client.get(reverse("org-lookup"), {"q": q, **params})
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


def test_pinyin_is_kept_from_the_name(world):
    assert org_name_pinyin("东城镇第一党支部") == ("dongchengzhendiyidangzhibu", "dczdydzb")
    branch = Org.objects.get(pk=world.branch_a1_1.pk)
    assert (branch.name_pinyin, branch.name_initials) == ("dongchengzhendiyidangzhibu", "dczdydzb")
    org_update(actor=None, org=branch, name="西城镇第一党支部")
    branch.refresh_from_db()
    assert branch.name_pinyin.startswith("xicheng")
    org_tree_bulk_create(
        actor=None, parent=world.town_a1, nodes=[{"code": "BR-NEW", "name": "南山村党支部", "kind": "branch"}]
    )
    assert Org.objects.get(code="BR-NEW").name_initials == "nscdzb"


@pytest.mark.django_db
def test_lookup_finds_by_name_code_and_pinyin_in_scope(world, client_as):
    client = client_as(world.admin)
    assert _lookup(client, "第一党支部") == ["BR-A1-1", "BR-B-1"]
    assert _lookup(client, "br-a1") == ["BR-A1-1", "BR-A1-2"]
    assert _lookup(client, "BR-A1-1") == ["BR-A1-1"]
    assert _lookup(client, "dongcheng")[:1] == ["TOWN-A1"]
    assert set(_lookup(client, "dongcheng")) == {"TOWN-A1", "BR-A1-1", "BR-A1-2"}
    assert _lookup(client, "dcz") == ["TOWN-A1", "BR-A1-1", "BR-A1-2"]
    assert _lookup(client, "yixian") == ["CTY-B", "GB-B-1", "BR-B-1"]
    assert _lookup(client, "yiyuan") == ["GB-B-1", "BR-B-1"]  # inside the name: 乙县医院…
    # Party groups are left out where the page asks for committees and branches only.
    assert "GRP-A1-1-1" in _lookup(client, "第一党小组")
    assert _lookup(client, "第一党小组", kind="committee,branch") == []


@pytest.mark.django_db
def test_lookup_returns_nothing_outside_the_scope(world, client_as):
    client = client_as(world.secretary)  # BR-A1-1 only
    assert _lookup(client, "党支部") == ["BR-A1-1"]
    assert _lookup(client, "yixian") == [] and _lookup(client, "BR-B") == [] and _lookup(client, "乙县") == []
    viewer = client_as(world.viewer)  # 甲县委
    assert "BR-B-1" not in _lookup(viewer, "医院") and _lookup(viewer, "jiaxian") == ["CTY-A"]


@pytest.mark.django_db
def test_lookup_is_capped_and_needs_a_login(world, client):
    assert client.get(reverse("org-lookup"), {"q": "x"}).status_code == 302
    for i in range(25):
        org_create(
            actor=None, parent=world.county_a, code=f"T{i:02d}", name=f"测试镇{i}党委", kind="committee"
        )
    client.force_login(world.admin)
    response = client.get(reverse("org-lookup"), {"q": "ceshi"}).json()
    assert len(response["results"]) == 20 and response["more"] is True
    assert response["results"][0]["label"] == "测试镇0党委（T00）"


@pytest.mark.django_db
def test_every_org_of_a_large_scope_is_reachable(world, client_as):
    nodes = [{"code": f"BIG-{i:04d}", "name": f"第{i}号党支部", "kind": "branch"} for i in range(600)]
    org_tree_bulk_create(actor=None, parent=world.town_a1, nodes=nodes)
    client = client_as(world.admin)
    assert _lookup(client, "BIG-0599") == ["BIG-0599"]
    assert resolve_org(world.admin, "第599号党支部（BIG-0599）").code == "BIG-0599"


@pytest.mark.django_db
def test_field_resolves_label_code_or_name_and_refuses_the_rest(world):
    def pick(user, text, **kwargs):
        form = OrgPickerForm(user, {"org": text}, **kwargs)
        return form.org, form.errors.get("org", [])

    assert pick(world.secretary, org_label(world.branch_a1_1))[0] == world.branch_a1_1
    assert pick(world.secretary, "BR-A1-1")[0] == world.branch_a1_1
    assert pick(world.secretary, "东城镇第一党支部")[0] == world.branch_a1_1
    assert pick(world.admin, "br-b-1")[0] == world.branch_b_1
    org, errors = pick(world.secretary, "BR-B-1")  # exists, but outside the secretary's scope
    assert org is None and "不在您的管理范围内" in errors[0]
    org, errors = pick(world.secretary, "乙县医院第一党支部（BR-B-1）")
    assert org is None and "不在您的管理范围内" in errors[0]
    org, errors = pick(world.admin, "NO-SUCH")
    assert org is None and errors[0].startswith("找不到“NO-SUCH”")
    org, errors = pick(world.admin, "GRP-A1-1-1", kinds=("committee", "branch"))
    assert org is None and errors
    # Nothing typed: no choice and no error (the page keeps its current org).
    assert pick(world.admin, "") == (None, [])
    assert OrgPickerForm(world.admin, {}).org is None


@pytest.mark.django_db
def test_widget_renders_a_combobox_with_the_lookup_url(world):
    form = OrgPickerForm(world.admin, initial=world.branch_a1_1, kinds=("branch",))
    html = str(form.field)
    assert 'data-org-picker="/orgs/lookup/?kind=branch"' in html and 'role="combobox"' in html
    assert 'value="东城镇第一党支部（BR-A1-1）"' in html and 'role="listbox"' in html


def test_the_combobox_controls_its_own_listbox_when_the_page_names_the_input(world):
    form = OrgPickerForm(world.admin)
    form.fields["org"].widget.attrs["id"] = "f-org"  # as the report pages do
    html = str(form.field)
    assert 'id="f-org"' in html and 'aria-controls="f-org-listbox"' in html and 'id="f-org-listbox"' in html
