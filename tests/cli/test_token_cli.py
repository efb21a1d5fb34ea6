"""``okr-es token create`` and ``okr-es token revoke``, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from okr_es.application import OKRApplication
from okr_es.errors import Unauthenticated
from okr_es.settings import Settings


def okr_es(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_ES_")}
    env["OKR_ES_DATA_DIR"] = settings.data_dir
    if settings.database_url:
        env["OKR_ES_DATABASE_URL"] = settings.database_url
        env["OKR_ES_DATABASE_SCHEMA"] = settings.database_schema or ""
    return subprocess.run(
        [sys.executable, "-m", "okr_es.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_created_token_authenticates_until_it_is_revoked(settings: Settings) -> None:
    with OKRApplication(settings) as okr:
        ids = okr.register_organization(
            name="Kommune", admin_name="Kari", admin_email="kari@kommune.no"
        ).ids
    member = str(ids["member_id"])
    created = okr_es(settings, "token", "create", "--member", member, "--label", "laptop")
    assert created.returncode == 0, created.stderr
    token = created.stdout.splitlines()[1].strip()
    token_id = created.stdout.splitlines()[2].split()[2]
    with OKRApplication(settings) as okr:
        assert okr.authenticate(token).member_id == ids["member_id"]
    revoked = okr_es(settings, "token", "revoke", token_id, "--by", member)
    assert revoked.returncode == 0, revoked.stderr
    with OKRApplication(settings) as okr, pytest.raises(Unauthenticated):
        okr.authenticate(token)


def test_a_token_for_an_unknown_member_is_refused(settings: Settings) -> None:
    done = okr_es(settings, "token", "create", "--member", "00000000-0000-4000-8000-000000000000")
    assert done.returncode == 1
    assert "[not-found]" in done.stderr
