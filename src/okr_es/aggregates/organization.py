"""The organisation: its unit tree, members, roles and OKR policy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.personal_data import ERASED, ERASED_EMAIL, PersonalData
from okr_es.errors import InvalidInput, NotFound, RuleViolation

UnitKind = Literal["organisation", "department", "team", "project"]
UNIT_KINDS: frozenset[str] = frozenset({"organisation", "department", "team", "project"})
CHILD_KINDS: frozenset[str] = UNIT_KINDS - {"organisation"}

Role = Literal["admin", "ambassador", "lead", "member"]
ROLES: frozenset[str] = frozenset({"admin", "ambassador", "lead", "member"})
# Admins act on the whole organisation; the others may be scoped to a unit subtree.
ORG_WIDE_ROLES: frozenset[str] = frozenset({"admin"})

PolicyMode = Literal["enforce", "warn"]
# What an access token may do: read only; read and check in; or all its member may do.
TOKEN_SCOPES: tuple[str, ...] = ("read", "check-in", "admin")
FULL_SCOPE = "admin"
# An OpenID provider's issuer URL and its subject id of one person (claim ``sub``).
SIGN_IN_FIELD_MAX = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class Unit(msgspec.Struct):
    id: UUID
    name: str
    kind: str
    parent_id: UUID | None
    archived: bool = False


class Grant(msgspec.Struct, frozen=True):
    role: str
    unit_id: UUID | None = None


class Member(msgspec.Struct):
    id: UUID
    name: str
    email: str
    grants: list[Grant] = msgspec.field(default_factory=list)
    active: bool = True
    # How a directory (Entra ID, via SCIM) knows the person, once provisioned.
    external_id: str | None = None
    user_name: str | None = None
    # The grants (also in ``grants``) held because of directory groups, not given by hand:
    # only these does leaving a group take away.
    directory_grants: set[Grant] = msgspec.field(default_factory=set)
    # Erased: their name, e-mail address and (by policy) free texts are gone for good.
    erased: bool = False
    # (issuer, subject) pairs by which the person signs in with OpenID Connect.
    sign_ins: list[tuple[str, str]] = msgspec.field(default_factory=list)


# Where a grant came from: given by hand, or held through a mapped directory group.
BY_HAND = "admin"
FROM_DIRECTORY = "directory"


class DirectoryGroup(msgspec.Struct):
    """A group of the organisation's directory (SCIM), and the role its members hold
    through it, if an admin mapped it to one."""

    id: UUID
    display_name: str
    external_id: str | None
    member_ids: list[UUID] = msgspec.field(default_factory=list)
    mapping: Grant | None = None


class WaitingMapping(msgspec.Struct, frozen=True):
    """A mapping an admin made for the name of a group the directory has not created yet."""

    display_name: str
    grant: Grant


class AccessToken(msgspec.Struct):
    """An issued bearer token: only the SHA-256 of its secret is kept."""

    id: UUID
    member_id: UUID
    token_hash: str
    label: str
    revoked: bool = False
    scope: str = FULL_SCOPE


# The whole numbers each policy count may take (an objective limit or key result maximum
# of 0 would forbid OKRs altogether).
POLICY_RANGES: dict[str, tuple[int, int]] = {
    "max_objectives": (1, 50),
    "min_key_results": (0, 50),
    "max_key_results": (1, 50),
    "warn_key_results_above": (0, 50),
}


class Policy(msgspec.Struct, frozen=True):
    """How many objectives and key results a team may have, and whether limits bind."""

    max_objectives: int = 3
    min_key_results: int = 2
    max_key_results: int = 5
    warn_key_results_above: int = 3
    mode: str = "enforce"

    @property
    def enforced(self) -> bool:
        return self.mode == "enforce"


class Organization(OKRAggregate):
    """An organisation's structure; every other aggregate belongs to exactly one."""

    class OrganizationRegistered(OKRAggregate.Created):
        """A new organisation was registered with its root unit."""

        name: str
        root_unit_id: UUID

        def apply(self, aggregate: Any) -> None:
            org: Organization = aggregate
            org.name = self.name
            org.root_unit_id = self.root_unit_id
            org.units = {
                self.root_unit_id: Unit(self.root_unit_id, self.name, "organisation", None)
            }
            org.members = {}
            org.policy = Policy()
            org.tokens = {}
            org.directory_groups = {}
            org.waiting_group_mappings = {}

    class UnitAdded(OKRAggregate.Event):
        """A department, team or project was added under a parent unit."""

        unit_id: UUID
        name: str
        kind: str
        parent_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.units[self.unit_id] = Unit(self.unit_id, self.name, self.kind, self.parent_id)

    class UnitRenamed(OKRAggregate.Event):
        """A unit got a new name."""

        unit_id: UUID
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.units[self.unit_id].name = self.name

    class UnitMoved(OKRAggregate.Event):
        """A unit was moved under another parent."""

        unit_id: UUID
        parent_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.units[self.unit_id].parent_id = self.parent_id

    class UnitArchived(OKRAggregate.Event):
        """A unit stopped setting OKRs; its history stays."""

        unit_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.units[self.unit_id].archived = True

    class MemberAdded(OKRAggregate.Event):
        """A person joined the organisation."""

        personal_data = PersonalData(subject="member_id", fields=("name", "email"))

        member_id: UUID
        name: str
        email: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id] = Member(self.member_id, self.name, self.email)

    class MemberRenamed(OKRAggregate.Event):
        """A member's name changed (marriage, a typo, the directory's spelling)."""

        personal_data = PersonalData(subject="member_id", fields=("name",))

        member_id: UUID
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].name = self.name

    class MemberEmailChanged(OKRAggregate.Event):
        """A member's e-mail address changed."""

        personal_data = PersonalData(subject="member_id", fields=("email",))

        member_id: UUID
        email: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].email = self.email

    class MemberDeactivated(OKRAggregate.Event):
        """A member left or lost access: their tokens stop working, their history stays."""

        member_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].active = False

    class MemberReactivated(OKRAggregate.Event):
        """A deactivated member came back; tokens not revoked work again."""

        member_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].active = True

    class MemberLinkedToDirectory(OKRAggregate.Event):
        """A member was tied to a person in the organisation's directory (SCIM userName and
        externalId)."""

        personal_data = PersonalData(subject="member_id", fields=("user_name",))

        member_id: UUID
        user_name: str
        external_id: str | None

        def apply(self, aggregate: Any) -> None:
            member = aggregate.members[self.member_id]
            member.user_name = self.user_name
            member.external_id = self.external_id

    class MemberErased(OKRAggregate.Event):
        """A member's personal data was erased: their key was destroyed, so their name,
        e-mail address and sealed free texts read as placeholders everywhere from now on.
        Carries no personal data; the member's id, figures and times stay.

        ``sealed_between``: the log positions (from, to; to None: up to this event) in
        which the organisation sealed free texts, so read models blank exactly the texts
        of the member's that were sealed."""

        member_id: UUID
        sealed_between: list[tuple[int, int | None]]

        def apply(self, aggregate: Any) -> None:
            member = aggregate.members[self.member_id]
            member.name = ERASED
            member.email = ERASED_EMAIL
            member.user_name = None
            member.external_id = None
            member.active = False
            member.erased = True

    class PrivacyPolicySet(OKRAggregate.Event):
        """The organisation decided whether free texts its members write (check-in
        comments, reflections, notes) are their personal data, sealed under their keys."""

        seal_free_text: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.seal_free_text = self.seal_free_text

    class OwnershipTransferred(OKRAggregate.Event):
        """Everything one member owned was handed to another (each change is its own
        event on the objective or initiative; this records the decision and its scope)."""

        from_member_id: UUID
        to_member_id: UUID
        objective_ids: list[UUID]
        initiative_ids: list[UUID]

        def apply(self, aggregate: Any) -> None:
            pass  # the owners live on the objectives and initiatives

    class RoleGranted(OKRAggregate.Event):
        """A member got a role, organisation-wide or in one unit's subtree: by hand
        (``source`` admin) or through a mapped directory group (``directory``)."""

        # v2 added source: every grant before it was given by hand. A grant by hand of a
        # role the member holds through a group makes it theirs to keep.
        class_version = 2

        member_id: UUID
        role: str
        unit_id: UUID | None
        source: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["source"] = BY_HAND

        def apply(self, aggregate: Any) -> None:
            member = aggregate.members[self.member_id]
            grant = Grant(self.role, self.unit_id)
            if grant not in member.grants:
                member.grants.append(grant)
            if self.source == FROM_DIRECTORY:
                member.directory_grants.add(grant)
            else:
                member.directory_grants.discard(grant)

    class RoleRevoked(OKRAggregate.Event):
        """A member lost a role: taken by hand (``source`` admin) or because they left
        the directory group it came through, or the group lost its mapping
        (``directory``)."""

        # v2 added source: every revocation before it was made by hand.
        class_version = 2

        member_id: UUID
        role: str
        unit_id: UUID | None
        source: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["source"] = BY_HAND

        def apply(self, aggregate: Any) -> None:
            member = aggregate.members[self.member_id]
            grant = Grant(self.role, self.unit_id)
            member.grants.remove(grant)
            member.directory_grants.discard(grant)

    class DirectoryGroupCreated(OKRAggregate.Event):
        """The directory created a group (SCIM); a mapping waiting for its name is its."""

        group_id: UUID
        display_name: str
        external_id: str | None

        def apply(self, aggregate: Any) -> None:
            groups = aggregate.directory_groups
            waiting = aggregate.waiting_group_mappings.pop(
                check.same_text_key(self.display_name), None
            )
            groups[self.group_id] = DirectoryGroup(
                self.group_id, self.display_name, self.external_id,
                mapping=None if waiting is None else waiting.grant,
            )

    class DirectoryGroupRenamed(OKRAggregate.Event):
        """A directory group got a new display name (its mapping stays with it)."""

        group_id: UUID
        display_name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.directory_groups[self.group_id].display_name = self.display_name

    class DirectoryGroupRelinked(OKRAggregate.Event):
        """A directory group's own id in the directory (SCIM externalId) changed."""

        group_id: UUID
        external_id: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.directory_groups[self.group_id].external_id = self.external_id

    class DirectoryGroupMembersAdded(OKRAggregate.Event):
        """Members joined a directory group."""

        group_id: UUID
        member_ids: list[UUID]

        def apply(self, aggregate: Any) -> None:
            aggregate.directory_groups[self.group_id].member_ids.extend(self.member_ids)

    class DirectoryGroupMembersRemoved(OKRAggregate.Event):
        """Members left a directory group."""

        group_id: UUID
        member_ids: list[UUID]

        def apply(self, aggregate: Any) -> None:
            group = aggregate.directory_groups[self.group_id]
            gone = set(self.member_ids)
            group.member_ids = [m for m in group.member_ids if m not in gone]

    class DirectoryGroupDeleted(OKRAggregate.Event):
        """The directory deleted a group; the roles held through it went with it."""

        group_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate.directory_groups[self.group_id]

    class DirectoryGroupMapped(OKRAggregate.Event):
        """An admin decided that the members of a directory group hold a role (in a unit):
        of the group ``group_id``, or, when None, of the group the directory will create
        with ``display_name``."""

        group_id: UUID | None
        display_name: str
        role: str
        unit_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            grant = Grant(self.role, self.unit_id)
            if self.group_id is None:
                key = check.same_text_key(self.display_name)
                aggregate.waiting_group_mappings[key] = WaitingMapping(self.display_name, grant)
            else:
                aggregate.directory_groups[self.group_id].mapping = grant

    class DirectoryGroupUnmapped(OKRAggregate.Event):
        """A directory group's members no longer hold a role through it."""

        group_id: UUID | None
        display_name: str

        def apply(self, aggregate: Any) -> None:
            if self.group_id is None:
                key = check.same_text_key(self.display_name)
                aggregate.waiting_group_mappings.pop(key, None)
            else:
                aggregate.directory_groups[self.group_id].mapping = None

    class PolicyChanged(OKRAggregate.Event):
        """The organisation's objective and key-result limits changed."""

        max_objectives: int
        min_key_results: int
        max_key_results: int
        warn_key_results_above: int
        mode: str

        def apply(self, aggregate: Any) -> None:
            aggregate.policy = Policy(
                self.max_objectives,
                self.min_key_results,
                self.max_key_results,
                self.warn_key_results_above,
                self.mode,
            )

    class ReviewPolicySet(OKRAggregate.Event):
        """The organisation's learning review thresholds were set (a JSON review policy)."""

        policy: str

        def apply(self, aggregate: Any) -> None:
            aggregate.review_policy = self.policy

    class LintPolicySet(OKRAggregate.Event):
        """The organisation's OKR quality lint rules were set (a JSON lint policy)."""

        policy: str

        def apply(self, aggregate: Any) -> None:
            aggregate.lint_policy = self.policy

    class AccessTokenIssued(OKRAggregate.Event):
        """A member was given a bearer token for the API (only the secret's hash is kept)."""

        # v2 added scope: what the token may do (read, check-in, admin); every older
        # token may do all its member may (admin).
        class_version = 2

        token_id: UUID
        member_id: UUID
        token_hash: str
        label: str
        scope: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scope"] = FULL_SCOPE

        def apply(self, aggregate: Any) -> None:
            aggregate.tokens[self.token_id] = AccessToken(
                self.token_id, self.member_id, self.token_hash, self.label, scope=self.scope
            )

    class AccessTokenRevoked(OKRAggregate.Event):
        """A bearer token stopped being accepted."""

        token_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.tokens[self.token_id].revoked = True

    class MemberSignInLinked(OKRAggregate.Event):
        """A member may sign in with an OpenID provider's account: the provider's issuer
        and its subject id of the person (``sub``)."""

        personal_data = PersonalData(subject="member_id", fields=("subject",))

        member_id: UUID
        issuer: str
        subject: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].sign_ins.append((self.issuer, self.subject))

    class MemberSignInUnlinked(OKRAggregate.Event):
        """A member's OpenID provider account no longer signs them in."""

        personal_data = PersonalData(subject="member_id", fields=("subject",))

        member_id: UUID
        issuer: str
        subject: str

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.member_id].sign_ins.remove((self.issuer, self.subject))

    if TYPE_CHECKING:  # state set by the events; not dataclass fields of the aggregate
        name: str
        root_unit_id: UUID
        units: dict[UUID, Unit]
        members: dict[UUID, Member]
        policy: Policy
        tokens: dict[UUID, AccessToken]
        directory_groups: dict[UUID, DirectoryGroup]
        # Mappings of groups the directory has not created yet, by name (same_text_key).
        waiting_group_mappings: dict[str, WaitingMapping]

    # Stored policies as JSON documents (None: never set, the defaults hold). Class
    # defaults, so organisations snapshotted before policies were stored read as unset.
    review_policy: str | None = None
    lint_policy: str | None = None
    # Whether members' free texts are sealed under their keys (PrivacyPolicySet).
    seal_free_text: bool = False

    # --- commands ---------------------------------------------------------------------------

    @classmethod
    def register(
        cls,
        *,
        organization_id: UUID,
        name: str,
        root_unit_id: UUID,
        founder_id: UUID,
        founder_name: str,
        founder_email: str,
    ) -> Organization:
        """Register an organisation whose founder becomes its first admin."""
        name = check.line(name, "name", max_length=check.NAME_MAX)
        org = cls._create(
            cls.OrganizationRegistered,
            id=organization_id,
            name=name,
            root_unit_id=root_unit_id,
            by=founder_id,
        )
        org.add_member(member_id=founder_id, name=founder_name, email=founder_email, by=founder_id)
        org.grant_role(member_id=founder_id, role="admin", unit_id=None, by=founder_id)
        return org

    def add_unit(self, *, unit_id: UUID, name: str, kind: str, parent_id: UUID, by: UUID) -> None:
        name = check.line(name, "name", max_length=check.NAME_MAX)
        kind = check.choice(kind, "kind", CHILD_KINDS)
        parent = self.unit(parent_id, field="parent_id")
        if parent.archived:
            raise RuleViolation(
                f"unit '{parent.name}' is archived", code="unit-archived", field="parent_id"
            )
        if unit_id in self.units:
            raise RuleViolation("unit id already used", code="duplicate-id", field="unit_id")
        self._check_unique_sibling_name(parent_id, name, exclude=None)
        self.trigger_event(
            self.UnitAdded, unit_id=unit_id, name=name, kind=kind, parent_id=parent_id, by=by
        )

    def rename_unit(self, *, unit_id: UUID, name: str, by: UUID) -> None:
        unit = self.unit(unit_id)
        name = check.line(name, "name", max_length=check.NAME_MAX)
        if name == unit.name:
            raise RuleViolation("the unit already has that name", code="no-change", field="name")
        if unit.parent_id is not None:
            self._check_unique_sibling_name(unit.parent_id, name, exclude=unit_id)
        self.trigger_event(self.UnitRenamed, unit_id=unit_id, name=name, by=by)

    def move_unit(self, *, unit_id: UUID, parent_id: UUID, by: UUID) -> None:
        unit = self.unit(unit_id)
        parent = self.unit(parent_id, field="parent_id")
        if unit.parent_id is None:
            raise RuleViolation(
                "the organisation's root unit cannot move", code="root-unit", field="unit_id"
            )
        if parent_id == unit_id or unit_id in self.ancestors(parent_id):
            raise RuleViolation(
                "a unit cannot move under itself or its descendants",
                code="unit-cycle",
                field="parent_id",
            )
        if parent.archived:
            raise RuleViolation(
                f"unit '{parent.name}' is archived", code="unit-archived", field="parent_id"
            )
        if parent_id == unit.parent_id:
            raise RuleViolation("the unit is already there", code="no-change", field="parent_id")
        self._check_unique_sibling_name(parent_id, unit.name, exclude=unit_id)
        self.trigger_event(self.UnitMoved, unit_id=unit_id, parent_id=parent_id, by=by)

    def archive_unit(self, *, unit_id: UUID, reason: str, by: UUID) -> None:
        unit = self.unit(unit_id)
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX)
        if unit.parent_id is None:
            raise RuleViolation(
                "the organisation's root unit cannot be archived",
                code="root-unit",
                field="unit_id",
            )
        if unit.archived:
            raise RuleViolation("the unit is already archived", code="unit-archived")
        active_children = [u.name for u in self.children(unit_id) if not u.archived]
        if active_children:
            raise RuleViolation(
                "archive or move the unit's sub-units first",
                code="unit-has-children",
                field="unit_id",
                children=active_children,
            )
        self.trigger_event(self.UnitArchived, unit_id=unit_id, reason=reason, by=by)

    def add_member(self, *, member_id: UUID, name: str, email: str, by: UUID) -> None:
        name = check.line(name, "name", max_length=check.NAME_MAX)
        email = self._new_email(email)
        if member_id in self.members:
            raise RuleViolation("member id already used", code="duplicate-id", field="member_id")
        self.trigger_event(self.MemberAdded, member_id=member_id, name=name, email=email, by=by)

    def rename_member(self, *, member_id: UUID, name: str, by: UUID) -> None:
        member = self.member(member_id)
        self._not_erased(member)
        name = check.line(name, "name", max_length=check.NAME_MAX)
        if name == member.name:
            raise RuleViolation(f"{name} is already the member's name", code="no-change",
                                field="name")
        self.trigger_event(self.MemberRenamed, member_id=member_id, name=name, by=by)

    def change_member_email(self, *, member_id: UUID, email: str, by: UUID) -> None:
        member = self.member(member_id)
        self._not_erased(member)
        if check.line(email, "email", max_length=254).lower() == member.email:
            raise RuleViolation("that is already the member's e-mail address",
                                code="no-change", field="email")
        email = self._new_email(email)
        self.trigger_event(self.MemberEmailChanged, member_id=member_id, email=email, by=by)

    def deactivate_member(self, *, member_id: UUID, reason: str, by: UUID) -> None:
        member = self.member(member_id)
        reason = check.text(reason, "reason", max_length=check.TEXT_MAX, required=False)
        if not member.active:
            raise RuleViolation(f"{member.name} is already deactivated",
                                code="member-inactive", field="member_id")
        if Grant("admin") in member.grants and len(self.admins()) == 1:
            raise RuleViolation("the last active admin cannot be deactivated",
                                code="last-admin", field="member_id")
        self.trigger_event(self.MemberDeactivated, member_id=member_id, reason=reason, by=by)

    def reactivate_member(self, *, member_id: UUID, by: UUID) -> None:
        member = self.member(member_id)
        if member.erased:
            raise RuleViolation("an erased member cannot come back", code="member-erased",
                                field="member_id")
        if member.active:
            raise RuleViolation(f"{member.name} is active", code="member-active",
                                field="member_id")
        self.trigger_event(self.MemberReactivated, member_id=member_id, by=by)

    def erase_member(
        self,
        *,
        member_id: UUID,
        by: UUID,
        sealed_between: list[tuple[int, int | None]] | None = None,
    ) -> None:
        """Erase a member's personal data (the caller destroys their key once this is
        saved). They are deactivated too; the last active admin cannot be erased."""
        member = self.member(member_id)
        if member.erased:
            raise RuleViolation("the member is already erased", code="member-erased",
                                field="member_id")
        if member.active and Grant("admin") in member.grants and len(self.admins()) == 1:
            raise RuleViolation("the last active admin cannot be erased",
                                code="last-admin", field="member_id")
        self.trigger_event(self.MemberErased, member_id=member_id,
                           sealed_between=list(sealed_between or []), by=by)

    def set_privacy_policy(self, *, seal_free_text: Any, by: UUID) -> None:
        if not isinstance(seal_free_text, bool):
            raise InvalidInput("seal_free_text must be true or false", code="invalid-input",
                               field="seal_free_text")
        if seal_free_text == self.seal_free_text:
            raise RuleViolation("the privacy policy is already like that", code="no-change")
        self.trigger_event(self.PrivacyPolicySet, seal_free_text=seal_free_text, by=by)

    def link_to_directory(
        self, *, member_id: UUID, user_name: str, external_id: str | None, by: UUID
    ) -> None:
        member = self.member(member_id)
        self._not_erased(member)
        user_name = check.line(user_name, "user_name", max_length=255)
        if external_id is not None:
            external_id = check.line(external_id, "external_id", max_length=255)
        if (member.user_name, member.external_id) == (user_name, external_id):
            raise RuleViolation("the member is already linked so", code="no-change",
                                field="user_name")
        for other in self.members.values():
            if other.id == member_id:
                continue
            if other.user_name is not None and other.user_name.lower() == user_name.lower():
                raise RuleViolation(f"user name {user_name} belongs to another member",
                                    code="duplicate-member", field="user_name")
            if external_id is not None and other.external_id == external_id:
                raise RuleViolation(f"directory id {external_id} belongs to another member",
                                    code="duplicate-member", field="external_id")
        self.trigger_event(self.MemberLinkedToDirectory, member_id=member_id,
                           user_name=user_name, external_id=external_id, by=by)

    def record_ownership_transfer(
        self,
        *,
        from_member_id: UUID,
        to_member_id: UUID,
        objective_ids: list[UUID],
        initiative_ids: list[UUID],
        by: UUID,
    ) -> None:
        self.member(from_member_id, field="from_member_id")
        self.active_member(to_member_id, field="to_member_id")
        if from_member_id == to_member_id:
            raise InvalidInput("a member cannot hand their things to themselves",
                               code="same-member", field="to_member_id")
        if not objective_ids and not initiative_ids:
            raise RuleViolation("the member owns no open objective or initiative",
                                code="nothing-to-transfer", field="from_member_id")
        self.trigger_event(
            self.OwnershipTransferred,
            from_member_id=from_member_id,
            to_member_id=to_member_id,
            objective_ids=objective_ids,
            initiative_ids=initiative_ids,
            by=by,
        )

    def grant_role(self, *, member_id: UUID, role: str, unit_id: UUID | None, by: UUID) -> None:
        member = self.member(member_id)
        role = check.choice(role, "role", ROLES)
        unit_id = self._role_scope(role, unit_id)
        grant = Grant(role, unit_id)
        # A role held through a directory group may be given by hand: then it stays when
        # the member leaves the group.
        if grant in member.grants and grant not in member.directory_grants:
            raise RuleViolation(
                f"{member.name} already has role {role} there", code="role-already-granted"
            )
        self.trigger_event(self.RoleGranted, member_id=member_id, role=role, unit_id=unit_id,
                           source=BY_HAND, by=by)

    def revoke_role(self, *, member_id: UUID, role: str, unit_id: UUID | None, by: UUID) -> None:
        member = self.member(member_id)
        role = check.choice(role, "role", ROLES)
        if Grant(role, unit_id) not in member.grants:
            raise RuleViolation(
                f"{member.name} does not have role {role} there", code="role-not-granted"
            )
        if role == "admin" and member.active and len(self.admins()) == 1:
            raise RuleViolation(
                "the last admin cannot lose the admin role", code="last-admin", field="member_id"
            )
        self.trigger_event(self.RoleRevoked, member_id=member_id, role=role, unit_id=unit_id,
                           source=BY_HAND, by=by)

    def change_policy(
        self,
        *,
        max_objectives: Any,
        min_key_results: Any,
        max_key_results: Any,
        warn_key_results_above: Any,
        mode: Any,
        by: UUID,
    ) -> None:
        counts = {
            "max_objectives": max_objectives,
            "min_key_results": min_key_results,
            "max_key_results": max_key_results,
            "warn_key_results_above": warn_key_results_above,
        }
        for field, value in counts.items():
            low, high = POLICY_RANGES[field]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(
                    f"{field} must be a whole number from {low} to {high}",
                    code="out-of-range",
                    field=field,
                )
        mode = check.choice(mode, "mode", {"enforce", "warn"})
        if min_key_results > max_key_results:
            # Name the limit this change moves: a higher minimum, else a lower maximum.
            moved = (
                "min_key_results"
                if min_key_results != self.policy.min_key_results
                else "max_key_results"
            )
            raise InvalidInput(
                f"min_key_results ({min_key_results}) must not exceed max_key_results "
                f"({max_key_results})",
                code="out-of-range",
                field=moved,
            )
        new = Policy(max_objectives, min_key_results, max_key_results, warn_key_results_above, mode)
        if new == self.policy:
            raise RuleViolation("the policy is already like that", code="no-change")
        self.trigger_event(self.PolicyChanged, by=by, **counts, mode=mode)

    def set_review_policy(self, *, policy: str, by: UUID) -> None:
        """Store the review policy, a JSON document the caller has decoded as a
        ``ReviewPolicy`` (``{}``: the defaults)."""
        policy = _policy_document(policy, "review policy")
        if policy == self.review_policy or (self.review_policy is None and policy == "{}"):
            raise RuleViolation("the review policy is already like that", code="no-change")
        self.trigger_event(self.ReviewPolicySet, policy=policy, by=by)

    def set_lint_policy(self, *, policy: str, by: UUID) -> None:
        """Store the lint policy, a JSON document the caller has decoded as a
        ``LintPolicy`` (``{}``: the defaults)."""
        policy = _policy_document(policy, "lint policy")
        if policy == self.lint_policy or (self.lint_policy is None and policy == "{}"):
            raise RuleViolation("the lint policy is already like that", code="no-change")
        self.trigger_event(self.LintPolicySet, policy=policy, by=by)

    def issue_token(
        self,
        *,
        token_id: UUID,
        member_id: UUID,
        token_hash: str,
        label: str,
        by: UUID,
        scope: str = FULL_SCOPE,
    ) -> None:
        self.active_member(member_id)
        label = check.line(label, "label", max_length=check.NAME_MAX, required=False)
        scope = check.choice(scope, "scope", frozenset(TOKEN_SCOPES))
        if not isinstance(token_hash, str) or not _SHA256_HEX.fullmatch(token_hash):
            raise InvalidInput(
                "token_hash must be a SHA-256 hex digest", code="invalid-input", field="token_hash"
            )
        if token_id in self.tokens:
            raise RuleViolation("token id already used", code="duplicate-id", field="token_id")
        self.trigger_event(
            self.AccessTokenIssued,
            token_id=token_id,
            member_id=member_id,
            token_hash=token_hash,
            label=label,
            scope=scope,
            by=by,
        )

    def link_sign_in(self, *, member_id: UUID, issuer: str, subject: str, by: UUID) -> None:
        """Let a member sign in with the provider account ``subject`` of ``issuer``."""
        self.active_member(member_id)
        issuer = check.line(issuer, "issuer", max_length=SIGN_IN_FIELD_MAX)
        subject = check.line(subject, "subject", max_length=SIGN_IN_FIELD_MAX)
        holder = self.member_signing_in_as(issuer, subject)
        if holder is not None:
            if holder.id == member_id:
                raise RuleViolation("the member already signs in with that account",
                                    code="no-change", field="subject")
            raise RuleViolation("that account already signs in another member",
                                code="duplicate-member", field="subject")
        self.trigger_event(self.MemberSignInLinked, member_id=member_id, issuer=issuer,
                           subject=subject, by=by)

    def unlink_sign_in(self, *, member_id: UUID, issuer: str, subject: str, by: UUID) -> None:
        member = self.member(member_id)
        self._not_erased(member)
        if (issuer, subject) not in member.sign_ins:
            raise NotFound("the member does not sign in with that account", field="subject")
        self.trigger_event(self.MemberSignInUnlinked, member_id=member_id, issuer=issuer,
                           subject=subject, by=by)

    def member_signing_in_as(self, issuer: str, subject: str) -> Member | None:
        """The member whose provider account this is, deactivated or not."""
        return next(
            (m for m in self.members.values() if (issuer, subject) in m.sign_ins), None
        )

    def revoke_token(self, *, token_id: UUID, by: UUID) -> None:
        token = self.token(token_id)
        if token.revoked:
            raise RuleViolation(
                "the token is already revoked", code="token-revoked", field="token_id"
            )
        self.trigger_event(self.AccessTokenRevoked, token_id=token_id, by=by)

    # --- directory groups (SCIM) -------------------------------------------------------------
    # A member of a mapped group holds the group's role; each change to a group's members
    # or mapping is followed by the grants and revocations it brings, in the same save.

    def create_directory_group(
        self, *, group_id: UUID, display_name: str, external_id: str | None,
        member_ids: list[UUID], by: UUID,
    ) -> None:
        display_name = self._new_group_name(display_name, exclude=None)
        external_id = self._new_group_external_id(external_id, exclude=None)
        members = [self.member(m, field="members").id for m in dict.fromkeys(member_ids)]
        if group_id in self.directory_groups:
            raise RuleViolation("group id already used", code="duplicate-id", field="group_id")
        self.trigger_event(self.DirectoryGroupCreated, group_id=group_id,
                           display_name=display_name, external_id=external_id, by=by)
        if members:
            self.trigger_event(self.DirectoryGroupMembersAdded, group_id=group_id,
                               member_ids=members, by=by)
        self._follow_groups(members, by)

    def rename_directory_group(self, *, group_id: UUID, display_name: str, by: UUID) -> None:
        group = self.directory_group(group_id)
        display_name = self._new_group_name(display_name, exclude=group_id)
        if display_name == group.display_name:
            raise RuleViolation("the group already has that name", code="no-change",
                                field="display_name")
        self.trigger_event(self.DirectoryGroupRenamed, group_id=group_id,
                           display_name=display_name, by=by)

    def relink_directory_group(
        self, *, group_id: UUID, external_id: str | None, by: UUID
    ) -> None:
        group = self.directory_group(group_id)
        external_id = self._new_group_external_id(external_id, exclude=group_id)
        if external_id == group.external_id:
            raise RuleViolation("the group already has that directory id", code="no-change",
                                field="external_id")
        self.trigger_event(self.DirectoryGroupRelinked, group_id=group_id,
                           external_id=external_id, by=by)

    def add_directory_group_members(
        self, *, group_id: UUID, member_ids: list[UUID], by: UUID
    ) -> None:
        group = self.directory_group(group_id)
        members = [self.member(m, field="members").id for m in dict.fromkeys(member_ids)]
        new = [m for m in members if m not in group.member_ids]
        if not new:
            raise RuleViolation("they are in the group already", code="no-change",
                                field="members")
        self.trigger_event(self.DirectoryGroupMembersAdded, group_id=group_id, member_ids=new,
                           by=by)
        self._follow_groups(new, by)

    def remove_directory_group_members(
        self, *, group_id: UUID, member_ids: list[UUID], by: UUID
    ) -> None:
        group = self.directory_group(group_id)
        gone = [m for m in dict.fromkeys(member_ids) if m in group.member_ids]
        if not gone:
            raise RuleViolation("they are not in the group", code="no-change", field="members")
        self.trigger_event(self.DirectoryGroupMembersRemoved, group_id=group_id,
                           member_ids=gone, by=by)
        self._follow_groups(gone, by)

    def delete_directory_group(self, *, group_id: UUID, by: UUID) -> None:
        members = list(self.directory_group(group_id).member_ids)
        self.trigger_event(self.DirectoryGroupDeleted, group_id=group_id, by=by)
        self._follow_groups(members, by)

    def map_directory_group(
        self, *, group: str, role: str, unit_id: UUID | None, by: UUID
    ) -> None:
        """Members of the group ``group`` names (its id or display name) hold ``role`` in
        ``unit_id``; a name no group has yet waits for the directory to create it."""
        found = self.directory_group_named(group)
        role = check.choice(role, "role", ROLES)
        unit_id = self._role_scope(role, unit_id)
        grant = Grant(role, unit_id)
        if found is None:
            name = check.line(group, "group", max_length=GROUP_NAME_MAX)
            if _is_uuid(name):
                # An id names a group the directory created; no group is named so.
                raise NotFound(f"no directory group {name} in this organisation", field="group")
            waiting = self.waiting_group_mappings.get(check.same_text_key(name))
            if waiting is not None and waiting.grant == grant:
                raise RuleViolation("the group is already mapped so", code="no-change",
                                    field="group")
            self.trigger_event(self.DirectoryGroupMapped, group_id=None, display_name=name,
                               role=role, unit_id=unit_id, by=by)
            return
        if found.mapping == grant:
            raise RuleViolation("the group is already mapped so", code="no-change",
                                field="group")
        self.trigger_event(self.DirectoryGroupMapped, group_id=found.id,
                           display_name=found.display_name, role=role, unit_id=unit_id, by=by)
        self._follow_groups(found.member_ids, by)

    def unmap_directory_group(self, *, group: str, by: UUID) -> None:
        found = self.directory_group_named(group)
        if found is None:
            name = check.line(group, "group", max_length=GROUP_NAME_MAX)
            if check.same_text_key(name) not in self.waiting_group_mappings:
                raise NotFound(f"no directory group {name} is mapped", field="group")
            self.trigger_event(self.DirectoryGroupUnmapped, group_id=None, display_name=name,
                               by=by)
            return
        if found.mapping is None:
            raise RuleViolation(f"group {found.display_name} is not mapped", code="no-change",
                                field="group")
        self.trigger_event(self.DirectoryGroupUnmapped, group_id=found.id,
                           display_name=found.display_name, by=by)
        self._follow_groups(found.member_ids, by)

    def directory_group(self, group_id: UUID, *, field: str = "group_id") -> DirectoryGroup:
        try:
            return self.directory_groups[group_id]
        except KeyError:
            raise NotFound(f"no directory group {group_id} in this organisation",
                           field=field) from None

    def directory_group_named(self, group: Any) -> DirectoryGroup | None:
        """The group whose id, or else display name, ``group`` is (None: no such group)."""
        if not isinstance(group, str):
            raise InvalidInput("group must be a group's id or display name",
                               code="wrong-type", field="group")
        try:
            found = self.directory_groups.get(UUID(group))
        except ValueError:
            found = None
        if found is not None:
            return found
        key = check.same_text_key(group)
        return next((g for g in self.directory_groups.values()
                     if check.same_text_key(g.display_name) == key), None)

    def roles_through_groups(self, member_id: UUID) -> set[Grant]:
        """The grants the member's groups' mappings give them now."""
        return {g.mapping for g in self.directory_groups.values()
                if g.mapping is not None and member_id in g.member_ids}

    def _follow_groups(self, member_ids: list[UUID], by: UUID) -> None:
        """Grant what the members' groups give them and they lack; revoke what only a
        group gave them and no group gives them any more. Grants given by hand are never
        touched, nor the last admin's admin role."""
        for member_id in dict.fromkeys(member_ids):
            member = self.members[member_id]
            wanted = self.roles_through_groups(member_id)
            for grant in sorted(wanted - set(member.grants), key=_grant_order):
                self.trigger_event(self.RoleGranted, member_id=member_id, role=grant.role,
                                   unit_id=grant.unit_id, source=FROM_DIRECTORY, by=by)
            for grant in sorted(member.directory_grants - wanted, key=_grant_order):
                if grant == Grant("admin") and member.active and len(self.admins()) == 1:
                    continue
                self.trigger_event(self.RoleRevoked, member_id=member_id, role=grant.role,
                                   unit_id=grant.unit_id, source=FROM_DIRECTORY, by=by)

    def _new_group_name(self, display_name: Any, *, exclude: UUID | None) -> str:
        name = check.line(display_name, "display_name", max_length=GROUP_NAME_MAX)
        key = check.same_text_key(name)
        for other in self.directory_groups.values():
            if other.id != exclude and check.same_text_key(other.display_name) == key:
                raise RuleViolation(f"a directory group is named {name} already",
                                    code="duplicate-group", field="display_name")
        return name

    def _new_group_external_id(self, external_id: Any, *, exclude: UUID | None) -> str | None:
        if external_id is None:
            return None
        linked = check.line(external_id, "external_id", max_length=255)
        for other in self.directory_groups.values():
            if other.id != exclude and other.external_id == linked:
                raise RuleViolation(f"directory id {linked} belongs to another group",
                                    code="duplicate-group", field="external_id")
        return linked

    # --- queries used by commands on other aggregates ---------------------------------------

    def token(self, token_id: UUID, *, field: str = "token_id") -> AccessToken:
        try:
            return self.tokens[token_id]
        except KeyError:
            raise NotFound(f"no token {token_id} in this organisation", field=field) from None

    def unit(self, unit_id: UUID, *, field: str = "unit_id") -> Unit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise NotFound(f"no unit {unit_id} in this organisation", field=field) from None

    def active_unit(self, unit_id: UUID, *, field: str = "unit_id") -> Unit:
        unit = self.unit(unit_id, field=field)
        if unit.archived:
            raise RuleViolation(
                f"unit '{unit.name}' is archived", code="unit-archived", field=field
            )
        return unit

    def member(self, member_id: UUID, *, field: str = "member_id") -> Member:
        try:
            return self.members[member_id]
        except KeyError:
            raise NotFound(f"no member {member_id} in this organisation", field=field) from None

    def active_member(self, member_id: UUID, *, field: str = "member_id") -> Member:
        """A member who may be given something to own (not deactivated)."""
        member = self.member(member_id, field=field)
        if not member.active:
            raise RuleViolation(f"{member.name} is deactivated", code="member-inactive",
                                field=field)
        return member

    def children(self, unit_id: UUID) -> list[Unit]:
        return [u for u in self.units.values() if u.parent_id == unit_id]

    def ancestors(self, unit_id: UUID) -> list[UUID]:
        """The unit's parent, grandparent, … up to the root (nearest first)."""
        chain: list[UUID] = []
        parent = self.units[unit_id].parent_id
        while parent is not None:
            chain.append(parent)
            parent = self.units[parent].parent_id
        return chain

    def admins(self) -> list[Member]:
        """The active members with the admin role."""
        return [m for m in self.members.values() if m.active and Grant("admin") in m.grants]

    # --- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _not_erased(member: Member) -> None:
        # New personal data of an erased member would be readable again.
        if member.erased:
            raise RuleViolation("the member is erased", code="member-erased", field="member_id")

    def _new_email(self, email: str) -> str:
        """A valid address no member has yet, lower-cased."""
        email = check.line(email, "email", max_length=254).lower()
        # Invisible characters inside an address would make a second member of the same
        # person (``isprintable`` is False for them).
        if not _EMAIL.match(email) or not email.isprintable():
            raise InvalidInput(
                "email is not an e-mail address", code="invalid-email", field="email"
            )
        if any(m.email == email for m in self.members.values()):
            raise RuleViolation(
                f"{email} is already a member", code="duplicate-member", field="email"
            )
        return email

    def _role_scope(self, role: str, unit_id: UUID | None) -> UUID | None:
        if role in ORG_WIDE_ROLES:
            if unit_id is not None:
                raise InvalidInput(
                    f"role {role} is organisation-wide; give no unit",
                    code="role-scope",
                    field="unit_id",
                )
            return None
        if unit_id is None:
            if role == "ambassador":
                return None
            raise InvalidInput(f"role {role} needs a unit", code="role-scope", field="unit_id")
        self.active_unit(unit_id)
        return unit_id

    def _check_unique_sibling_name(self, parent_id: UUID, name: str, exclude: UUID | None) -> None:
        key = check.same_text_key(name)
        for sibling in self.children(parent_id):
            if (
                sibling.id != exclude
                and not sibling.archived
                and check.same_text_key(sibling.name) == key
            ):
                raise RuleViolation(
                    f"a unit named '{name}' already exists there",
                    code="duplicate-unit-name",
                    field="name",
                )


# A policy document is a few hundred bytes; this bounds what one event may carry.
POLICY_MAX = 10_000
# Entra ID allows group names of 256 characters.
GROUP_NAME_MAX = 256


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _grant_order(grant: Grant) -> tuple[str, str]:
    # Sets have no order; events of one save are written in a stable one.
    return grant.role, str(grant.unit_id or "")


def _policy_document(policy: Any, what: str) -> str:
    """The policy as stored: a JSON object's text. What its fields mean is checked by the
    analyses' decoder (``learning``), which the aggregate may not import; the caller
    decodes the document with it before it comes here."""
    if not isinstance(policy, str) or len(policy) > POLICY_MAX:
        raise InvalidInput(
            f"the {what} must be a JSON object of at most {POLICY_MAX} characters",
            code="invalid-policy",
            field="policy",
        )
    try:
        decoded = msgspec.json.decode(policy)
    except msgspec.DecodeError:
        decoded = None
    if not isinstance(decoded, dict):
        raise InvalidInput(
            f"the {what} must be a JSON object", code="invalid-policy", field="policy"
        )
    return policy
