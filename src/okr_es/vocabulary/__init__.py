"""Shared vocabulary below both the read models and the analyses: the languages texts are
written in and the facts of a cycle, so neither has to import the other for them."""
