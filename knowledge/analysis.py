"""Question and item text analysis: tokens, light stemming, synonyms and concepts.

Everything here is general English, not tied to one story: a different story
is a different knowledge folder with the same analysis. Item texts and
questions pass through the same ``analyse`` so that "killed", "deaths" and
"died" meet, as do "troops" and "servicemen".
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text import normalise

# Words that carry no content in a question about a story.
STOP = frozenset(
    """a an the of in on at to for from by with about as and or but is are was were be been being do does did
    done has have had having it its this that these those there their they them he she his her him i me my we
    our you your it's what which who whom whose when where why how can could would should will shall may
    might must not no nor so than then too very just also into over under up out off again once any all
    each few more most other some such only own same s t please know tell give show explain anything
    something thing things let lets get got like really actually exactly happen happened happening going
    one's ones us according whats whos hows wheres whens whys im dont doesnt didnt doing theres thats heres isnt wasnt arent cant wont
    per via list""".split()
) | frozenset(
    # question scaffolding and discourse words: how people ask, not what they ask about
    """true correct right wrong info information detail details regarding concerning related relating besides
    apart else other others aside exactly precisely basically specifically particular particularly actually
    supposedly apparently possibly probably normally usually generally typically ever still already yet even
    almost immediately quickly soon later currently presently anyway here name names known
    summary summarise summarize overview briefly short quick brief want wanna gonna need needs like kind sort
    can't go goes went gone come came make made take took put seem seems seemed become became try tried
    whom whose wonder wondering curious question answer reply mean means meaning matter matters after during
    while following suppose supposed anyone someone everyone anybody somebody everybody anywhere somewhere
    nobody""".split()
)

# Quantity and approximation words: they shape a figure question, not its subject.
QUANTITY = frozenset(
    """many much number numbers count figure figures total overall altogether combined together roughly
    approximately approx around about nearly almost estimated estimate reportedly exact precise so far
    tally sum both sides side whole entire""".split()
)

# Concept tokens, added to questions and to item texts alike.
CONCEPT_DURATION = "zdur"
CONCEPT_TIME = "ztime"
CONCEPT_PLACE = "zplace"
CONCEPT_COUNT = "zcount"
CONCEPT_AGE = "zage"

_SYNONYMS: dict[str, str] = {}
_GROUPS: list[tuple[str, tuple[str, ...]]] = []


def _group(canon: str, *words: str) -> None:
    """Words meaning one thing here; registered with their stems once the stemmer exists."""
    _GROUPS.append((canon, words))


_group(
    "kill",
    "kill",
    "die",
    "died",
    "dies",
    "dying",
    "dead",
    "death",
    "toll",
    "fatality",
    "fatal",
    "perish",
    "slain",
    "slay",
    "lives",
)
_group("zdur", "duration", "durat")
_group("write", "write", "wrote", "written", "writ", "writer", "author", "authored", "byline")
_group("advance", "advance", "push", "pushed", "pushing", "penetrate", "move into", "incursion")
_group("convene", "convene", "convened", "meet", "met", "meeting", "session", "summit")
_group("stop", "stop", "stopp", "halt", "cease", "cessation")
_group("base", "base", "bas", "garrison", "presence")
_group("wound", "wound", "injur", "injury", "injure", "hurt")
_group("loss", "loss", "lose", "lost")
_group("soldier", "soldier", "troop", "serviceman", "servicemen", "servicemember", "personnel")
_group("respond", "respond", "response", "react", "reaction", "stance", "position")
_group("ceasefire", "ceasefire", "truce", "armistice")
_group("begin", "begin", "began", "begun", "start", "erupt", "outbreak", "commence", "broke", "ignite")
_group("town", "town", "city", "village", "settlement", "municipality")
_group("weapon", "weapon", "arm", "armament", "weaponry", "munition")
_group("shell", "shell", "bomb", "bombard", "bombardment", "shelling")
_group(
    "talk",
    "talk",
    "negotiation",
    "negotiate",
    "discussion",
    "dialogue",
    "speak",
    "spoke",
    "spoken",
    "discuss",
)
_group(
    "say",
    "say",
    "said",
    "says",
    "saying",
    "mention",
    "claim",
    "claimed",
    "claims",
    "tell",
    "told",
    "state",
    "stated",
    "statement",
    "remark",
    "comment",
    "declare",
    "declared",
)
_group("collapse", "collapse", "fail", "failure", "violate", "violation", "breach", "breached", "broken")
_group("cede", "cede", "ced", "surrender", "concede", "concession")
_group(
    "defuse",
    "defuse",
    "ease",
    "calm",
    "reduce",
    "deescalate",
    "lower",
    "lessen",
    "decrease",
    "decreas",
    "decline",
    "declin",
    "subside",
    "subsid",
    "diminish",
    "abate",
)
_group("action", "action", "step", "measure")
_group("video", "video", "footage", "film", "clip", "recording")
_group("win", "win", "won", "victory", "victor", "winner", "defeat", "triumph")
_group("support", "support", "back", "backing", "backer", "sponsor", "supporter", "patron")
_group("fuel", "fuel", "fuell", "fed", "feed", "raise", "spark", "prompt", "stoke")
_group("article", "article", "story", "piece", "coverage")
_group("concern", "concern", "worry", "worri", "alarm", "alarmed")
_group("fight", "fight", "fought", "clash", "battle", "hostility", "hostiliti", "combat", "flare")
_group("deploy", "deploy", "send", "sent", "dispatch", "station")
_group("war", "war", "warfare")
_group("urge", "urge", "demand", "appeal", "ask", "request", "press")
_group("call", "call", "phone", "telephone", "rang", "ring", "dial")
_group("newspaper", "newspaper", "paper", "outlet", "publication", "journal")
_group("agreement", "agreement", "deal", "treaty")
_group("ztime", "hour", "time", "clock")
_group("leave", "leave", "left", "quit", "withdraw", "withdrew", "exit")
_group("member", "member", "membership", "part")
_group("attack", "attack", "assault", "offensive", "strike", "struck")
_group("mine", "mine", "landmine")
_group("drone", "drone", "uav")
_group("invade", "invade", "invasion", "incursion")


def _quantity_forms(words: frozenset[str]) -> frozenset[str]:
    return words | {canon(w) for w in words}


_BRITISH = re.compile(r"is(ation|ations|e|es|ed|ing)$")
_SPELLING = {
    "defence": "defense",
    "offence": "offense",
    "centre": "center",
    "neighbour": "neighbor",
    "neighbouring": "neighboring",
    "neighbours": "neighbors",
    "favour": "favor",
    "honour": "honor",
    "programme": "program",
    "organisation": "organization",
    "organisations": "organizations",
}


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """A light suffix stripper: enough for plural, past and -ing forms (and British spellings) to meet."""
    token = _SPELLING.get(token, token)
    if len(token) > 6:  # consistent on both sides, so "promise" -> "promize" does no harm
        token = _BRITISH.sub(lambda m: "iz" + m.group(1), token)
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, repl, min_len in (
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
        ("ly", "", 6),
    ):
        if token.endswith(suffix) and len(token) >= min_len:
            if suffix == "es" and not re.search(r"(ss|x|ch|sh|z)es$", token):
                continue
            if suffix == "s" and token.endswith(("ss", "us", "is")):
                continue
            base = token[: len(token) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]
            return base.rstrip("e") if len(base) > 3 else base
    return token.rstrip("e") if len(token) > 4 else token


for _canon, _words in _GROUPS:
    for _w in _words:
        _SYNONYMS[_w] = _canon
        _SYNONYMS.setdefault(stem(_w), _canon)


@lru_cache(maxsize=1 << 18)
def canon(token: str) -> str:
    """Stem, then fold synonyms onto one canonical token."""
    if token in _SYNONYMS:
        return _SYNONYMS[token]
    s = stem(token)
    return _SYNONYMS.get(s, s)


_DURATION = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)[- ]"
    r"(?:hour|day|week|month|year)s?\b"
)
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}\b|\bmidnight\b|\bmorning\b|\bovernight\b|\bnight\b|\bevening\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b\d{1,2} (?:a\.?m|p\.?m)\b|\b\d+ hours\b"
)
_AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|\baged? \d+\b|\bborn in\b")
_NUMBER = re.compile(r"\b\d[\d,]*\b|\b(?:dozen|dozens|hundred|hundreds|thousand|thousands)\b")


def concepts_of_text(text: str) -> list[str]:
    """Concept tokens a passage carries: a duration, a time of day, a count."""
    low = text.lower()
    out = []
    if _DURATION.search(low):
        out.append(CONCEPT_DURATION)
    if _TIME.search(low):
        out.append(CONCEPT_TIME)
    if _NUMBER.search(low):
        out.append(CONCEPT_COUNT)
    if _AGE.search(low):
        out.append(CONCEPT_AGE)
    return out


_Q_DURATION = re.compile(r"\bhow long\b|\bduration\b|\blast(?:ed)? for\b|\bhow many (?:days|weeks|months)\b")
_Q_TIME = re.compile(
    r"\bwhen\b|\bwhat time\b|\bwhich time\b|\bat what hour\b|\bwhat hour\b|\bwhich hour\b|"
    r"\bwhat day\b|\bwhat date\b|\btime of\b"
)
_Q_PLACE = re.compile(
    r"\bwhere\b|\bwhich (?:towns?|cities|city|places?|districts?|areas?|regions?|villages?)\b|"
    r"\bwhat (?:towns?|cities|places?|districts?|areas?|regions?|locations?)\b|\blocation"
)
_Q_AGE = re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b|\bwhen was .+ born\b|\bbirthday\b")
_Q_COUNT = re.compile(r"\bhow many\b|\bhow much\b|\bnumber of\b|\bfigure\b|\btoll\b|\bcount\b")


def question_concepts(question: str) -> list[str]:
    low = " " + question.lower() + " "
    out = []
    if _Q_DURATION.search(low):
        out.append(CONCEPT_DURATION)
    if _Q_TIME.search(low):
        out.append(CONCEPT_TIME)
    if _Q_PLACE.search(low):
        out.append(CONCEPT_PLACE)
    if _Q_COUNT.search(low):
        out.append(CONCEPT_COUNT)
    if _Q_AGE.search(low):
        out.append(CONCEPT_AGE)
    return out


# Question words a concept replaces: "how long did it last" asks for a duration, not for "long".
CONCEPT_TRIGGERS = {
    CONCEPT_DURATION: {"long", "last"},
    CONCEPT_AGE: {"old", "age"},
    CONCEPT_COUNT: {"number"},
    CONCEPT_PLACE: {"place", "location", "locat"},
}


# Phrasal forms that mean one word, applied to questions and item texts alike. Each rule is a
# sequence of word alternatives and its replacement; item texts use the token table built from
# the rules (fast on long texts), questions the equivalent regex (it keeps their punctuation).
_PHRASE_RULES: list[tuple[tuple[str, ...], str]] = [
    (("give|gave|given|giving|hand|handed|handing", "up|over"), "cede"),
    (("fell|fall|falls|falling|broke|break|breaks|broken", "apart|down"), "collapse"),
    (("lost", "their|his|her", "lives"), "killed"),
    (("lives", "lost"), "killed"),
    (("took|take|takes|taking|came|come|comes", "effect"), "began"),
    (("took|take|takes|taking|came|come|comes", "into", "force"), "began"),
    (("in", "force"), "began"),
    (("stir|stirred|stirring", "things|it|tensions", "up"), "stir the pot"),
    (("top", "diplomat|diplomats"), "foreign minister"),
    (("foreign", "secretary"), "foreign minister"),
    (("head", "of", "state"), "president"),
    (("lawmakers|legislators|legislature|mps|parliamentarians",), "parliament"),
    (("members", "of", "parliament"), "parliament"),
    (("pm",), "prime minister"),
    (("go|goes|went|gone|drag|dragged", "on"), "last"),
    (("calm|calmed", "down"), "decrease"),
    *((("50s|60s|70s|80s|90s".split("|")[i],), f"19{5 + i}0s") for i in range(5)),
    *(
        ((abbr,), month)
        for abbr, month in {
            "jan": "january",
            "feb": "february",
            "mar": "march",
            "apr": "april",
            "aug": "august",
            "sep": "september",
            "sept": "september",
            "oct": "october",
            "nov": "november",
            "dec": "december",
        }.items()
    ),
]


def _token_table() -> dict[tuple[str, ...], list[str]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for words, repl in _PHRASE_RULES:
        seqs: list[tuple[str, ...]] = [()]
        for alternatives in words:
            seqs = [seq + (alt,) for seq in seqs for alt in alternatives.split("|")]
        for seq in seqs:
            table[seq] = repl.split()
    return table


_PHRASE_TOKENS = _token_table()
_PHRASE_STARTS: dict[str, int] = {}
for _seq in _PHRASE_TOKENS:
    _PHRASE_STARTS[_seq[0]] = max(_PHRASE_STARTS.get(_seq[0], 0), len(_seq))
_SPACE = r"\s+"
_PHRASE_REGEX = re.compile(
    "|".join(
        rf"(?P<r{i}>\b{_SPACE.join(f'(?:{alt})' for alt in words)}\b)"
        for i, (words, _) in enumerate(_PHRASE_RULES)
    )
    + r"|\b(?P<qword>who|what|where|when|how|why)'s\b|'(?=\d0s\b)"
)


def _phrase(m: re.Match[str]) -> str:
    if m.group("qword"):
        return f"{m.group('qword')} is"
    if m.lastgroup is None or not m.lastgroup.startswith("r"):
        return ""
    return _PHRASE_RULES[int(m.lastgroup[1:])][1]


def rewrite_phrases(text: str) -> str:
    """The question form of the phrase rules ("who's the PM" -> "who is the prime minister")."""
    return _PHRASE_REGEX.sub(_phrase, text.lower())


def rewrite_tokens(tokens: list[str]) -> list[str]:
    """The token form of the phrase rules, for long texts."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        longest = _PHRASE_STARTS.get(tokens[i])
        if longest:
            for length in range(min(longest, n - i), 0, -1):
                repl = _PHRASE_TOKENS.get(tuple(tokens[i : i + length]))
                if repl is not None:
                    out.extend(repl)
                    i += length
                    break
            else:
                out.append(tokens[i])
                i += 1
        else:
            out.append(tokens[i])
            i += 1
    return out


