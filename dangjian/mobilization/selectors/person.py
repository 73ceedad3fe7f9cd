"""The person's file: what a person does in the campaigns (the panel of the person page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dangjian.people.models import Person

from ..models import (
    Commendation,
    CommunityRegistration,
    FrontlineRecommendation,
    GridNode,
    Post,
    Secondment,
    TeamMember,
)

# ---- the person's file -------------------------------------------------------------------------


@dataclass
class PersonRoles:
    secondments: list[Secondment] = field(default_factory=list)
    teams: list[TeamMember] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    grid: list[GridNode] = field(default_factory=list)
    registrations: list[CommunityRegistration] = field(default_factory=list)
    recommendations: list[FrontlineRecommendation] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (self.secondments, self.teams, self.posts, self.grid, self.registrations, self.recommendations,
             self.commendations)
        )  # fmt: skip


def person_roles(person: Person) -> PersonRoles:
    """The person's campaign roles and commendations (the caller has already checked the person)."""
    return PersonRoles(
        secondments=list(
            Secondment.objects.filter(person=person)
            .select_related("temporary_org__org", "temporary_org__campaign")
            .order_by("-joined_on", "-id")[:50]
        ),
        teams=list(
            TeamMember.objects.filter(person=person)
            .select_related("team", "team__campaign")
            .order_by("-joined_on", "-id")[:50]
        ),
        posts=list(
            Post.objects.filter(holder=person).select_related("campaign").order_by("-starts_on", "-id")[:50]
        ),
        grid=list(
            GridNode.objects.filter(lead_person=person).select_related("campaign").order_by("key")[:50]
        ),
        registrations=list(
            CommunityRegistration.objects.filter(person=person)
            .select_related("community", "campaign")
            .order_by("-registered_on")[:20]
        ),
        recommendations=list(
            FrontlineRecommendation.objects.filter(person=person).select_related(
                "campaign", "recommended_by"
            )[:20]
        ),
        commendations=list(
            Commendation.objects.filter(person=person)
            .select_related("bulletin", "bulletin__campaign", "bulletin__issued_by")
            .order_by("-bulletin__issued_on", "-id")[:50]
        ),
    )
