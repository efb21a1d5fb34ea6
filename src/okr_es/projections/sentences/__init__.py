"""Human sentences for the change timeline, in Norwegian bokmål or English: the
building blocks in ``words``, one module per aggregate for its events.

Pure functions, one per event: each takes the language, who acted (a member's name) and
the names and values involved, already looked up, and says what happened, e.g.
"Kari Hansen sjekket inn «Restanser ned fra 120 til 40 saker»: 64 (grønn) – «God
fremdrift»". The projection decides the language from the content (see
:mod:`okr_es.vocabulary.language`); nothing here reads the database or the clock.
"""

from __future__ import annotations

from okr_es.projections.sentences.cycles import (
    cycle_defined,
    cycle_renamed,
    objective_committed,
    objective_withdrawn,
    reflection_recorded,
    team_cycle_closed,
    team_cycle_opened,
)
from okr_es.projections.sentences.initiatives import (
    initiative_completed,
    initiative_due_date_changed,
    initiative_linked,
    initiative_owner_changed,
    initiative_progressed,
    initiative_started,
    initiative_stopped,
)
from okr_es.projections.sentences.kpis import (
    key_result_graduated,
    kpi_corridor_changed,
    kpi_defined,
    kpi_measured,
    kpi_retired,
)
from okr_es.projections.sentences.objectives import (
    check_in_made,
    key_result_added,
    key_result_adjusted,
    key_result_removed,
    key_result_weighted,
    objective_aligned,
    objective_closed,
    objective_dropped,
    objective_reopened,
    objective_reworded,
    objective_set,
    owner_changed,
    roll_up_mode_changed,
)
from okr_es.projections.sentences.organizations import (
    access_token_issued,
    access_token_revoked,
    member_added,
    member_deactivated,
    member_email_changed,
    member_erased,
    member_reactivated,
    member_renamed,
    organization_registered,
    ownership_transferred,
    policy_changed,
    privacy_policy_set,
    role_granted,
    role_revoked,
    stored_policy_set,
    unit_added,
    unit_archived,
    unit_moved,
    unit_renamed,
)
from okr_es.projections.sentences.words import (
    corridor,
    number,
    other_change,
    quote,
    who,
)
from okr_es.vocabulary.language import Language

__all__ = [
    "Language",
    "access_token_issued",
    "access_token_revoked",
    "check_in_made",
    "corridor",
    "cycle_defined",
    "cycle_renamed",
    "initiative_completed",
    "initiative_due_date_changed",
    "initiative_linked",
    "initiative_owner_changed",
    "initiative_progressed",
    "initiative_started",
    "initiative_stopped",
    "key_result_added",
    "key_result_adjusted",
    "key_result_graduated",
    "key_result_removed",
    "key_result_weighted",
    "kpi_corridor_changed",
    "kpi_defined",
    "kpi_measured",
    "kpi_retired",
    "member_added",
    "member_deactivated",
    "member_email_changed",
    "member_erased",
    "member_reactivated",
    "member_renamed",
    "number",
    "objective_aligned",
    "objective_closed",
    "objective_committed",
    "objective_dropped",
    "objective_reopened",
    "objective_reworded",
    "objective_set",
    "objective_withdrawn",
    "organization_registered",
    "other_change",
    "owner_changed",
    "ownership_transferred",
    "policy_changed",
    "privacy_policy_set",
    "quote",
    "reflection_recorded",
    "role_granted",
    "role_revoked",
    "roll_up_mode_changed",
    "stored_policy_set",
    "team_cycle_closed",
    "team_cycle_opened",
    "unit_added",
    "unit_archived",
    "unit_moved",
    "unit_renamed",
    "who",
]