def prepare(text: str) -> list[str]:
    """Lower-case, phrase-rewritten, normalised word tokens: the input of every analysis below."""
    return rewrite_tokens(normalise(text).replace("-", " ").split())


def analyse_tokens(tokens: list[str]) -> list[str]:
    out = []
    for tok in tokens:
        if tok in STOP:
            continue
        c = canon(tok)
        if c not in STOP:
            out.append(c)
    return out


def analyse(text: str) -> list[str]:
    """Canonical content tokens of a passage (stopwords dropped, order kept)."""
    return analyse_tokens(prepare(text))


def analysed_text(text: str, extra: list[str] | None = None) -> str:
    """The form an item is indexed under: canonical tokens plus the concepts of its text."""
    toks = analyse(text) + concepts_of_text(text) + (extra or [])
    return " ".join(toks)


QUANTITY = _quantity_forms(QUANTITY)


_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty hundred hundreds thousand thousands dozen dozens several""".split()
)


def counted_nouns(toks: list[str]) -> frozenset[str]:
    """Canonical words that follow a number closely ("2,000 Russian peacekeepers" -> peacekeeper, russian)."""
    out: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.isdigit() or tok in _NUMBER_WORDS:
            out.update(canon(t) for t in toks[i + 1 : i + 4] if t not in STOP)
    return frozenset(out)
