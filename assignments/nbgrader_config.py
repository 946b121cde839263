# nbgrader configuration of a ukm-tools course (copied by `ukm init DIR`).
# Everything path-like is relative to this file's folder, so the course folder can move.
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
HERE = Path(__file__).resolve().parent

c.CourseDirectory.root = str(HERE)
c.CourseDirectory.course_id = os.environ.get("UKM_COURSE_ID", "ukm-ekspor")
# Gradebook: SQLite in the course folder by default; PostgreSQL for several graders/hubs:
#   export UKM_DB_URL=postgresql+psycopg://user@host/gradebook
c.CourseDirectory.db_url = os.environ.get("UKM_DB_URL") or f"sqlite:///{HERE / 'gradebook.db'}"
# Exchange (release/submit/collect): inside the course unless the hub shares one. On the workshop
# server participants may not enter the course folder, so `ukm serve` keeps the exchange beside it
# and names it in exchange.path, read here so every staff command finds it.
_shared_exchange = HERE / "exchange.path"
c.Exchange.root = (
    os.environ.get("UKM_EXCHANGE")
    or (_shared_exchange.read_text(encoding="utf-8").strip() if _shared_exchange.is_file() else "")
    or str(HERE / "exchange")
)
c.Exchange.path_includes_course = True

# Participant-facing stubs in Bahasa Indonesia.
c.ClearSolutions.code_stub = {"python": "# TULIS JAWABAN ANDA DI SINI"}
c.ClearSolutions.text_stub = "JAWABAN ANDA DI SINI"
# A deleted or edited test cell is restored from the source, never silently scored 0.
c.OverwriteCells.add_missing_cells = True
c.Execute.allow_errors = True

# Grading (`ukm grade`). Each runtime setting is declared once, with its help text, in
# ukm_tools/course/grading/settings.py (GradingEngine, SandboxLimits, Intake); set them here.
# `ukm grade --timeout N --workers N` override them for one run.
c.Execute.timeout = 30  # seconds a cell may run (nbgrader's own setting)
# c.GradingEngine.workers = 0                 # 0: two per core with the sandbox
# c.SandboxLimits.memory_bytes = 2 * 1024**3  # a kernel's whole memory, RAM scratch included
# c.Intake.max_files = 50                     # files per submission taken by `ukm collect`
# The answer key (staff only, never visible to a kernel): VerifyAnswers.answer_keys = "answer_keys.py".

# The grader, not the notebook, decides personal answers (ukm_tools.course.verify_answers).
# What a participant wrote or displayed reaches the formgrader as text only (no HTML, links, script).
c.Autograde.autograde_preprocessors = [
    "ukm_tools.course.verify_answers.InertParticipantMarkdown",
    "ukm_tools.course.verify_answers.WriteParticipantParams",
    "nbgrader.preprocessors.Execute",
    "ukm_tools.course.verify_answers.VerifyAnswers",
    "ukm_tools.course.verify_choices.VerifyChoices",
    "ukm_tools.course.verify_answers.InertOutputs",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Multiple-choice tests are marked against kunci-jawaban/<test>.yml, outside the kernel.
c.VerifyChoices.keys_dir = str(HERE / "kunci-jawaban")
# Feedback without hidden tests (nbgrader shows them by default: jupyter/nbgrader GitHub issue #917).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "ukm_tools.course.feedback.StripHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
