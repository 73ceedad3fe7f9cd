"""Template helpers for translating stored Chinese text (the change log) when it is shown.

The change log keeps its field names and choice labels in Chinese, the source language, so the
stored data does not depend on who made the change. `translated` looks a stored string up in the
active catalog: UI words (field names, choice labels, "（已隐藏）") become English under English,
anything else (names, free text) is shown as it was stored.
"""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def translated(value):
    if isinstance(value, str) and value:
        return gettext(value)
    return value
