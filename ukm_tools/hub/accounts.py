"""The hub's account store: who may log in, with which code (hashed), when, and how often they failed.

One row per hub user in ``ukm_hub_account`` (SQLite in the hub's private state folder by
default, any SQLAlchemy URL otherwise). It holds no name, phone or e-mail: the cards are
printed from the roster at the moment a code is issued, and the code itself is never stored.

Throttling is per account, not per address: a whole room logs in from one address behind
the Wi-Fi router. After ``failed_login_limit`` wrong codes in a row the account is locked
for ``lockout_s`` seconds, each further lock doubling up to ``lockout_max_s``; the right code
after the lock has passed clears the count. A lock lets someone keep a participant out for
a while by typing wrong codes on purpose; staff can see it (``ukm hub accounts --list``) and
clear it with a new code (``ukm hub reset-code``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_datetime

from ukm_tools.errors import UkmError
from ukm_tools.hub import codes
from ukm_tools.hub.settings import CODE_HOURS, ROLES, WORKSHOP_TZ, HubSettings
from ukm_tools.messages import LOCALES, lang_or_default, section

T = section("hub.accounts")

TABLE_NAME = "ukm_hub_account"
_metadata = sa.MetaData()
_table = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("code_hash", sa.String(256), nullable=False),
    sa.Column("valid_from", sa.DateTime, nullable=False),
    sa.Column("valid_until", sa.DateTime, nullable=False),
    sa.Column("code_issued_at", sa.DateTime, nullable=False),
    sa.Column("failed_count", sa.Integer, nullable=False, default=0),
    sa.Column("locks", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime, nullable=True),
    sa.Column("last_login_at", sa.DateTime, nullable=True),
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _naive(moment: datetime) -> datetime:
    """Aware -> naive UTC for the database (SQLite keeps no time zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _aware(stored: datetime) -> datetime:
    """Naive UTC from the database -> aware."""
    return stored.replace(tzinfo=UTC)


def _aware_or_none(stored: datetime | None) -> datetime | None:
    return None if stored is None else _aware(stored)


def parse_workshop_time(text: str, field: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` (or ISO) in Asia/Jakarta unless it carries its own offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UkmError("hub_bad_time", field, text) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=WORKSHOP_TZ)


def format_moment(moment: datetime, lang: str = "id", *, time_only: bool = False) -> str:
    """A moment in workshop time as people there write it: ``12 Mei 2026 07.00`` (``07:00`` in English)."""
    lang = lang_or_default(lang)
    pattern = "HH.mm" if lang == "id" else "HH:mm"
    if not time_only:
        pattern = f"d MMM y {pattern}"
    return format_datetime(moment.astimezone(WORKSHOP_TZ), pattern, locale=LOCALES[lang])


@dataclass(frozen=True)
class Window:
    """When a login code works: ``start <= now < end`` (aware datetimes)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window times must be time-zone aware")
        if self.end <= self.start:
            raise UkmError("hub_bad_window", "window", self.end.isoformat(), self.start.isoformat())

    @classmethod
    def starting_now(cls, hours: float = CODE_HOURS) -> Window:
        return cls.around(None, None, hours)

    @classmethod
    def around(cls, start: datetime | None, end: datetime | None, hours: float = CODE_HOURS) -> Window:
        """From ``start`` (default: this minute) until ``end`` (default: ``hours`` after the start)."""
        start = start or now_utc().astimezone(WORKSHOP_TZ).replace(second=0, microsecond=0)
        return cls(start, end or start + timedelta(hours=hours))

    def describe(self, lang: str = "id") -> str:
        """``12 Mei 2026 07.00 – 17.00 WIB`` (the end's date is repeated when it differs)."""
        same_day = self.start.astimezone(WORKSHOP_TZ).date() == self.end.astimezone(WORKSHOP_TZ).date()
        end = format_moment(self.end, lang, time_only=same_day)
        return T("window", lang, start=format_moment(self.start, lang), end=end)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    window: Window
    code_issued_at: datetime
    failed_count: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: the only moment the plain code exists (print it on a card)."""

    username: str
    role: str
    code: str
    window: Window

    @property
    def shown(self) -> str:
        return codes.display(self.code)


class Outcome(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_YET = "not_yet"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LoginCheck:
    outcome: Outcome
    account: Account | None = None
    retry_after_s: int = 0


@dataclass(frozen=True)
class ThrottlePolicy:
    """When wrong codes lock an account (the values and their defaults are :class:`HubSettings`')."""

    failed_login_limit: int
    lockout_s: int
    lockout_max_s: int

    @classmethod
    def of(cls, settings: HubSettings) -> ThrottlePolicy:
        return cls(settings.failed_login_limit, settings.lockout_s, settings.lockout_max_s)

    def lock_seconds(self, locks: int) -> int:
        """Length of the ``locks``-th lock (1-based): doubling from ``lockout_s``, capped."""
        return min(self.lockout_s * 2 ** max(locks - 1, 0), self.lockout_max_s)


class AccountStore:
    """Reads and writes ``ukm_hub_account`` at ``url`` (creates the table when missing)."""

    def __init__(self, url: str, policy: ThrottlePolicy) -> None:
        self.url = url
        self.policy = policy
        connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
        self._engine = sa.create_engine(url, connect_args=connect_args)
        _metadata.create_all(self._engine, checkfirst=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> AccountStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def _account(row) -> Account:
        return Account(
            username=row.username,
            role=row.role,
            window=Window(_aware(row.valid_from), _aware(row.valid_until)),
            code_issued_at=_aware(row.code_issued_at),
            failed_count=row.failed_count or 0,
            locked_until=_aware_or_none(row.locked_until),
            last_login_at=_aware_or_none(row.last_login_at),
        )

    def get(self, username: str) -> Account | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(_table).where(_table.c.username == username)).first()
        return None if row is None else self._account(row)

    def all(self) -> list[Account]:
        with self._engine.connect() as conn:
            return [self._account(r) for r in conn.execute(sa.select(_table).order_by(_table.c.username))]

    def usernames(self, role: str | None = None) -> set[str]:
        query = sa.select(_table.c.username)
        if role:
            query = query.where(_table.c.role == role)
        with self._engine.connect() as conn:
            return {r.username for r in conn.execute(query)}

    def issue(self, username: str, role: str, window: Window) -> IssuedCode:
        """A new code for ``username`` (created or replaced); clears any lock and failed count."""
        if role not in ROLES:
            raise UkmError("hub_bad_role", "role", role, list(ROLES))
        code = codes.new_code()
        values = {
            "role": role,
            "code_hash": codes.hash_code(code),
            "valid_from": _naive(window.start),
            "valid_until": _naive(window.end),
            "code_issued_at": _naive(now_utc()),
            "failed_count": 0,
            "locks": 0,
            "locked_until": None,
        }
        key = _table.c.username == username
        with self._engine.begin() as conn:
            if not conn.execute(sa.update(_table).where(key).values(**values)).rowcount:
                conn.execute(sa.insert(_table).values(username=username, **values))
        return IssuedCode(username, role, code, window)

    def set_window(self, window: Window, usernames: list[str] | None = None) -> int:
        """Move the validity window of these accounts (all when None); returns how many changed."""
        query = sa.update(_table).values(valid_from=_naive(window.start), valid_until=_naive(window.end))
        if usernames is not None:
            query = query.where(_table.c.username.in_(usernames))
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount

    def remove(self, username: str) -> bool:
        with self._engine.begin() as conn:
            return bool(conn.execute(sa.delete(_table).where(_table.c.username == username)).rowcount)

    def check_login(self, username: str, typed_code: str, now: datetime | None = None) -> LoginCheck:
        """Check one login attempt and record its outcome (failed count, lock, last login).

        The code is checked before the window, so only someone holding the right code learns
        that it expired; a locked account is refused before its code is even looked at.
        """
        now = now or now_utc()
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(_table).where(_table.c.username == username)).first()
        if row is None:
            codes.verify(codes.DUMMY_HASH, typed_code)  # same cost as a wrong code
            return LoginCheck(Outcome.WRONG)
        account = self._account(row)
        if account.locked(now):
            return LoginCheck(Outcome.LOCKED, account, _seconds_until(account.locked_until, now))
        key = _table.c.username == username
        if not codes.verify(row.code_hash, typed_code):
            return self._record_failure(username, now)
        with self._engine.begin() as conn:
            conn.execute(sa.update(_table).where(key).values(failed_count=0, locks=0, locked_until=None))
        if now < account.window.start:
            return LoginCheck(Outcome.NOT_YET, account)
        if now >= account.window.end:
            return LoginCheck(Outcome.EXPIRED, account)
        with self._engine.begin() as conn:
            conn.execute(sa.update(_table).where(key).values(last_login_at=_naive(now)))
        return LoginCheck(Outcome.OK, self.get(username))

    def _record_failure(self, username: str, now: datetime) -> LoginCheck:
        key = _table.c.username == username
        with self._engine.begin() as conn:
            # One statement, so two wrong codes at the same moment both count.
            conn.execute(sa.update(_table).where(key).values(failed_count=_table.c.failed_count + 1))
            row = conn.execute(sa.select(_table).where(key)).one()
            if row.failed_count < self.policy.failed_login_limit:
                return LoginCheck(Outcome.WRONG, self._account(row))
            locks = (row.locks or 0) + 1
            until = now + timedelta(seconds=self.policy.lock_seconds(locks))
            conn.execute(sa.update(_table).where(key).values(failed_count=0, locks=locks, locked_until=_naive(until)))
        return LoginCheck(Outcome.LOCKED, self.get(username), _seconds_until(until, now))

    def still_valid(self, username: str, now: datetime | None = None) -> bool:
        """The account exists and its window is open (checked when a session is refreshed)."""
        account = self.get(username)
        now = now or now_utc()
        return account is not None and account.window.start <= now < account.window.end


def _seconds_until(moment: datetime | None, now: datetime) -> int:
    if moment is None:
        return 0
    return max(1, int((moment - now).total_seconds() + 0.999))
