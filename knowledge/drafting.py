"""Draft curated items for a new article: ``python -m bot kb draft ARTICLE.txt``.

Pure functions over the article's text and the knowledge base already curated; nothing here loads
the draft or talks to a transport. The draft holds, each with its verbatim evidence:

- the article's ``[[source]]`` entry (the loader accepts it in any knowledge file, so the draft placed in
  the folder, with its article in ``corpus/``, passes ``kb check`` as it is);
- every direct quotation (``[[quote]]``) with its speaker, resolved against the known entities' names
  and aliases where the article names one, else a proposed new ``[[entity]]``; its cue and context;
- every figure of people killed, dead, wounded, injured, missing or displaced (``[[casualty]]``) with
  what it counts, its qualifier and who reported it, from the article's body (not the list of headlines
  that ends a page); a figure told again is one item with more evidence;
- sentences that date something (``[[timeline]]``: dates, times, years, weekdays), and the event the
  figures belong to: one of the knowledge base's events when the article is of its story (it names one
  of them or a place the knowledge base knows), else a drafted ``[[event]]``, never another story's;
- places the article names that the knowledge base does not know (``[[place]]``), and the spellings
  it uses for the entities it does know (a comment: new spellings belong in their ``aliases``).

Only general English is used: quotation marks, attribution verbs ("said", "told", "tweeted",
"according to"...), number patterns with their qualifiers ("at least", "nearly", "more than"...) and
counted outcomes. Everything about the story comes from the knowledge base passed in. The text is read
by ``draft_text``, speakers found by ``draft_speakers``, figures by ``draft_figures``; this module puts
the draft together and writes it as TOML.
"""

from __future__ import annotations

import json
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel
from rapidfuzz import fuzz

from knowledge.draft_figures import DATE, TIME, figures
from knowledge.draft_speakers import (
    CUE_AFTER,
    CUE_BEFORE,
    CUE_KIND,
    ORG_WORDS,
    Attributor,
    NameIndex,
    Speaker,
    entity_mentions,
)
from knowledge.draft_text import body_paragraphs, norm, quotations, sentences
from knowledge.models import KIND_OF_TABLE, Casualty, Quote, Source
from knowledge.text import fold_quotes_space

# --- the draft ---------------------------------------------------------------------------------------


@dataclass
class Draft:
    source: dict
    items: list[tuple[str, dict]] = field(default_factory=list)  # (table, fields), in output order
    notes: list[str] = field(default_factory=list)

    def of(self, table: str) -> list[dict]:
        return [it for t, it in self.items if t == table]


def _slug(text: str, words: int = 4) -> str:
    toks = re.findall(r"[a-z0-9]+", fold_quotes_space(text).lower())
    stop = {"the", "a", "an", "of", "to", "and", "in", "on", "for", "is", "are", "we", "it", "that", "this"}
    picked = [t for t in toks if t not in stop][:words] or toks[:words] or ["item"]
    return "-".join(picked)


def _evidence_text(text: str, start: int, end: int, limit: int = 600) -> str:
    passage = re.sub(r"\s+", " ", text[start:end]).strip()
    if len(passage) > limit:
        passage = passage[:limit].rsplit(" ", 1)[0]
    return passage


class _Ids:
    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)

    def new(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9_.-]+", "-", base.lower()).strip("-.") or "item"
        base = base[:60].rstrip("-.")
        cand, n = base, 2
        while cand in self.taken:
            cand, n = f"{base}-{n}", n + 1
        self.taken.add(cand)
        return cand


