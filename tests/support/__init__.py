"""Shared given-builders for the aggregate and application tests."""
