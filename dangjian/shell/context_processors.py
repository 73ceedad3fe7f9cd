from django.utils.translation import gettext as _

from dangjian.accounts.models import ROLE_ACTIONS, Action, Role, RoleAssignment


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser:
        return {"role_summary": _("系统管理员"), "may_write": True}
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))  # one query a page
    # Pages that write are offered only to roles that may write somewhere (a viewer gets none).
    may_write = any(Action.CHANGE_PERSON in ROLE_ACTIONS[r] for r in roles)
    return {"role_summary": _("、").join(sorted(str(Role(r).label) for r in roles)), "may_write": may_write}
