"""Settings: read from the environment once, into one typed object passed down."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

import msgspec
from eventsourcing.persistence import InterfaceError

from okr_es.errors import InvalidInput


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything okr-es can be configured with; the defaults run embedded on SQLite."""

    data_dir: str = "./var"
    database_url: str | None = None
    database_schema: str | None = None
    nats_url: str | None = None
    # The relay's JetStream stream and subject prefix; only tests and installations that
    # share one NATS with another okr-es need to change them.
    nats_stream: str = "OKR_ES"
    nats_subject_prefix: str = "okr"
    pool_size: int = 5
    snapshot_interval: int = 50
    check_in_retries: int = 5
    # "inline": each server process keeps the read models current itself (embedded mode);
    # "worker": separate `okr-es project` processes do (distributed mode, PostgreSQL only).
    projections: str = "inline"
    read_your_writes_timeout: float = 2.0
    # How long a request may trust an organisation (its tokens, members, roles) as this
    # process last read it, before reading it from the store again. Changes made through
    # this process count at once; those made by another process (the CLI, another API
    # process) within this many seconds. 0: read it on every request.
    token_recheck_seconds: float = 1.0
    # Failed authentications a client address may make per minute before its requests with
    # a token are refused (429); 0: no limit.
    auth_failures_per_minute: int = 20
    # How often the reminder scheduler looks for due reminders, and the instant it takes
    # for "now" when set (rehearsals and tests; None: the clock).
    reminder_interval: float = 60.0
    reminders_now: datetime | None = None
    # Webhooks (docs/rhythm.md): hosts that may receive them over plain http (local tests),
    # attempts before a delivery is dead-lettered, and each request's timeout.
    webhook_allow_http_hosts: tuple[str, ...] = ()
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 10.0
    # The longest wait between two attempts (the waits double from 2 s up to this).
    webhook_retry_max_seconds: float = 3600.0
    # Slack's signing secret of the okr-es Slack app; unset: Slack check-ins are refused.
    slack_signing_secret: str | None = None
    # OpenID Connect sign-in (docs/auth.md). Unset issuer: only okr access tokens count.
    oidc_issuer: str | None = None
    # Accepted ``aud`` values; empty: the client id.
    oidc_audience: tuple[str, ...] = ()
    # The organisation whose members the provider's people are.
    oidc_organization_id: UUID | None = None
    # The browser sign-in's client (app registration) at the provider; its secret only
    # for providers that require one of a web application.
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    # Where the provider sends the browser back (…/auth/callback); unset: this request's
    # own address, right unless a proxy in front rewrites it.
    oidc_redirect_url: str | None = None
    oidc_scopes: str = "openid email profile"
    # A first sign-in is linked to the member with the token's verified e-mail address.
    oidc_match_email: bool = True
    # Which claim holds that address: email (needs email_verified), or Entra ID's
    # preferred_username or upn (verified by the tenant itself).
    oidc_email_claim: str = "email"
    oidc_algorithms: tuple[str, ...] = ("RS256", "ES256", "PS256")
    oidc_leeway_seconds: float = 60.0
    # A token signed by an unknown key refetches the provider's keys at most this often.
    oidc_jwks_refetch_seconds: float = 60.0
    oidc_timeout_seconds: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise InvalidInput(f"{name} must be a whole number", field=name) from None
            if not low <= value <= high:
                raise InvalidInput(f"{name} must be from {low} to {high}", field=name)
            return value

        return cls(
            data_dir=env.get("OKR_ES_DATA_DIR", "").strip() or "./var",
            database_url=env.get("OKR_ES_DATABASE_URL", "").strip() or None,
            database_schema=env.get("OKR_ES_DATABASE_SCHEMA", "").strip() or None,
            nats_url=env.get("OKR_ES_NATS_URL", "").strip() or None,
            nats_stream=_nats_token(env, "OKR_ES_NATS_STREAM", "OKR_ES"),
            nats_subject_prefix=_nats_token(env, "OKR_ES_NATS_SUBJECT_PREFIX", "okr"),
            pool_size=integer("OKR_ES_POOL_SIZE", 5, 1, 100),
            snapshot_interval=integer("OKR_ES_SNAPSHOT_INTERVAL", 50, 2, 100_000),
            check_in_retries=integer("OKR_ES_CHECK_IN_RETRIES", 5, 0, 100),
            projections=_projections_mode(env.get("OKR_ES_PROJECTIONS", ""), env),
            read_your_writes_timeout=integer("OKR_ES_READ_YOUR_WRITES_MS", 2000, 0, 60_000) / 1000,
            token_recheck_seconds=integer("OKR_ES_TOKEN_RECHECK_MS", 1000, 0, 60_000) / 1000,
            auth_failures_per_minute=integer("OKR_ES_AUTH_FAILURES_PER_MINUTE", 20, 0, 100_000),
            reminder_interval=float(integer("OKR_ES_REMINDER_INTERVAL_SECONDS", 60, 1, 86_400)),
            reminders_now=_instant(env, "OKR_ES_REMINDERS_NOW"),
            webhook_allow_http_hosts=tuple(
                h.strip().lower()
                for h in env.get("OKR_ES_WEBHOOK_ALLOW_HTTP_HOSTS", "").split(",")
                if h.strip()
            ),
            webhook_max_attempts=integer("OKR_ES_WEBHOOK_MAX_ATTEMPTS", 8, 1, 100),
            webhook_timeout_seconds=integer("OKR_ES_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000)
            / 1000,
            webhook_retry_max_seconds=integer(
                "OKR_ES_WEBHOOK_RETRY_MAX_MS", 3_600_000, 100, 86_400_000
            )
            / 1000,
            slack_signing_secret=env.get("OKR_ES_SLACK_SIGNING_SECRET", "").strip() or None,
            **_oidc(env, integer),
        )

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def sqlite_path(self) -> Path:
        return Path(self.data_dir) / "okr-es.sqlite3"

    def store_description(self) -> str:
        """Where events are kept, without credentials, for logs and CLI output."""
        if self.database_url is None:
            return f"SQLite file {self.sqlite_path}"
        parts = urlsplit(self.database_url)
        where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"
        schema = f" (schema {self.database_schema})" if self.database_schema else ""
        return f"PostgreSQL {where}{schema}"

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's own environment keys for the configured store."""
        if self.database_url is None:
            path = self.sqlite_path
            _make_data_dir(path.parent)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "10",
                # Concurrent saves share one transaction and one sync (see that module).
                "APPLICATION_RECORDER_TOPIC": (
                    "okr_es.persistence.sqlite_recorder:OKRSQLiteApplicationRecorder"
                ),
            }
        return _postgres_env(self.database_url, self.database_schema, self.pool_size)


