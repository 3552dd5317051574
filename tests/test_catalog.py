"""The catalog against the schema: every strawberry class of the graph matches its catalog entry
field by field (names, scalar types, links, filters, sort keys), so a type cannot be half-added.

No server: these read the code only.
"""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)

from hub.access import policy
from hub.access.principal import Role
from hub.catalog import ANY, API_TYPES, CATALOG, PROVENANCE, Mask, Masked, NodeType, Prop
from hub.schema import schema
from hub.schema.graph import GRAPH_TYPES

GQL = schema._schema  # graphql-core's schema, the one strawberry built from the classes

# How a property's kind appears in the API; a string may also be an enum of its values.
SCALARS = {
    "string": "String",
    "int": "Int",
    "float": "Float",
    "bool": "Boolean",
    "date": "Date",
    "datetime": "DateTime",
    "strings": "[String!]",
}


def _object(name: str) -> GraphQLObjectType:
    gql_type = GQL.get_type(name)
    assert isinstance(gql_type, GraphQLObjectType), f"{name} has no strawberry class"
    return gql_type


def _spelled(t: GraphQLOutputType) -> str:
    """A field's type as the SDL spells it, without the outer non-null."""
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    if isinstance(t, GraphQLList):
        return "[" + str(t.of_type) + "]"
    return str(t)


def _fields(entry: NodeType) -> set[str]:
    """Every field the entry declares: the id, the exposed properties, provenance, links."""
    props = {p.api_name for p in entry.props if p.api_name is not None}
    links = {link.field for link in entry.field_links if link.field is not None}
    return {"id"} | props | set(PROVENANCE) | links


def test_every_class_of_the_graph_has_an_entry_and_every_entry_of_the_api_a_class() -> None:
    assert sorted(cls.__name__ for cls in GRAPH_TYPES) == sorted(API_TYPES)
    for name, entry in CATALOG.items():
        if not entry.api:
            assert GQL.get_type(name) is None, f"{name} is in the API but not in the catalog's"


@pytest.mark.parametrize("name", sorted(API_TYPES))
def test_a_class_has_exactly_the_fields_of_its_entry(name: str) -> None:
    entry = API_TYPES[name]
    assert set(_object(name).fields) == _fields(entry)
    assert set(policy.FIELDS[name]) == _fields(entry)


@pytest.mark.parametrize("name", sorted(API_TYPES))
def test_each_scalar_field_has_the_type_of_its_property(name: str) -> None:
    fields = _object(name).fields
    assert _spelled(fields["id"].type) == "ID"
    for prop in API_TYPES[name].props:
        if prop.api_name is None:
            continue
        spelled = _spelled(fields[prop.api_name].type)
        named = get_named_type(fields[prop.api_name].type)
        if prop.kind == "string" and isinstance(named, GraphQLEnumType):
            continue  # a string with a closed set of values
        assert spelled == SCALARS[prop.kind], f"{name}.{prop.api_name}: {spelled}"
    for prov, kind in PROVENANCE.items():
        assert _spelled(fields[prov].type) == SCALARS[kind]


@pytest.mark.parametrize("name", sorted(API_TYPES))
def test_each_link_is_a_connection_or_an_object_of_its_target(name: str) -> None:
    fields = _object(name).fields
    for link in API_TYPES[name].field_links:
        assert link.field is not None
        spelled = _spelled(fields[link.field].type)
        if link.target == ANY:
            assert spelled == "[Node!]"
        elif link.many:
            assert spelled == link.target + "Connection", f"{name}.{link.field}: {spelled}"
            assert link.order, f"{name}.{link.field} has no default order"
        else:
            assert spelled == link.target, f"{name}.{link.field}: {spelled}"
        assert link.target == ANY or link.target in API_TYPES


def _root_lists() -> dict[str, dict[str, GraphQLNamedType]]:
    """type -> argument name -> its named input type, for each root field listing a type."""
    query = GQL.query_type
    assert query is not None
    out: dict[str, dict[str, GraphQLNamedType]] = {}
    for root in query.fields.values():
        named = get_named_type(root.type)
        listed = named.name.removesuffix("Connection")
        if listed in API_TYPES and "filter" in root.args:
            args = {a: get_named_type(arg.type) for a, arg in root.args.items()}
            out[named.name.removesuffix("Connection")] = args
    return out


def test_each_root_list_filters_and_sorts_on_what_its_entry_declares() -> None:
    lists = _root_lists()
    with_filters = {n for n, e in API_TYPES.items() if e.filters or e.sorts}
    assert with_filters <= set(lists)
    for name, args in lists.items():
        entry = API_TYPES[name]
        filter_input = args["filter"]
        assert isinstance(filter_input, GraphQLInputObjectType)
        assert set(filter_input.fields) - {"since", "until"} == {f.name for f in entry.filters}
        order = args.get("orderBy")
        assert isinstance(order, GraphQLInputObjectType)
        sort_enum = get_named_type(order.fields["field"].type)
        assert isinstance(sort_enum, GraphQLEnumType)
        assert sorted(v.value for v in sort_enum.values.values()) == sorted(entry.sorts)


@pytest.mark.parametrize("name", sorted(API_TYPES))
def test_a_mask_names_only_readers_of_its_type(name: str) -> None:
    entry = API_TYPES[name]
    for prop in entry.props:
        if prop.mask is not None:
            assert prop.mask.full_for <= entry.readers, f"{name}.{prop.name}"


def test_a_role_reads_only_what_some_entry_grants_it() -> None:
    granted = {role for e in API_TYPES.values() for role in e.readers}
    for role in Role:
        assert bool(policy.TYPE_READERS[role]) == (role in granted)
    for role in (Role.AUDITOR, Role.ADMIN, Role.PUBLIC):
        assert policy.TYPE_READERS[role] == frozenset()


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_each_link_and_filter_names_a_relationship_of_the_graph(name: str) -> None:
    entry = CATALOG[name]
    for f in entry.filters:
        if f.op == "related":
            assert f.label in API_TYPES
            assert f.prop in {p.name for p in API_TYPES[f.label].props}
        else:
            assert entry.prop(f.prop) is not None, f"{name} filter {f.name}"
    for key in entry.sorts:
        assert entry.prop(key) is not None, f"{name} sorts on {key}"
    if entry.api:
        assert entry.prop(entry.key) is not None


def test_a_new_type_read_by_two_roles_gives_nothing_to_any_other_role() -> None:
    """The worked example of docs/architecture.md: one entry, one masked field, two readers."""
    alert = NodeType(
        "Bulletin",
        "id",
        props=(
            Prop("id", "string", field="bulletinId"),
            Prop("phone", "string", mask=Masked(Mask.PHONE, frozenset({Role.POLICE}))),
        ),
        readers=frozenset({Role.MARKET, Role.POLICE}),
    )
    readers = policy.readers_by_role([*API_TYPES.values(), alert])
    assert {r for r in Role if "Bulletin" in readers[r]} == {Role.MARKET, Role.POLICE}
    for role in Role:  # every other type reads as before
        assert readers[role] - {"Bulletin"} == policy.TYPE_READERS[role]
    rules = policy.field_rules(alert)
    assert set(rules) == {"id", "bulletinId", "phone", "recordedBy", "recordedAt"}
    phone = rules["phone"]
    assert isinstance(phone, Masked)
    assert {r for r in Role if r not in phone.full_for} == set(Role) - {Role.POLICE}
