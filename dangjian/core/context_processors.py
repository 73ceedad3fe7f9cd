from django.utils.translation import gettext as _

from dangjian.accounts.models import Role, RoleAssignment


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser:
        return {"role_summary": _("系统管理员")}
    labels = sorted(
        {str(Role(r).label) for r in RoleAssignment.objects.filter(user=user).values_list("role", flat=True)}
    )
    return {"role_summary": _("、").join(labels)}
