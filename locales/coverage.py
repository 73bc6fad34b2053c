"""Which messages families and field staff can receive, and how much of each catalog is
translated.

Each set is computed from the code, not kept as a list of texts: every message in the sources
named in FAMILY_SOURCES (or FIELD_STAFF_SOURCES: a whole file, or only some of its top-level
names, or all but some), plus the command menus its readers see. A text added to one of those
files is in the set from then on, and a name that no longer exists fails loudly rather than
silently shrinking it. Used by tests/lib/test_javanese.py and scripts/catalog_coverage.py.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG_LOCALES = ("id", "en", "jv")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}

# (msgid, plural msgid or None)
Entry = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class Only:
    """Only the messages inside these top-level names (constants, functions, classes)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AllBut:
    """Every message of the file except those inside these top-level names (staff texts)."""

    names: tuple[str, ...]


EVERYTHING = AllBut(())

# Every place a text reaches a family from: onboarding, the check-in and its refusals,
# reminders, help, /dataku, /berhenti, /mulai, /batal, /ulang, /tolong, greetings, the
# replies to other commands a family may send, the thanks for answering a broadcast, and the
# sentence of their village's figures a broadcast may carry.
FAMILY_SOURCES: dict[str, Only | AllBut] = {
    "conversations/onboarding.py": EVERYTHING,
    "conversations/checkin.py": EVERYTHING,
    "conversations/welcome.py": AllBut(("HELP_STAFF",)),
    "bot/flows/engine.py": EVERYTHING,
    "bot/flows/render.py": EVERYTHING,
    "bot/flows/upgrade.py": EVERYTHING,
    "bot/dialogue/edits.py": EVERYTHING,
    "bot/domain/people/onboarding.py": AllBut(
        ("WELCOME_STAFF", "FACILITATOR_TOLD_NO_CONSENT", "ROLE_NAMES")
    ),
    "bot/domain/people/registration.py": EVERYTHING,
    "bot/domain/invites/attempts.py": EVERYTHING,
    "bot/domain/people/preferences.py": AllBut(
        ("TELL_FACILITATOR_PAUSED", "TELL_FACILITATOR_RESUMED")
    ),
    "bot/domain/checkins/binding.py": EVERYTHING,
    "bot/domain/rounds/opening.py": EVERYTHING,
    "bot/domain/rounds/scheduler.py": EVERYTHING,
    "bot/domain/broadcasts/replies.py": Only(("THANKS", "KEPT")),
    "bot/domain/broadcasts/drafts.py": Only(("FOR_STAFF",)),  # a family sending /siaran
    "bot/domain/reports/villages.py": EVERYTHING,  # "each village its own figures"
    "bot/tg/handlers/conversation.py": EVERYTHING,
    "bot/tg/handlers/alerts.py": Only(("HELP_ASKED", "HELP_ALREADY")),  # /tolong
    "bot/tg/handlers/facilitators.py": Only(("FOR_FACILITATORS",)),  # a family's /peserta
}

# Every place a text reaches a facilitator or coordinator in Telegram from: their welcome,
# help and menu, the alert cards, their buttons and what pressing them says, notes, notices
# about their families (stopped, resumed, declined, asked for help, escalated), /peserta,
# /peringatan, /laporan (figures, chart, change against the start, graduation review), /stok,
# the Monday digest, a coordinator's /siaran (audience, writing, preview, schedule, progress,
# delivery report), a family's reply to an announcement, and the general replies (not
# understood, something went wrong). What only the command line prints is not in it.
FIELD_STAFF_SOURCES: dict[str, Only | AllBut] = {
    "conversations/welcome.py": AllBut(("HELP_PARTNER",)),
    "conversations/onboarding.py": EVERYTHING,  # they register like families
    "conversations/alert_note.py": EVERYTHING,
    # Writing a note is a flow: a sticker or an old button is refused as in a check-in.
    "bot/flows/engine.py": Only(("NOT_TEXT", "STALE_BUTTON")),
    "bot/dialogue/edits.py": Only(("EDIT_NOT_READ",)),
    "bot/lib/i18n.py": EVERYTHING,  # names quoted in a list (two cohorts fitting a name)
    "bot/domain/people/onboarding.py": Only(
        ("WELCOME_STAFF", "FACILITATOR_TOLD_NO_CONSENT", "ROLE_NAMES")
    ),
    # /berhenti, /mulai, /dataku of their own, and a facilitator's pause told to their coordinator.
    "bot/domain/people/preferences.py": AllBut(("PAUSED", "RESUMED", "MY_DATA")),
    "bot/domain/people/registration.py": EVERYTHING,
    "bot/domain/alerts/board.py": EVERYTHING,
    "bot/domain/alerts/cards.py": EVERYTHING,
    "bot/domain/alerts/notes.py": EVERYTHING,
    "bot/domain/alerts/note_binding.py": EVERYTHING,
    "bot/domain/alerts/presses.py": EVERYTHING,
    "bot/domain/alerts/warning_reasons.py": EVERYTHING,
    "bot/domain/facilitators/board.py": EVERYTHING,
    "bot/domain/facilitators/views.py": EVERYTHING,
    "bot/domain/media/shown.py": EVERYTHING,
    "bot/domain/cohort_names.py": EVERYTHING,  # /laporan NAME fitting two cohorts
    "bot/domain/reports/text.py": EVERYTHING,
    "bot/domain/reports/chart.py": EVERYTHING,  # the /laporan and digest charts' words
    "bot/domain/reports/insights_text.py": EVERYTHING,
    "bot/domain/reports/scope.py": Only(("MSG_UNKNOWN_DISTRICT", "MSG_NO_DISTRICTS")),
    "bot/domain/reports/weekly.py": EVERYTHING,
    "bot/domain/stock/text.py": AllBut(("TITLE_PARTNER",)),
    "bot/domain/broadcasts/choices.py": EVERYTHING,
    "bot/domain/broadcasts/compose.py": EVERYTHING,
    "bot/domain/broadcasts/drafts.py": EVERYTHING,
    "bot/domain/broadcasts/lifecycle.py": AllBut(("MSG_NO_SUCH",)),
    "bot/domain/broadcasts/progress.py": EVERYTHING,
    "bot/domain/broadcasts/replies.py": Only(("FORWARDED", "FORWARDED_MEDIA", "KINDS")),
    "bot/domain/broadcasts/screens.py": EVERYTHING,
    "bot/domain/broadcasts/writing.py": EVERYTHING,
    # A repeat typed in /siaran's schedule step that has a time but a wrong part.
    "bot/lib/scheduling/schedule.py": Only(
        ("MSG_BAD_DAY", "MSG_BAD_TIME", "MSG_BAD_EVERY", "MSG_BAD_MONTH_DAY")
    ),
    "bot/tg/handlers/alerts.py": AllBut(("HELP_ASKED", "HELP_ALREADY")),
    "bot/tg/handlers/conversation.py": Only(
        ("BUTTON_NOT_ACTIVE", "BUTTON_NOT_YOURS", "NOTHING_TO_CANCEL", "RESTART_FOR_FAMILIES")
    ),
    "bot/tg/handlers/reports.py": EVERYTHING,
}


