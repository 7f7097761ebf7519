"""How close `kb draft` comes to the curated files, per shipped article.

    .venv/bin/python -m tests.data.draft_report [--knowledge DIR ...] [--unseen] [-v]

``--knowledge`` may be given more than once (each folder's table in turn), so one command checks a
change on both stories: ``--knowledge knowledge/data --knowledge knowledge/stories/pukhrayan-derailment``.

For each article in corpus/, the drafter runs with the knowledge base as context and its quotes and
casualty figures are compared with the curated items that cite that article:

- quotation recall: curated quotes citing the article for which a drafted quote has the same words
  (token overlap >= 0.80 of the longer of the two texts, see ``overlap``) and the same speaker id.
  The curated text compared is the quote's text when it is verbatim in the article, else the quotation
  of its evidence from that article that its text covers (one article may quote only part of it).
- casualty recall: curated casualties citing the article that give a figure (``figure`` set; the
  "losses, no figure" items are left out) for which a drafted casualty has the same number, the same
  outcome (killed / wounded) and a subject sharing a content word ("soldiers (servicemen)" and
  "Armenian servicemen" share "servicemen"; plural and singular count as one).
- precision: drafted quotes and casualties that a curator keeps unchanged or with a small edit, judged
  automatically as: the drafted item matches a curated item of that article under the same rules
  (quote: same speaker and >= 0.80 token overlap, i.e. at most a fifth of the words trimmed or added;
  casualty: same number, outcome and subject word; its qualifier, side, reporter and summary may be edited).

Speakers are resolved against the whole shipped knowledge base by default, which knows every
entity these articles name. ``--unseen`` is the harder case of an article nobody has curated yet: only
entities, places and events with evidence from the *other* articles are known, and a proposed new
entity counts as the right speaker when its name is one of the curated speaker's spellings.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.drafting import Draft, draft_article, quotations
from knowledge.loader import DEFAULT_DIR, KnowledgeBase, load_knowledge
from knowledge.text import fold_quotes_space, is_verbatim, tokens

MIN_OVERLAP = 0.80
_SUBJECT_STOP = {"of", "the", "both", "sides", "side", "its", "their", "and", "a", "an"}


def overlap(a: str, b: str) -> float:
    """Shared words (as a multiset) over the word count of the longer text."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    common = sum((Counter(ta) & Counter(tb)).values())
    return common / max(len(ta), len(tb))


def _words(subject: str) -> set[str]:
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in tokens(subject)} - _SUBJECT_STOP


def subject_match(a: str, b: str) -> bool:
    return bool(_words(a) & _words(b))


@dataclass
class View:
    """The knowledge base as the drafter sees it: all of it, or only what other articles support."""

    entities: list
    places: list
    events: list
    items: dict


def view_for(kb: KnowledgeBase, sid: str, unseen: bool) -> View:
    if not unseen:
        return View(kb.entities, kb.places, kb.events, kb.items)

    def other(it) -> bool:
        return any(ev.source != sid for ev in it.evidence)

    return View([e for e in kb.entities if other(e)], [p for p in kb.places if other(p)],
                [c for c in kb.events if other(c)], kb.items)


@dataclass
class Score:
    sid: str
    quotes: int = 0
    quotes_found: int = 0
    quotes_right_speaker: int = 0
    figures: int = 0
    figures_found: int = 0
    drafted: int = 0
    kept: int = 0
    counts: Counter = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0


def _targets(kb: KnowledgeBase, q, sid: str) -> list[str]:
    folded = fold_quotes_space(kb.corpus[sid])
    if is_verbatim(q.text, folded):
        return [q.text]
    out = []
    for ev in q.evidence:
        if ev.source == sid:
            found = [x.text for x in quotations(ev.quote, 0, len(ev.quote))]
            out += [f for f in found if overlap(f, q.text) > 0 or fold_quotes_space(f) in fold_quotes_space(q.text)]
    return out or [q.text]


def _speaker_ok(kb: KnowledgeBase, draft: Draft, drafted: str, curated: str) -> bool:
    if drafted == curated:
        return True
    new = {e["id"]: e["name"] for e in draft.of("entity")}
    target = kb.items.get(curated)
    if drafted in new and target is not None:
        names = {fold_quotes_space(s).lower() for s in [target.name, *getattr(target, "aliases", [])]}
        return fold_quotes_space(new[drafted]).lower() in names
    return False


