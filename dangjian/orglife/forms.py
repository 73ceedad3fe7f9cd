from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.orglife.models import Post

MEMBER_ROWS = 9


class CommitteeForm(StyledForm):
    """The election: date, meeting and term, then up to nine rows of (member, post, votes)."""

    elected_on = forms.DateField(label=_("选举日期"), widget=DateInput())
    election_meeting = forms.ModelChoiceField(
        label=_("选举会议"), queryset=None, required=False, empty_label=_("（未登记）"),
        help_text=_("召开的支部党员大会；登记后核对得票是否超过应到会有选举权人数的半数。"),
    )  # fmt: skip
    term_years = forms.IntegerField(
        label=_("任期（年）"), min_value=1, max_value=5, required=False,
        help_text=_("不填按规则集：村、社区党组织5年，其他3年。"),
    )  # fmt: skip
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meetings, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["election_meeting"].queryset = meetings
        self.fields["election_meeting"].label_from_instance = lambda m: (
            f"{m.held_on:%Y-%m-%d} {m.display_title}"
        )
        self.rows = []
        for i in range(MEMBER_ROWS):
            person = forms.ModelChoiceField(label=_("委员"), queryset=people, required=False, empty_label="—")
            person.label_from_instance = lambda p: p.name
            post = forms.ChoiceField(
                label=_("职务"), choices=[("", "—"), *Post.choices], required=False,
                initial=Post.SECRETARY if i == 0 else "",
            )  # fmt: skip
            votes = forms.IntegerField(label=_("得票数"), min_value=0, max_value=100000, required=False)
            for name, field in (("person", person), ("post", post), ("votes", votes)):
                field.widget.attrs["class"] = (
                    "form-select form-select-sm" if name != "votes" else "form-control form-control-sm"
                )
                self.fields[f"{name}_{i}"] = field
            self.rows.append((self[f"person_{i}"], self[f"post_{i}"], self[f"votes_{i}"]))

    def members(self) -> list[tuple]:
        out = []
        for i in range(MEMBER_ROWS):
            person = self.cleaned_data.get(f"person_{i}")
            if person is not None:
                out.append(
                    (person, self.cleaned_data.get(f"post_{i}") or "", self.cleaned_data.get(f"votes_{i}"))
                )
        return out
