"""A synthetic knowledge directory of any size, and questions generated from its items.

The prose is walked from a bigram chain trained on the shipped articles, so the
token statistics (stopwords, common verbs, a long tail) resemble real news text;
names of people and places come from a syllable generator shaped like the
names of news stories, with spelling variants as aliases. Everything follows
from one seed, so two runs build byte-identical directories.

The directory is a real knowledge directory: ``load_knowledge`` validates it
(schema, references, verbatim evidence) exactly as it validates the shipped one.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from knowledge.loader import DEFAULT_DIR

QuestionKind = Literal["exact", "paraphrase", "typo", "miss"]
MIX: dict[QuestionKind, float] = {"exact": 0.3, "paraphrase": 0.25, "typo": 0.25, "miss": 0.2}
ITEMS_PER_FILE = 2000  # keeps every TOML file well under the loader's 2 MB cap
SENTENCES_PER_ARTICLE = 100

FIRST = """Anar Hikmet Gor Elnur Leyla Anna Mariam Rashad Samvel Vagif Karen Arzu Narek Farid Lusine Zaur
Ani Emil Gayane Orkhan Sevak Aynur David Maria John Sergei Olga Mehmet Peter Marta Luis Ned Kamran Ruben
Hayk Zohrab Elchin Gunel Artur Nigar Vahe Togrul Shushan Ramiz Irina Tomas""".split()
ONSETS = "b d g k l m n r s t v z sh kh ch gh h j p ts dz".split()
VOWELS = "a e i o u a a e".split()
CODAS = ["", "", "", "", "n", "r", "s", "k", "l", "m", "rt", "sh"]
SURNAME_ENDS = ["yan", "ov", "ev", "li", "zade", "ian", "ova"]
PLACE_ENDS = ["abad", "kend", "shen", "dzor", "avan", "lu", "bek", "vank", "ashen", "li"]
ROLES = [
    "foreign minister",
    "defence minister",
    "prime minister",
    "president",
    "spokesperson",
    "ambassador",
    "border commander",
    "regional governor",
    "parliament speaker",
    "envoy",
]
BODIES = [
    "defence ministry",
    "foreign ministry",
    "security council",
    "border service",
    "regional council",
    "human rights office",
    "general staff",
    "emergency ministry",
]
SUBJECTS = ["soldiers", "servicemen", "troops", "civilians", "border guards", "people"]
OUTCOMES = {"killed": "killed", "wounded": "wounded", "losses": "lost", "casualties": "hurt"}
QUALIFIERS = {
    "exact": "",
    "at least": "at least ",
    "nearly": "nearly ",
    "about": "about ",
    "more than": "more than ",
}
NOUNS = [
    "shelling",
    "ceasefire",
    "offensive",
    "drone strike",
    "artillery fire",
    "peace talks",
    "border post",
    "withdrawal",
    "evacuation",
    "mine clearing",
    "prisoner exchange",
    "blockade",
    "mortar attack",
    "troop build-up",
    "convoy",
    "airstrike",
    "checkpoint",
    "curfew",
]
QA_FORMS = [  # question, two curated paraphrases, one paraphrase the knowledge base never sees
    (
        "What did {who} say about the {what} in {where}?",
        "{who}'s comments on the {what} in {where}",
        "how did {who} describe the {what} at {where}",
        "what was {who}'s view of the {what} around {where}",
    ),
    (
        "When did the {what} near {where} begin?",
        "start of the {what} near {where}",
        "what time did the {what} in {where} start",
        "when was the {what} around {where} first reported",
    ),
    (
        "Who ordered the {what} in {where}?",
        "who was behind the {what} in {where}",
        "which official ordered the {what} at {where}",
        "who gave the order for the {what} near {where}",
    ),
    (
        "Why did {who} condemn the {what} at {where}?",
        "reason {who} condemned the {what} at {where}",
        "what made {who} denounce the {what} in {where}",
        "why was {who} critical of the {what} near {where}",
    ),
]
MISSES = [
    "how do I bake sourdough bread at home",
    "best settings for a gaming mouse",
    "what is the recipe for lemon drizzle cake",
    "who won the cricket world cup final",
    "recommend a laptop for video editing",
    "how tall is the eiffel tower",
    "what time does the supermarket open on sunday",
    "explain quantum entanglement simply",
    "translate good morning into japanese",
    "how many calories are in an avocado",
    "what is the plot of the hobbit",
    "how do I fix a flat bicycle tyre",
]
MISS_WORDS = [
    "cheap",
    "tonight",
    "weather",
    "football",
    "pizza",
    "guitar",
    "yoga",
    "python",
    "garden",
    "holiday",
    "vegan",
    "jazz",
    "knitting",
    "marathon",
    "sushi",
    "chess",
    "podcast",
    "coffee",
]


@dataclass(frozen=True, slots=True)
class BenchQuestion:
    """One benchmark question; ``item`` is the curated item it was generated from (None for misses)."""

    text: str
    kind: QuestionKind
    item: str | None


@dataclass
class SyntheticKnowledge:
    """What was written, and what the benchmark needs to score answers against it."""

    directory: Path
    items: int
    texts: dict[str, str] = field(default_factory=dict)  # item id -> its main text (baseline choices)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # item id -> other texts it answers to
    questions: list[BenchQuestion] = field(default_factory=list)


class _Prose:
    """A bigram chain over the shipped articles' words: realistic token statistics, no copying."""

    def __init__(self, rng: random.Random, corpus_dir: Path) -> None:
        self.rng = rng
        text = " ".join(p.read_text("utf-8") for p in sorted(corpus_dir.glob("*.txt")))
        text = re.sub(r"\]\([^)]*\)|https?://\S+", " ", text)
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for sentence in re.split(r"[.!?\n]+", text):
            words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'-]*", sentence)
            if len(words) < 4:
                continue
            self.starts.append(words[0])
            for a, b in zip(words, words[1:], strict=False):
                self.next[a].append(b)
        if not self.starts:  # no shipped articles: a tiny built-in chain keeps the bench running
            fallback = "The ministry said the border villages were shelled by enemy forces overnight".split()
            self.starts = [fallback[0]]
            for a, b in zip(fallback, fallback[1:], strict=False):
                self.next[a].append(b)

    def words(self, n: int) -> list[str]:
        out = [self.rng.choice(self.starts)]
        while len(out) < n:
            follow = self.next.get(out[-1])
            out.append(self.rng.choice(follow) if follow else self.rng.choice(self.starts))
        return out

    def sentence(self, lo: int, hi: int) -> str:
        return " ".join(self.words(self.rng.randint(lo, hi)))