def score_article(kb: KnowledgeBase, sid: str, unseen: bool = False) -> tuple[Score, Draft]:
    draft = draft_article(kb.corpus[sid], sid, view_for(kb, sid, unseen))
    score = Score(sid)
    for table, _ in draft.items:
        score.counts[table] += 1
    d_quotes, d_cas = draft.of("quote"), draft.of("casualty")
    c_quotes = [q for q in kb.quotes if any(ev.source == sid for ev in q.evidence)]
    c_cas = [c for c in kb.casualties if c.figure is not None and any(ev.source == sid for ev in c.evidence)]

    def quote_match(d: dict, c) -> tuple[bool, bool]:
        words = any(overlap(d["text"], t) >= MIN_OVERLAP for t in _targets(kb, c, sid))
        return words, words and _speaker_ok(kb, draft, d["speaker"], c.speaker)

    def cas_match(d: dict, c) -> bool:
        return (d.get("figure") == c.figure and d["outcome"] == c.outcome
                and subject_match(d["subject"], c.subject))

    for c in c_quotes:
        score.quotes += 1
        pairs = [quote_match(d, c) for d in d_quotes]
        score.quotes_found += any(w for w, _ in pairs)
        right = any(s for _, s in pairs)
        score.quotes_right_speaker += right
        if not right:
            said = [d["speaker"] for d, (w, _) in zip(d_quotes, pairs, strict=True) if w]
            score.missed.append(f"quote {c.id} ({c.speaker}): " + (f"drafted as {said}" if said else "not drafted"))
    for c in c_cas:
        score.figures += 1
        if any(cas_match(d, c) for d in d_cas):
            score.figures_found += 1
        else:
            score.missed.append(f"casualty {c.id} ({c.figure_text} {c.subject} {c.outcome})")
    for d in d_quotes:
        score.drafted += 1
        if any(quote_match(d, c)[1] for c in c_quotes):
            score.kept += 1
        else:
            score.rejected.append(f"quote {d['speaker']}: {d['text'][:70]!r}")
    for d in d_cas:
        score.drafted += 1
        if any(cas_match(d, c) for c in c_cas):
            score.kept += 1
        else:
            score.rejected.append(f"casualty {d['figure_text']} {d['subject']} {d['outcome']}")
    return score, draft


def report(
    kb: KnowledgeBase, unseen: bool = False, verbose: bool = False, out=sys.stdout, name: str = ""
) -> list[Score]:
    scores = [score_article(kb, sid, unseen)[0] for sid in sorted(kb.corpus)]
    mode = "unseen (only other articles' entities known)" if unseen else "whole knowledge base known"
    print(f"kb draft vs curated files{f' of {name}' if name else ''}, {mode}", file=out)
    print(f"{'article':<22} {'quotes':>7} {'q.recall':>9} {'(words)':>8} {'figures':>8} {'f.recall':>9} "
          f"{'drafted':>8} {'kept':>5} {'precision':>9}  other drafted items", file=out)
    total = Score("all")
    for s in scores:
        other = ", ".join(f"{n} {t}" for t, n in sorted(s.counts.items()) if t not in ("quote", "casualty"))
        print(f"{s.sid:<22} {s.quotes:>7} {s.ratio(s.quotes_right_speaker, s.quotes):>9.2f} "
              f"{s.ratio(s.quotes_found, s.quotes):>8.2f} {s.figures:>8} {s.ratio(s.figures_found, s.figures):>9.2f} "
              f"{s.drafted:>8} {s.kept:>5} {s.ratio(s.kept, s.drafted):>9.2f}  {other}", file=out)
        for attr in ("quotes", "quotes_found", "quotes_right_speaker", "figures", "figures_found", "drafted", "kept"):
            setattr(total, attr, getattr(total, attr) + getattr(s, attr))
    print(f"{'all':<22} {total.quotes:>7} {total.ratio(total.quotes_right_speaker, total.quotes):>9.2f} "
          f"{total.ratio(total.quotes_found, total.quotes):>8.2f} {total.figures:>8} "
          f"{total.ratio(total.figures_found, total.figures):>9.2f} {total.drafted:>8} {total.kept:>5} "
          f"{total.ratio(total.kept, total.drafted):>9.2f}", file=out)
    if verbose:
        for s in scores:
            for line in s.missed:
                print(f"  {s.sid} missed: {line}", file=out)
            for line in s.rejected:
                print(f"  {s.sid} not kept: {line}", file=out)
    return scores


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--knowledge", type=Path, action="append", help="knowledge folder (repeatable)")
    p.add_argument("--unseen", action="store_true", help="know only what the other articles support")
    p.add_argument("-v", "--verbose", action="store_true", help="list what was missed and what was not kept")
    args = p.parse_args(argv)
    for n, folder in enumerate(args.knowledge or [DEFAULT_DIR]):
        if n:
            print()
        report(load_knowledge(folder), unseen=args.unseen, verbose=args.verbose, name=str(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