def _names_lines(path: Path) -> dict[str, range]:
    """The lines of each top-level definition or assignment, by the name it defines."""
    spans: dict[str, range] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names: list[str] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        for name in names:
            spans[name] = range(node.lineno, (node.end_lineno or node.lineno) + 1)
    return spans


def _extract(path: Path) -> list[tuple[int, Entry]]:
    found: list[tuple[int, Entry]] = []
    with path.open("rb") as handle:
        for line, message, _comments, _context in extract_from_file(
            "python", handle.name, keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                if message[0]:
                    found.append((line, (message[0], message[1] if len(message) > 1 else None)))
            elif message:
                found.append((line, (message, None)))
    return found


def code_entries(root: Path = ROOT) -> set[Entry]:
    """Every message marked in the code (bot/ and conversations/)."""
    return {
        entry
        for folder in ("bot", "conversations")
        for path in sorted((root / folder).rglob("*.py"))
        for _line, entry in _extract(path)
    }


def family_entries(root: Path = ROOT) -> set[Entry]:
    """Every message a family (a participant, or someone about to register) can receive."""
    found = _entries_of(FAMILY_SOURCES, root)
    found.update((description, None) for description in menu_descriptions())
    return found


def field_staff_entries(root: Path = ROOT) -> set[Entry]:
    """Every message a facilitator or coordinator can receive in Telegram."""
    found = _entries_of(FIELD_STAFF_SOURCES, root)
    found.update((description, None) for description in field_staff_menu_descriptions())
    return found


def _entries_of(sources: dict[str, Only | AllBut], root: Path) -> set[Entry]:
    found: set[Entry] = set()
    for relative, selection in sources.items():
        path = root / relative
        spans = _names_lines(path)
        missing = [name for name in selection.names if name not in spans]
        if missing:
            raise LookupError(f"{relative} has no top-level {', '.join(missing)}")
        chosen = [spans[name] for name in selection.names]
        extracted = _extract(path)
        for line, entry in extracted:
            inside = any(line in span for span in chosen)
            if inside == isinstance(selection, Only):
                found.add(entry)
        if not extracted:
            raise LookupError(f"{relative} has no messages: is it still read by them?")
    return found


def menu_descriptions() -> list[str]:
    """What the command menus of families and of people not yet registered say."""
    from bot.domain.people.commands import Audience, menu

    return [c.description for a in (Audience.NEWCOMERS, Audience.FAMILIES) for c in menu(a)]


def field_staff_menu_descriptions() -> list[str]:
    """What the command menus of facilitators and coordinators say."""
    from bot.domain.people.commands import Audience, menu

    return [c.description for a in (Audience.FACILITATORS, Audience.COORDINATORS) for c in menu(a)]


def load_catalog(locale: str, root: Path = ROOT) -> Catalog:
    with (root / "locales" / locale / "LC_MESSAGES" / "kabar.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def is_translated(message: Message | None) -> bool:
    """Translated, in every plural form, and not marked fuzzy (fuzzy entries are not served)."""
    if message is None or message.fuzzy:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms)


def untranslated(catalog: Catalog, entries: Iterable[Entry]) -> list[str]:
    return sorted(msgid for msgid, _plural in entries if not is_translated(catalog.get(msgid)))
