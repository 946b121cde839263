"""The hub's pieces without a running hub: codes, windows, throttling, cards, settings, `ukm serve`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ukm_tools.errors import UkmError
from ukm_tools.hub import codes
from ukm_tools.hub.accounts import AccountStore, Outcome, ThrottlePolicy, Window, parse_workshop_time
from ukm_tools.hub.cards import PER_PAGE, Card, login_link, write_cards
from ukm_tools.hub.settings import WORKSHOP_TZ, HubSettings

# A workshop day: 12 May 2026, 07:00-17:00 WIB (UTC+7), i.e. 00:00-10:00 UTC.
DAY = Window(datetime(2026, 5, 12, 7, 0, tzinfo=WORKSHOP_TZ), datetime(2026, 5, 12, 17, 0, tzinfo=WORKSHOP_TZ))
MIDDAY = datetime(2026, 5, 12, 5, 0, tzinfo=UTC)  # 12.00 WIB


def test_codes_have_at_least_40_bits_and_no_lookalikes():
    assert codes.BITS >= 40
    assert not set("01ilouv") & set(codes.ALPHABET)
    sample = {codes.new_code() for _ in range(500)}
    assert len(sample) == 500 and all(len(c) == codes.CODE_LENGTH and set(c) <= set(codes.ALPHABET) for c in sample)


@given(st.text(alphabet=codes.ALPHABET, min_size=codes.CODE_LENGTH, max_size=codes.CODE_LENGTH))
def test_a_code_typed_as_printed_or_shouted_normalises_to_itself(code):
    assert codes.normalize(codes.display(code)) == code
    assert codes.normalize(" " + codes.display(code).upper().replace("-", " ") + " ") == code


def test_only_a_hash_is_stored_and_it_verifies():
    code = codes.new_code()
    stored = codes.hash_code(code)
    assert code not in stored and stored.startswith("$argon2id$")
    assert codes.verify(stored, codes.display(code).upper())
    assert not codes.verify(stored, codes.new_code()) and not codes.verify("rusak", code)


def test_window_in_jakarta_time_and_its_description():
    assert DAY.start.astimezone(UTC).hour == 0 and DAY.end.astimezone(UTC).hour == 10
    assert DAY.describe("id") == "12 Mei 2026 07.00 – 17.00 WIB"
    assert parse_workshop_time("2026-05-12 07:00", "--from") == DAY.start
    with pytest.raises(UkmError) as err:
        Window(DAY.end, DAY.start)
    assert err.value.code == "hub_bad_window"
    with pytest.raises(UkmError):
        parse_workshop_time("besok pagi", "--from")


@pytest.fixture
def store(tmp_path):
    with AccountStore(f"sqlite:///{tmp_path / 'accounts.sqlite'}", ThrottlePolicy(3, 60, 300)) as s:
        yield s


def test_login_outcomes_by_time(store):
    issued = store.issue("ani", "participants", DAY)
    before = DAY.start - timedelta(minutes=1)
    after = DAY.end
    assert store.check_login("ani", issued.code, before).outcome is Outcome.NOT_YET
    assert store.check_login("ani", issued.code, MIDDAY).outcome is Outcome.OK
    assert store.check_login("ani", issued.code, after).outcome is Outcome.EXPIRED  # the end is exclusive
    assert store.check_login("ani", "salah", after).outcome is Outcome.WRONG  # no hint about the window
    assert store.check_login("tidak-ada", issued.code, MIDDAY).outcome is Outcome.WRONG


def test_throttle_locks_per_account_doubling_and_a_reset_clears_it(store):
    """3 wrong codes: locked 60 s (even the right code waits); after it, 3 more: 120 s; capped at 300 s."""
    ani = store.issue("ani", "participants", DAY)
    budi = store.issue("budi", "participants", DAY)
    now = MIDDAY
    results = [store.check_login("ani", "salah", now).outcome for _ in range(3)]
    assert results == [Outcome.WRONG, Outcome.WRONG, Outcome.LOCKED]
    locked = store.check_login("ani", ani.code, now + timedelta(seconds=59))
    assert locked.outcome is Outcome.LOCKED and locked.retry_after_s == 1
    assert store.check_login("budi", budi.code, now).outcome is Outcome.OK  # another account is not affected
    later = now + timedelta(seconds=60)
    assert [store.check_login("ani", "salah", later).outcome for _ in range(3)][-1] is Outcome.LOCKED
    assert store.check_login("ani", ani.code, later + timedelta(seconds=119)).outcome is Outcome.LOCKED
    assert store.check_login("ani", ani.code, later + timedelta(seconds=120)).outcome is Outcome.OK
    assert ThrottlePolicy(3, 60, 300).lock_seconds(10) == 300
    fresh = store.issue("ani", "participants", DAY)  # staff reset: new code, no lock, old code dead
    assert store.check_login("ani", ani.code, now).outcome is Outcome.WRONG
    assert store.check_login("ani", fresh.code, now).outcome is Outcome.OK


def test_the_store_keeps_no_personal_data(store):
    store.issue("ani", "participants", DAY)
    import sqlalchemy as sa

    engine = sa.create_engine(store.url)
    with engine.connect() as conn:
        columns = set(conn.execute(sa.text("SELECT * FROM ukm_hub_account")).keys())
    engine.dispose()
    assert not columns & {"name", "email", "phone", "code", "telepon"}


def test_cards_pdf_eight_per_sheet_with_name_user_code_and_personal_warning(tmp_path, store):
    from pypdf import PdfReader

    cards = [Card(f"Peserta Nomor {i}", store.issue(f"peserta-{i:02d}", "participants", DAY)) for i in range(10)]
    path = write_cards(tmp_path / "kartu.pdf", cards, login_url="http://192.0.2.10:8000/hub/login")
    pages = PdfReader(path).pages
    assert len(pages) == 2 == -(-len(cards) // PER_PAGE)
    text = "\n".join(p.extract_text() for p in pages)
    for card in cards:
        assert card.name in text and card.issued.username in text and card.issued.shown in text
    assert text.count("PRIBADI") == len(cards) and "12 Mei 2026 07.00 – 17.00 WIB" in text
    assert login_link("http://h/hub/login", "peserta-01") == "http://h/hub/login?username=peserta-01"


def test_settings_round_trip_through_the_environment(tmp_path):
    s = HubSettings.for_workshop(
        tmp_path, port=8123, server_limit=7, ssl_cert=tmp_path / "c.pem", ssl_key=tmp_path / "k.pem"
    )
    assert HubSettings.from_env(s.to_env()) == s
    assert s.url == "https://127.0.0.1:8123/" and s.login_url.endswith("/hub/login")
    assert s.accounts_db_url == f"sqlite:///{tmp_path.resolve() / 'hub' / 'accounts.sqlite'}"


class _FakeHub:
    """Stands in for the hub process: records what `ukm serve` would start."""

    started: list = []
    pid = 2**22 + 12345  # above any real pid: nothing to stop

    def __init__(self, argv, env, cwd, **kw):
        _FakeHub.started.append((argv, env))

    def poll(self):
        return 0

    def wait(self, *a):
        return 0


def _serve(monkeypatch, tmp_path, args: list[str]):
    """`ukm serve` with the machine left alone: returns its output and the hub's environment."""
    import ukm_tools.cli as cli
    import ukm_tools.cli.hub as hub_cli
    import ukm_tools.hub.launch as launch

    for name in cli._COMMAND_MODULES:
        __import__(name)
    monkeypatch.setattr(launch, "lan_address", lambda: "192.0.2.10")
    monkeypatch.setattr(hub_cli, "prepare_workshop", lambda settings, lang: None)
    monkeypatch.setattr(launch, "check_can_start", lambda settings: None)
    monkeypatch.setattr(launch, "cli_token", lambda settings: "x")
    monkeypatch.setattr(launch, "wait_until_up", lambda *a, **k: None)
    monkeypatch.setattr(hub_cli.subprocess, "Popen", _FakeHub)
    (tmp_path / "hub").mkdir(exist_ok=True)
    _FakeHub.started.clear()
    result = CliRunner().invoke(cli.app, ["serve", "--dir", str(tmp_path), "--port", "8123", *args])
    assert result.exit_code == 0, result.output
    argv, env = _FakeHub.started[0]
    assert argv[-2:] == ["-f", str(launch.HUB_CONFIG)]
    return result.output, env


