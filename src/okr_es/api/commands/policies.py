"""Policy endpoints: the review thresholds and lint rules an organisation stores.

The body carries the same JSON document ``okr-es review --policy FILE`` and ``okr-es lint
--policy FILE`` read, decoded here by the very decoder the command line uses, so a
document the CLI refuses is refused here with the same message, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import CommandResponse, PolicyDocument
from okr_es.errors import InvalidInput
from okr_es.learning.lint_policy import load_lint_policy
from okr_es.learning.review_policy import load_review_policy


def canonical(policy: dict[str, Any], load: Callable[[bytes], msgspec.Struct]) -> str:
    """The policy decoded as the CLI decodes a policy file, and written back as stored:
    only the fields that differ from the defaults (``{}``: every default)."""
    try:
        decoded = load(msgspec.json.encode(policy))
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid-policy", field="policy") from None
    return msgspec.json.encode(decoded).decode()


class PolicyCommands(Controller):
    path = "/organizations"
    tags = ["organisations"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/{organization_id:uuid}/review-policy", status_code=200, sync_to_thread=True)
    def set_review_policy(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[PolicyDocument],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Store the learning review's thresholds for every unit (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.set_review_policy(
                organization_id=organization_id,
                policy=canonical(data.policy, load_review_policy),
                by=principal.member_id,
            )
        )

    @post("/{organization_id:uuid}/lint-policy", status_code=200, sync_to_thread=True)
    def set_lint_policy(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[PolicyDocument],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Store the OKR quality lint's rules (admin)."""
        access.administer(okr, principal, organization_id)
        return command_response(
            okr.set_lint_policy(
                organization_id=organization_id,
                policy=canonical(data.policy, load_lint_policy),
                by=principal.member_id,
            )
        )