class _Names:
    """Unique, pronounceable names with transliteration variants (Petrosyan/Petrosian)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _root(self) -> str:
        r = self.rng
        return "".join(
            r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS) for _ in range(r.choice((2, 2, 2, 3)))
        ).capitalize()

    def unique(self, ends: list[str]) -> str:
        while True:
            name = self._root() + self.rng.choice(ends)
            if name not in self.used:
                self.used.add(name)
                return name

    @staticmethod
    def variant(name: str) -> str:
        for a, b in (
            ("yan", "ian"),
            ("ian", "yan"),
            ("ev", "yev"),
            ("kh", "h"),
            ("sh", "s"),
            ("ch", "c"),
            ("k", "q"),
            ("dz", "z"),
            ("a", "e"),
        ):
            if a in name:
                return name.replace(a, b, 1)
        return name + "a"


def typo(text: str, rng: random.Random, edits: int = 2) -> str:
    """``text`` with a few keyboard slips in its longer words (swap, drop, double, substitute)."""
    words = text.split(" ")
    longish = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in rng.sample(longish, min(edits, len(longish))):
        w = words[i]
        p = rng.randint(1, len(w) - 2)
        op = rng.randrange(4)
        if op == 0:
            w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
        elif op == 1:
            w = w[:p] + w[p + 1 :]
        elif op == 2:
            w = w[:p] + w[p] + w[p:]
        else:
            w = w[:p] + rng.choice("aeioustrn") + w[p + 1 :]
        words[i] = w
    return " ".join(words)


_NEEDS_BASIC = re.compile(r"['\x00-\x1f\x7f]")


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        # Literal strings, as curators write them, need no unescaping (tomllib finds their end with
        # str.index instead of a loop over characters); JSON escapes are valid TOML basic strings.
        if not _NEEDS_BASIC.search(value):
            return f"'{value}'"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def _toml_table(table: str, row: dict) -> str:
    lines = [f"[[{table}]]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in row.items() if v is not None]
    return "\n".join(lines) + "\n"


class _Builder:
    """Writes items and their evidence sentences; articles fill up as sentences arrive."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.prose = _Prose(self.rng, DEFAULT_DIR / "corpus")
        self.names = _Names(self.rng)
        self.rows: dict[str, list[str]] = defaultdict(list)
        self.sentences: list[str] = []
        self.out = SyntheticKnowledge(directory=root, items=0)

    def _source(self) -> str:
        return f"syn_{len(self.sentences) // SENTENCES_PER_ARTICLE:05d}"

    def add(self, table: str, row: dict, sentence: str, text: str, aliases: Sequence[str] = ()) -> str:
        row["evidence"] = [{"source": self._source(), "quote": sentence}]
        self.sentences.append(sentence)
        self.rows[table].append(_toml_table(table, row))
        self.out.texts[row["id"]] = text
        self.out.aliases[row["id"]] = list(aliases)
        self.out.items += 1
        return row["id"]

    def write(self) -> None:
        corpus = self.root / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        sources = []
        for start in range(0, len(self.sentences), SENTENCES_PER_ARTICLE):
            sid = f"syn_{start // SENTENCES_PER_ARTICLE:05d}"
            body = "\n\n".join(self.sentences[start : start + SENTENCES_PER_ARTICLE])
            (corpus / f"{sid}.txt").write_text(f"Synthetic dispatch {sid}\n\n{body}\n", "utf-8")
            sources.append(_toml_table("source", {"id": sid, "label": f"Synthetic dispatch {sid}"}))
        (self.root / "sources.toml").write_text("\n".join(sources), "utf-8")
        for table, rows in self.rows.items():
            for n, start in enumerate(range(0, len(rows), ITEMS_PER_FILE)):
                path = self.root / f"{table}_{n:03d}.toml"
                path.write_text("\n".join(rows[start : start + ITEMS_PER_FILE]), "utf-8")


