"""A chat link: which member a chat user (a Slack user of a Slack workspace) is.

The aggregate's id is derived from the chat user (:func:`chat_link_id`), so an incoming
chat command finds its member without a read model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.errors import RuleViolation

SLACK = "slack"
_NAMESPACE = UUID("0f7c3d52-6d1e-4b8e-9a43-2f5f1b6c7a10")


def chat_link_id(platform: str, team_id: str, user_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{platform}:{team_id}:{user_id}")


class ChatLink(OKRAggregate):
    """A chat user known as one member of one organisation."""

    class ChatUserLinked(OKRAggregate.Created):
        """A chat user was linked to a member, whose check-ins they may then make."""

        organization_id: UUID
        member_id: UUID
        platform: str
        team_id: str
        user_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.organization_id = self.organization_id
            aggregate.member_id = self.member_id
            aggregate.platform = self.platform
            aggregate.team_id = self.team_id
            aggregate.user_id = self.user_id
            aggregate.linked = True

    class ChatUserUnlinked(OKRAggregate.Event):
        """The chat user is no longer linked to any member."""

        def apply(self, aggregate: Any) -> None:
            aggregate.linked = False

    class ChatUserRelinked(OKRAggregate.Event):
        """An unlinked chat user was linked again, to a member of the same organisation."""

        organization_id: UUID
        member_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.member_id = self.member_id
            aggregate.linked = True

    if TYPE_CHECKING:
        organization_id: UUID
        member_id: UUID
        platform: str
        team_id: str
        user_id: str
        linked: bool

    @classmethod
    def link_user(
        cls, *, organization_id: UUID, member_id: UUID, team_id: Any, user_id: Any, by: UUID
    ) -> ChatLink:
        team = check.line(team_id, "slack_team_id", max_length=40)
        user = check.line(user_id, "slack_user_id", max_length=40)
        return cls._create(
            cls.ChatUserLinked,
            id=chat_link_id(SLACK, team, user),
            organization_id=organization_id,
            member_id=member_id,
            platform=SLACK,
            team_id=team,
            user_id=user,
            by=by,
        )

    def relink(self, *, organization_id: UUID, member_id: UUID, by: UUID) -> None:
        if organization_id != self.organization_id:
            # Said like an unknown chat user elsewhere: nothing about other organisations.
            raise RuleViolation("the chat user is linked elsewhere", code="chat-user-linked")
        if self.linked:
            raise RuleViolation("the chat user is already linked", code="chat-user-linked")
        self.trigger_event(
            self.ChatUserRelinked, organization_id=organization_id, member_id=member_id, by=by
        )

    def unlink(self, *, by: UUID) -> None:
        if not self.linked:
            raise RuleViolation("the chat user is not linked", code="no-change")
        self.trigger_event(self.ChatUserUnlinked, by=by)
