"""The resource registry: one declaration per kind of record, from which everything standard follows.

A `Resource` names the kind (its `records.kind` and audit object type), its stored and client Structs, its
parent, its default visibility (domain 4.2), the queryable columns it extracts, its access rules and its path.
From it come the standard operations (read, versions, one version, the list under its parent, marking it
entered in error), the create and replace whose rules the kind supplies as hooks (`Create`, `Replace`), and
its actions (`POST <item>/<verb>`: close, end, finalise...), with their OpenAPI entries, their policy rules and
the kind list the database accepts. An area keeps only its own rules and the few routes that fit none of these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from types import UnionType
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import DueWork

from ..auth.policy import SYNC_CLIENTS, Access, Reach, Rule, register_rules
from ..auth.roles import Role
from ..db.records import Columns, StoredRecord, columns_of
from ..problems import ProblemError

# Hooks an area supplies, run inside the write's transaction: build version 1 from the client's body (with the
# parent record and the new id), build the next version from the stored one, and bookkeeping after either.
NewDoc = Callable[[AsyncConnection, Any, StoredRecord | None, Any, UUID], Awaitable[Any]]
NextDoc = Callable[[AsyncConnection, Any, StoredRecord, Any], Awaitable[Any]]
AfterWrite = Callable[[AsyncConnection, Any, Any, StoredRecord | None], Awaitable[None]]
# A create's `If-None-Exist` condition (interop R2) -> the id of the record that already meets it, or None.
FindExisting = Callable[[AsyncConnection, Any, str], Awaitable[UUID | None]]
# What a reader is shown of current records, worked out when they are read (a safety plan is stale when its
# danger statements changed after it was agreed, BR-09): the records in, the records to show out.
Present = Callable[[AsyncConnection, Any, list[StoredRecord]], Awaitable[list[StoredRecord]]]
# What a reader is shown that a read's own statement works out (a case's current level), so the read stays one
# statement: (the caller's scope, the rows found: a FROM with the records' `id`) -> a column, and (the record, that
# column's value) -> the record as shown.
ShownColumn = Callable[[Any, Any], Any]
ShownAs = Callable[[StoredRecord, Any], StoredRecord]
# An action's service: (db, actor, record id, the If-Match version or None, the body or None) -> the record written.
ActionRun = Callable[[Any, Any, UUID, Any, Any], Awaitable[Any]]


@dataclass(frozen=True)
class Names:
    """How a kind is named: stored kind, operationId noun, item collection path, id path parameter."""

    kind: str
    noun: str
    path: str
    id_param: str
    tag: str
    title: str = ""
    # The SMART v2 resource an integration client's scopes name (system/<scope>.rs).
    scope: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", self.title or self.kind.replace("_", " "))
        object.__setattr__(self, "scope", self.scope or self.path.rsplit("/", 1)[1])


@dataclass(frozen=True)
class Listing:
    """The list of a kind's records under their parent (a case's maps) or, with no parent, the collection.
    `by` is the stored column holding the parent's id: `case_id` for case content, `parent_id` for nested kinds."""

    operation_id: str
    summary: str
    newest_first: bool = False
    by: str = "case_id"


@dataclass(frozen=True)
class Record:
    """How a kind is stored: the Struct returned and the one clients send, the queryable columns of a document,
    its parent kind (and the path segment under the parent), how the policy reaches it from a case, and its
    default visibility (domain 4.2)."""

    stored: type[msgspec.Struct]
    # A Struct, or a tagged union of Structs (a statutory plan's `PlanCreate`).
    accepts: type[msgspec.Struct] | UnionType | None
    columns: Callable[[Any], Columns] = columns_of
    parent: str | None = None
    segment: str | None = None
    reach: Reach = Reach.case_content
    # Documents of this kind can hold addresses flagged confidential (BR-27): the policy picks the view.
    holds_addresses: bool = False
    default_visibility: str = "family_shareable"


