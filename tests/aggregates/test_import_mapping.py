"""Import mapping: one per organisation and source tool; it records which okr-es object
each source item became, the first id of a key for good."""

from __future__ import annotations

from uuid import uuid4

from okr_es.aggregates.import_mapping import VIVA_GOALS, ImportMapping, import_mapping_id
from support.given import ADMIN, ORG, refused, signature, then


def test_starting_a_mapping_is_keyed_by_organisation_and_source() -> None:
    mapping = ImportMapping.start(organization_id=ORG, source=VIVA_GOALS, by=ADMIN)

    assert (
        mapping.id == import_mapping_id(ORG, VIVA_GOALS) != import_mapping_id(uuid4(), VIVA_GOALS)
    )
    assert then(mapping) == [
        ("ImportMappingStarted", {"organization_id": ORG, "source": VIVA_GOALS, "by": ADMIN})
    ]


def test_only_new_keys_are_mapped_and_a_known_key_keeps_its_first_id() -> None:
    mapping = ImportMapping.start(organization_id=ORG, source=VIVA_GOALS, by=ADMIN)
    first, second, third = uuid4(), uuid4(), uuid4()
    mapping.map(ids={"o:id:VG-1": first}, by=ADMIN)
    mapping.collect_events()

    mapping.map(ids={"o:id:VG-1": second, "k:id:VG-2": third}, by=ADMIN)
    mapping.map(ids={"o:id:VG-1": second}, by=ADMIN)

    assert then(mapping) == [("SourceItemsMapped", {"ids": {"k:id:VG-2": third}, "by": ADMIN})]
    assert mapping.ids == {"o:id:VG-1": first, "k:id:VG-2": third}


def test_an_unknown_source_or_an_empty_key_is_refused() -> None:
    assert signature(
        refused(None, lambda: ImportMapping.start(organization_id=ORG, source="asana", by=ADMIN))
    )[1:] == ("invalid-choice", "source")
    mapping = ImportMapping.start(organization_id=ORG, source=VIVA_GOALS, by=ADMIN)
    mapping.collect_events()
    assert (
        signature(refused(mapping, lambda: mapping.map(ids={" ": uuid4()}, by=ADMIN)))[2] == "key"
    )
