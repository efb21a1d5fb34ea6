import pytest

from okr_es.errors import InvalidInput
from okr_es.settings import Settings


def test_with_nothing_configured_okr_es_runs_embedded_on_sqlite_in_var() -> None:
    settings = Settings.from_env({})
    assert not settings.uses_postgres
    assert str(settings.sqlite_path) == "var/okr-es.sqlite3"
    assert settings.projections == "inline"
    assert settings.token_recheck_seconds == 1.0


def test_the_token_recheck_window_is_read_in_milliseconds() -> None:
    assert Settings.from_env({"OKR_ES_TOKEN_RECHECK_MS": "0"}).token_recheck_seconds == 0.0
    assert Settings.from_env({"OKR_ES_TOKEN_RECHECK_MS": "250"}).token_recheck_seconds == 0.25


def test_a_postgres_url_configures_the_library_without_leaking_the_password() -> None:
    settings = Settings.from_env({
        "OKR_ES_DATABASE_URL": "postgresql://okr:s%40cret@db.example:5433/okr?schema=tenant1",
        "OKR_ES_PROJECTIONS": "worker",
    })
    env = settings.eventsourcing_env()
    assert env["POSTGRES_HOST"] == "db.example"
    assert env["POSTGRES_PORT"] == "5433"
    assert env["POSTGRES_PASSWORD"] == "s@cret"
    assert env["POSTGRES_SCHEMA"] == "tenant1"
    assert "s@cret" not in settings.store_description()
    assert settings.projections == "worker"


@pytest.mark.parametrize(
    "environ",
    [
        {"OKR_ES_POOL_SIZE": "many"},
        {"OKR_ES_POOL_SIZE": "0"},
        {"OKR_ES_SNAPSHOT_INTERVAL": "1"},
        {"OKR_ES_PROJECTIONS": "sometimes"},
        {"OKR_ES_PROJECTIONS": "worker"},
        {"OKR_ES_READ_YOUR_WRITES_MS": "-5"},
        {"OKR_ES_TOKEN_RECHECK_MS": "soon"},
        {"OKR_ES_TOKEN_RECHECK_MS": "600000"},
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(environ: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        Settings.from_env(environ)
    assert refused.value.field == next(iter(environ))


def test_a_database_url_of_another_kind_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Settings.from_env({"OKR_ES_DATABASE_URL": "mysql://x/y"}).eventsourcing_env()
