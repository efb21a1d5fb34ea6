"""Erasure by crypto-shredding: personal data in events is sealed under a key per person,
kept outside the event log; erasing a person destroys their key (see docs/privacy.md)."""
