"""The roster's optional reporting fields: gender, district, sector and business scale.

Each field takes a value from a fixed list kept as data (``ukm_tools/data/roster/pilihan.yaml``;
a trainer swaps the district list for another city). The office's summary breaks the numbers
of participants down by these fields when the roster has them.

They are stored in their own table ``ukm_participant_profile`` beside ``ukm_participant`` in the
gradebook database, so gradebooks made before these fields existed need no migration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Column, MetaData, String, Table, create_engine, delete, insert

from ukm_tools.datafiles import packaged_yaml

CHOICES_FILE = "roster/pilihan.yaml"
#: Roster column -> attribute of :class:`~ukm_tools.course.roster.Participant`.
FIELDS = {"jenis_kelamin": "gender", "kecamatan": "district", "sektor": "sector", "skala_usaha": "scale"}

_META = MetaData()
PROFILE_TABLE = Table(
    "ukm_participant_profile",
    _META,
    Column("student_id", String(128), primary_key=True),
    Column("gender", String(64)),
    Column("district", String(128)),
    Column("sector", String(128)),
    Column("scale", String(64)),
)


@dataclass(frozen=True)
class FieldChoices:
    """One optional column: its label and the values it may take."""

    column: str
    label: dict[str, str]
    values: tuple[str, ...]
    aliases: dict[str, str]

    def normalise(self, text: str) -> str | None:
        """The listed value ``text`` means (case and spacing ignored), or None if it is not listed."""
        key = " ".join(str(text).split()).lower()
        for v in self.values:
            if v.lower() == key:
                return v
        alias = self.aliases.get(key)
        return alias if alias in self.values else None


@cache
def choices() -> dict[str, FieldChoices]:
    """Every optional column's fixed list, by roster column name."""
    data = packaged_yaml(CHOICES_FILE)["fields"]
    return {
        col: FieldChoices(
            col,
            dict(data[col]["label"]),
            tuple(str(v) for v in data[col]["values"]),
            {" ".join(str(k).split()).lower(): str(v) for k, v in (data[col].get("aliases") or {}).items()},
        )
        for col in FIELDS
    }


def store_profiles(db_url: str, participants: Iterable) -> None:
    """Create or replace each participant's reporting fields."""
    engine = create_engine(db_url)
    try:
        _META.create_all(engine)
        with engine.begin() as conn:
            for p in participants:
                conn.execute(delete(PROFILE_TABLE).where(PROFILE_TABLE.c.student_id == p.student_id))
                values = {attr: getattr(p, attr, "") or None for attr in FIELDS.values()}
                if any(values.values()):
                    conn.execute(insert(PROFILE_TABLE).values(student_id=p.student_id, **values))
    finally:
        engine.dispose()


def profile_frame(db_url: str, students):
    """Reporting fields of ``students``: one row per id (in that order), a column per attribute,
    "" where missing (built from the rows at once: 20,000 dictionaries cost a report 0.15 s)."""
    import pandas as pd

    from ukm_tools.course.scores import fetch_rows

    attrs = list(FIELDS.values())
    rows = fetch_rows(db_url, f"SELECT student_id, {', '.join(attrs)} FROM {PROFILE_TABLE.name}")
    frame = pd.DataFrame(rows, columns=["student", *attrs], dtype=object).set_index("student")
    return frame.reindex(pd.Index(students, dtype=object)).fillna("").astype(object)
