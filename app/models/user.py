"""Accounts: a role plus the unit (and optionally region) whose data they may see."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import passwords
from app.models.base import Base, utcnow
from app.models.org import Region, Unit

ROLES = {"admin": "Admin", "analyst": "Analis", "monitor": "Monitor"}


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'analyst', 'monitor')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of every session and remember-me cookie (see get_id); raising it ends them all.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    unit: Mapped[Unit] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    def get_id(self) -> str:
        """What Flask-Login signs into the session and the remember-me cookie: the id plus the
        token version, so a cookie issued before `end_sessions()` no longer loads anyone."""
        return f"{self.id}:{self.token_version or 0}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this account, server-side."""
        self.token_version = (self.token_version or 0) + 1

    def set_password(self, password: str) -> None:
        """Store a new hash; a changed password ends every existing session of the account."""
        self.password_hash = passwords.hash_password(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return passwords.check(self.password_hash, password)

    @staticmethod
    def normalise_email(email: str) -> str:
        return (email or "").strip().lower()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
