"""Password rules beyond Django's own validators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ForbiddenWordsValidator:
    """Refuse passwords containing the system's own name: the demo password is `dangjian-demo`,
    and it is the first thing anyone would try against this system."""

    def __init__(self, words: tuple[str, ...] = ("dangjian",)) -> None:
        self.words = tuple(w.lower() for w in words)

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        for word in self.words:
            if word in lowered:
                raise ValidationError(
                    _("密码不能包含“%(word)s”。") % {"word": word}, code="password_forbidden_word"
                )

    def get_help_text(self) -> str:
        return _("密码不能包含 %(words)s。") % {"words": "、".join(f"“{w}”" for w in self.words)}
