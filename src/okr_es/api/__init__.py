"""The HTTP API: the command API (REST, under ``/api/v1``) on litestar."""

from okr_es.api.app import create_app

__all__ = ["create_app"]
