"""The /kb family's reports as plain lines, for every transport: the console prints them, the Discord cog
(commands.kb_admin) paginates them. No discord import here, so the console's /kb never loads discord.
"""

from __future__ import annotations

import asyncio
import logging
import stat
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import StoreError
from knowledge.service import KnowledgeService, KnowledgeStatus, ReloadOutcome, is_article
from knowledge.store import StoreBusy

log = logging.getLogger(__name__)

MAX_LISTED_IDS = 40
SILENT_AFTER_S = 30.0  # a process that has not reported for this long may be gone
MAX_CONFIRM_IDS = 15  # per kind, so that a confirmation fits on one page with its buttons


@dataclass(frozen=True)
class Report:
    """A moderator report as plain lines: the console prints it, Discord paginates it."""

    title: str
    lines: list[str]
    ok: bool = True


def _ids(label: str, ids: list[str], limit: int = MAX_LISTED_IDS) -> str:
    shown = ", ".join(ids[:limit])
    more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{label} ({len(ids)}): {shown}{more}"


def describe_confirmation(outcome: ReloadOutcome, hint: str) -> Report:
    """An upload held back because it removes items: what it would remove and change, and how to apply it."""
    live = f" {outcome.version}" if outcome.version else ""
    lines = [
        f"{outcome.file} would remove {len(outcome.removed)} item(s) from the live knowledge base{live}:"
    ]
    lines += ["• " + _ids(kind, ids, MAX_CONFIRM_IDS) for kind, ids in outcome.removed_by_kind.items()]
    for kind, (before, after) in outcome.count_changes.items():
        lines.append(f"{kind}: {before} → {after}")
    for label, ids in (("Added", outcome.added), ("Changed", outcome.changed)):
        if ids:
            lines.append(_ids(label, ids, MAX_CONFIRM_IDS))
    lines += ["Nothing was written yet.", hint]
    return Report("Upload needs confirmation", [line for line in lines if line], ok=False)


def describe_outcome(outcome: ReloadOutcome, *, confirm_hint: str = "") -> Report:
    verb = {
        "reload": "Reload",
        "upload": "Upload",
        "check": "Check",
        "startup": "Load",
        "rollback": "Rollback",
    }[outcome.action]
    if outcome.needs_confirmation:
        return describe_confirmation(outcome, confirm_hint)
    if not outcome.ok:
        if outcome.refused:  # every refusal names the file and the reason
            reasons = [str(p) for p in outcome.problems] or [outcome.refused]
            return Report(f"{verb} refused", [*reasons, "Nothing was changed."], ok=False)
        lines = [f"{len(outcome.problems)} problem(s) found; nothing was changed."]
        if outcome.action != "check":
            lines.append(f"Still answering from knowledge base {outcome.version or '(none)'}.")
        lines += [f"• {p}" for p in outcome.problems]
        return Report(f"{verb} refused" if outcome.action != "check" else "Check failed", lines, ok=False)
    if outcome.draft_path is not None:
        return describe_article(outcome)
    lines = []
    if outcome.written:
        lines.append(f"Wrote {outcome.written}.")
    if outcome.action == "check":
        lines.append(f"The knowledge directory is valid (version {outcome.version}); nothing was loaded.")
        if outcome.previous_version:
            lines.append(f"The live knowledge base is {outcome.previous_version}. Compared with it:")
    else:
        lines.append(f"Now answering from knowledge base {outcome.version} (was {outcome.previous_version}).")
    lines += outcome.notes
    lines.append("Counts: " + ", ".join(f"{k} {v}" for k, v in outcome.counts.items()))
    if outcome.unchanged:
        lines.append("No change in content.")
    for kind, (before, after) in outcome.count_changes.items():
        lines.append(f"{kind}: {before} → {after}")
    for label, ids in (("Added", outcome.added), ("Removed", outcome.removed), ("Changed", outcome.changed)):
        if ids:
            lines.append(_ids(label, ids))
    return Report(f"{verb} done" if outcome.action != "check" else "Check passed", lines)


def describe_article(outcome: ReloadOutcome) -> Report:
    """A new article waiting beside its draft: where the draft is; the live knowledge is unchanged."""
    lines = [
        f"Wrote {outcome.written}.",
        f"Still answering from knowledge base {outcome.version} (unchanged).",
        *outcome.notes,
        f"Draft written to {outcome.draft_path}.",
    ]
    return Report("Article added", lines)


