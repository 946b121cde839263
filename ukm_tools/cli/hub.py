"""Workshop-server commands: `ukm serve`, `ukm hub accounts|reset-code|window`, `ukm db migrate`.

Thin over :mod:`ukm_tools.hub` and :mod:`ukm_tools.course.db`. The workshop folder
(``--dir``, default ``./workshop``) holds the course, the exchange, the hub's state and the
cards (layout in :mod:`ukm_tools.hub.settings`).
"""

from __future__ import annotations

import signal
import subprocess
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.cli.course import CourseOption, course_path
from ukm_tools.hub.settings import CODE_HOURS, HUB_LANG, WORKSHOP_TZ, HubSettings
from ukm_tools.messages import section

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.hub.accounts import AccountStore, Window
    from ukm_tools.hub.provision import Provisioned

T = section("cli.hub")

hub_app = typer.Typer(help=T.both("help_hub"), no_args_is_help=True)
app.add_typer(hub_app, name="hub")
db_app = typer.Typer(help=T.both("help_db"), no_args_is_help=True)
app.add_typer(db_app, name="db")

DirOption = typer.Option(Path("workshop"), "--dir", help=T.both("help_dir"))
CourseOverride = typer.Option(None, "--course", "-c", help=T.both("help_course"))
FromOption = typer.Option(None, "--from", help=T.both("help_from"))
UntilOption = typer.Option(None, "--until", help=T.both("help_until", hours=CODE_HOURS))
UrlOption = typer.Option(None, "--url", help=T.both("help_url"))
#: `ukm serve`'s defaults are the settings' own.
DEFAULT_PORT = HubSettings.default("port")
DEFAULT_SERVER_LIMIT = HubSettings.default("server_limit")


def say(key: str, lang: str, **params: object) -> None:
    """One line of this module's catalogue on stdout."""
    console.print(T(key, lang, **params), highlight=False)


def _card_url(url: str | None, port: int = DEFAULT_PORT) -> str:
    """The address on the cards: as given, else this machine's workshop-network address."""
    if url:
        return url
    from ukm_tools.errors import UkmError
    from ukm_tools.hub.launch import lan_address

    try:
        return f"http://{lan_address()}:{port}/"
    except UkmError:
        return f"http://127.0.0.1:{port}/"


#: The calculator server's working folder inside the workshop folder (``ukm apps --dir``).
CALCULATOR_FOLDER = "kalkulator"


def _settings(folder: Path, course: Path | None, **overrides: Any) -> HubSettings:
    if course is not None:
        overrides["course_dir"] = course.resolve()
    return HubSettings.for_workshop(folder, **overrides)


def _window(start: str | None, end: str | None) -> Window:
    from ukm_tools.hub.accounts import Window, parse_workshop_time

    begin = parse_workshop_time(start, "--from") if start else None
    return Window.around(begin, parse_workshop_time(end, "--until") if end else None)


def _cards_path(settings: HubSettings, label: str) -> Path:
    stamp = datetime.now(WORKSHOP_TZ).strftime("%Y%m%d-%H%M%S")
    return settings.cards_dir / f"kartu-{label}-{stamp}.pdf"


def _print_issued(result: Provisioned, lang: str) -> None:
    say("issued", lang, issued=len(result.issued), kept=len(result.kept))
    if result.cards:
        say("cards_written", lang, path=result.cards)
        say("cards_delete", lang)


@hub_app.command("accounts", help=T.both("help_accounts"))
def accounts_cmd(
    folder: Path = DirOption,
    course: Path = CourseOverride,
    staff: list[str] = typer.Option(None, "--staff", help=T.both("help_staff")),
    start: str = FromOption,
    end: str = UntilOption,
    new_codes: bool = typer.Option(False, "--new-codes", help=T.both("help_new_codes")),
    list_only: bool = typer.Option(False, "--list", help=T.both("help_list")),
    url: str = UrlOption,
    lang: str = LangOption,
) -> None:
    """Create hub accounts and system users from the course roster, and their login cards."""
    with user_errors(lang) as lang:
        from ukm_tools.course.ops import check_course_dir, db_url
        from ukm_tools.course.participants import load_participants
        from ukm_tools.hub.provision import StaffMember, create_accounts, store_for

        settings = _settings(folder, course, public_url=_card_url(url))
        if list_only:
            _list_accounts(store_for(settings), lang)
            return
        check_course_dir(settings.course_dir)
        people = list(load_participants(db_url(settings.course_dir)).values())
        members = []
        for item in staff or []:
            username, _, name = item.partition(":")
            members.append(StaffMember(username.strip().lower(), name.strip() or username.strip()))
        result = create_accounts(
            settings,
            people,
            members,
            window=_window(start, end),
            new_codes=new_codes,
            cards_path=_cards_path(settings, "semua"),
        )
    _print_issued(result, lang)


