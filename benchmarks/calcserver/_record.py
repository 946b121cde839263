"""Record the sessions the load benchmark and the culling tests replay (real Chromium, 360 px).

    .venv/bin/python benchmarks/calcserver/_record.py

Starts `ukm apps` on 127.0.0.1, opens each calculator below in Chromium, types the values
listed (each change is one recorded widget update) and writes
tests/calcserver/recordings/<page>.json. Run it again after a calculator's inputs change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.calcserver.server import running_server  # noqa: E402
from tests.calcserver.wsclient import record  # noqa: E402

SESSIONS = {
    "harga-ekspor": [(".ukm-field-hpp input", "240.000"), (".ukm-field-hpp input", "216.000")],
    "pembayaran": [(".ukm-field-invoice input", "12.000"), (".ukm-field-invoice input", "10.000")],
}
OUT = ROOT / "tests" / "calcserver" / "recordings"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ukm-record-") as tmp, running_server(Path(tmp)) as (base, _log, _p):
        OUT.mkdir(parents=True, exist_ok=True)
        for path, changes in SESSIONS.items():
            rec = record(base, path, changes)
            assert len(rec.updates) == len(changes) and len(rec.fields) >= 1, (path, rec.fields)
            (OUT / f"{path}.json").write_text(rec.to_json(), encoding="utf-8")
            print(f"{path}: {len(rec.sent)} messages, fields {sorted(set(rec.fields.values()))}")


if __name__ == "__main__":
    main()
