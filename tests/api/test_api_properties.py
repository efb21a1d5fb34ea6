"""Whatever a client throws at the command API, it answers 4xx and writes nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from okr_es.application import OKRApplication
from support.http_api import Org

Client = TestClient[Any]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


def endpoints(org: Org) -> list[str]:
    kr = f"/api/v1/objectives/{org.objective}/key-results/{org.key_result}"
    return [
        "/api/v1/objectives",
        f"/api/v1/objectives/{org.objective}/drop",
        f"{kr}/check-ins",
        f"/api/v1/organizations/{org.id}/units",
        f"/api/v1/organizations/{org.id}/policy",
        "/api/v1/kpis",
    ]


@st.composite
def bad_bodies(draw: st.DrawFn) -> bytes:
    """Malformed JSON, wrong types, unknown fields, oversized payloads, bytes that are not
    UTF-8 and nesting beyond any decoder's recursion limit."""
    kind = draw(
        st.sampled_from(
            ["garbage", "wrong-type", "unknown-field", "huge", "not-object", "not-utf8", "deep"]
        )
    )
    if kind == "not-utf8":
        text = json.dumps({"reason": draw(st.text(max_size=20))}).encode()
        cut = draw(st.integers(min_value=1, max_value=len(text) - 1))
        invalid = draw(st.sampled_from([b"\xe9", b"\xff", b"\xc3", b"\xed\xa0\x80"]))
        return text[:cut] + invalid + text[cut:]
    if kind == "deep":
        depth = draw(st.integers(min_value=1_000, max_value=5_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return ('{"reason": ' + opener * depth + "1" + closer * depth + "}").encode()
    if kind == "garbage":
        raw = draw(st.binary(max_size=200))
        return b"{" + raw if raw[:1] != b"{" else raw + b"}}"
    if kind == "wrong-type":
        field = draw(st.sampled_from(["reason", "value", "status", "title", "unit_id", "name"]))
        value = draw(
            st.lists(JSON_VALUES, min_size=1, max_size=3)
            | st.dictionaries(st.text(max_size=5), JSON_VALUES, min_size=1)
        )
        return json.dumps({field: value}).encode()
    if kind == "unknown-field":
        name = draw(st.text(min_size=1, max_size=12).filter(lambda s: s not in KNOWN_FIELDS))
        return json.dumps({"reason": "x", "value": 1, "status": "green", name: True}).encode()
    if kind == "huge":
        size = draw(st.integers(min_value=65 * 1024, max_value=300 * 1024))
        return json.dumps({"reason": "x" * size}).encode()
    return json.dumps(draw(st.lists(JSON_VALUES, max_size=3) | st.text() | st.integers())).encode()


KNOWN_FIELDS = {"reason", "value", "status", "effective_at", "expected_version", "comment"}

TOKENS = st.one_of(
    st.just("valid"),
    st.text(max_size=60),
    st.builds(lambda s: f"okr_{s}", st.text(max_size=60)),
    st.builds(
        lambda h, s: f"okr_{h}_{s}",
        st.text("0123456789abcdef", min_size=32, max_size=32),
        st.text(min_size=1, max_size=40),
    ),
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bad_requests_are_4xx_and_write_nothing(
    client: Client, okr: OKRApplication, org: Org, data: st.DataObject
) -> None:
    before = okr.position()
    path = data.draw(st.sampled_from(endpoints(org)))
    body = data.draw(bad_bodies())
    token = data.draw(TOKENS)
    header = org.tokens["admin"] if token == "valid" else token
    headers = {"content-type": "application/json"}
    if header.isprintable() and header.isascii():
        headers["Authorization"] = f"Bearer {header}"
    response = client.post(path, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert okr.position() == before