def _list_accounts(store: AccountStore, lang: str) -> None:
    from ukm_tools.hub.accounts import now_utc

    now = now_utc()
    table = Table()
    for key in ("col_account", "col_role", "col_valid", "col_state"):
        table.add_column(T(key, lang))
    with store:
        for a in store.all():
            if a.locked(now):
                state = T("locked", lang)
            else:
                state = T("failed_count", lang, n=a.failed_count) if a.failed_count else "-"
            table.add_row(a.username, a.role, a.window.describe(lang), state)
    console.print(table)


@hub_app.command("reset-code", help=T.both("help_reset_code"))
def reset_code_cmd(
    username: str = typer.Argument(..., help=T.both("help_username")),
    folder: Path = DirOption,
    course: Path = CourseOverride,
    start: str = FromOption,
    end: str = UntilOption,
    url: str = UrlOption,
    lang: str = LangOption,
) -> None:
    """A new code for one account (the old one stops working, a lock is cleared), and its card."""
    with user_errors(lang) as lang:
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.participants import load_participant
        from ukm_tools.hub.launch import end_sessions
        from ukm_tools.hub.provision import reset_code

        settings = _settings(folder, course, public_url=_card_url(url))
        username = username.strip().lower()
        person = load_participant(db_url(settings.course_dir), username) if settings.course_dir.is_dir() else None
        window = _window(start, end) if (start or end) else None
        issued, cards = reset_code(
            settings,
            username,
            person.name if person else username,
            window=window,
            cards_path=_cards_path(settings, username),
        )
        ended = end_sessions(settings, issued.username)  # whoever holds the old card is logged out
    say("code_reset", lang, username=issued.username, path=cards)
    say("sessions_ended" if ended else "sessions_not_ended", lang, username=issued.username, url=settings.url)


@hub_app.command("window", help=T.both("help_window"))
def window_cmd(
    folder: Path = DirOption,
    start: str = FromOption,
    end: str = UntilOption,
    lang: str = LangOption,
) -> None:
    """Move every account's code window (the cards stay valid)."""
    with user_errors(lang) as lang:
        from ukm_tools.hub.provision import store_for

        settings = _settings(folder, None)
        window = _window(start, end)
        with store_for(settings) as store:
            n = store.set_window(window)
    say("window_moved", lang, n=n, window=window.describe(lang))


# --- ukm serve ------------------------------------------------------------------------------


def build_serve_settings(
    folder: Path,
    course: Path | None,
    lan: str | None,
    port: int,
    ssl_cert: Path | None,
    ssl_key: Path | None,
    limit: int,
    public_url: str | None = None,
    calculators: str | None = None,
) -> HubSettings:
    """Where the hub listens: 127.0.0.1, or with ``--lan`` the workshop network's address; people
    are sent to ``public_url`` when given (a DNS name in front of the machine). ``calculators``:
    the calculator server's address, which the portal links (run ``ukm apps --dir <folder>/kalkulator``)."""
    from ukm_tools.hub.launch import lan_address

    ip = "127.0.0.1"
    public = public_url or ""
    if lan is not None:
        ip = lan or lan_address()
        scheme = "https" if ssl_cert else "http"
        public = public or f"{scheme}://{ip}:{port}/"
    extra: dict[str, Any] = {}
    if calculators:
        extra = {"calculator_url": calculators, "calculator_dir": Path(folder).resolve() / CALCULATOR_FOLDER}
    return _settings(
        folder,
        course,
        ip=ip,
        port=port,
        public_url=public,
        ssl_cert=ssl_cert,
        ssl_key=ssl_key,
        server_limit=limit,
        **extra,
    )


