"""Checks whose claim has one detail wrong: answered with what the sources say instead.

"Was it Ruritania's foreign minister who tweeted …?", "heard 16 carriages left the track, is that right?":
the decision refuses such a check, since no item holds its claim. Without the doubted detail (a name or
a number) the same question is one the sources answer. So a refused check is asked again once per detail,
each time without it; an answer that is confident (the fitted decision's own threshold) and that gives
something else in the detail's place corrects the claim:

- a number: the answer gives another number for the same counted thing ("12 carriages"), or, when the claim
  counts nothing, another number at all, and never the claimed one. A length of time is compared as one
  ("six months" is not "six weeks", though both say six), and its open question is "how long"; an answer
  to that which gives the claimed length confirms it ("Yes."). It leads with "No.";
- a name, where the check asks about the name itself ("was it X who …", "was X the one that …", "X was the
  one who …"; "did X do it?" asks whether X did, and the sources' silence answers it), or puts its claim
  at a place ("did it happen near X?", which asks where), or names who did what a passive verb says
  ("was the truce brokered by X?", which asks by whom): neither the answer nor the items it cites know the
  name, and the answer opens with something of the name's kind in its place (see ``_fills_its_place``). A
  cleft is also asked open ("was it X who tweeted" -> "who tweeted"). It leads with what the sources do
  not say ("The sources don't say so of Ruritania.") and gives what they say. An answered check whose
  answer lacks the passive verb's doer is set right the same way, or refused;
- a day of the week ("did it start on a Wednesday?"), unless a date of the month is beside it: asked as
  *when*, an answer that gives other days and not the claimed one leads with "No." (never "Yes.": the day
  proves nothing of the rest of the claim). An answered check that neither gives nor rules on the day is
  asked the same way.

The detail is never guessed at: an answer that still holds it, or a refusal, leaves the check refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from lemminflect import getAllLemmas
from text_to_num import text2num

from knowledge.analysis import DATE, STOP, WEEKDAY
from knowledge.conversation import WH_WORD
from knowledge.decision import CHECK, HELD, is_check
from knowledge.hybrid import numbers_in, verb_form
from knowledge.lexicon import ROLE_WORDS
from knowledge.models import Answer
from knowledge.presentation import NOT_SAID_OF, VERDICT
from knowledge.retrieval import id_token
from knowledge.text import sentences

DETAILS = ("name", "number", "clock", "weekday", "period")  # what a check may have wrong, in that order
MAX_TRIES = 3  # each try is a whole question: a check costs at most this many more
OPENING_WORDS = 8  # how soon a correction's first sentence names what stands in the wrong name's place
PLACE_WORDS = 24  # ... a place's: "Fourteen coaches of the express derailed near Riverton, in …"
_WORD = re.compile(r"[A-Za-z][\w'-]*|\d[\d,.:]*\d|\d")
_CODE = re.compile(r"\b[A-Z]{1,3}\d{1,3}\b")  # a coach, a platform, a flight: "B1", "S4"
_NUMBER = re.compile(r"(?<![A-Za-z])(?:\d[\d,.:]*\d|\d)")
_YEAR = re.compile(r"(?:19|20)\d\d")
# a bound is no figure to set right ("more than 6,000"); an approximation is one ("about 3,000"), taken
# as right when the sources' number lies within APPROXIMATELY of it
_BOUND = re.compile(r"\b(?:more|less|fewer|over|under|above|below|than|least|most|up to|between|upwards?)\b")
_APPROXIMATE = re.compile(r"\b(?:about|around|roughly|approximately|approx|nearly|almost|some|like|or so)\b")
APPROXIMATELY = 0.2
_VERDICT = re.compile(r"(?:Yes|No)\.\s+")
# a length of time: "6 months", "six-week", "44 days" (a number word as the library reads it)
_UNIT = r"(second|minute|hour|day|week|fortnight|month|year|decade)s?\b"
_DURATION = re.compile(rf"\b(\d+(?:\.\d+)?|[a-z]+)[\s-]+{_UNIT}", re.I)
_UNIT_AFTER = re.compile(rf"[\s-]+{_UNIT}", re.I)
_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0}
_DAYS |= {"month": 30.44, "year": 365.25, "decade": 3652.5}
# a time of day claimed after its number: "at 5 in the morning", "10 a.m.", "9 o'clock"
_CLOCK_AFTER = re.compile(
    r"\s*(?:a\.?m\b\.?|p\.?m\b\.?|o'clock|in the (?:morning|afternoon|evening|night)|at night)", re.I
)
# a time of day in words
_CLOCK_WORDS = r"\b(midnight|noon|mid-?day)\b"
# a time of day an answer gives: "3:10 a.m.", "3.10 a.m.", "00:05", "9 am", "midnight", "noon"
_CLOCK = re.compile(
    rf"\b(\d{{1,2}})(?:[:.](\d\d))?\s*([ap])\.?\s?m\b|\b(\d{{1,2}}):(\d\d)\b|{_CLOCK_WORDS}", re.I
)
# a time of day a check claims in words ("kicked off around midday"), with the preposition before it
_CLOCK_WORD = re.compile(rf"(?:\b(?:at|around|about|by|near|before|after|towards?)\s+)?{_CLOCK_WORDS}", re.I)
# a day of the week a claim puts something on: "on a Wednesday night", "from Wednesday to Thursday"
_PART_OF_DAY = r"(?:\s+(?:night|morning|evening|afternoon))?"
_WEEKDAY_PHRASE = re.compile(
    rf"\b(?:(?:on|from|by|last|this|that|over)\s+)?(?:(?:a|an|the)\s+)?({WEEKDAY})s?\b{_PART_OF_DAY}"
    rf"(?:\s+(?:to|into|and)\s+{WEEKDAY}\b{_PART_OF_DAY})?",
    re.I,
)
_WEEKDAY_WORD = re.compile(rf"\b{WEEKDAY}\b", re.I)
# a decade in words ("the nineties")
_DECADE_WORDS = dict(
    zip(
        "twenties thirties forties fifties sixties seventies eighties nineties".split(),
        range(20, 100, 10),
        strict=True,
    )
)
# a year or a decade a claim puts something in: "in 2021", "back in the 2000s", "to the 80s", "the late
# nineties" (a bare decade of two digits is the last century's: "the 80s" are the 1980s); a year with no
# preposition before it is mostly a name's ("the 2020 war")
_DECADE = rf"\b(?:19|20)\d0['\u2019]?s\b|['\u2019]?\b\d0['\u2019]?s\b|\b(?:{'|'.join(_DECADE_WORDS)})\b"
_IN = r"\b(?:in|during|since|from|by|around|to|back to|back in|until)\s+"
_PERIOD = re.compile(
    rf"(?:{_IN})?the\s+(?:(?:early|late|mid)[\s-]+)?(?P<decade>{_DECADE})|"
    rf"{_IN}(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?P<period>{_DECADE}|\b(?:19|20)\d\d\b(?![,.]\d|\s+[a-z]+s\b))",
    re.I,
)
# a year or decade an answer gives: "1994", "the 1990s", "the early 1990s"
_GIVEN_PERIOD = re.compile(r"\b((?:19|20)\d\d)(s?)\b")
# the small words inside a name ("Maria von Trapp", "Charles de Gaulle")
_NAME_PARTICLES = frozenset("von der van den de del della da di du la le bin al el ibn".split())
# a cleft's clause after its name: "was it X that/who …" asks "who …"
_CLEFT_REST = re.compile(r"^(?:'s\s+[\w-]+\s+)?(?:that|who|which)\s+(.+)$", re.I | re.S)
_SHOWN_NAME = re.compile(r"[^\w' -]")
# a question that opens with its verb asks whether something is so ("was not the toll 65,000?")
_CLAIM = re.compile(
    r"(?:is|isn't|are|aren't|was|wasn't|were|weren't|did|didn't|does|doesn't|do|don't|has|hasn't|have|"
    r"haven't|had|hadn't)\b"
)
# what frames a claim as a check: "is it true that", "I heard", ", right?", a leading verb ("was it")
_FRAME_START = re.compile(
    r"^(?:(?:so|and|but|also),? )?(?:i )?(?:heard|read|think|thought)(?: that)? |"
    r"^(?:is|was|isn't|wasn't) (?:it|that|this) (?:true|correct|right|so|the case)(?: that)? |"
    rf"^{_CLAIM.pattern}(?: (?:it|not|that|there))* ",
    re.I,
)


# a claim passed on ("saw on twitter that …", "my friend says …", "someone posted that …"): who passed it
# on, and where, is no part of what is asked, and its words ("posted", "twitter") would be read as the claim's
_HEARSAY = re.compile(
    r"^(?:(?:so|and|but|also|btw|ok|okay|nah|no|yeah|yes|well|hmm|wait|hey),? )?"
    # "my neighbour Ana", "my cousin" (a name may follow who it is)
    r"(?:(?:(?:i|someone|somebody|people|they|a friend|my \w+(?: \w+)?|some \w+|"
    r"(?:a|an|the|this|one) (?:[\w'-]+ )?(?:message|post|forward|tweet|video|article|report|meme|thread|page|site))"
    # where they are ("someone in the group", "a friend at work", "people on reddit")
    r"(?: (?:in|on|at|from) (?:the |my |our |a |this )?[\w'-]+)?|"
    # a text being checked ("draft says …", "our notes say …"; not "notes on X say", whose X is the claim's)
    r"(?:(?:a|an|the|this|our|my|his|her|their) )?(?:draft|notes|copy|script|summary|transcript|caption|wiki|"
    r"wikipedia|textbook|worksheet))"
    r"\s+)?"
    r"(?:have |has |had |just |was |were )?"
    r"(?:saw|seen|read|heard|posted|tweeted|wrote|says|say|said|told me|tells me|shared|claims|claimed|"
    r"insists|insisted|swears|reckons|thinks|believes|"
    # the asker's own belief: "i think …", "pretty sure …", "i remember …"
    r"think|thought|believe|believed|guess|reckon|remember|(?:am |'m |m )?(?:pretty |quite |fairly )?sure)"
    r"(?: (?:a|an|the) (?:post|tweet|video|message|forward|thread|article|report|meme)(?: saying)?)?"
    r"(?: (?:on|in) (?:the |a |an )?[\w'-]+(?: (?:post|forward|group|video|thread))?)?"
    r"(?: that)?\s+",
    re.I,
)


# what asks, after a claim passed on, whether it holds: "Is that the figure they gave?", "Was that so?",
# "What do the reports say?"
_ASKS_IF_SO = re.compile(
    r"^(?:(?:is|was|are|were) (?:that|this|it|those|these)\b|"
    r"what do (?:the )?(?:reports|sources|articles|papers|news)\b|(?:true|right|correct)\b)",
    re.I,
)


# a claim the asker passed on last ("X phoned Y, I heard on the radio", "it was 12, I read somewhere"), or asked
# whether they understood it ("X decreased, did I understand right?"): the frame, not the claim's words
_HEARSAY_AFTER = re.compile(
    r"[,;.]?\s+(?:(?:i|we)(?: have| had)? (?:heard|read|saw|seen|was told)(?: (?:it|that|this))?"
    r"(?: (?:on|in|at|from) (?:the |a |an |some )?[\w'-]+(?: [\w'-]+)?| somewhere)?|"
    r"(?:did|do|have) (?:i|we) (?:understand|understood|get|got|read|hear|heard)(?: (?:it|that|this|you))?"
    r" (?:right|correctly|correct)|"
    # or believes it: "the talks were in Atlantis, I think", "… iirc"
    r"(?:i|we) (?:think|thought|believe|guess|reckon)|iirc|if i remember (?:right|rightly|correctly))[.!?]*\s*$",
    re.I,
)
# the answer just given doubted: "are you sure it was 3 am and not 5?" asks whether the claim holds
_SURE = re.compile(
    r"^(?:(?:so|but|and|hmm|wait|hm),? )?(?:are|r) (?:you|u) (?:sure|certain)(?: that)?\s+", re.I
)
_ASKS_ITSELF = re.compile(
    r"[,?]|\b(?:is|was|are|were|did|does|do) (?:that|it|this|he|she|they)\b|\b(?:true|fake|real|right|correct)\b",
    re.I,
)


def without_hearsay(plain: str) -> str:
    """A check passed on as hearsay, asked as the check itself: "saw on twitter that X lost 94, is that
    true?" -> "X lost 94, is that true?"; "my friend says X lost 94. Is that the figure they gave?" ->
    "X lost 94, is that right?". Any other question is returned as it is."""
    if (sure := _SURE.match(plain)) is not None and _bare_claim(plain[sure.end() :]):
        return f"{plain[sure.end() :].rstrip(' ?.!')}, is that right?"
    m = _HEARSAY.match(plain)
    if m is None:
        after = _HEARSAY_AFTER.search(plain)
        claim = plain[: after.start()].strip() if after is not None else ""
        if _bare_claim(claim) and "?" not in claim:
            return f"{claim}, is that right?"
        return plain
    rest = plain[m.end() :]
    if len(rest.split()) < 3:
        return plain
    if is_check(plain.lower()):
        return rest if is_check(rest.lower()) else plain
    claim, _, asked = rest.partition(". ")
    if asked and _ASKS_IF_SO.match(asked) and len(claim.split()) >= 3:
        return f"{claim}, is that right?"
    if not asked and not _ASKS_ITSELF.search(rest):
        # a claim alone ("nah i read 12 coaches somewhere"), not one that asks in words of its own ("saw a vid
        # of rockets at night, is that from this")
        claim = re.sub(r"^somewhere (?:that )?|\s+somewhere\W*$", "", rest, flags=re.I).rstrip(" .!")
        if _bare_claim(claim, shortest=2):
            return f"{claim}, is that right?"
    return plain


# what a claim passed on must not be to be checked as it stands: one about "it", "that", "he" or "they"
# (what the answer before named: "i heard it was in the capital", checked alone, is checked against anything;
# "i read the minister said it"), about a topic ("about the toll"), or a request or question in words of its own ("tell me about X", "why they
# fought", "want to know")
_NOT_A_BARE_CLAIM = re.compile(
    r"^(?:it|that|this|these|those|he|she|they|them|there)\b|^(?:that's|it's|about|of|on)\b|"
    r"^(?:is|was|are|were|has|have|had)\b|\b(?:it|that|this|them|him|her)\W*$|"
    rf"{WH_WORD.pattern}|"
    r"\b(?:tell|explain|summari[sz]e|describe|show|give|list|want|wonder|know)\b",
    re.I,
)


def _bare_claim(claim: str, shortest: int = 3) -> bool:
    return len(claim.split()) >= shortest and not _NOT_A_BARE_CLAIM.search(claim.strip())


class Named(NamedTuple):
    """A story item a text names: its id, its kind ("person", "city") and its role: "actor" (a person, a
    country, a body: an Entity), "place" or "other"."""

    id: str
    kind: str
    role: str


def is_claim(low: str) -> bool:
    """Whether the lower-cased question ``low`` puts up a claim: a check, or a question led by its verb."""
    return is_check(low) or bool(_CLAIM.match(low.strip()))


def _weekdays(text: str) -> set[str]:
    """The days of the week ``text`` names, lower-cased."""
    return {d.lower() for d in _WEEKDAY_WORD.findall(text)}


def _dated(text: str) -> bool:
    """Whether ``text`` gives a date of the month ("Wednesday, September 14"): that date, not the day of the
    week beside it, is then the claim."""
    return bool(DATE.search(text.lower()))


def unruled_day(text: str, answer: Answer) -> bool:
    """Whether an answered check puts its claim on a day of the week ("did it start on a Wednesday?") that its
    answer neither gives nor rules on: whether the day is right is the question."""
    if not answer.answered or _VERDICT.match(answer.answer) or _dated(text):
        return False
    claimed = _weekdays(text)
    return bool(claimed) and not claimed & _weekdays(answer.answer)


def unruled_period(text: str, answer: Answer) -> bool:
    """Whether an answered check puts its claim in a year or decade ("did it start in 2021?", "was the war
    in the 2000s?") and its answer neither rules on it nor gives a year within it: whether the period is
    right is the question."""
    if not answer.answered or _VERDICT.match(answer.answer) or _dated(text):
        return False
    claimed = [_span(m.group("decade") or m.group("period")) for m in _PERIOD.finditer(text)]
    given = _periods(answer.answer)
    return bool(claimed) and not any(a <= high and b >= low for low, high in claimed for a, b in given)


def unruled_time(text: str, answer: Answer) -> bool:
    """Whether an answered check claims a time of day in words ("began around midday, right?") and its
    answer does not rule on it (no "Yes." or "No." leads it): whether the time is right is the question."""
    return answer.answered and bool(_CLOCK_WORD.search(text)) and not _VERDICT.match(answer.answer)


def misses_its_number(text: str, answer: Answer) -> bool:
    """Whether an answered check claims a number that its answer neither gives nor rules on: "did 16
    carriages derail?" answered by a paragraph on the rescue holds no "16" and says neither yes nor no. A
    "Yes." that does not give the number is no ruling on it: a curated answer's own "Yes." answers its
    own question ("did Freedonia suffer losses?"), not "did Freedonia lose 20 soldiers?"."""
    if not answer.answered or _BOUND.search(text.lower()):
        return False
    if (verdict := _VERDICT.match(answer.answer)) and not verdict.group().startswith("Yes"):
        return False
    given = {n for n, _ in numbers_in(answer.answer, lambda _: [])}
    claimed = [m.group().replace(",", "") for m in _NUMBER.finditer(text) if not _YEAR.fullmatch(m.group())]
    return any(n not in given for n in claimed)


def _cited(answer: Answer, item_tokens: dict[str, frozenset[str]]) -> frozenset[str]:
    """The tokens of the items ``answer`` cites."""
    return frozenset().union(*(item_tokens.get(c.item or "", frozenset()) for c in answer.citations))


def misses_its_agent(
    text: str,
    answer: Answer,
    item_tokens: dict[str, frozenset[str]],
    analyse: Callable[[str], list[str]],
    named: Callable[[str], list[Named]],
) -> bool:
    """Whether an answered check names who did what its passive verb says ("was the truce brokered by
    Ruritania?") or what its cleft asks about ("R.J. Smith was the one who mediated the talks, right?") and
    neither the answer nor its cited items hold that name: the answer is of the deed, and whether
    Ruritania (or Smith) did it is still the question."""
    if not answer.answered:
        return False
    agents = [
        words
        for kind, words, (start, end) in _details(text, named)
        if kind == "name" and (_agent_at(text, start) is not None or _in_focus(text, start, end))
    ]
    cited = _cited(answer, item_tokens) if agents else frozenset()
    return any(_absent(words, answer.answer, cited, analyse, named) for words in agents)


def unheld_people(
    people: Sequence[tuple[Sequence[str], str]], answer: Answer, item_tokens: dict[str, frozenset[str]]
) -> list[tuple[Sequence[str], str]]:
    """The people a question names (each as the ids the name may mean and its words) whom neither the
    answer's text nor the items it cites speak of: "did A also call B?" answered with A's call to C says
    nothing of B."""
    if not answer.answered or not people:
        return []
    cited = _cited(answer, item_tokens)
    told = answer.answer.lower()
    return [
        (ids, words)
        for ids, words in people
        # the name as words of the answer, not inside another word ("UN" in "under")
        if not {id_token(i) for i in ids} & cited
        and not re.search(rf"(?<!\w){re.escape(words.lower())}(?!\w)", told)
    ]


def not_said_of(answer: Answer, name: str) -> Answer:
    """``answer`` led by the sources' silence about ``name``: "The sources don't say so of B." """
    return _led(answer, f"{NOT_SAID_OF} {name}.")


def misses_its_name(
    text: str,
    answer: Answer,
    item_tokens: dict[str, frozenset[str]],
    analyse: Callable[[str], list[str]],
    named: Callable[[str], list[Named]],
) -> bool:
    """Whether an answered check names someone or something the story does not know that neither its answer
    nor the items it cites speak of: "did Ruritania send 500 envoys?" answered by what Sylvania sent
    confirms nothing of Ruritania, and the sources' silence about Ruritania is the answer."""
    if not answer.answered:
        return False
    cited = _cited(answer, item_tokens)
    said = set(analyse(answer.answer)) | cited
    for kind, words, _ in _details(text, named):
        if kind == "name" and not named(words) and not HELD["day"].fullmatch(words.lower()):  # "September"
            name = {t for t in analyse(words) if t not in STOP}
            if name and not name & said:
                return True
    return False


def corrected(
    text: str,
    answer_for: Callable[[str], Answer],
    item_tokens: dict[str, frozenset[str]],
    analyse: Callable[[str], list[str]],
    named: Callable[[str], list[Named]],
    kinds: tuple[str, ...] = DETAILS,
) -> Answer | None:
    """The answer to the refused check ``text`` with one detail set right, or None (see the module).
    ``named``: the story's items a text names; ``kinds``: the details to try."""
    if _BOUND.search(text.lower()):  # a bound is no figure or time to set right ("between", "more than")
        kinds = tuple(k for k in kinds if k not in ("number", "clock"))
    # a name is set right only where the check asks about the name itself ("was it Ruritania's minister who
    # tweeted …"): "did the alliance issue a statement?" asks whether it did, and the sources' silence answers it
    # a place the claim puts it in ("did it happen near Riverton?") asks where, which the sources answer
    details = [
        (kind, words, span, kind == "name" and _placed(text, words, span[0], named))
        for kind, words, span in _details(text, named)
        if kind in kinds
    ]
    details = [
        d
        for d in details
        if d[0] != "name"
        or d[3]
        or _in_focus(text, *d[2])
        or _agent_at(text, d[2][0])
        or _object_question(text, *d[2], named)
    ]
    for tries, (kind, words, (start, end), placed) in enumerate(details):
        if tries >= MAX_TRIES:
            break
        after = text[end:].removeprefix("'s")
        span_start = start
        if placed:  # "near Riverton" goes whole
            start = _LOCATIVE_BEFORE.search(text[:start]).start()  # type: ignore[union-attr]
        elif kind == "name" and (agent := _agent_at(text, start)) is not None:
            start = agent  # "brokered by Ruritania": the "by" goes too
        rest = re.sub(r"\s+", " ", f"{text[:start]} {after}").strip()
        acting: set[str] | None = None  # who acts on the name, where it is what a known actor's verb acted on
        display = words
        # asked as it stands without the detail, and as the open question it leaves: "how many carriages …",
        # "how long …", "what time …", "where …", "who …" (a cleft's). A plain name's claim is not asked
        # open: "comment on the clashes", once "Did Joe Biden" is gone, is answered by whatever the sources
        # say of the clashes, which corrects nothing
        unit = _UNIT_AFTER.match(text, end) if kind == "number" else None
        clock = _CLOCK_AFTER.match(text, end) if kind == "number" and unit is None else None
        # where the time of day claimed ends: "5 in the morning" after its number, "around midday" (in words,
        # preposition and all) where the detail does
        clock_end = end if kind == "clock" else clock.end() if clock is not None else None
        if unit is not None:  # "lasted 6 months": the open question is how long
            rest = re.sub(r"\s+", " ", f"{text[:start]} {text[unit.end() :]}").strip()
            tries_of: tuple[str, ...] = (f"how long {_claim_body(rest)}",)
        elif clock_end is not None:
            # "derailed at 5 in the morning": at what time, asked in place and up front
            rest = re.sub(r"\s+", " ", f"{text[:start]} {text[clock_end:]}").strip()
            asked = re.sub(r"\s+", " ", f"{text[:start]} what time {text[clock_end:]}").strip()
            tries_of = (f"{_claim_body(asked)}?", f"what time {_claim_body(rest)}")
        elif kind == "number":
            tries_of = (rest, _count_question(text, start, end))
        elif kind in ("weekday", "period"):  # "started on a Wednesday", "was in the 2000s": when
            tries_of = (f"when {_claim_body(rest)}",)
        elif placed:  # and asked open: "where the train derailed"
            tries_of = (rest, f"where {_claim_body(rest)}")
        elif (cleft := _CLEFT_REST.match(text[end:].strip())) and _FOCUS_BEFORE.search(text[:start].lower()):
            tries_of = (rest, f"who {cleft.group(1)}")
        elif one := _identity_first(text, start, after):
            # "was X the one who mediated …": who mediated …
            tries_of = (rest, f"who {after.lstrip()[one.end() :].strip()}")
        elif kind == "name" and (acted := _object_question(text, start, end, named)):
            # "did Smith call Joe Biden after the attack": who Smith called after the attack, someone else
            # than Smith
            tries_of = (acted[1],)
            acting = {n.id for n in named(acted[0])}
            display = acted[2]  # the whole of who was acted on: "German chancellor Olaf Scholz"
        else:
            tries_of = (rest,)
        for question in tries_of:
            answer = answer_for(question)
            if not answer.answered:
                continue
            if unit is not None:
                given = durations(answer.answer)
                claimed = _in_days(float(words.replace(",", "")), unit.group(1))
                if given:  # the open question's answer gives the length: the claim's is it, or is not
                    return _led(answer, "Yes." if any(_near_days(g, claimed) for g in given) else "No.")
                continue
            if clock_end is not None:
                times = clock_times(answer.answer)
                claimed_at = clock_times(words)[0] if clock is None else _claimed_time(words, clock.group())
                if times and claimed_at is not None:  # the same time of day (within a quarter hour), or not
                    return _led(answer, "Yes." if any(abs(t - claimed_at) <= 15 for t in times) else "No.")
                continue
            if kind == "weekday":
                # other days of the week, and not the one claimed: "No." (the claimed day among them proves
                # nothing of the rest of the claim, so it is never a "Yes.")
                days = _weekdays(answer.answer)
                if days and not days & _weekdays(words):
                    return _led(answer, "No.")
                continue
            if kind == "period":
                # the when-question's first sentence gives a year or decade (within the claimed span, or not) of
                # what the claim is about: every word of the claim is there ("first", "war" of "the first war
                # was in the 2000s"; "the fighting broke out" holds "the fighting started"); a sentence that
                # dates something else ("the conflict broke out in the late 1980s under Soviet rule" for "did
                # the Soviet Union collapse in the 80s") or a when-question the decision reads as another
                # ("when it all goes back", answered with the story's own dates) rules on nothing
                first = sentences(answer.answer)[0] if answer.answer.strip() else ""
                about = {t for t in analyse(_claim_body(rest)) if t not in STOP}
                spans = _periods(first) if about and about <= set(analyse(first)) else []
                said = _PERIOD.fullmatch(words)
                low, high = _span((said.group("decade") or said.group("period")) if said else words)
                inside = [a <= high and b >= low for a, b in spans]
                # years both inside and outside the claimed span rule on nothing
                if spans and len(set(inside)) == 1:
                    return _led(answer, "Yes." if inside[0] else "No.")
                continue
            if kind == "number":
                # another number for the same thing, and of the same holder: Sylvania's 2,000 envoys do not
                # set right a claim of Ruritania's 500
                if _sets_number_right(text, words, answer.answer, analyse) and not misses_its_name(
                    text, answer, item_tokens, analyse, named
                ):
                    return _led(answer, "No.")
                continue
            if acting is not None:  # the paragraph that names the most others acted on comes first
                answer = _fronted(answer, named, acting)
            cited = _cited(answer, item_tokens)
            # where a place was claimed, the answer's first sentence says where (after what it is about)
            # as a place, who did a deed may come late in a sentence ("… a ceasefire brokered by Ruritania",
            # "… under the mediation of the council's president" for "X was the one who mediated")
            late = (
                placed
                or acting is not None
                or (
                    kind == "name"
                    and (
                        _agent_at(text, span_start) is not None
                        or bool(_IDENTITY_AFTER.match(after.lower().lstrip()))
                        or _identity_first(text, span_start, after) is not None
                    )
                )
            )
            opening = _opening(answer, PLACE_WORDS if late else OPENING_WORDS)
            if (
                acting is not None
            ):  # who else was acted on may come a sentence on ("X, the premier. He called …")
                opening = " ".join(answer.answer.split("\n")[0].split()[:PLACE_WORDS])
            others = acting is None or _others(opening, named, acting) > 0
            # a title is no part of the name that is absent: "President Joe Biden" is not the president who is there
            plain_name = (
                words if acting is None else " ".join(w for w in words.split() if w.lower() not in _TITLES)
            )
            if (
                _absent(plain_name or words, answer.answer, cited, analyse, named)
                and _fills_its_place(words, opening, named, placed)
                and others
            ):
                shown = _SHOWN_NAME.sub("", display).strip(" '-")[:40]
                return _led(answer, f"{NOT_SAID_OF} {shown}.")
    return None


_FOCUS_BEFORE = re.compile(r"\b(?:(?:was|is|were|are|wasn't|isn't|weren't|aren't) it|it (?:was|is|were))\s*$")
_COPULA_BEFORE = re.compile(r"\b(?:was|is|were|are|wasn't|isn't|weren't|aren't)\s*$")
_FOCUS_AFTER = re.compile(r"^(?:'s\s+)?(?:[\w-]+\s+){0,3}?(?:the one|who|that|which|the\b)")
# a statement of who it was: "X was the one who …", "X's minister was the person that …"
_ONE = r"the\s+(?:one|ones|person|people|man|woman|country|side|leader|official)s?\s+"  # "the one (who)"
_IDENTITY_AFTER = re.compile(
    rf"^(?:'s\s+[\w-]+\s+)?(?:was|is|were|are)\s+(?:{_ONE})?(?:who|that|which)\b|"
    r"^(?:'s\s+[\w-]+\s+)?(?:was|is|were|are)\s+the\s+one\b"
)


# the rest of an identity asked with its copula first: "was X the one who …", "is X the person that …"
_ONE_WHO = re.compile(rf"{_ONE}(?:who|that|which)\b")


def _identity_first(text: str, start: int, after: str) -> re.Match[str] | None:
    """The "the one who" after the name at ``start`` of a check asked with its copula first ("was X the one
    who mediated …"), or None."""
    if not _COPULA_BEFORE.search(text[:start].lower()):
        return None
    return _ONE_WHO.match(after.lower().lstrip())


_BY_BEFORE = re.compile(r"\b([a-z]+)\s+by\s+(?:the\s+)?$", re.I)


def _agent_at(text: str, start: int) -> int | None:
    """Where "by" stands when the name at ``start`` is who did what a passive verb says ("was the truce
    brokered by Ruritania?", "shelled by the Sylvanian army"): the check then asks who did it, as a cleft
    does; else None."""
    m = _BY_BEFORE.search(text[:start])
    if m is None or verb_form(m.group(1).lower()) == 0:
        return None
    return m.start() + len(m.group(1)) + 1


_VERB_PREPOSITIONS = frozenset("with to at for from about on".split())
_LEAD_IN_WORDS = _VERB_PREPOSITIONS | {"the", "a", "an", "his", "her", "their", "its"}
_TITLES = frozenset(w for r in ROLE_WORDS for w in (r, f"{r}s")) | {"us", "uk", "un", "eu"}
_OBJECT_GOES_ON = re.compile(
    rf"(?:\s+(?:[A-Z][\w'-]*|(?:{'|'.join(ROLE_WORDS)})s?|{'|'.join(sorted(_NAME_PARTICLES))})\b)+"
)


def _object_question(
    text: str, start: int, end: int, named: Callable[[str], list[Named]]
) -> tuple[str, str, str] | None:
    """The open question a check leaves when the name at ``start:end``, one the story does not know, is what a
    known actor's verb acted on ("Did R.J. Smith call Joe Biden after the attack?", "Smith phoned the Sylvanian
    premier Jo Doe, right?"): who that actor called after the attack, with the subject it asks about; else None.
    The name's words before it ("the", a title) and after it (the rest of a name) go with it."""
    if named(text[start:end]):
        return None
    body = _claim_body(text[:start] + _HOLE + text[end:])
    if _HOLE not in body:
        return None
    before, after = body.split(_HOLE, 1)
    words = before.split()
    do_lead = _DO_LEAD.match(text.lower())
    # the verb is the last word before the name's lead-in ("the", a title, "with"): its base form after "did"
    # ("did X call …"), else an inflected form ("X called …"); the subject is what precedes it
    for cut in range(4):
        if len(words) - cut < 2:
            return None
        verb, subject_words = words[-1 - cut].lower(), words[: -1 - cut]
        lead_in = words[len(words) - cut :]
        lemmas = getAllLemmas(verb).get("VERB", ())
        if (verb in lemmas if do_lead else verb_form(verb) > 0) and all(
            w.islower() or w.isupper() for w in lead_in
        ):
            break
    else:
        return None
    # the subject is a known actor, named in a few words, no clause ("France said it would bring the matter to
    # NATO" acts on no one)
    subject = " ".join(subject_words)
    if len(subject_words) > 4 or not any(n.role == "actor" for n in named(subject)):
        return None
    if any(w.islower() and w not in _TITLES and getAllLemmas(w).get("VERB") for w in subject_words):
        return None
    goes_on = m.group() if (m := _OBJECT_GOES_ON.match(after)) else ""
    after = after[len(goes_on) :]
    shown = " ".join([*(w for w in lead_in if w.lower() not in _LEAD_IN_WORDS), text[start:end]]) + goes_on
    base = verb if do_lead else next(iter(getAllLemmas(verb).get("VERB", (verb,))))
    # a preposition of the verb's stays with it: "speak with", "talk to"
    if lead_in and lead_in[0].lower() in _VERB_PREPOSITIONS:
        base = f"{base} {lead_in[0].lower()}"
    aux = do_lead.group(1) if do_lead else "did"
    return subject, re.sub(r"\s+", " ", f"who {aux} {subject} {base} {after}").strip(), shown


def _in_focus(text: str, start: int, end: int) -> bool:
    """Whether the check at ``text`` asks about the name at ``start:end`` itself: a cleft ("was it X
    who …", "it was X's minister who …") or an identity ("was X the one who …", "is B1 the coach that …", "X
    was the one who …")."""
    before, after = text[:start].lower(), text[end:].lower().lstrip()
    return bool(
        _FOCUS_BEFORE.search(before)
        or (_COPULA_BEFORE.search(before) and _FOCUS_AFTER.match(after))
        or _IDENTITY_AFTER.match(after)
    )


def asks_of_name(text: str, name: str) -> bool:
    """Whether the check ``text`` asks about ``name`` itself (see ``_in_focus``; "was X the one who …"),
    wherever it stands and however it is capitalised."""
    m = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)
    return m is not None and (
        _in_focus(text, m.start(), m.end()) or _identity_first(text, m.start(), text[m.end() :]) is not None
    )


def _carried_on(text: str, words: list[re.Match[str]]) -> bool:
    """Whether the first word starts a name that the second carries on ("Joe Biden was the one who …"):
    alone, a capital there is the sentence's."""
    return (
        len(words) > 1 and words[1].group()[:1].isupper() and text[words[0].end() : words[1].start()] == " "
    )


def _details(text: str, named: Callable[[str], list[Named]]) -> Iterator[tuple[str, str, tuple[int, int]]]:
    """The details a check may have wrong, likeliest first: names the story does not know, numbers, then
    names it knows. A name is a run of words capitalised past the first word ("Joe Biden", "coach B1"); a
    chat spelling ("wasnt") is no name. Each as (kind, its words, its span in ``text``)."""
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    for i, m in enumerate(words):
        w = m.group().removesuffix("'s")
        if (
            (i == 0 and not _carried_on(text, words))
            or not w[0].isupper()
            or "'" in w
            or w.lower() in STOP
            or len(w) < 2
            or _WEEKDAY_WORD.fullmatch(w)
        ):
            continue
        between = text[spans[-1][1] : m.start()].split() if spans else []
        if spans and all(p in _NAME_PARTICLES for p in between) and len(between) <= 2:
            spans[-1] = (spans[-1][0], m.start() + len(w))  # "Joe Biden", "Maria von Trapp": one name
        else:
            spans.append((m.start(), m.start() + len(w)))
    names = [(text[a:b], (a, b)) for a, b in spans]
    known = {name for name, _ in names if named(name)}
    for name, span in names:
        if name not in known:
            yield "name", name, span
    for m in _NUMBER.finditer(text):
        # a year, or a decade's digits ("the 80s"), is a period, not a number
        if not _YEAR.fullmatch(m.group()) and not re.match(r"['\u2019]?s\b", text[m.end() :]):
            yield "number", m.group(), m.span()
    for m in _CLOCK_WORD.finditer(text):
        yield "clock", m.group(1), m.span()
    if not _dated(text):
        for m in _WEEKDAY_PHRASE.finditer(text):
            yield "weekday", m.group(), m.span()
        for m in _PERIOD.finditer(text):
            yield "period", m.group(), m.span()
    for name, span in names:
        if name in known:
            yield "name", name, span


def _claim_body(text: str) -> str:
    """The claim of a check without its framing: "heard 16 carriages derailed, right?" -> "16 carriages derailed"."""
    low = text.lower()
    end = m.start() if (m := CHECK.search(low)) and m.start() > 0 else len(text)
    body = text[:end].rstrip(" ?.!,")
    while m := _FRAME_START.match(body):
        body = body[m.end() :]
    return body.strip()


def _count_question(text: str, start: int, end: int) -> str:
    """The open question a claimed number at ``start:end`` leaves, counted thing first: "did Ruritania send
    500 envoys?" -> "how many envoys did Ruritania send", "heard 16 carriages derailed" -> "how many
    carriages derailed"."""
    before, after = _claim_body(f"{text[:start]} {_HOLE} {text[end:]}").split(_HOLE, 1)
    lead = _DO_LEAD.match(text.lower())
    asked = f"{lead.group(1)} {before}" if lead and before.strip() else before
    return re.sub(r"\s+", " ", f"how many {after} {asked}").strip()


_HOLE = "NUMBERHOLE"
# an auxiliary before the subject, with a main verb to come: "did Ruritania send …" (a copula's "was the
# toll …" stays as it is: "how many the toll …" asks the same)
_DO_LEAD = re.compile(r"(?:(?:so|and|but|also),? )?(did|does|do|has|have|had)(?:n't)?\s")


def _opening(answer: Answer, words: int = OPENING_WORDS) -> str:
    """The first ``words`` words of the answer's first sentence (a heading line such as "… differ:" left out)."""
    lines = [line for line in answer.answer.split("\n") if line.strip() and not line.rstrip().endswith(":")]
    # a verdict it opens with ("Yes.") is its ruling, not what it says
    first = next(iter(sentences(VERDICT.sub("", lines[0], count=1).lstrip())), "") if lines else ""
    return " ".join(first.split()[:words])


def _absent(
    words: str,
    told: str,
    cited: frozenset[str],
    analyse: Callable[[str], list[str]],
    named: Callable[[str], list[Named]],
) -> bool:
    """Whether neither the answer ``told`` nor its cited items (their tokens ``cited``) hold the name
    ``words``: a name the story knows by its id (North Sylvania holds "sylvania" but is not South Sylvania),
    another by its words."""
    if known := named(words):
        return words.lower() not in told.lower() and not {id_token(n.id) for n in known} & cited
    name = {t for t in analyse(words) if t not in STOP}
    return bool(name) and not name & cited and not name & set(analyse(told))


# where a claim puts something: "near Riverton", "in the city of Riverton", "outside Riverton"
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|near|at|outside|around|close to|on the outskirts of|from)\s+(?:the\s+)?(?:(?:city|town|state|village|"
    r"district|region|province|country) of\s+)?$",
    re.I,
)


def _placed(text: str, name: str, start: int, named: Callable[[str], list[Named]]) -> bool:
    """Whether the check puts its claim at the name at ``start``: a place (or a name the story does not
    know) right after "in", "near", "at" … ("did the train derail near Riverton?")."""
    if not _LOCATIVE_BEFORE.search(text[:start]) or HELD["day"].fullmatch(name.lower()):  # "in September"
        return False
    mine = named(name)
    return not mine or any(n.role == "place" for n in mine)


def _fills_its_place(
    name: str, opening: str, named: Callable[[str], list[Named]], placed: bool = False
) -> bool:
    """Whether the answer's opening puts something else where the check has ``name``: a code of the same
    shape for a code ("B3" for "B1"), an item of the same kind for a name the story knows (a place for a
    place, a person for a person), one of the story's actors for a name it does not know ("Sylvania, which
    holds the presidency, said …" for "Ruritania"), or one of its places where the check ``placed`` the
    unknown name ("near Riverton"). A scene is no such thing: "Since the war the situation has remained
    unstable …", the answer without "Ruritania" to "Did Ruritania comment on the fighting?"."""
    if _CODE.fullmatch(name):
        return any(code != name for code in _CODE.findall(opening))
    mine = named(name)
    there = named(opening)
    if mine:  # a place for a place (a town for a city will do), an actor of the same kind for an actor
        ids = {n.id for n in mine}
        alike = {(n.role, n.kind if n.role == "actor" else "") for n in mine}
        return any((n.role, n.kind if n.role == "actor" else "") in alike and n.id not in ids for n in there)
    return any(n.role == ("place" if placed else "actor") for n in there)


def _sets_number_right(text: str, number: str, told: str, analyse: Callable[[str], list[str]]) -> bool:
    """Whether the answer ``told`` gives another number where the check ``text`` claims ``number``."""
    claimed = number.replace(",", "")
    given = numbers_in(told, analyse)
    tolerance = APPROXIMATELY if _APPROXIMATE.search(text.lower()) else 0.0
    if not given or any(_near(n, claimed, tolerance) for n, _ in given):
        return False
    counted = next((what for n, what in numbers_in(text, analyse) if n == claimed), frozenset())
    return not counted or any(what & counted for _, what in given)


def durations(text: str) -> list[float]:
    """Each length of time ``text`` gives, in days: "a six-week war" -> [42.0]."""
    out = []
    for m in _DURATION.finditer(text):
        count = m.group(1)
        try:
            value = float(count) if count[0].isdigit() else float(text2num(count.lower(), "en"))
        except ValueError:  # "the week", "a few days": no length given
            continue
        out.append(_in_days(value, m.group(2)))
    return out


def clock_times(text: str) -> list[int]:
    """Each time of day ``text`` gives, in minutes after midnight: "at around 3:10 a.m." -> [190]."""
    out = []
    for m in _CLOCK.finditer(text):
        if m.group(6):
            out.append(0 if m.group(6).lower() == "midnight" else 720)
        elif m.group(4):
            out.append(int(m.group(4)) % 24 * 60 + int(m.group(5)))
        else:
            hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
            out.append(hour * 60 + int(m.group(2) or 0))
    return out


def _span(period: str) -> tuple[int, int]:
    """The years a claimed period spans: "2021" one, "the 2000s" and "the 80s" (the 1980s) ten."""
    low = period.lower().strip("'\u2019")
    if low in _DECADE_WORDS:
        return 1900 + _DECADE_WORDS[low], 1909 + _DECADE_WORDS[low]
    digits = re.sub(r"\D", "", low)
    if len(digits) == 2:  # "80s"
        digits = f"19{digits}"
    year = int(digits)
    return (year, year + 9) if low.rstrip("'\u2019").endswith("s") else (year, year)


def _periods(text: str) -> list[tuple[int, int]]:
    """The years and decades ``text`` gives, each as the years it spans."""
    return [(int(y), int(y) + (9 if s else 0)) for y, s in _GIVEN_PERIOD.findall(text)]


def _claimed_time(number: str, said: str) -> int | None:
    """The time of day a check claims: its number ("5", "10:30") and what follows it ("in the morning")."""
    parts = re.split(r"[:.]", number)
    if not all(p.isdigit() for p in parts) or len(parts) > 2 or int(parts[0]) > 23:
        return None
    hour, minute = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    later = re.search(r"p\.?m|afternoon|evening|night", said, re.I)
    if hour == 12 and later and "night" in said.lower():  # "12 at night" is midnight
        return minute
    hour = hour % 12 + (12 if later else 0)
    return hour * 60 + minute


def _in_days(value: float, unit: str) -> float:
    return value * _DAYS[unit.lower()]


def _near_days(given: float, claimed: float) -> bool:
    """Whether two lengths of time (in days) are one: within a tenth ("six weeks" is "42 days")."""
    return abs(given - claimed) <= 0.1 * max(given, claimed)


def _near(given: str, claimed: str, tolerance: float) -> bool:
    """Whether the number ``given`` is the ``claimed`` one, within ``tolerance`` of it (a share)."""
    if given == claimed:
        return True
    try:
        a, b = float(given), float(claimed)
    except ValueError:
        return False
    return abs(a - b) <= tolerance * max(a, b)


def _others(text: str, named: Callable[[str], list[Named]], acting: set[str]) -> int:
    """How many actors other than the ``acting`` ones the opening of ``text`` names."""
    return len({n.id for n in named(" ".join(text.split()[:PLACE_WORDS])) if n.role == "actor"} - acting)


def _fronted(answer: Answer, named: Callable[[str], list[Named]], acting: set[str]) -> Answer:
    """``answer`` with the paragraph whose opening names the most actors other than the ``acting`` ones
    first."""
    lines = answer.answer.split("\n")
    if lines[0].rstrip().endswith(":"):
        return answer
    at = max(range(len(lines)), key=lambda i: (_others(lines[i], named, acting), -i))
    # and within it, the sentence that names them leads ("X, the premier. He called A and B." -> "He called …")
    parts = sentences(lines[at])
    first = next((i for i, part in enumerate(parts) if _others(part, named, acting)), 0)
    line = " ".join(parts[first:] + parts[:first]) if first else lines[at]
    if at == 0 and not first:
        return answer
    return answer.model_copy(update={"answer": "\n".join([line, *lines[:at], *lines[at + 1 :]])})


def _led(answer: Answer, verdict: str) -> Answer:
    """``answer`` led by ``verdict``: its first paragraph, or the first after a heading ("… differ:")."""
    lines = answer.answer.split("\n")
    at = 1 if len(lines) > 1 and lines[0].rstrip().endswith(":") else 0
    # the verdict the paragraph opens with gives way to the check's ("Not fully." of whether a truce held)
    lines[at] = f"{verdict} {VERDICT.sub('', lines[at], count=1).lstrip()}"
    return answer.model_copy(update={"answer": "\n".join(lines)})


__all__ = [
    "MAX_TRIES",
    "Named",
    "corrected",
    "clock_times",
    "unruled_time",
    "durations",
    "is_claim",
    "misses_its_name",
    "not_said_of",
    "unheld_people",
    "misses_its_number",
]
