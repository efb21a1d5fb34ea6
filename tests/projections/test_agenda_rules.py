"""The agenda as a pure function of read-model rows and an instant, and the meeting
sentences in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

from okr_es.projections import sentences
from okr_es.projections.agenda import agendas
from okr_es.projections.meeting_queries import AgendaRows, MeetingItemRow, MeetingRow
from okr_es.projections.queries import (
    CheckInRow,
    CycleRow,
    InitiativeRow,
    KeyResultRow,
    KpiRow,
    ObjectiveRow,
)
from okr_es.projections.sentences import meetings as say

AT = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)
CYCLE = CycleRow("c", "org", "Q1", "quarter", "2026-01-01", "2026-03-31", None)
YEAR = CycleRow("y", "org", "2026", "year", "2026-01-01", "2026-12-31", None)


def _objective(cycle: str = "c") -> ObjectiveRow:
    return ObjectiveRow("o", "org", "u", cycle, "Happier users", "", "m", "active", "", None,
                        None, None, "", 0.3, "2026-01-01", None, "2026-01-01", 1)


def _kr(id_: str, progress: float, last: str | None) -> KeyResultRow:
    return KeyResultRow(id_, "o", 0, f"KR {id_}", "increase", 0, 10, "", progress * 10,
                        progress, "green", last, 1 if last else 0, 0, None)


def _check_in(kr: str, at: str, status: str, blockers: str = "") -> CheckInRow:
    return CheckInRow(1, kr, "o", 1.0, status, "slow", blockers, at, at, "m", None)


def _meeting() -> MeetingRow:
    return MeetingRow("mt", "org", "u", "c", "2026-02-09T09:00:00+00:00", "m", "closed", "[]",
                      "", "2026-02-09T09:00:00+00:00", None, 10, 5)


def _item(kind: str, done: int, position: int) -> MeetingItemRow:
    return MeetingItemRow(position, "mt", kind, f"i{position}", f"{kind} {position}", "m",
                          "2026-02-13", "[]", None, None, None, None, done, None, "", "m",
                          "2026-02-09T09:10:00+00:00")


def test_the_agenda_orders_key_results_stale_first_then_by_pace() -> None:
    rows = AgendaRows(
        cycles=[CYCLE, YEAR], objectives=[_objective()],
        key_results=[_kr("ahead", 0.9, "2026-02-10T09:00:00+00:00"),
                     _kr("stale", 0.9, "2026-01-10T09:00:00+00:00"),
                     _kr("behind", 0.0, "2026-02-10T09:00:00+00:00"),
                     _kr("met", 1.0, "2026-02-12T09:00:00+00:00")],
        latest_check_ins=[_check_in("ahead", "2026-02-10T09:00:00+00:00", "green"),
                          _check_in("stale", "2026-01-10T09:00:00+00:00", "green"),
                          _check_in("behind", "2026-02-10T09:00:00+00:00", "red"),
                          _check_in("met", "2026-02-12T09:00:00+00:00", "green", "no data")],
        kpis=[KpiRow("k1", "org", "u", "Uptime", "%", 99, None, 97, "2026-02-01", 0, 0, None,
                     None, "2026-02-01"),
              KpiRow("k2", "org", "u", "Calls", "", 10, None, 12, "2026-02-01", 1, 0, None,
                     None, "2026-02-01")],
        initiatives=[InitiativeRow("i1", "org", "u", "Chat", "m", "running", 40, "", "2026-01-05",
                                   "2026-02-01", 2),
                     InitiativeRow("i2", "org", "u", "FAQ", "m", "completed", 100, "",
                                   "2026-01-05", "2026-02-12T10:00:00+00:00", 3)],
        last_meetings=[_meeting()],
        last_priorities=[_item("priority", 1, 11), _item("priority", 0, 12)],
        open_blockers=[("u", _item("blocker", 0, 13))],
    )

    agenda = agendas(rows, ["u"], AT)["u"]

    assert agenda.cycle == CYCLE  # the shortest running cycle the unit set objectives in
    assert [k.key_result.key_result_id for k in agenda.key_results] == [
        "stale", "behind", "ahead", "met"]
    assert [k.stale for k in agenda.key_results] == [True, False, False, False]
    assert [n.kind for n in agenda.good_news] == ["key-result-met", "initiative-completed"]
    assert [k.name for k in agenda.kpis_outside_corridor] == ["Uptime"]
    assert [i.title for i in agenda.initiatives] == ["Chat", "FAQ"]
    assert [(b.source, b.text) for b in agenda.blockers] == [
        ("check-in", "slow"), ("check-in", "no data"), ("meeting", "blocker 13")]
    assert [p.done for p in agenda.last_priorities] == [1, 0]


def test_a_unit_without_rows_gets_an_empty_agenda() -> None:
    empty = AgendaRows(cycles=[], objectives=[], key_results=[], latest_check_ins=[], kpis=[],
                       initiatives=[], last_meetings=[], last_priorities=[], open_blockers=[])
    agenda = agendas(empty, ["u"], AT)["u"]
    assert (agenda.cycle, agenda.key_results, agenda.last_meeting) == (None, [], None)


def test_meeting_sentences_in_english_and_norwegian() -> None:
    assert say.meeting_opened("en", "Kari", "2026-02-16", "Team Data") == (
        "Kari opened the progress meeting of 2026-02-16 in «Team Data»")
    assert say.priority_agreed("nb", "Kari", "2026-02-16", "Ring ti brukere", "Ola",
                               "2026-02-20") == (
        "Kari avtalte prioriteringen «Ring ti brukere» i fremdriftsmøtet 2026-02-16, "
        "ansvarlig Ola, frist 2026-02-20")
    assert say.meeting_closed("en", "Kari", "2026-02-16", 1, "") == (
        "Kari closed the progress meeting of 2026-02-16 with 1 attendee")
    assert say.meeting_check_in_linked("en", "Kari", None, "Uptime", 99.5, "red") == (
        "Kari checked in «Uptime» in the progress meeting: 99.5 (red)")
    assert sentences.who(None, "en") == "Someone"