def prepare_workshop(settings: HubSettings, lang: str) -> None:
    """The demo course when there is none yet, the machine's users and permissions, missing accounts."""
    from ukm_tools.course.config import load_course
    from ukm_tools.course.ops import db_url, init_course, release
    from ukm_tools.course.participants import load_participants, store_participants
    from ukm_tools.course.roster import import_roster
    from ukm_tools.hub.isolation import EXCHANGE_POINTER, prepare_course
    from ukm_tools.hub.provision import StaffMember, create_accounts
    from ukm_tools.hub.sysusers import require_root

    require_root("ukm serve")
    staff: list[StaffMember] = []
    if not settings.course_dir.exists():
        from ukm_tools.course.demo import demo_roster_path

        say("creating_demo", lang)
        course = init_course(settings.course_dir)
        (course / EXCHANGE_POINTER).write_text(str(settings.exchange_dir.resolve()) + "\n", encoding="utf-8")
        store_participants(db_url(course), import_roster(demo_roster_path()).participants)
        for a in load_course(course).assignments():
            release(course, a.name)
        staff.append(StaffMember("staf", T("demo_staff_name", HUB_LANG)))  # printed on a card
    prepare_course(settings)
    people = list(load_participants(db_url(settings.course_dir)).values())
    result = create_accounts(settings, people, staff, cards_path=_cards_path(settings, "baru"))
    if result.issued:
        _print_issued(result, lang)


def run_hub(settings: HubSettings, lang: str) -> int:
    """Start the hub, print the banner once it answers, run until Ctrl+C; returns its exit status."""
    from ukm_tools.hub.launch import banner, check_can_start, cli_token, hub_command, stop_hub, wait_until_up

    check_can_start(settings)
    cli_token(settings)
    argv, env, cwd = hub_command(settings)
    log_path = settings.state_dir / "jupyterhub.log"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)

    def _stop(signum: int, frame: object) -> None:  # `kill` or a service manager: stop the hub too, as Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        wait_until_up(settings, 120, log_path, proc)
        console.print(banner(settings), highlight=False)
        say("hub_log", lang, path=log_path)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_hub(proc)


@app.command("serve", help=T.both("help_serve"))
def serve_cmd(
    folder: Path = DirOption,
    course: Path = CourseOverride,
    lan: bool = typer.Option(False, "--lan", help=T.both("help_lan")),
    address: str = typer.Option(None, "--address", help=T.both("help_address")),
    port: int = typer.Option(DEFAULT_PORT, "--port", help=T.both("help_port")),
    public_url: str = typer.Option(None, "--public-url", help=T.both("help_public_url")),
    ssl_cert: Path = typer.Option(None, "--ssl-cert", help=T.both("help_ssl_cert")),
    ssl_key: Path = typer.Option(None, "--ssl-key", help=T.both("help_ssl_key")),
    server_limit: int = typer.Option(DEFAULT_SERVER_LIMIT, "--server-limit", help=T.both("help_server_limit")),
    calculators: str = typer.Option(None, "--calculators", help=T.both("help_calculators")),
    lang: str = LangOption,
) -> None:
    """Run the workshop hub (JupyterHub) with the course."""
    with user_errors(lang) as lang:
        lan_ip = (address or "") if lan else None
        settings = build_serve_settings(
            folder, course, lan_ip, port, ssl_cert, ssl_key, server_limit, public_url, calculators
        )
        from ukm_tools.hub.launch import check_can_start

        check_can_start(settings)  # before anything is created on the machine
        prepare_workshop(settings, lang)
        code = run_hub(settings, lang)
    raise typer.Exit(code)


# --- ukm db migrate -----------------------------------------------------------------------


@db_app.command("migrate", help=T.both("help_migrate"))
def migrate_cmd(
    to: str = typer.Option(..., "--to", help=T.both("help_to")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Copy the course's SQLite gradebook to PostgreSQL and check the row counts."""
    with user_errors(lang) as lang:
        from ukm_tools.course.db import migrate, redacted
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        counts = migrate(db_url(path), to)
    table = Table(title=T("rows_per_table", lang))
    for col in (T("col_table", lang), "SQLite", T("col_target", lang)):
        table.add_column(col)
    for c in counts:
        table.add_row(c.table, str(c.source), str(c.target))
    console.print(table)
    say("migrated", lang, url=redacted(to))
