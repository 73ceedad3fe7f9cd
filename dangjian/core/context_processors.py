from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action, Role, RoleAssignment


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Pages that write are offered only to roles that may write somewhere (a viewer gets none).
    may_write = scope.scope_paths(user, Action.CHANGE_PERSON) != []
    if user.is_superuser:
        return {"role_summary": _("系统管理员"), "may_write": may_write}
    labels = sorted(
        {str(Role(r).label) for r in RoleAssignment.objects.filter(user=user).values_list("role", flat=True)}
    )
    return {"role_summary": _("、").join(labels), "may_write": may_write}
