"""An organisation's changes: registration, units, members, roles, policy, access tokens."""

from __future__ import annotations

from typing import Any

from okr_es.aggregates.personal_data import ERASED
from okr_es.projections import sentences as say
from okr_es.projections.base import text
from okr_es.projections.change_timeline.rows import (
    DEFAULT_LANGUAGE,
    Named,
    TimelineRows,
    _name,
    _Row,
)
from okr_es.projections.erasure import FREE_TEXTS, sealed_at, sealed_periods
from okr_es.projections.sql import Sql
from okr_es.vocabulary.language import detect_language


class OrganizationChanges(TimelineRows):
    """The timeline's handlers for an organisation's changes."""

    def on_OrganizationRegistered(self, sql: Sql, e: Any, position: int) -> None:
        org, root = text(e.originator_id), text(e.root_unit_id)
        language = detect_language([e.name], default=DEFAULT_LANGUAGE)
        self._remember(sql, e.originator_id, Named("organization", e.name, language, org))
        self._remember(
            sql, e.root_unit_id, Named("unit", e.name, language, org, root, detail="organisation")
        )
        # The founder is added as a member by the next event of this save; until then the
        # row names "someone", and MemberAdded fills in the name (see _name_earlier_rows).
        actor = self._actor(sql, e, language)
        self._write(
            sql,
            e,
            position,
            _Row(org, root, language=language),
            say.organization_registered(language, actor, e.name),
        )

    def on_UnitAdded(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        language = detect_language([e.name], default=org.language)
        parent = self._named(sql, e.parent_id)
        self._remember(
            sql,
            e.unit_id,
            Named("unit", e.name, language, org.organization_id, text(e.unit_id), detail=e.kind),
        )
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, text(e.unit_id), language=language),
            say.unit_added(language, self._actor(sql, e, language), e.name, e.kind, _name(parent)),
        )

    def on_UnitRenamed(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        old = self._named(sql, e.unit_id)
        language = detect_language([e.name], default=org.language)
        self._rename(sql, e.unit_id, e.name, language)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, text(e.unit_id), language=language),
            say.unit_renamed(language, self._actor(sql, e, language), _name(old), e.name),
        )

    def on_UnitMoved(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        parent = self._named(sql, e.parent_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.unit_moved(
                row.language, self._actor(sql, e, row.language), _name(unit), _name(parent)
            ),
        )

    def on_UnitArchived(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.unit_archived(
                row.language, self._actor(sql, e, row.language), _name(unit), e.reason
            ),
        )

    def on_MemberAdded(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        # Remembered first, so a founder adding themself is already named in this row.
        self._remember(sql, e.member_id, Named("member", e.name, org.language, org.organization_id))
        self._name_earlier_rows(sql, text(e.member_id), e.name)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.member_added(org.language, self._actor(sql, e, org.language), e.name),
        )

    def on_MemberRenamed(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        old = self._named(sql, e.member_id)
        if old is not None:
            # Kept, so that an erasure finds the former name in the rows that say it.
            self._batch.change_name(
                f"{text(e.member_id)}/{position}",
                Named("former-member", old.name, old.language, org.organization_id),
            )
        self._rename(sql, e.member_id, e.name, org.language)
        self._member_row(sql, e, position, say.member_renamed, _name(old), e.name)

    def on_MemberEmailChanged(self, sql: Sql, e: Any, position: int) -> None:
        # The address itself is personal data; the timeline says only that it changed.
        self._member_row(sql, e, position, say.member_email_changed, self._member(sql, e))

    def on_MemberDeactivated(self, sql: Sql, e: Any, position: int) -> None:
        self._member_row(sql, e, position, say.member_deactivated, self._member(sql, e), e.reason)

    def on_MemberReactivated(self, sql: Sql, e: Any, position: int) -> None:
        self._member_row(sql, e, position, say.member_reactivated, self._member(sql, e))

    def on_OwnershipTransferred(self, sql: Sql, e: Any, position: int) -> None:
        source, target = self._named(sql, e.from_member_id), self._named(sql, e.to_member_id)
        count = len(e.objective_ids) + len(e.initiative_ids)
        self._member_row(
            sql, e, position, say.ownership_transferred, _name(source), _name(target), count
        )

    def on_MemberErased(self, sql: Sql, e: Any, position: int) -> None:
        """Every name the member had is replaced by the placeholder: in the rows they
        wrote, and wherever a sentence says it."""
        org = self._organization(sql, e)
        member = str(text(e.member_id))
        current = self._named(sql, e.member_id)
        former = f"{member}/"
        names = {current.name} if current is not None else set()
        names |= {
            named.name
            for id_, named in self._batch.names.items()
            if id_.startswith(former) and named is not None
        }
        names |= {
            str(row[0])
            for row in sql.all(
                "SELECT name FROM rm_timeline_names WHERE id LIKE :former",
                {"former": former + "%"},
            )
        }
        names -= {"", ERASED}
        self._rename(sql, e.member_id, ERASED, org.language)
        for id_, named in list(self._batch.names.items()):
            if id_.startswith(former) and named is not None:
                self._batch.change_name(id_, named._replace(name=ERASED))
        sql.run(
            "UPDATE rm_timeline_names SET name = :erased WHERE id LIKE :former",
            {"erased": ERASED, "former": former + "%"},
        )
        for row in self._batch.rows.values():
            if row["by_member"] == member:
                row["by_name"] = ERASED
            for name in names:
                row["sentence"] = row["sentence"].replace(name, ERASED)
        sql.run(
            "UPDATE rm_timeline SET by_name = :erased WHERE by_member = :member",
            {"erased": ERASED, "member": member},
        )
        found = "strpos(sentence, :name) > 0" if sql.postgres else "instr(sentence, :name) > 0"
        for name in sorted(names, key=len, reverse=True):
            sql.run(
                "UPDATE rm_timeline SET sentence = replace(sentence, :name, :erased) "
                f"WHERE organization_id = :org AND {found}",
                {"name": name, "erased": ERASED, "org": org.organization_id},
            )
        self._erase_free_texts(sql, e, position, member)
        self._member_row(sql, e, position, say.member_erased)

    def _erase_free_texts(self, sql: Sql, e: Any, position: int, member: str) -> None:
        """Rows quoting a text the member wrote while it was sealed say only what kind of
        change it was."""
        periods = sealed_periods(e, position)
        if not periods:
            return

        def sentence(language: Any, event_type: str) -> str:
            return say.other_change(language, say.who(ERASED, language), event_type, None)

        for row in self._batch.rows.values():
            if (
                row["by_member"] == member
                and row["event_type"] in FREE_TEXTS
                and sealed_at(periods, row["position"])
            ):
                row["sentence"] = sentence(row["language"], row["event_type"])
        changed = []
        for start, end in periods:
            rows = sql.all(
                "SELECT position, language, event_type FROM rm_timeline "
                "WHERE by_member = :member AND position >= :start AND position < :end",
                {"member": member, "start": start, "end": end},
            )
            changed += [
                {"position": at, "sentence": sentence(language, event_type)}
                for at, language, event_type in rows
                if event_type in FREE_TEXTS
            ]
        sql.many("UPDATE rm_timeline SET sentence = :sentence WHERE position = :position", changed)

    def on_PrivacyPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.privacy_policy_set(
                org.language, self._actor(sql, e, org.language), e.seal_free_text
            ),
        )

    def _member(self, sql: Sql, e: Any) -> str | None:
        return _name(self._named(sql, e.member_id))

    def _member_row(
        self, sql: Sql, e: Any, position: int, sentence: Any, *details: Any
    ) -> None:
        org = self._organization(sql, e)
        actor = self._actor(sql, e, org.language)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            sentence(org.language, actor, *details),
        )

    def on_RoleGranted(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.role_granted(
                row.language, self._actor(sql, e, row.language), _name(member), e.role, _name(unit)
            ),
        )

    def on_RoleRevoked(self, sql: Sql, e: Any, position: int) -> None:
        unit, row = self._unit_row(sql, e, e.unit_id)
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            row,
            say.role_revoked(
                row.language, self._actor(sql, e, row.language), _name(member), e.role, _name(unit)
            ),
        )

    def on_PolicyChanged(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.policy_changed(
                org.language,
                self._actor(sql, e, org.language),
                e.max_objectives,
                e.min_key_results,
                e.max_key_results,
                e.mode,
            ),
        )

    def on_ReviewPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        self._policy_set(sql, e, position, "review")

    def on_LintPolicySet(self, sql: Sql, e: Any, position: int) -> None:
        self._policy_set(sql, e, position, "lint")

    def _policy_set(self, sql: Sql, e: Any, position: int, kind: str) -> None:
        org = self._organization(sql, e)
        actor = self._actor(sql, e, org.language)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.stored_policy_set(org.language, actor, kind, e.policy),
        )

    def on_AccessTokenIssued(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        self._remember(sql, e.token_id, Named("token", e.label, org.language, org.organization_id))
        member = self._named(sql, e.member_id)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.access_token_issued(
                org.language, self._actor(sql, e, org.language), _name(member), e.label
            ),
        )

    def on_AccessTokenRevoked(self, sql: Sql, e: Any, position: int) -> None:
        org = self._organization(sql, e)
        token = self._named(sql, e.token_id)
        self._write(
            sql,
            e,
            position,
            _Row(org.organization_id, language=org.language),
            say.access_token_revoked(org.language, self._actor(sql, e, org.language), _name(token)),
        )
