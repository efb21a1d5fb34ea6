"""The OpenID Connect settings read from the environment, and the ones refused."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okr_es.errors import InvalidInput
from okr_es.settings import Settings

ORG = str(uuid4())
ENTRA = {
    "OKR_ES_OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0/",
    "OKR_ES_OIDC_CLIENT_ID": "client-id",
    "OKR_ES_OIDC_ORGANIZATION_ID": ORG,
    "OKR_ES_OIDC_EMAIL_CLAIM": "preferred_username",
    "OKR_ES_OIDC_AUDIENCE": "api://okr-es, client-id",
}


def test_an_entra_configuration_is_read() -> None:
    settings = Settings.from_env(ENTRA)

    assert settings.oidc_issuer == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert str(settings.oidc_organization_id) == ORG
    assert settings.oidc_audience == ("api://okr-es", "client-id")
    assert settings.oidc_email_claim == "preferred_username"
    assert settings.oidc_match_email is True
    assert settings.oidc_algorithms == ("RS256", "ES256", "PS256")
    assert settings.oidc_leeway_seconds == 60.0


def test_without_an_issuer_no_sign_in_is_configured() -> None:
    assert Settings.from_env({}).oidc_issuer is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"OKR_ES_OIDC_ORGANIZATION_ID": ""}, "OKR_ES_OIDC_ORGANIZATION_ID"),
        ({"OKR_ES_OIDC_ORGANIZATION_ID": "digdir"}, "OKR_ES_OIDC_ORGANIZATION_ID"),
        ({"OKR_ES_OIDC_CLIENT_ID": "", "OKR_ES_OIDC_AUDIENCE": ""}, "OKR_ES_OIDC_AUDIENCE"),
        ({"OKR_ES_OIDC_ISSUER": "http://login.example.com"}, "OKR_ES_OIDC_ISSUER"),
        ({"OKR_ES_OIDC_ISSUER": "file:///etc/passwd"}, "OKR_ES_OIDC_ISSUER"),
        ({"OKR_ES_OIDC_ALGORITHMS": "RS256,HS256"}, "OKR_ES_OIDC_ALGORITHMS"),
        ({"OKR_ES_OIDC_ALGORITHMS": "none"}, "OKR_ES_OIDC_ALGORITHMS"),
        ({"OKR_ES_OIDC_EMAIL_CLAIM": "name"}, "OKR_ES_OIDC_EMAIL_CLAIM"),
        ({"OKR_ES_OIDC_MATCH_EMAIL": "perhaps"}, "OKR_ES_OIDC_MATCH_EMAIL"),
        ({"OKR_ES_OIDC_LEEWAY_SECONDS": "3600"}, "OKR_ES_OIDC_LEEWAY_SECONDS"),
    ],
)
def test_a_configuration_that_cannot_work_is_refused(changes: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Settings.from_env({**ENTRA, **changes})
    assert refused.value.field == field


def test_http_is_allowed_to_this_machine_only() -> None:
    local = Settings.from_env({**ENTRA, "OKR_ES_OIDC_ISSUER": "http://localhost:8080"})
    assert local.oidc_issuer == "http://localhost:8080"