def build_knowledge(root: Path, n_items: int, *, seed: int = 6, n_questions: int = 400) -> SyntheticKnowledge:
    """Write a valid knowledge directory of about ``n_items`` curated items under ``root``."""
    b = _Builder(root, seed)
    rng, prose, names = b.rng, b.prose, b.names
    n_countries = 6
    n_people = max(10, n_items * 8 // 100)
    n_bodies = max(4, n_items * 2 // 100)
    n_places = max(10, n_items * 6 // 100)
    n_conflicts = max(3, n_items // 500)
    rest = max(4, n_items - n_countries - n_people - n_bodies - n_places - n_conflicts)
    n_casualties, n_qa = rest * 20 // 100, rest * 30 // 100
    n_quotes = rest - n_casualties - n_qa

    countries = []
    for i in range(n_countries):
        name = names.unique(["ia", "stan", "land"])
        countries.append(
            b.add(
                "entity",
                {"id": f"country-{i}", "name": name, "kind": "country", "aliases": [names.variant(name)]},
                f"{name} {prose.sentence(8, 14)}.",
                name,
            )
        )
    people: list[tuple[str, str]] = []
    for i in range(n_people):
        first, last = rng.choice(FIRST), names.unique(SURNAME_ENDS)
        name, role = f"{first} {last}", rng.choice(ROLES)
        aliases = [last, names.variant(last), f"{first} {names.variant(last)}"]
        iid = b.add(
            "entity",
            {
                "id": f"person-{i}",
                "name": name,
                "kind": "person",
                "aliases": aliases,
                "role": role,
                "country": rng.choice(countries),
            },
            f"{name}, the {role}, {prose.sentence(6, 12)}.",
            name,
            aliases,
        )
        people.append((iid, name))
    bodies = []
    for i in range(n_bodies):
        country = rng.choice(countries)
        name = f"{b.out.texts[country]} {rng.choice(BODIES)} {i}"
        bodies.append(
            b.add(
                "entity",
                {"id": f"body-{i}", "name": name, "kind": "body", "country": country},
                f"The {name} {prose.sentence(6, 12)}.",
                name,
            )
        )
    places = []
    for i in range(n_places):
        name = names.unique(PLACE_ENDS)
        aliases = [names.variant(name)]
        iid = b.add(
            "place",
            {
                "id": f"place-{i}",
                "name": name,
                "kind": rng.choice(["town", "district"]),
                "aliases": aliases,
                "country": rng.choice(countries),
            },
            f"Near {name} ({aliases[0]}) {prose.sentence(6, 12)}.",
            name,
            aliases,
        )
        places.append((iid, name))
    conflicts = []
    for i in range(n_conflicts):
        where, year = rng.choice(places)[1], rng.randint(1988, 2022)
        name = f"the {year} {where} clashes"
        conflicts.append(
            (
                b.add(
                    "event",
                    {"id": f"conflict-{i}", "name": name, "kind": "clash", "aliases": [f"{year} war"]},
                    f"In {name} {prose.sentence(6, 12)}.",
                    name,
                ),
                name,
            )
        )

    askable: dict[str, tuple[str, str]] = {}  # item id -> (exact question, paraphrase)
    for i in range(n_casualties):
        (conflict, cname), (_, where) = rng.choice(conflicts), rng.choice(places)
        side, reporter = rng.choice(countries), rng.choice(people)
        outcome, qualifier = rng.choice(list(OUTCOMES)), rng.choice(list(QUALIFIERS))
        figure, subject = rng.randint(2, 7000), rng.choice(SUBJECTS)
        summary = (
            f"{QUALIFIERS[qualifier]}{figure} {subject} of {b.out.texts[side]} were "
            f"{OUTCOMES[outcome]} near {where} in {cname}, according to {reporter[1]}"
        )
        iid = b.add(
            "casualty",
            {
                "id": f"casualty-{i}",
                "event": conflict,
                "side": side,
                "subject": subject,
                "outcome": outcome,
                "figure": figure,
                "figure_text": f"{QUALIFIERS[qualifier]}{figure}",
                "qualifier": qualifier,
                "reported_by": reporter[0],
                "summary": summary,
            },
            summary[0].upper() + summary[1:] + ".",
            summary,
        )
        askable[iid] = (
            f"How many {subject} of {b.out.texts[side]} were {OUTCOMES[outcome]} near {where}?",
            f"{b.out.texts[side]} {subject} {outcome} toll at {where} per {reporter[1]}",
        )
    for i in range(n_quotes):
        (speaker, sname), words = rng.choice(people), prose.words(rng.randint(9, 16))
        words.insert(rng.randrange(2, len(words)), rng.choice(places)[1])
        text = " ".join(words)
        iid = b.add(
            "quote",
            {
                "id": f"quote-{i}",
                "speaker": speaker,
                "text": text,
                "cue": "said",
                "context": f"{sname} on the {rng.choice(NOUNS)}",
            },
            f'{sname} said: "{text}."',
            text,
        )
        middle = words[len(words) // 4 : len(words) // 4 + max(5, len(words) // 2)]
        askable[iid] = (f'Who said "{text}"?', "who said that " + " ".join(middle))
    for i in range(n_qa):
        form = rng.choice(QA_FORMS)
        (ref, who), where, what = rng.choice(people), rng.choice(places)[1], rng.choice(NOUNS)
        q, p1, p2, unseen = (f.format(who=who, where=where, what=what) for f in form)
        answer = f"{who} {prose.sentence(8, 14)} near {where}"
        iid = b.add(
            "qa",
            {"id": f"qa-{i}", "question": q, "paraphrases": [p1, p2], "answer": answer, "refs": [ref]},
            answer + ".",
            q,
            [p1, p2],
        )
        askable[iid] = (q, unseen)

    b.write()
    b.out.questions = _questions(rng, askable, b.out, n_questions)
    return b.out


def _questions(
    rng: random.Random, askable: dict[str, tuple[str, str]], kb: SyntheticKnowledge, n: int
) -> list[BenchQuestion]:
    """A fixed mix of exact, paraphrased, mistyped and unanswerable questions, shuffled."""
    people = [iid for iid in kb.texts if iid.startswith("person-")]
    out: list[BenchQuestion] = []
    for kind, share in MIX.items():
        for _ in range(round(n * share)):
            if kind == "miss":
                text = f"{rng.choice(MISSES)} {rng.choice(MISS_WORDS)}"
                out.append(BenchQuestion(text, kind, None))
                continue
            if rng.random() < 0.15:  # a person by name, alias or misspelling
                iid = rng.choice(people)
                name = kb.texts[iid]
                text = {
                    "exact": f"Who is {name}?",
                    "paraphrase": f"tell me about {kb.aliases[iid][2]}",
                    "typo": f"who is {typo(name, rng, 1)}",
                }[kind]
            else:
                iid = rng.choice(list(askable))
                exact, paraphrase = askable[iid]
                text = {"exact": exact, "paraphrase": paraphrase, "typo": typo(exact, rng)}[kind]
            out.append(BenchQuestion(text, kind, iid))
    rng.shuffle(out)
    return out
