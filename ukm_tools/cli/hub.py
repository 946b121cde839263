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

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors
from ukm_tools.hub.settings import WORKSHOP_TZ, HubSettings

hub_app = typer.Typer(help="Akun peserta di hub pelatihan. / Accounts on the workshop hub.", no_args_is_help=True)
app.add_typer(hub_app, name="hub")
db_app = typer.Typer(help="Basis data gradebook. / The gradebook database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DirOption = typer.Option(Path("workshop"), "--dir", help="Folder pelatihan (kursus, exchange, hub). / Workshop folder.")
CourseOverride = typer.Option(None, "--course", "-c", help="Folder kursus bila bukan DIR/course. / Course folder.")
FromOption = typer.Option(None, "--from", help="Kode berlaku mulai (WIB), mis. '2026-05-12 07:00'. Bawaan: sekarang.")
UntilOption = typer.Option(None, "--until", help="Kode berlaku sampai (WIB), mis. '2026-05-12 17:00'. Bawaan: +24 jam.")
UrlOption = typer.Option(
    None,
    "--url",
    help="Alamat hub yang dicetak di kartu, mis. http://192.168.1.10:8000 (bawaan: alamat jaringan laptop ini).",
)


def _card_url(url: str | None, port: int = 8000) -> str:
    """The address on the cards: as given, else this machine's workshop-network address."""
    if url:
        return url
    from ukm_tools.errors import UkmError
    from ukm_tools.hub.launch import lan_address

    try:
        return f"http://{lan_address()}:{port}/"
    except UkmError:
        return f"http://127.0.0.1:{port}/"


def _t(lang: str, id_text: str, en_text: str) -> str:
    return id_text if lang != "en" else en_text


def _settings(folder: Path, course: Path | None, **overrides) -> HubSettings:
    if course is not None:
        overrides["course_dir"] = course.resolve()
    return HubSettings.for_workshop(folder, **overrides)


def _window(start: str | None, end: str | None):
    from datetime import timedelta

    from ukm_tools.hub.accounts import Window, now_utc, parse_workshop_time

    begin = parse_workshop_time(start, "--from") if start else now_utc().astimezone(WORKSHOP_TZ).replace(microsecond=0)
    finish = parse_workshop_time(end, "--until") if end else begin + timedelta(hours=24)
    return Window(begin, finish)


def _cards_path(settings: HubSettings, label: str) -> Path:
    stamp = datetime.now(WORKSHOP_TZ).strftime("%Y%m%d-%H%M%S")
    return settings.course_dir.parent / "kartu" / f"kartu-{label}-{stamp}.pdf"


def _print_issued(result, lang: str) -> None:
    console.print(
        _t(
            lang,
            f"{len(result.issued)} kode baru; {len(result.kept)} akun memakai kode lamanya.",
            f"{len(result.issued)} new codes; {len(result.kept)} accounts keep their code.",
        ),
        highlight=False,
    )
    if result.cards:
        console.print(
            _t(
                lang,
                f"Kartu masuk: {result.cards}\nCetak lalu hapus berkas ini: kodenya hanya tersimpan di kartu.",
                f"Login cards: {result.cards}\nPrint, then delete this file: the codes exist only on the cards.",
            ),
            highlight=False,
        )


@hub_app.command("accounts")
def accounts_cmd(
    folder: Path = DirOption,
    course: Path = CourseOverride,
    staff: list[str] = typer.Option(
        None, "--staff", help="Akun staf ID:Nama (boleh diulang), mis. --staff budi-staf:'Budi Santoso'."
    ),
    start: str = FromOption,
    end: str = UntilOption,
    new_codes: bool = typer.Option(False, "--new-codes", help="Kode baru untuk semua akun (kartu lama tidak berlaku)."),
    list_only: bool = typer.Option(False, "--list", help="Tampilkan akun saja. / Only list the accounts."),
    url: str = UrlOption,
    lang: str = LangOption,
) -> None:
    """Buat akun hub + akun sistem dari daftar peserta kursus, dan kartu masuk (PDF).
    / Create hub accounts and system users from the course roster, and login cards."""
    lang = resolve_lang(lang)
    with user_errors(lang):
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


def _list_accounts(store, lang: str) -> None:
    from ukm_tools.hub.accounts import now_utc

    now = now_utc()
    table = Table()
    for col in (_t(lang, "Akun", "Account"), _t(lang, "Peran", "Role"), _t(lang, "Berlaku", "Valid"), "Status"):
        table.add_column(col)
    with store:
        for a in store.all():
            state = (
                _t(lang, "terkunci", "locked")
                if a.locked(now)
                else ("-" if not a.failed_count else f"{a.failed_count}x")
            )
            table.add_row(a.username, a.role, a.window.describe(lang), state)
    console.print(table)


@hub_app.command("reset-code")
def reset_code_cmd(
    username: str = typer.Argument(..., help="Id peserta atau staf."),
    folder: Path = DirOption,
    course: Path = CourseOverride,
    start: str = FromOption,
    end: str = UntilOption,
    url: str = UrlOption,
    lang: str = LangOption,
) -> None:
    """Kode baru untuk satu akun (kode lama langsung tidak berlaku; kunci dibuka) dan kartunya.
    / A new code for one account, and its card."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.participants import load_participant
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
    console.print(
        _t(
            lang, f"Kode baru untuk {issued.username}; kartu: {cards}", f"New code for {issued.username}; card: {cards}"
        ),
        highlight=False,
    )


@hub_app.command("window")
def window_cmd(
    folder: Path = DirOption,
    start: str = FromOption,
    end: str = UntilOption,
    lang: str = LangOption,
) -> None:
    """Ubah masa berlaku kode semua akun (kartu tetap sama). / Move every account's code window."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.hub.provision import store_for

        settings = _settings(folder, None)
        window = _window(start, end)
        with store_for(settings) as store:
            n = store.set_window(window)
    console.print(_t(lang, f"{n} akun berlaku {window.describe('id')}", f"{n} accounts valid {window.describe('en')}"))


# --- ukm serve ------------------------------------------------------------------------------


def build_serve_settings(
    folder: Path,
    course: Path | None,
    lan: str | None,
    port: int,
    ssl_cert: Path | None,
    ssl_key: Path | None,
    limit: int,
) -> HubSettings:
    """Where the hub listens: 127.0.0.1, or with ``--lan`` the workshop network's address."""
    from ukm_tools.hub.launch import lan_address

    ip = "127.0.0.1"
    public = ""
    if lan is not None:
        ip = lan or lan_address()
        scheme = "https" if ssl_cert else "http"
        public = f"{scheme}://{ip}:{port}/"
    return _settings(
        folder, course, ip=ip, port=port, public_url=public, ssl_cert=ssl_cert, ssl_key=ssl_key, server_limit=limit
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

        console.print(_t(lang, "Membuat kursus demo...", "Creating the demo course..."), highlight=False)
        course = init_course(settings.course_dir)
        (course / EXCHANGE_POINTER).write_text(str(settings.exchange_dir.resolve()) + "\n", encoding="utf-8")
        store_participants(db_url(course), import_roster(demo_roster_path()).participants)
        for a in load_course(course).assignments():
            release(course, a.name)
        staff.append(StaffMember("staf", "Staf Pelatihan (demo)"))
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

    def _stop(signum, frame):  # `kill` or a service manager: stop the hub too, as Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        wait_until_up(settings, 120, log_path, proc)
        console.print(banner(settings), highlight=False)
        console.print(
            _t(lang, f"Log hub: {log_path}. Hentikan dengan Ctrl+C.", f"Hub log: {log_path}. Stop with Ctrl+C."),
            highlight=False,
        )
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_hub(proc)


@app.command("serve")
def serve_cmd(
    folder: Path = DirOption,
    course: Path = CourseOverride,
    lan: bool = typer.Option(
        False, "--lan", help="Layani jaringan Wi-Fi pelatihan, bukan hanya laptop ini. / Serve the workshop LAN."
    ),
    address: str = typer.Option(
        None, "--address", help="Alamat jaringan untuk --lan (bawaan: dicari otomatis), mis. 192.168.1.10."
    ),
    port: int = typer.Option(8000, "--port"),
    public_url: str = typer.Option(
        None,
        "--public-url",
        help="Alamat untuk orang bila berbeda (nama DNS di cloud), mis. https://pelatihan.contoh.id",
    ),
    ssl_cert: Path = typer.Option(None, "--ssl-cert", help="Sertifikat TLS dari staf (PEM). / TLS certificate."),
    ssl_key: Path = typer.Option(None, "--ssl-key", help="Kunci privat TLS (PEM). / TLS private key."),
    server_limit: int = typer.Option(
        30, "--server-limit", help="Maks. JupyterLab sekaligus. / Max JupyterLab servers."
    ),
    lang: str = LangOption,
) -> None:
    """Jalankan hub pelatihan (JupyterHub) dengan kursus. / Run the workshop hub with the course."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        settings = build_serve_settings(
            folder, course, (address or "") if lan else None, port, ssl_cert, ssl_key, server_limit
        )
        from ukm_tools.hub.launch import check_can_start

        check_can_start(settings)  # before anything is created on the machine
        prepare_workshop(settings, lang)
        code = run_hub(settings, lang)
    raise typer.Exit(code)


# --- ukm db migrate -----------------------------------------------------------------------


@db_app.command("migrate")
def migrate_cmd(
    to: str = typer.Option(..., "--to", help="URL tujuan, mis. postgresql+psycopg://ukm@127.0.0.1/gradebook"),
    course: Path = typer.Option(None, "--course", "-c", help="Folder kursus (bawaan: $UKM_COURSE atau folder ini)."),
    lang: str = LangOption,
) -> None:
    """Salin gradebook SQLite kursus ke PostgreSQL dan periksa jumlah barisnya. / Copy the gradebook."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.cli.course import course_path
        from ukm_tools.course.db import migrate, redacted
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        counts = migrate(db_url(path), to)
    table = Table(title=_t(lang, "Baris per tabel", "Rows per table"))
    for col in (_t(lang, "Tabel", "Table"), "SQLite", _t(lang, "Tujuan", "Target")):
        table.add_column(col)
    for c in counts:
        table.add_row(c.table, str(c.source), str(c.target))
    console.print(table)
    console.print(
        _t(
            lang,
            f"Semua jumlah sama. Pakai gradebook baru: export UKM_DB_URL='{redacted(to)}' (sandi tidak ditampilkan), "
            "lalu jalankan ulang hub/perintah; gradebook.db lama tetap sebagai cadangan.",
            f"All counts match. Use the new gradebook: export UKM_DB_URL='{redacted(to)}' (password hidden), "
            "then restart the hub/commands; the old gradebook.db stays as the backup.",
        ),
        highlight=False,
    )
