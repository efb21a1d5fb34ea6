"""Which fields of an event hold a person's data, and what an erased value reads as.

An event class declares its personal fields with a class attribute::

    personal_data = PersonalData(subject="member_id", fields=("name", "email"))

The store seals those values under the subject's own key and opens them on read
(:mod:`okr_es.privacy`); once the person is erased their key is gone and every reader
gets the placeholders below instead. Free texts (``free_text=True``) are personal only
when the organisation's privacy policy says so; their subject is the author (``by``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ERASED", "ERASED_EMAIL", "PersonalData", "placeholder"]

# What an erased name or text reads as, everywhere and always the same.
ERASED = "[erased]"
# An erased e-mail address: still an address (so anything that checks the form of one
# accepts it), in the reserved ``.invalid`` domain that never delivers.
ERASED_EMAIL = "erased@erased.invalid"


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The fields of an event that are ``subject``'s personal data."""

    subject: str
    fields: tuple[str, ...]
    free_text: bool = False


def placeholder(field: str) -> str:
    """What ``field`` reads as once its person is erased."""
    return ERASED_EMAIL if field == "email" else ERASED
