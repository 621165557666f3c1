"""Declarative base with a naming convention, so every constraint has a stable
name that Alembic can find again on both SQLite and PostgreSQL."""
from datetime import UTC, datetime

from sqlalchemy import Boolean, MetaData, SmallInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CodeNameRow:
    """The small lists admins keep (respondent categories, pendamping types, income programmes,
    kritik themes): a stable code that imports and reports use, a display name, an active switch
    (rows are retired, never deleted, since records point at them) and a position in the list.
    Lengths and the sort column's type differ by table, as their migrations made them."""

    CODE_LENGTH = 40
    NAME_LENGTH = 200
    SORT_TYPE = SmallInteger

    id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def code(cls) -> Mapped[str]:
        return mapped_column(String(cls.CODE_LENGTH), unique=True)

    @declared_attr
    def name(cls) -> Mapped[str]:
        return mapped_column(String(cls.NAME_LENGTH))

    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @declared_attr
    def sort_order(cls) -> Mapped[int]:
        return mapped_column(cls.SORT_TYPE, default=0)


def utcnow() -> datetime:
    """Naive UTC timestamp: the same representation on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def sql_in(values) -> str:
    """A literal list for CHECK (col IN (...)) constraints built from the same tuples the forms use."""
    return ", ".join(f"'{v}'" for v in values)

