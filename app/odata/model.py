"""The shape of an OData entity set: its properties, its source query and who may read it.

An entity set is described once here, and everything else is derived from that description:
the CSDL in `$metadata`, which names `$select`, `$filter` and `$orderby` may use, and how each
value is written in JSON. The source is a subquery whose columns are named exactly as the
properties, so a `$filter` on a property name is a WHERE on that column and nothing else.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Subquery

from app.models import User

NAMESPACE = "Pantau"


@dataclass(frozen=True)
class Prop:
    """One property. `computed` ones are worked out in Python after the page is read (an IKM score,
    a capaian), so they can be selected but never filtered or ordered on."""

    name: str
    edm: str
    nullable: bool = True
    key: bool = False
    computed: bool = False
    filterable: bool = True
    description: str = ""

    @property
    def queryable(self) -> bool:
        return not self.computed and self.filterable and self.edm != "Edm.Guid"


@dataclass(frozen=True)
class EntitySet:
    name: str
    description: str
    props: tuple[Prop, ...]
    roles: tuple[str, ...]
    # source(user) -> subquery with one column per non-computed property, plus hidden ones named "_…"
    # (the unit's time zone "_tz" for DateTimeOffset values, sums a computed property needs).
    source: Callable[[User], Subquery]
    # finish(rows) -> one dict of computed values per row, in the same order
    finish: Callable[[list], list[dict]] | None = None
    page_size: int = 1000
    by_name: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.by_name.update({p.name: p for p in self.props})

    @property
    def type_name(self) -> str:
        return self.name

    @property
    def keys(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if p.key)

    def readable_by(self, user: User) -> bool:
        return user.role in self.roles
