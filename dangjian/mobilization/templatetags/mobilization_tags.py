"""`{% person_campaign_roles person %}`: the person's campaign roles and commendations, for the
person's file (the page has already checked that the user may see the person)."""

from django import template

from dangjian.mobilization import selectors

register = template.Library()


@register.inclusion_tag("mobilization/_person_roles.html")
def person_campaign_roles(person):
    return {"roles": selectors.person_roles(person)}
