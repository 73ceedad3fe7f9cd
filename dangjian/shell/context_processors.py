from django.utils.translation import gettext as _

from dangjian.accounts.models import ROLE_ACTIONS, Action, Role, RoleAssignment


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser:
        return {
            "role_summary": _("系统管理员"),
            "role_places": [(_("系统管理员"), _("全部"))],
            "may_write": True,
        }
    # One query a page: who the user is where (shown in the navigation's account menu).
    assignments = sorted(
        RoleAssignment.objects.filter(user=user).values_list("role", "org__name"), key=lambda row: row[1]
    )
    roles = {role for role, _org in assignments}
    # Pages that write are offered only to roles that may write somewhere (a viewer gets none).
    may_write = any(Action.CHANGE_PERSON in ROLE_ACTIONS[r] for r in roles)
    return {
        "role_summary": _("、").join(sorted(str(Role(r).label) for r in roles)),
        "role_places": [(Role(role).label, org) for role, org in assignments],
        "may_write": may_write,
    }