def _make_data_dir(path: Path) -> None:
    """Create the data directory if missing. A path that cannot be a directory (a file
    is in the way, or no permission) leaves no store to use: that is reported as the
    store's failure (exit code 3, HTTP 503), like a database file that cannot be opened."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = "a file is in the way" if path.exists() or _a_file_above(path) else e.strerror
        message = f"the data directory {path} cannot be created or used ({reason})"
        raise InterfaceError(message) from e


def _a_file_above(path: Path) -> bool:
    return any(parent.is_file() for parent in path.parents)


def _instant(env: Mapping[str, str], name: str) -> datetime | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidInput(
            f"{name} must be an instant with its offset, e.g. 2027-01-04T08:00:00Z", field=name
        )
    return value


# Asymmetric signatures only: "none" proves nothing, and an HMAC "signature" keyed with
# the provider's public key (HS256) could be made by anyone.
OIDC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_OIDC_EMAIL_CLAIMS = ("email", "preferred_username", "upn")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _oidc(env: Mapping[str, str], integer: Callable[[str, int, int, int], int]) -> dict[str, Any]:
    """The OpenID Connect settings; a configured issuer needs its organisation and an
    audience or client id."""
    issuer = env.get("OKR_ES_OIDC_ISSUER", "").strip().rstrip("/") or None
    client_id = env.get("OKR_ES_OIDC_CLIENT_ID", "").strip() or None
    audience = tuple(
        a.strip() for a in env.get("OKR_ES_OIDC_AUDIENCE", "").split(",") if a.strip()
    )
    raw_org = env.get("OKR_ES_OIDC_ORGANIZATION_ID", "").strip()
    organization_id: UUID | None = None
    if raw_org:
        try:
            organization_id = UUID(raw_org)
        except ValueError:
            raise InvalidInput(
                "OKR_ES_OIDC_ORGANIZATION_ID must be an organisation id (a UUID)",
                field="OKR_ES_OIDC_ORGANIZATION_ID",
            ) from None
    algorithms = tuple(
        a.strip()
        for a in env.get("OKR_ES_OIDC_ALGORITHMS", "RS256,ES256,PS256").split(",")
        if a.strip()
    )
    if not algorithms or not set(algorithms) <= OIDC_ALGORITHMS:
        raise InvalidInput(
            "OKR_ES_OIDC_ALGORITHMS must name asymmetric algorithms only, from: "
            + ", ".join(sorted(OIDC_ALGORITHMS)),
            field="OKR_ES_OIDC_ALGORITHMS",
        )
    email_claim = env.get("OKR_ES_OIDC_EMAIL_CLAIM", "").strip() or "email"
    if email_claim not in _OIDC_EMAIL_CLAIMS:
        raise InvalidInput(
            "OKR_ES_OIDC_EMAIL_CLAIM must be one of: " + ", ".join(_OIDC_EMAIL_CLAIMS),
            field="OKR_ES_OIDC_EMAIL_CLAIM",
        )
    match_email = env.get("OKR_ES_OIDC_MATCH_EMAIL", "").strip().lower() or "true"
    if match_email not in ("true", "false", "1", "0", "yes", "no"):
        raise InvalidInput(
            "OKR_ES_OIDC_MATCH_EMAIL must be true or false", field="OKR_ES_OIDC_MATCH_EMAIL"
        )
    redirect_url = env.get("OKR_ES_OIDC_REDIRECT_URL", "").strip() or None
    if issuer is not None:
        _oidc_url(issuer, "OKR_ES_OIDC_ISSUER")
        if organization_id is None:
            raise InvalidInput(
                "OKR_ES_OIDC_ISSUER needs OKR_ES_OIDC_ORGANIZATION_ID: whose members sign in",
                field="OKR_ES_OIDC_ORGANIZATION_ID",
            )
        if not audience and client_id is None:
            raise InvalidInput(
                "OKR_ES_OIDC_ISSUER needs OKR_ES_OIDC_AUDIENCE or OKR_ES_OIDC_CLIENT_ID",
                field="OKR_ES_OIDC_AUDIENCE",
            )
    if redirect_url is not None:
        _oidc_url(redirect_url, "OKR_ES_OIDC_REDIRECT_URL")
    return {
        "oidc_issuer": issuer,
        "oidc_audience": audience,
        "oidc_organization_id": organization_id,
        "oidc_client_id": client_id,
        "oidc_client_secret": env.get("OKR_ES_OIDC_CLIENT_SECRET", "").strip() or None,
        "oidc_redirect_url": redirect_url,
        "oidc_scopes": env.get("OKR_ES_OIDC_SCOPES", "").strip() or "openid email profile",
        "oidc_match_email": match_email in ("true", "1", "yes"),
        "oidc_email_claim": email_claim,
        "oidc_algorithms": algorithms,
        "oidc_leeway_seconds": float(integer("OKR_ES_OIDC_LEEWAY_SECONDS", 60, 0, 600)),
        "oidc_jwks_refetch_seconds": float(
            integer("OKR_ES_OIDC_JWKS_REFETCH_SECONDS", 60, 0, 86_400)
        ),
        "oidc_timeout_seconds": integer("OKR_ES_OIDC_TIMEOUT_MS", 5000, 100, 60_000) / 1000,
    }


def _oidc_url(url: str, name: str) -> None:
    """https, or http to this machine only (a provider started for a test or a demo)."""
    parts = urlsplit(url)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
    ):
        raise InvalidInput(
            f"{name} must be an https:// URL (http:// only to localhost)", field=name
        )


def _nats_token(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    # One subject token / stream name: dots, wildcards and spaces would change its meaning.
    if any(c in value for c in ".*> \t") or len(value) > 64:
        raise InvalidInput(f"{name} must be one word without . * > or spaces", field=name)
    return value


def _projections_mode(raw: str, env: Mapping[str, str]) -> str:
    mode = raw.strip().lower() or "inline"
    if mode not in ("inline", "worker"):
        raise InvalidInput(
            "OKR_ES_PROJECTIONS must be inline or worker", field="OKR_ES_PROJECTIONS"
        )
    if mode == "worker" and not env.get("OKR_ES_DATABASE_URL", "").strip():
        raise InvalidInput(
            "OKR_ES_PROJECTIONS=worker needs PostgreSQL (OKR_ES_DATABASE_URL)",
            field="OKR_ES_PROJECTIONS",
        )
    return mode


def _postgres_env(url: str, schema: str | None, pool_size: int) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise InvalidInput(
            "OKR_ES_DATABASE_URL must look like postgresql://user:password@host:5432/dbname",
            field="OKR_ES_DATABASE_URL",
        )
    query = parse_qs(parts.query)
    dbname = unquote(parts.path.lstrip("/")) or "postgres"
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        # Also bounds the wait for a pooled connection, so requests cannot hang after a
        # PostgreSQL restart; the recorder retries statements that hit a dead connection
        # (a pre-ping instead would cost a round trip per statement).
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # Saves in one round trip under the library's table lock (see that module).
        "APPLICATION_RECORDER_TOPIC": (
            "okr_es.persistence.postgres_recorder:OKRPostgresApplicationRecorder"
        ),
        # Tables created under the schema's DDL lock, so simultaneous starts do not collide.
        "TRACKING_RECORDER_TOPIC": (
            "okr_es.persistence.postgres_recorder:OKRPostgresTrackingRecorder"
        ),
    }
    chosen_schema = schema or next(iter(query.get("schema", [])), None)
    if chosen_schema:
        env["POSTGRES_SCHEMA"] = chosen_schema
    return env
