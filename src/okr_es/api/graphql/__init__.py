"""The GraphQL read API: queries over the read models, live subscriptions, time travel.

Mount it with ``create_app(settings, route_handlers=graphql_handlers())``; it expects the
running ProjectionService in ``app.state["projections"]``.
"""

from okr_es.api.graphql.controller import FEED_KEY, PROJECTIONS_KEY, graphql_handlers
from okr_es.api.graphql.schema import build_schema

__all__ = ["FEED_KEY", "PROJECTIONS_KEY", "build_schema", "graphql_handlers"]
