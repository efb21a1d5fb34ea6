"""Bounds on what one document may ask for: how deep it nests, and how many fields it
may answer.

**Depth and aliases** (:class:`DocumentLimits`): the most fields with selections nested
in one another, and the number of aliased fields. Checked during validation; a fragment
counts once however often it is spread.

**Cost** (:class:`QueryCost`): depth, token and alias limits each allow a query whose
nested lists multiply into millions of objects (objectives → key results → check-ins →
key result → check-ins …). Before anything runs, the operation's cost is estimated:
every field counts 1, times the size of each list it sits in. A connection's lists count
as its ``first`` (variables included); any other list as :data:`LIST_ESTIMATE` items.
Introspection counts 1: it is bounded by the schema, not by the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from strawberry.extensions import AddValidationRules, SchemaExtension

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
    value_from_ast,
)
from okr_es.api.graphql import errors

MAX_COST = 100_000
# Items assumed in a list without a page size: a key result's check-ins over a cycle,
# a unit's children, an objective's key results all stay around or below this.
LIST_ESTIMATE = 10
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The estimated number of fields the operation answers."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Estimate(schema, fragments, variables or {}).selections(operation.selection_set, root)


class _Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # A fragment costs the same wherever it is spread: counted once (a document may
        # spread fragments that spread others, each twice, doubling at every level).
        self.known: dict[tuple[str, str], int] = {}

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None = None
    ) -> int:
        total = 0
        spread: set[str] = set()  # spreads of one fragment in one selection merge
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, page)
            elif isinstance(node, InlineFragmentNode):
                kind = parent
                if node.type_condition is not None:
                    kind = self.schema.get_type(node.type_condition.name.value) or parent
                total += self.selections(node.selection_set, kind, page)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in spread:
                spread.add(node.name.value)
                total += self.spread(node.name.value, page)
        return total

    def spread(self, name: str, page: int | None) -> int:
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        key = (name, str(page))
        if key not in self.known:
            self.known[key] = 0  # a cycle (refused by validation) counts nothing more
            kind = self.schema.get_type(fragment.type_condition.name.value)
            self.known[key] = (
                0 if kind is None else self.selections(fragment.selection_set, kind, page)
            )
        return self.known[key]

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return 1
        definition = parent.fields.get(name)
        if definition is None:
            return 1
        size = self.first(node, definition.args)
        returns = get_named_type(definition.type)
        if is_list_type(get_nullable_type(definition.type)):
            if size is not None:
                multiplier = size
            elif page is not None and parent.name.endswith("Connection"):
                multiplier = page
            else:
                multiplier = LIST_ESTIMATE
            size = None
        else:
            multiplier = 1
        below = 0
        if node.selection_set is not None:
            below = self.selections(node.selection_set, returns, size)
        return multiplier * (1 + below)

    def first(self, node: FieldNode, arguments: Mapping[str, Any]) -> int | None:
        """The page size a field is asked for (its ``first``), if it takes one."""
        argument = arguments.get("first")
        if argument is None:
            return None
        value: Any = argument.default_value
        for given in node.arguments or ():
            if given.name.value == "first":
                value = value_from_ast(given.value, argument.type, dict(self.variables))
        return value if isinstance(value, int) and value >= 0 else LIST_ESTIMATE


class QueryCost(SchemaExtension):
    """Refuse an operation whose estimated cost is over ``max_cost``, before it runs."""

    def __init__(self, *, max_cost: int = MAX_COST) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # OneOperation has refused a document whose operation to run is unclear.
        operation = (
            None if document is None else get_operation_ast(document, context.operation_name)
        )
        if document is not None and operation is not None:
            schema = context.schema._schema
            cost = operation_cost(schema, operation, _fragments(document), context.variables)
            if cost > self.max_cost:
                self._refuse(cost)
        yield

    def _refuse(self, cost: int) -> None:
        # Answered like the depth, token and alias limits: no data, the reason coded.
        raise errors.graphql_error(
            f"this query may answer about {cost:,} fields; at most {self.max_cost:,} per "
            "request: ask for smaller pages (first) or fewer nested lists",
            QUERY_TOO_COSTLY,
            cost=cost,
            maxCost=self.max_cost,
        )


class _Reached:
    """What an operation reaches, each fragment counted once however often it is spread
    (a document whose fragments each spread the next twice would otherwise be walked
    2^n times: strawberry's own depth and alias limiters do, which holds the server as
    surely as a huge answer would)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.depths: dict[str, int] = {}
        self.spread: set[str] = set()

    def depth(self, selection_set: SelectionSetNode) -> int:
        """The most fields with selections nested in one another (introspection aside)."""
        deepest = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                if node.selection_set is not None and not node.name.value.startswith("__"):
                    deepest = max(deepest, 1 + self.depth(node.selection_set))
            elif isinstance(node, InlineFragmentNode):
                deepest = max(deepest, self.depth(node.selection_set))
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in self.depths:
                    self.depths[name] = 0  # a cycle (refused by validation) adds nothing
                    fragment = self.fragments.get(name)
                    found = 0 if fragment is None else self.depth(fragment.selection_set)
                    self.depths[name] = found
                deepest = max(deepest, self.depths[name])
        return deepest

    def aliases(self, selection_set: SelectionSetNode) -> int:
        """Aliased fields; a fragment's are counted at its first spread only (spreads of
        one fragment on one object are merged into one execution)."""
        count = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                count += node.alias is not None
                if node.selection_set is not None:
                    count += self.aliases(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                count += self.aliases(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in self.spread:
                self.spread.add(node.name.value)
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    count += self.aliases(fragment.selection_set)
        return count


def _fragments(document: Any) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class DocumentLimits(AddValidationRules):
    """Validation rules refusing every operation deeper than ``max_depth`` or with more
    than ``max_aliases`` aliases."""

    def __init__(self, *, max_depth: int, max_aliases: int) -> None:
        class Limits(ValidationRule):
            def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
                name = node.name.value if node.name else "anonymous"
                reached = _Reached(_fragments(self.context.document))
                if reached.depth(node.selection_set) > max_depth:
                    self.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}", node
                        )
                    )
                aliases = reached.aliases(node.selection_set)
                if aliases > max_aliases:
                    self.report_error(
                        GraphQLError(f"{aliases} aliases found. Allowed: {max_aliases}", node)
                    )

        super().__init__([Limits])