@dataclass(frozen=True)
class Operation:
    """What every operation a kind declares has: its operationId (never changed once published), its summary,
    and the problem statuses and description its rules add to the OpenAPI entry."""

    operation_id: str
    summary: str
    problems: tuple[int, ...] = field(default=(), kw_only=True)
    description: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Create(Operation):
    """The standard create, on the parent (`POST <parent>/<segment>`) or the collection: 201 with Location."""

    build: NewDoc
    roles: frozenset[Role]
    _: KW_ONLY
    # Lock the parent row: creates under one parent are serialised (a case's map chain).
    lock_parent: bool = False
    # Or serialise only the creates under one parent whose bodies give the same key (one person's judgements on a
    # scale, BR-02), with the parent held only against change: creates with other keys run side by side.
    serialised_by: Callable[[Any], tuple[str, ...]] | None = None
    # Unique indexes a concurrent writer can trip, and the problem that losing the race is.
    conflicts: Mapping[str, Callable[[], ProblemError]] = field(default_factory=dict)
    # Create-if-absent (interop R2): with an `If-None-Exist` header, the record already meeting it is answered
    # (200) instead of a new one made; the hook finds it, inside the create's transaction.
    if_none_exist: FindExisting | None = None
    if_none_exist_doc: str = ""


@dataclass(frozen=True)
class Replace(Operation):
    """The standard replace (`PUT <item>`, If-Match)."""

    build: NextDoc
    roles: frozenset[Role]


@dataclass(frozen=True)
class Action(Operation):
    """A change with a name of its own (`POST <item>/<segment>`): close, end, finalise, revise.

    `change` builds the next version from the stored one (If-Match, then the kind's bookkeeping, like a replace);
    `run` is a whole service of its own, for actions that touch more than the one record."""

    segment: str
    change: NextDoc | None
    roles: frozenset[Role]
    _: KW_ONLY
    run: ActionRun | None = None
    access: str = "u"
    body: type[msgspec.Struct] | None = None
    if_match: bool = True
    # The action makes a new record of this kind: 201 with its Location.
    creates: bool = False
    problems: tuple[int, ...] = (404, 409)


# The council systems' URIs a kind's source keys use: https://sos-casework.org.uk/id/la/{la_code}/{slug}.
SOURCE_BASE = "https://sos-casework.org.uk/id/la/"
# Interop R11: the whole record, as an ownership.
WHOLE = ("",)


@dataclass(frozen=True)
class SourceKeyed:
    """A kind a council's own system keeps (interop R3): `PUT <collection or parent list>?source=&source_id=`
    creates or replaces the record holding that key. `systems` are the slugs of the council system URIs it takes
    (`cp-plan`: `https://sos-casework.org.uk/id/la/845/cp-plan`), `aliases` the SSD primary keys they carry (for
    the description), `owns` the fields the council's system owns by default (interop R11: JSON Pointers into the
    record, `WHOLE` for all of it); the rest are its practitioners'."""

    systems: tuple[str, ...]
    owns: tuple[str, ...] = WHOLE
    aliases: str = ""


def revision(operation_id: str, summary: str, run: ActionRun, roles: frozenset[Role], **more: Any) -> Action:
    """`POST <item>/revisions`: copy a read-only version (a finalised map, an agreed plan, a presented story) into
    a new draft record linked back to it: 201 with its Location, no If-Match (the source is not changed)."""
    return Action(
        operation_id, summary, "revisions", None, roles, run=run, access="c", if_match=False, creates=True, **more
    )


