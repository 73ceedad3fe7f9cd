from dangjian.accounts.models import Role, RoleAssignment


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser:
        return {"role_summary": "系统管理员"}
    labels = sorted(
        {Role(r).label for r in RoleAssignment.objects.filter(user=user).values_list("role", flat=True)}
    )
    return {"role_summary": "、".join(labels)}