def _allowed(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The literal values a model's field accepts (so the draft follows the schema it is checked against)."""
    ann = model.model_fields[name].annotation
    for arg in (ann, *typing.get_args(ann)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


def guess_source(text: str, source_id: str) -> dict:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else source_id
    entry: dict = {"id": source_id}
    title = first if len(first) <= 160 and not first.endswith(".") else None
    entry["label"] = f'{source_id}: "{title}"' if title else source_id
    if title:
        entry["title"] = title
    head = "\n".join(lines[:6])
    if m := re.search(r"https?://\S+", head):
        entry["url"] = m.group().rstrip(").,")
    if m := re.search(r"\b(\d{4}-\d{2}-\d{2})\b", head):
        entry["date"] = m.group(1)
    return entry


def draft_article(text: str, source_id: str, kb=None) -> Draft:
    """Draft curated items for one article. ``kb``: the knowledge base already curated (a
    ``KnowledgeBase``, or anything with ``entities``, ``places``, ``events`` and ``items``), whose
    entities and places speakers and names are resolved against and whose ids the draft avoids."""
    entities = list(getattr(kb, "entities", []) or [])
    places = list(getattr(kb, "places", []) or [])
    events = list(getattr(kb, "events", []) or [])
    ids = _Ids(set(getattr(kb, "items", {}) or {}))
    index = NameIndex(entities, places)
    t = norm(text)
    draft = Draft(source=guess_source(text, source_id))
    new_entities: dict[str, dict] = {}  # folded name -> entity fields

    def ev(start: int, end: int) -> list[dict]:
        return [{"source": source_id, "quote": _evidence_text(text, start, end)}]

    def speaker_id(sp: Speaker, start: int, end: int) -> str:
        if sp.ref:
            return sp.ref
        name = sp.name or "Unattributed (review: who is speaking?)"
        key = name.lower()
        if key not in new_entities:
            kind = "organisation" if ORG_WORDS.search(name) else ("person" if sp.name else "group")
            new_entities[key] = {
                "id": ids.new(_slug(name, 3)),
                "name": name,
                "kind": kind,
                "description": "Drafted: named as a speaker in the article; say who it is.",
                "evidence": ev(start, end),
            }
        return new_entities[key]["id"]

    def on_behalf(ref: str) -> str | None:
        it = index.items.get(ref)
        seen = set()
        while it is not None and it.id not in seen:
            seen.add(it.id)
            if getattr(it, "kind", None) == "country":
                return it.id
            nxt = getattr(it, "part_of", None) or getattr(it, "country", None)
            it = index.items.get(nxt) if nxt else None
        return None

    # quotations
    attributor = Attributor(text, index)
    quote_items: list[dict] = []
    quote_spans: list[tuple[int, int, str]] = []  # quotation span -> speaker id (for figures inside quotes)
    seen_quotes: dict[tuple[str, str], dict] = {}
    cue_kinds = _allowed(Quote, "cue")
    for p_start, p_end in body_paragraphs(text):
        sents = sentences(t, p_start, p_end)
        quotes = quotations(text, p_start, p_end)
        if not quotes:
            continue
        opens = t[p_start:p_end].lstrip()[:1] in ('"', "'")
        for q, (sp, cue_word) in zip(
            quotes, attributor.attribute(quotes, sents, (p_start, p_end), opens), strict=True
        ):
            s_start = next((a for a, b in sents if a <= q.start - 1 <= b), p_start)
            s_end = next((b for a, b in sents if a <= q.end <= b), p_end)
            # evidence: the sentence(s) holding the quotation and its cue
            e_start, e_end = s_start, s_end
            if e_end - e_start < 40 and e_end < p_end:
                e_end = next((b for a, b in sents if a > e_end), e_end)
            sid = speaker_id(sp, e_start, e_end)
            quote_spans.append((q.start, q.end, sid))
            key = (fold_quotes_space(q.text).lower(), sid)
            if key in seen_quotes:
                continue
            sentence = re.sub(r"\s+", " ", text[e_start:e_end]).strip()
            cue = CUE_KIND.get(cue_word, "said")
            if "statement" in sentence.lower() and cue == "said":
                cue = "statement"
            elif "speech" in sentence.lower() and cue == "said":
                cue = "speech"
            if cue_kinds and cue not in cue_kinds:
                cue = "said"
            who = (
                index.items[sid].name
                if sid in index.items
                else new_entities.get(
                    next((k for k, v in new_entities.items() if v["id"] == sid), ""), {}
                ).get("name", sid)
            )
            item: dict[str, typing.Any] = {
                "id": ids.new(f"quote-{sid}-{_slug(q.text)}"),
                "speaker": sid,
                "on_behalf_of": on_behalf(sid) if sid in index.items else None,
                "text": re.sub(r"\s+", " ", q.text),
                "cue": cue,
                "context": f"Drafted ({sp.how or 'cue'}): {who}, as the article reports it: {sentence[:300]}",
                "topics": sorted(
                    {m.spelling.lower() for m in index.mentions(t, e_start, e_end) if m.kind == "place"}
                ),
                "evidence": ev(e_start, e_end),
            }
            seen_quotes[key] = item
            quote_items.append(item)

    # figures
    outcomes = _allowed(Casualty, "outcome")
    qualifiers = _allowed(Casualty, "qualifier")
    # the knowledge base's events, only when the article is of its story: never another story's event
    story_events = events if _of_this_story(t, index, events) else []
    main_event = story_events[0].id if story_events else None
    new_event: dict | None = None
    casualty_items: list[dict] = []
    seen_cas: dict[tuple, dict] = {}
    for p_start, p_end in body_paragraphs(text):
        last_subject = ""
        for s_start, s_end in sentences(t, p_start, p_end):
            for f in figures(text, s_start, s_end):
                reporter = next((sid for a, b, sid in quote_spans if a <= f.start < b), None)
                if reporter is None:
                    cues = list(CUE_BEFORE.finditer(t, s_start, f.start))
                    if cues:
                        c = cues[-1]
                        if c.group(1).lower() == "according to":
                            ments = entity_mentions(index, t, c.end(), s_end)
                        else:
                            ments = entity_mentions(index, t, s_start, c.start())[-1:]
                        reporter = ments[0].ref if ments else None
                    else:
                        after = CUE_AFTER.search(t, f.end, s_end) or re.search(
                            r"\bannounced\b", t[f.end : s_end]
                        )
                        if after:
                            a_end = (
                                f.end + after.start()
                                if isinstance(after, re.Match) and after.re.pattern == r"\bannounced\b"
                                else after.start()
                            )
                            ments = entity_mentions(index, t, max(f.end, a_end - 60), a_end)
                            reporter = ments[-1].ref if ments else None
                # whose dead: a country or group named in the counted phrase, or 'its/our' -> the reporter
                phrase = t[f.start : f.end]
                side = None
                for m in entity_mentions(index, t, f.start, f.end):
                    if getattr(index.items[m.ref], "kind", "") in ("country", "group"):
                        side = m.ref
                        break
                if (
                    side is None
                    and reporter
                    and re.search(r"\b(?:its|our|we|it)\b", t[max(s_start, f.start - 12) : f.end], re.I)
                ):
                    side = on_behalf(reporter) or reporter
                event = _event_for(t[s_start:s_end], story_events) or main_event
                if event is None:
                    if new_event is None:
                        new_event = {
                            "id": ids.new(f"event-{_slug(draft.source.get('title') or source_id)}"),
                            "name": draft.source.get("title") or f"The events of {source_id}",
                            "description": "Drafted: the event this article's figures belong to.",
                            "evidence": ev(s_start, s_end),
                        }
                    event = new_event["id"]
                outcome = (
                    f.outcome
                    if (not outcomes or f.outcome in outcomes)
                    else ("wounded" if f.outcome == "injured" and "wounded" in outcomes else "casualties")
                )
                qualifier = f.qualifier if (not qualifiers or f.qualifier in qualifiers) else "unspecified"
                subject = f.subject or last_subject or "people"
                last_subject = subject
                cas_key = (f.number, qualifier, subject.lower(), outcome, side, reporter)
                if cas_key in seen_cas:
                    continue
                same = _same_figure(
                    casualty_items, f.number, outcome, side, event, subject, qualifier, reporter
                )
                if same is not None:  # the figure told again ("death toll rises to 96"): one item
                    _merge_figure(same, ev(s_start, s_end), subject, qualifier, f.figure_text, reporter)
                    seen_cas[cas_key] = same
                    continue
                who = index.items[reporter].name if reporter in index.items else "The article"
                item = {
                    "id": ids.new(f"cas-{side or 'total'}-{_slug(f.figure_text, 3)}-{f.outcome}"),
                    "event": event,
                    "side": side,
                    "subject": subject,
                    "outcome": outcome,
                    "figure": f.number,
                    "figure_text": f.figure_text,
                    "qualifier": qualifier,
                    "reported_by": reporter,
                    "status": None if outcome == f.outcome else f"{f.outcome} (as stated)",
                    "summary": f'{who}: {f.figure_text} {subject} {f.outcome} ("{re.sub(chr(92) + "s+", " ", phrase)}").',
                    "evidence": ev(s_start, s_end),
                }
                seen_cas[cas_key] = item
                casualty_items.append(item)

    # dated sentences
    event_items: list[dict] = []
    order = 0
    for p_start, p_end in body_paragraphs(text):
        for s_start, s_end in sentences(t, p_start, p_end):
            sentence = t[s_start:s_end]
            dates = [m.group().strip() for m in DATE.finditer(sentence)]
            times = [m.group().strip() for m in TIME.finditer(sentence)]
            if not dates and not times:
                continue
            ments = index.mentions(t, s_start, s_end)
            order += 10
            summary = re.sub(r"\s+", " ", text[s_start:s_end]).strip()
            event_items.append(
                {
                    "id": ids.new(f"ev-{_slug(dates[0] if dates else times[0], 3)}-{_slug(summary, 3)}"),
                    "date": dates[0] if dates else None,
                    "time": times[0] if times else None,
                    "places": sorted({m.ref for m in ments if m.kind == "place"}),
                    "actors": sorted({m.ref for m in ments if m.kind == "entity"}),
                    "order": order,
                    "summary": f"Drafted: {summary[:400]}",
                    "evidence": ev(s_start, s_end),
                }
            )

    # places the knowledge base does not know ("the towns of A, B and C", "A district")
    place_kinds = _allowed(KIND_OF_TABLE["place"], "kind")
    known = {
        norm(fold_quotes_space(s)).lower() for it in [*entities, *places] for s in [it.name, *it.aliases]
    }
    place_items: list[dict] = []
    seen_places: set[str] = set()
    for pm in re.finditer(
        r"\b(towns?|cit(?:y|ies)|villages?|districts?|regions?|provinces?|states?|countries)\s+"
        r"(?:of|such as|including|like|near)\s+((?:[A-Z][\w'-]+(?:,\s*|\s+and\s+|\s+)?)+)",
        t,
    ):
        noun = pm.group(1).lower()
        kind = {"cities": "city", "countries": "country"}.get(noun, noun.rstrip("s"))
        if place_kinds and kind not in place_kinds:
            kind = "town" if "town" in place_kinds else place_kinds[0]
        for name in re.split(r",\s*|\s+and\s+", pm.group(2)):
            name = name.strip()
            if not name or not name[0].isupper() or name.lower() in known or name.lower() in seen_places:
                continue
            seen_places.add(name.lower())
            s_start, s_end = next(
                (
                    (a, b)
                    for pa, pb in body_paragraphs(text)
                    for a, b in sentences(t, pa, pb)
                    if a <= pm.start() <= b
                ),
                (pm.start(), pm.end()),
            )
            place_items.append(
                {
                    "id": ids.new(_slug(name, 3)),
                    "name": name,
                    "kind": kind,
                    "description": f"Drafted: one of the {noun} the article names.",
                    "evidence": ev(s_start, s_end),
                }
            )

    # spellings of known entities (and near misses: a spelling to add to an item's aliases)
    used: dict[str, set[str]] = {}
    for m in index.mentions(t):
        used.setdefault(m.ref, set()).add(m.spelling)
    alias_words: dict[str, str] = {}
    for it in [*entities, *places]:
        for s in [it.name, *it.aliases]:
            for w in re.findall(r"[A-Z][\w'-]{4,}", norm(s)):
                alias_words.setdefault(w, it.id)
    spelled = {w for m in index.mentions(t) for w in m.spelling.split()}
    near: dict[str, str] = {}
    for w in set(re.findall(r"\b[A-Z][a-z][\w'-]{3,}\b", t)) - spelled - set(alias_words):
        if w.lower() in known:
            continue
        best = max(alias_words, key=lambda a: fuzz.ratio(w, a), default=None)
        if best and fuzz.ratio(w, best) >= 85:
            near[w] = alias_words[best]
    for ref in sorted(used):
        draft.notes.append(f"{ref}: " + ", ".join(f'"{s}"' for s in sorted(used[ref])))
    for w, ref in sorted(near.items()):
        draft.notes.append(f'{ref}: possibly also spelled "{w}" (add to its aliases if so)')

    draft.items = (
        [("entity", e) for e in new_entities.values()]
        + [("place", p) for p in place_items]
        + ([("event", new_event)] if new_event else [])
        + [("quote", q) for q in quote_items]
        + [("casualty", c) for c in casualty_items]
        + [("timeline", e) for e in event_items]
    )
    draft.items = [(table, _validated(table, fields)) for table, fields in draft.items]
    return draft


_GENERIC_SUBJECT = {"people", "dead (people)", "dead", "deaths", "victims", "persons"}


def _same_figure(
    items: list[dict], number, outcome: str, side, event, subject: str, qualifier: str, reporter
) -> dict | None:
    """A drafted figure this one repeats: same number, outcome, side and event, no other qualifier
    ("more than 200" and "around 200" are two reports) nor another reporter, and the same subject or
    one of the two only says "people"."""
    if number is None:
        return None
    for it in items:
        if (it.get("figure"), it["outcome"], it.get("side"), it.get("event")) != (
            number,
            outcome,
            side,
            event,
        ):
            continue
        if "exact" not in (qualifier, it["qualifier"]) and qualifier != it["qualifier"]:
            continue
        if reporter and it.get("reported_by") and reporter != it["reported_by"]:
            continue
        a, b = it["subject"].lower(), subject.lower()
        if a == b or a in _GENERIC_SUBJECT or b in _GENERIC_SUBJECT:
            return it
    return None


def _merge_figure(
    item: dict, evidence: list[dict], subject: str, qualifier: str, text: str, reporter
) -> None:
    """Fold a repeated figure into the item: its passage as more evidence, the more telling subject,
    qualifier and reporter."""
    item["evidence"] += [e for e in evidence if e not in item["evidence"]]
    if item["subject"].lower() in _GENERIC_SUBJECT and subject.lower() not in _GENERIC_SUBJECT:
        item["subject"] = subject
    if item["qualifier"] == "exact" and qualifier != "exact":
        item["qualifier"], item["figure_text"] = qualifier, text
    if item.get("reported_by") is None and reporter:
        item["reported_by"] = reporter


def _of_this_story(text: str, index: NameIndex, events: list) -> bool:
    """Whether an article is about the story the knowledge base holds: it names one of its events, or
    a place it knows (other than a whole country, which many stories share)."""
    low = fold_quotes_space(text).lower()
    for c in events:
        for s in [c.name, *c.aliases]:
            if re.search(rf"(?<!\w){re.escape(fold_quotes_space(s).lower())}(?!\w)", low):
                return True
    return any(
        m.kind == "place" and getattr(index.items[m.ref], "kind", "") != "country"
        for m in index.mentions(text)
    )


def _event_for(sentence: str, events: list) -> str | None:
    """The known event a sentence's figure belongs to: one whose name or alias it uses, else one whose
    name or period holds a year the sentence gives."""
    low = fold_quotes_space(sentence).lower()
    best, best_len = None, 0
    for c in events:
        for s in [c.name, *c.aliases]:
            s_low = fold_quotes_space(s).lower()
            if len(s_low) > best_len and re.search(rf"(?<!\w){re.escape(s_low)}(?!\w)", low):
                best, best_len = c.id, len(s_low)
    if best:
        return best
    years = set(re.findall(r"\b(?:1[89]|20)\d\d", sentence))
    for c in events:
        if years & set(re.findall(r"\b(?:1[89]|20)\d\d", " ".join([c.name, *c.aliases, c.period or ""]))):
            return c.id
    return None


def _validated(table: str, fields: dict) -> dict:
    """Fields the schema knows, without empty values; checked against the model."""
    model = KIND_OF_TABLE[table]
    clean = {k: v for k, v in fields.items() if k in model.model_fields and v not in (None, [], "")}
    model.model_validate(clean)
    return clean


# --- TOML output ---------------------------------------------------------------------------------------

_KEY_ORDER = [
    "id",
    "name",
    "kind",
    "speaker",
    "on_behalf_of",
    "event",
    "side",
    "subject",
    "outcome",
    "figure",
    "figure_text",
    "qualifier",
    "reported_by",
    "status",
    "date",
    "time",
    "order",
    "places",
    "actors",
    "text",
    "cue",
    "aliases",
    "role",
    "country",
    "part_of",
    "period",
    "context",
    "topics",
    "summary",
    "description",
]


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(draft: Draft) -> str:
    src = draft.source
    counts: dict[str, int] = {}
    for table, _ in draft.items:
        counts[table] = counts.get(table, 0) + 1
    lines = [
        f"# DRAFT for review: items proposed by `python -m bot kb draft` for corpus/{src['id']}.txt.",
        "# Nothing here is curated yet and the bot never loads this file by itself. To use it:",
        f"#  1. put the article in corpus/ as {src['id']}.txt (its [[source]] entry is below);",
        "#  2. check every item against the article: speakers, figures, subjects, sides, summaries and",
        "#     contexts (each says 'Drafted'); merge items that repeat curated ones; delete what is wrong;",
        "#     give items `asks`, questions people would type that the item answers (CURATING.md);",
        "#  3. put this file (or its items) into the knowledge folder and run `python -m bot kb check`.",
        "# Drafted: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".",
    ]
    if draft.notes:
        lines += ["#", "# Known entities and places the article names, with the spellings it uses:"]
        lines += [f"#   {n}" for n in draft.notes]
    lines.append(source_entry_toml(draft).rstrip("\n"))
    for table, fields in draft.items:
        lines += ["", f"[[{table}]]"]
        for k in sorted(fields, key=lambda k: (_KEY_ORDER.index(k) if k in _KEY_ORDER else 99, k)):
            if k == "evidence":
                continue
            lines.append(f"{k} = {_toml_value(fields[k])}")
        lines.append("evidence = [")
        lines += [f"  {_toml_value(e)}," for e in fields["evidence"]]
        lines.append("]")
    return "\n".join(lines) + "\n"


def source_entry_toml(draft: Draft) -> str:
    """The draft's ``[[source]]`` entry (valid in sources.toml or in any other knowledge file)."""
    Source.model_validate(draft.source)
    return "\n[[source]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in draft.source.items())


def draft_file(article: Path, kb=None, source_id: str | None = None) -> tuple[str, str]:
    """(source id, TOML text) of the draft for an article file."""
    sid = source_id or article.stem
    text = article.read_text(encoding="utf-8")
    return sid, to_toml(draft_article(text, sid, kb))