@pytest.mark.parametrize(
    ("args", "bound"),
    [([], "127.0.0.1"), (["--lan"], "192.0.2.10"), (["--lan", "--address", "192.0.2.77"], "192.0.2.77")],
)
def test_serve_binds_and_prints(monkeypatch, tmp_path, args, bound):
    """`ukm serve` binds 127.0.0.1; `--lan` the workshop network's address (found, or named), and
    prints that URL with a QR code and the plain-HTTP warning. Nothing is contacted."""
    output, env = _serve(monkeypatch, tmp_path, args)
    assert env["UKM_HUB_IP"] == bound and env["UKM_HUB_PORT"] == "8123"
    assert f"http://{bound}:8123/" in output
    assert "█" in output or "▀" in output or "▄" in output  # the QR code
    assert ("PERINGATAN" in output) == (bound != "127.0.0.1")


def test_serve_sends_people_to_the_public_url(monkeypatch, tmp_path):
    """Behind a DNS name (`--public-url`) the hub still binds the LAN address, but the projector
    and the cards show the name."""
    output, env = _serve(monkeypatch, tmp_path, ["--lan", "--public-url", "https://pelatihan.contoh.id"])
    assert env["UKM_HUB_IP"] == "192.0.2.10" and env["UKM_HUB_PUBLIC_URL"] == "https://pelatihan.contoh.id"
    assert "Hub pelatihan: https://pelatihan.contoh.id/" in output and "192.0.2.10" not in output


def test_serve_links_the_portal_to_the_calculator_server(monkeypatch, tmp_path):
    """`--calculators` gives the portal the calculator server's address and its working folder
    (``<folder>/kalkulator``, where the portal hands cases over); without it the portal links none."""
    _, env = _serve(monkeypatch, tmp_path, ["--lan", "--calculators", "http://192.0.2.10:8866"])
    assert env["UKM_HUB_CALCULATOR_URL"] == "http://192.0.2.10:8866"
    assert env["UKM_HUB_CALCULATOR_DIR"] == str(tmp_path.resolve() / "kalkulator")
    _, env = _serve(monkeypatch, tmp_path, [])
    assert env.get("UKM_HUB_CALCULATOR_URL", "") == "" and "UKM_HUB_CALCULATOR_DIR" not in env


def test_made_up_user_names_leave_no_lock_behind(tmp_path):
    """Each login attempt holds a per-name lock; a flood of invented names must not pile up locks
    in the hub's memory (one per name ever typed), while each attempt still gets the usual refusal."""
    import asyncio

    from tornado import web

    from ukm_tools.hub.auth import CardAuthenticator

    auth = CardAuthenticator(accounts_url=f"sqlite:///{tmp_path / 'accounts.sqlite'}")

    async def flood() -> list[int]:
        statuses = []
        for i in range(20):
            try:
                await auth.authenticate(None, {"username": f"tamu{i}", "password": "abcde-fghjk"})
            except web.HTTPError as e:
                statuses.append(e.status_code)
        return statuses

    assert asyncio.run(flood()) == [403] * 20
    assert len(auth._locks) == 0
    auth.store.close()
