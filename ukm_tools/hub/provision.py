"""Accounts from the roster: system users, hub accounts with codes, parameter files and the cards.

``ukm hub accounts`` and ``ukm serve`` call :func:`create_accounts`; ``ukm hub reset-code``
calls :func:`reset_code`. The roster is the course's (``ukm roster import``), so hub user
names, system users and the gradebook's student ids are the same ids.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ukm_tools.course.roster import Participant
from ukm_tools.errors import UkmError
from ukm_tools.hub import sysusers
from ukm_tools.hub.accounts import AccountStore, IssuedCode, ThrottlePolicy, Window
from ukm_tools.hub.cards import Card, write_cards
from ukm_tools.hub.isolation import write_params_file
from ukm_tools.hub.settings import PARTICIPANTS, STAFF, HubSettings


@dataclass(frozen=True)
class StaffMember:
    username: str
    name: str


@dataclass
class Provisioned:
    issued: list[Card] = field(default_factory=list)
    """New codes (the only time they exist in plain text)."""
    kept: list[str] = field(default_factory=list)
    """Accounts that already had a code and kept it."""
    cards: Path | None = None


def store_for(settings: HubSettings) -> AccountStore:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state_dir, 0o700)
    return AccountStore(settings.accounts_db_url, ThrottlePolicy.of(settings))


def _params_json(participant: Participant) -> str:
    from ukm_tools.exercises.params import params_document, product_for

    sid = participant.student_id
    return json.dumps(params_document(sid, product_for(sid, participant)), ensure_ascii=False)


def create_accounts(
    settings: HubSettings,
    participants: list[Participant],
    staff: Sequence[StaffMember] = (),
    *,
    window: Window | None = None,
    new_codes: bool = False,
    cards_path: Path | None = None,
) -> Provisioned:
    """A system user, a parameter file and a hub account for every participant and staff member.

    Existing accounts keep their code unless ``new_codes`` (codes are stored hashed, so an old
    code cannot be printed again: a lost card needs :func:`reset_code`). All names are checked
    before anything is created.
    """
    sysusers.require_root("ukm hub accounts")
    sysusers.check_names([p.student_id for p in participants] + [s.username for s in staff])
    window = window or Window.starting_now()
    result = Provisioned()
    with store_for(settings) as store:
        existing = store.usernames()
        people: list[tuple[str, str, str, Participant | None]]
        people = [(p.student_id, p.name, PARTICIPANTS, p) for p in participants]
        people += [(s.username, s.name, STAFF, None) for s in staff]
        for username, name, role, participant in people:
            user = sysusers.ensure_user(username, settings.home_base)
            if participant is not None:
                write_params_file(settings.params_dir, username, _params_json(participant), user.gid)
            if username in existing and not new_codes:
                result.kept.append(username)
                continue
            result.issued.append(Card(name, store.issue(username, role, window)))
    if result.issued and cards_path is not None:
        result.cards = write_private_cards(cards_path, result.issued, settings)
    return result


def write_private_cards(path: Path, cards: list[Card], settings: HubSettings) -> Path:
    """The cards PDF, readable by root only (it holds live codes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.close(fd)
    return write_cards(path, cards, login_url=settings.login_url)


def reset_code(
    settings: HubSettings, username: str, name: str, *, window: Window | None = None, cards_path: Path | None = None
) -> tuple[IssuedCode, Path | None]:
    """A new code for one account (same role; same window unless given); the old code stops working."""
    sysusers.require_root("ukm hub reset-code")
    with store_for(settings) as store:
        account = store.get(username)
        if account is None:
            raise UkmError("hub_unknown_account", "username", username)
        issued = store.issue(username, account.role, window or account.window)
    cards = write_private_cards(cards_path, [Card(name, issued)], settings) if cards_path else None
    return issued, cards


def remove_accounts(settings: HubSettings, usernames: list[str]) -> None:
    """Hub account and system user (with home and parameter file) of each name."""
    sysusers.require_root("ukm hub")
    with store_for(settings) as store:
        for username in usernames:
            store.remove(username)
            (settings.params_dir / f"{username}.json").unlink(missing_ok=True)
            sysusers.remove_user(username)