async def status_report(service: KnowledgeService) -> Report:
    status = await service.status()
    lines = [
        f"Knowledge base {status.version}, from {status.directory}",
        "Counts: " + ", ".join(f"{k} {v}" for k, v in status.counts.items()),
    ]
    if status.last_reload_at or status.last_reload_by:
        result = "" if status.last_reload_ok is None else (" (ok)" if status.last_reload_ok else " (refused)")
        lines.append(f"Last reload: {status.last_reload_at or '?'} by {status.last_reload_by or '?'}{result}")
    elif status.store_available:
        lines.append("Last reload: none recorded.")
    if not status.store_available:
        lines.append(
            "The database is busy (held by another process?): reload history can't be shown right now."
            if status.store_busy
            else "The database is unavailable: reload history can't be shown."
        )
    elif status.store_busy:
        lines.append("The database is busy (held by another process?): new records wait to be written.")
    if status.records_waiting or status.records_dropped:
        lines.append(
            f"Records waiting to be written: {status.records_waiting}; "
            f"dropped since start (queue full): {status.records_dropped}"
        )
    lines += process_lines(status)
    return Report("Knowledge base status", lines)


def process_lines(status: KnowledgeStatus) -> list[str]:
    """The processes sharing the database: each one's knowledge version and when it last reported."""
    if status.processes_problem is not None:
        return ["Processes: the database did not list them in time."]
    if not status.processes:
        return []
    lines = [f"Processes ({len(status.processes)}):"]
    for p in status.processes:
        age = p.heartbeat_age_s
        heard = f"silent for {age:.0f} s" if age > SILENT_AFTER_S else f"reported {age:.0f} s ago"
        mark = " (this one)" if p.this else ""
        same = "" if p.version == status.version else " (differs)"
        line = f"- {p.name}{mark}, shards {p.shards}: {p.version or '?'}{same}, {heard}"
        lines.append(line + (f"; {p.problem}" if p.problem else ""))
    return lines


async def unanswered_report(service: KnowledgeService, *, limit: int = 10, days: int = 30) -> Report:
    if service.store is None:
        return Report("Unanswered questions", ["The database is unavailable."], ok=False)
    try:
        rows = await service.store.unanswered(limit=limit, days=days)
    except StoreBusy as exc:  # the read gave up in time rather than miss the interaction's deadline
        log.warning("could not read unanswered questions in time: %s", exc)
        return Report(
            "Unanswered questions",
            ["The database is busy right now (held by another process?); try again in a moment."],
            ok=False,
        )
    except StoreError as exc:
        log.error("could not read unanswered questions: %s", exc)
        return Report("Unanswered questions", ["The database is unavailable right now."], ok=False)
    if not rows:
        return Report("Unanswered questions", [f"No unanswered questions in the last {days} days."])
    lines = [f"Most frequent in the last {days} days:"]
    for row in rows:
        link = jump_link(row.guild_id, row.channel_id, row.message_id)
        lines.append(
            f"{row.count}× {row.question} (last {row.last_asked:%Y-%m-%d %H:%M})"
            + (f" {link}" if link else "")
        )
    return Report("Unanswered questions", lines)


def jump_link(guild_id: str | None, channel_id: str | None, message_id: str | None) -> str | None:
    """Discord's link to a message (``@me`` for a direct message), or None without a channel and message."""
    ids = (channel_id, message_id)
    if not all(i is not None and i.isdigit() for i in ids) or (
        guild_id is not None and not guild_id.isdigit()
    ):
        return None
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


async def upload_from_path(
    service: KnowledgeService, path_text: str, *, yes: bool, who: str = "console"
) -> Report:
    """The console's ``/kb upload PATH [--yes]``: a local file, refused (naming it) unless it is a regular
    file within the size limit; one that removes items is applied only with ``--yes``. A ``.txt`` is a new
    article: written into the corpus, its draft written for review (the report says where)."""
    name = Path(path_text).name

    def read() -> bytes | str:
        path = Path(path_text).expanduser()
        try:
            info = path.stat()
        except OSError as exc:
            return f"cannot read {path_text}: {exc.strerror or exc}"
        if not stat.S_ISREG(info.st_mode):
            return f"{path_text} is not a regular file"
        if info.st_size > service.max_upload_bytes:
            return f"the file is {info.st_size:,} bytes; the limit is {service.max_upload_bytes:,}"
        try:
            with path.open("rb") as fh:
                return fh.read(service.max_upload_bytes + 1)
        except OSError as exc:
            return f"cannot read {path_text}: {exc.strerror or exc}"

    data = await asyncio.to_thread(read)
    if isinstance(data, str):
        outcome = await service.refuse_upload(name, data, who)
    elif is_article(name):
        outcome = await service.upload_article(name, data, who)
    else:
        outcome = await service.upload(name, data, who, confirmed=yes)
    return describe_outcome(outcome, confirm_hint=f"To apply it anyway: /kb upload {path_text} --yes")