@dataclass(frozen=True)
class Resource:
    """One kind's declaration: its names, how it is stored, who reads it, and its operations. `standard` names
    the standard operations it has (all four unless a kind has reason to go without)."""

    names: Names
    record: Record
    access: Access
    _: KW_ONLY
    listing: Listing | None = None
    create: Create | None = None
    replace: Replace | None = None
    # Bookkeeping beside the document after every write (access grants, identifier lookups).
    after: AfterWrite | None = None
    # Facts worked out on reading the current record (get and list), never stored.
    present: Present | None = None
    # `present`'s work as a column of the read's own statement (read one, list), when the kind can say it so.
    shown: tuple[ShownColumn, ShownAs] | None = None
    # The statutory timescales a current record still has to meet, for a team's due-work list (domain 3.5): from
    # the record as `present` shows it, one DueWork per deadline not yet met.
    due: Callable[[Any], list[DueWork]] | None = None
    actions: tuple[Action, ...] = ()
    # Rules of this kind's hand-written routes: operationId -> (roles, SMART access letter).
    special: Mapping[str, tuple[frozenset[Role], str]] = field(default_factory=dict)
    standard: tuple[str, ...] = ("get", "versions", "version", "entered_in_error")
    # Upsert by a council system's key (interop R3): the kind must have a create and a replace.
    sync: SourceKeyed | None = None
    # Interop R11, for a kind its council's system keeps with no upsert by source key (a person, upserted by
    # identifier): the fields that system owns. None, with no `sync`: the kind is its practitioners' own.
    system_owns: tuple[str, ...] | None = None

    @property
    def default_owns(self) -> tuple[str, ...]:
        """The fields a council's system owns unless the council says otherwise; () when it owns none."""
        if self.sync is not None:
            return self.sync.owns
        return self.system_owns or ()

    @property
    def sync_operation_id(self) -> str:
        return f"upsert{self.names.noun}BySource"

    @property
    def kind(self) -> str:
        return self.names.kind

    @property
    def reach(self) -> Reach:
        return self.record.reach

    @property
    def segment(self) -> str:
        """The path segment under the parent where the kind is listed and created."""
        return self.record.segment or self.names.path.rsplit("/", 1)[1]

    def columns(self, doc: Any) -> Columns:
        """The kind's columns; a kind whose documents carry no visibility of their own is always seen at its
        default one (domain 4.2: involvements are professionals_only)."""
        columns = self.record.columns(doc)
        if not hasattr(doc, "visibility"):
            columns = msgspec.structs.replace(columns, visibility=self.record.default_visibility)
        return columns

    @property
    def a_title(self) -> str:
        """The title with its article, for summaries: "an assessment map"."""
        return ("an " if self.names.title[0] in "aeiou" else "a ") + self.names.title

    @property
    def item_path(self) -> str:
        return f"{self.names.path}/{{{self.names.id_param}:uuid}}"

    def decode(self, stored: StoredRecord) -> Any:
        return msgspec.json.decode(stored.doc, type=self.record.stored)

    def rules(self) -> dict[str, Rule]:
        """Every operation this kind has, with who may call it."""
        a, scope, noun = self.access, self.names.scope, self.names.noun
        history = a.history or a.read
        standard = {
            "get": (f"get{noun}", a.read, "r"),
            "versions": (f"list{noun}Versions", history, "r"),
            "version": (f"get{noun}Version", history, "r"),
            "entered_in_error": (f"mark{noun}EnteredInError", a.correct, "u"),
        }
        found = {standard[name][0]: Rule(standard[name][1], scope, standard[name][2]) for name in self.standard}
        if self.listing is not None:
            found[self.listing.operation_id] = Rule(a.read, scope, "s")
        if self.create is not None:
            found[self.create.operation_id] = Rule(self.create.roles, scope, "c")
        if self.replace is not None:
            found[self.replace.operation_id] = Rule(self.replace.roles, scope, "u")
        for action in self.actions:
            found[action.operation_id] = Rule(action.roles, scope, action.access)
        if self.sync is not None:
            found[self.sync_operation_id] = Rule(SYNC_CLIENTS, scope, "cu")
        for op, (roles, letter) in self.special.items():
            found[op] = Rule(roles, scope, letter)
        return found


REGISTRY: dict[str, Resource] = {}
# operationId -> the kind it acts on (the audit object type of a refused create or search).
OPERATION_KINDS: dict[str, str] = {}


def register(resource: Resource) -> Resource:
    """Add a kind: its operations join the policy table, its name the kinds the database accepts."""
    if resource.kind in REGISTRY:
        raise ValueError(f"kind {resource.kind!r} is registered twice")
    if resource.sync is not None and (resource.create is None or resource.replace is None):
        raise ValueError(f"kind {resource.kind!r} is upserted by source key, so needs a create and a replace")
    rules = resource.rules()
    register_rules(rules)
    REGISTRY[resource.kind] = resource
    OPERATION_KINDS.update(dict.fromkeys(rules, resource.kind))
    return resource


def resource(kind: str) -> Resource:
    """A registered kind, looked up by name, for areas that touch another area's records through the
    standard machinery without importing that area."""
    return REGISTRY[kind]


def all_resources() -> tuple[Resource, ...]:
    """Every registered kind, in registration order."""
    return tuple(REGISTRY.values())


def kinds() -> tuple[str, ...]:
    return tuple(sorted(REGISTRY))
