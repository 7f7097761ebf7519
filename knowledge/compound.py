"""Two questions in one message ("how many died and who did the prime minister call?"): each part is
answered on its own, and the answers are joined into one, cited once per passage. And a question among
sentences that only tell ("Good evening. We keep track of the losses. How many died?"): the sentence
that asks, read alone when the whole message is not answered.

A message is taken apart only where a conjunction, a semicolon or a question mark is followed by a
question word, so "Freedonia and Sylvania" or "killed and wounded" stay whole. The joined answer is given
only when every part is answered: a part the sources do not answer leaves the whole message refused, as
it was, rather than half answered as if whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lemminflect import getAllLemmas

from knowledge.conversation import POINTER_WORDS, QUESTION_WORDS, WH_WORD
from knowledge.lexicon import STOP
from knowledge.models import Answer, Citation
from knowledge.text import sentences
from knowledge.wording import verb_form

# where a second question starts: "… and who …", "… + what …", "…; when …", "…? how …"
_JOINT = re.compile(rf"(?:,?\s+(?:and|&|\+|plus)\s+(?:also\s+)?|\s*;\s*|\?\s+)(?={QUESTION_WORDS})", re.I)
PART_WORDS_MIN = 3  # a shorter piece ("and who?") is a follow-up or a tag, not a question of its own
PARTS_MAX = 3
_MARK = re.compile(r"\[(\d+)\]")

_OPENS_QUESTION = rf"(?:{QUESTION_WORDS}|(?:at|in|on|for|from|to|by|with|since|until) (?:\w+ly )?(?:what|which|whom|whose|how)\b)"
_ASKS = re.compile(rf"^(?:{_OPENS_QUESTION}|(?:can|could|would|will|should|any|anyone)\b)", re.I)
# a clause before the question in the same sentence ("Excuse my ignorance, but what …", "Dear sir, at what
# time …"): where the question starts after it
_LEAD_IN = re.compile(
    rf"^(?P<lead>[^,?]{{2,80}}?)(?:,\s*(?:but |so |and )?|\s+but\s+|\s+-+\s+)(?={_OPENS_QUESTION})", re.I
)
# what only asks whether the sentence before it holds ("Is that right?", "Is that about right?", "True?"):
# nothing on its own ("Is it true the envoy resigned?" says its claim)
_BARE_CONFIRMATION = re.compile(
    r"^(?:(?:is|was|are|were|isn't|wasn't) (?:that|this|it|those|these)(?: (?:really|actually|about|even))?"
    r"(?: (?:true|right|correct|accurate|so|the case|real))?|true|right|correct|really|accurate)\W*$",
    re.I,
)
# the asker's guess at the answer of the question before it ("Who chairs it? Is it still the old fellow?",
# "How long did it last? A few months, wasn't it?", "Why them? Is there some special reason?"): its subject
# is the answer itself, so the question before it asks all there is
_GUESS = re.compile(
    r"^(?:(?:and|or|so|but)\s+)?(?:is|was|isn't|wasn't|could|would|might)(?: it| that| this| there)\b|"
    r",\s*(?:isn't|wasn't|weren't|aren't|didn't|doesn't|don't) (?:it|that|this|there|they)\W*$",
    re.I,
)
# someone named only in the sentences left out ("Mr. Smith said so. Who is he?")
_PERSON_POINTER = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their|theirs)\b", re.I)


def asks(sentence: str) -> bool:
    """Whether ``sentence`` is a question: it ends with a question mark, or opens as a question does."""
    return sentence.rstrip().endswith("?") or bool(_ASKS.match(sentence.lstrip()))


def asked_part(
    plain: str,
    story_word: Callable[[str], bool] = lambda word: False,
    names: Callable[[str], bool] = lambda text: False,
    known: Callable[[str], bool] = lambda word: True,
) -> str | None:
    """The sentences of ``plain`` that ask, when others beside them only tell (a greeting, why the asker
    asks, a remark after the question) or only guess at the answer of a question before them, each
    without what comes before a colon that a question follows, without a clause before its question that
    names nothing of the story ("Excuse my ignorance, but", "Dear sir,": no word ``story_word`` knows, no
    number) and without a remark after it that names nothing (", people keep quoting numbers", ", obvious
    answer but": nothing ``names`` finds, no word ``known`` does not know, no number, nothing that asks or
    narrows); None when nothing is left out, or what asks does not stand alone ("Is that right?" asks about
    the sentence before it, "who is he?" about someone it names)."""
    parts = sentences(plain, lowercase_starts=True)
    asked = [s for s in parts if asks(s)]
    asked = [
        s for i, s in enumerate(asked) if not (_GUESS.search(s) and any(WH_WORD.search(a) for a in asked[:i]))
    ]
    asking = [_without_remark(_without_lead_in(_after_colon(s), story_word), names, known) for s in asked]
    if not asking or (len(asking) == len(parts) and " ".join(asking) == " ".join(parts)):
        return None
    part = " ".join(asking)
    # a pronoun points at someone left out ("Mr. Smith said so. Who is he?") unless a name before it is whom
    # it means ("Where did Smith give his speech?")
    pointer = _PERSON_POINTER.search(part)
    left_out = pointer is not None and not names(part[: pointer.start()])
    if len(part.split()) < PART_WORDS_MIN or _BARE_CONFIRMATION.match(part) or left_out:
        return None
    return part


# a label before a colon that opens a message ("Fact check:", "Quick question:", "For background:")
_LABEL = re.compile(r"^(?P<label>[^:?!.]{2,40}?)\s*:\s+(?=\S)")
LABEL_WORDS_MAX = 5


def without_label(text: str, story_word: Callable[[str], bool] = lambda word: False) -> str:
    """``text`` without a label before a colon at its start that names nothing of the story ("Fact check:
    Freedonia left the alliance in 2009…"): what follows is what is asked. A label naming the story
    ("Casualties in 2020: how many…", "Smith: what did he say?") or a number stays, and so does one of more
    than a few words."""
    m = _LABEL.match(text)
    if m is None:
        return text
    words = re.findall(r"\w+", m.group("label"))
    if len(words) > LABEL_WORDS_MAX or any(w[0].isdigit() or story_word(w.lower()) for w in words):
        return text
    return text[m.end() :]


# a question after a colon ("For anyone who loses track of the names: who is …?"): what comes before says
# why or how the asker asks
_COLON_QUESTION = re.compile(rf":\s+(?={_OPENS_QUESTION})", re.I)


# what points back to something before it ("…at its meeting: did it agree…?"); "these" or "those" before a
# noun says itself what it means ("in those clashes"), before a little word it does not ("those the ones")
_POINTS_BEFORE = re.compile(
    r"\b(?:it|its|this|that|there|then)\b|\b(?:these|those)\b(?:\s+(?P<next>\w+))?", re.I
)


def _points_before(text: str, start: int) -> bool:
    return any(
        m.group("next") is None or m.group("next").lower() in STOP or len(m.group("next")) < 3
        for m in _POINTS_BEFORE.finditer(text, start)
    )


def _after_colon(sentence: str) -> str:
    """``sentence`` from the question that follows a colon in it, or whole when none does or the question
    points back to what comes before ("at its meeting: did it agree…?"); "these" or "those" before a noun
    says what it means ("to begin with the saddest part: how many died in those clashes?")."""
    m = next(reversed(list(_COLON_QUESTION.finditer(sentence))), None)
    if m is None or _points_before(sentence, m.end()) or _PERSON_POINTER.search(sentence, m.end()):
        return sentence
    return sentence[m.end() :]


def _without_lead_in(sentence: str, story_word: Callable[[str], bool]) -> str:
    """``sentence`` from where its question starts, when a clause naming nothing of the story comes first."""
    if _ASKS.match(sentence) or (m := _LEAD_IN.match(sentence)) is None:
        return sentence
    words = re.findall(r"\w+", m.group("lead"))
    if any(w[0].isdigit() or story_word(w.lower()) for w in words):
        return sentence
    return sentence[m.end() :]


# a remark after the question, in the same sentence ("how many died, people keep quoting numbers", "who
# backs them, obvious answer but", "how long was it - about a month?"): the last clause after a comma or a dash
_REMARK = re.compile(r"(?:\s*,\s*|\s+(?:-+|\u2013|\u2014)\s+|\s+(?=or am i\b))(?P<remark>[^,]+)$", re.I)


# what makes a remark part of the question: it asks ("and how old is he?", "like did he call both?"), it
# narrows with a preposition or a word of time ("in kilometres", "according to observers", "taken on either
# side", "days later", "not the prime minister", "(the other one)"), asks for a name or for precision ("names?",
# "exactly"), or holds a number
_NARROWS = re.compile(
    rf"\b(?:{QUESTION_WORDS}|can|could|will|would|should|according|per|in|on|at|by|from|for|with|without|after"
    r"|before|during|since|within|until|over|under|about|among|between|than|as|except|besides|not|only|excluding"
    r"|including|of|later|earlier|ago|yet|still|anymore|names?|exactly|specifically|precisely)\b|[\d()]",
    re.I,
)


# a remark about the asker ("i forget the name", "sorry im not from there", "i heard different names", "or am i
# mixing that up"): the asker speaks of themself, not of what is asked, whatever it names; "i mean …" mends the
# question and stays
_OF_THE_ASKER = re.compile(
    r"^(?:sorry\b|(?:or |and )?(?:am i|i|i'm|im|i've|ive|i'd|my|we|we're)\b(?!\s+mean\b))", re.I
)
# the asker's guess at the answer, after a question in the same sentence ("who brokered it, was it the envoy?",
# "what date was it, is it the 13th?"): the question before it asks all there is; not after a question of what
# kind ("what kind of drones, were they X?" asks whether they were)
_GUESS_CLAUSE = re.compile(r"^(?:(?:or|and|so|but)\s+)?(?:is|was)\s+(?:it|that|this|he|she)\b", re.I)
_OF_WHAT_KIND = re.compile(r"\b(?:what|which) (?:kind|type|sort|make|model|brand|class)s?\b", re.I)
# a guess at who, after a question of who ("who is she again, the mayor?")
_WHO_GUESS = re.compile(r"^(?:the|a|an)\s[^?]*\?$", re.I)
_SAYS = r"(?:says?|said|claims?|claimed|reported|told me|tweeted|posted|wrote)\b"
# what the asker read or heard elsewhere ("when did it start, the post says the 13th", "how many, my uncle said 40")
_HEARSAY = re.compile(
    rf"^(?:the|a|an|this|that|my|some|one|someone|somebody|people|everyone|they)\b\s*(?:\w+\s+){{0,2}}?{_SAYS}",
    re.I,
)
# the same, told by someone the story names ("what time did it start, freedonia said midnight?")
_SAID = re.compile(rf"^(?:\w+\s+){{1,3}}?(?={_SAYS})", re.I)
# a guess left open ("where did he say it, a speech or what?", "when was it, monday or something")
_OPEN_GUESS = re.compile(r"\bor (?:what|something|smth|sth|whatever|so)\W*$", re.I)
# two spellings or names offered ("whats his name, smith or smyth")
_EITHER = re.compile(r"^[^\s?]+(?:\s+[^\s?]+)?\s+or\s+[^\s?]+(?:\s+[^\s?]+)?\W*$", re.I)


def _said_by_name(remark: str, names: Callable[[str], bool]) -> bool:
    """Whether ``remark`` tells what someone the story names said ("freedonia said right after midnight")."""
    m = _SAID.match(remark)
    return m is not None and names(m.group())


def _guess(sentence: str, remark: str, names: Callable[[str], bool]) -> bool:
    """Whether ``remark``, after the question ``sentence`` asks, only guesses at its answer."""
    lead = " ".join(sentence.split()[:3])
    if WH_WORD.search(lead) is None or _OF_WHAT_KIND.search(sentence):
        return False
    return bool(
        _GUESS_CLAUSE.search(remark)
        or ((_HEARSAY.search(remark) or _said_by_name(remark, names)) and not WH_WORD.search(remark))
        or (re.search(r"\bwho", lead, re.I) and _WHO_GUESS.search(remark))
        or (_EITHER.search(remark) and names(remark))
        or ((m := _OPEN_GUESS.search(remark)) is not None and not WH_WORD.search(remark[: m.start()]))
    )


def _without_remark(sentence: str, names: Callable[[str], bool], known: Callable[[str], bool]) -> str:
    """``sentence`` without a remark after its question that neither asks nor narrows it, names nothing of the
    story and holds no word ``known`` does not know (", zorbex ones?" names a thing the story may not)."""
    if not _ASKS.match(sentence.lstrip()):
        return sentence
    # remarks about the asker and guesses after a question that asks who, what, when ... go, last first
    while (m := _REMARK.search(sentence)) is not None and re.search(r"\w", sentence[: m.start()]):
        remark = m.group("remark").strip()
        if _OF_THE_ASKER.match(remark) and not re.search(r"\d|\?", remark):
            sentence = sentence[: m.start()]
        elif _guess(sentence[: m.start()], remark, names):
            sentence = sentence[: m.start()] + "?"
        else:
            break
    # one clause before the remark: after a second comma it may be the verb an aside interrupted ("Did Smith,
    # the envoy, resign?")
    if m is None or _REMARK.search(sentence[: m.start()]):
        return sentence
    remark = m.group("remark")
    if (
        _NARROWS.search(remark)
        or names(remark)
        or any(not known(w) for w in re.findall(r"[^\W\d_]{3,}", remark))
    ):
        return sentence
    return sentence[: m.start()]


# "that", "this" or "it" in a short question after a statement, standing alone (not "that soldier"): what the
# statement told
_POINTS_BACK = re.compile(r"\b(?:that|this|it)\b(?=\W*$|\s+(?:to|from|for|about|in|on|at|by)\b)", re.I)


def told_and_asked(plain: str) -> tuple[list[str], str] | None:
    """The sentences of ``plain`` that only tell and the one question after them ("I hear the envoy flew
    in. Whom did he meet?"); None unless ``plain`` ends with its only question, after a statement."""
    parts = sentences(plain, lowercase_starts=True)
    if len(parts) < 2 or not asks(parts[-1]) or any(asks(p) for p in parts[:-1]):
        return None
    return parts[:-1], parts[-1]


def told_then_asked(plain: str) -> str | None:
    """A statement followed by a short question that points back at it with "that", "this" or "it" ("One
    article adds a town. Which outlet is that?"): the question with the statement in the pointer's place,
    read as a follow-up is to the question before it; else None."""
    told = told_and_asked(plain)
    if told is None or len(told[0]) != 1 or len(told[1].split()) > POINTER_WORDS:
        return None
    question = told[1].rstrip(" ?")
    m = _POINTS_BACK.search(question)
    return None if m is None else question[: m.start()] + told[0][0].rstrip(" .!") + question[m.end() :]


# the other case offered after a question: a clause with its own subject ("is that count final or could it go
# up?", "was there fighting before this or did it come out of nowhere", "was Smith one of them, or am I making
# that up"), a piece that leaves it open or narrows the first ("or something", "or just army posts") or a
# sentence of pieces ("Where did it post the statement? On the wires, or its own site?"); the last "or" of
# the last sentence that has one. Not a phrase in the place of the first case's ("in a statement or on social
# media"): its first case, a check of one phrase, was answered with what another question asks ("did the
# fighting go on for hours?": whether the truce held)
_OR = re.compile(r"(?:\s*[,;]\s*|\s+(?:-+|\u2013|\u2014)\s+|\s+)or(?:\s+|\W*$)", re.I)
_PLACE_WORD = (
    r"(?:in|on|at|by|from|to|into|before|after|during|through|via|over|under|near|inside|outside|within|with|"
    r"without|against|for|since|until|around|about|of)"
)
# a first case cut off before its object ("did it start before or after midnight?")
_ENDS_OPEN = re.compile(rf"\b(?:{_PLACE_WORD}|either|whether|the|a|an)$", re.I)
# what follows the other case and asks more ("… or give a speech, what did he say", "… or just army posts
# and how many died", "…, wounded too?", "… & the toll?"): the first case alone would leave it out
_ASKS_AFTER = re.compile(
    r"[,;&+\u2013\u2014]|\s-+\s|\b(?:and|also|plus)\b|\b(?:who|whom|whose|what|which|when|where|why|how)\b",
    re.I,
)
# a clause of its own: an auxiliary and its subject ("or could it go up", "or am I mixing it up", "or was that
# the other way round"); not "may", "will" or "can", which are as often a month, a name or a tin, and not the
# first case denied ("or didn't it", "or did it not"), which makes the question a check as "or not" does
_CLAUSE = re.compile(
    r"^(?:is|are|was|were|am|do|does|did|has|have|had|could|would|should)\s+"
    r"(?:it|that|this|they|he|she|i|we|you|there|these|those)\b(?!\s+not\b)",
    re.I,
)
# what leaves the other case open ("or something", "or somebody else", a closing "or" alone) or narrows the
# first ("or just army posts", "or only the troops"); not "or not", which makes the question a check
_OTHER = re.compile(
    r"^(?:(?:something|smth|sth|anything|somebody|someone|anyone|anybody|somewhere|whatever|otherwise)"
    r"(?: (?:else|like that|similar))?(?: too| as well)?|(?:just|only|merely|simply|purely)(?P<narrowed>(?: \w+){1,3}))?$",
    re.I,
)
# a quotation mark: double, curly, or a single one that is no apostrophe ("'a ceasefire or just a pause'")
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d\u2018\u2019]|(?<!\w)'|'(?!\w)")


def first_case(plain: str) -> str | None:
    """``plain`` asked about the first case it offers after "or": "is that count final or could it go up?" as
    "is that count final?", "did they hit homes or just army posts" as "did they hit homes?"; a sentence of
    choices after the question ("…? On the wires, or its own site?") left out, so the question asks which.
    Its answer tells the case that holds. None when there is no such "or"; when the cases are two things of
    a kind ("52kg or 60kg", "Smith or Jones", "April or May", "on TV or in parliament", "either … or", "was
    it A or was it B": the first alone is not what is asked); when a verb, another question or a further
    request follows the other case; when the "or" is inside quotation marks; when the other case denies
    the first ("or not", "or didn't it": a check); or when what is left does not ask on its own (fewer than
    three words, "did it start before?")."""
    parts = sentences(plain, lowercase_starts=True)
    at = next((i for i in range(len(parts) - 1, -1, -1) if _OR.search(parts[i])), None)
    if at is None:
        return None
    sentence, rest = parts[at], parts[at + 1 :]
    if at and not asks(sentence.split(",")[0]) and asks(parts[at - 1]):
        # "…? On the wires, or its own site?": a sentence that only offers choices, asking nothing more
        offered = sentence.rstrip(" ?.!")
        if _OR.search(parts[at - 1]) or re.search(
            rf"(?:,|\band)\s+(?:{QUESTION_WORDS}|any\b)", offered, re.I
        ):
            return None
        return " ".join([*parts[:at], *rest])
    split = list(_OR.finditer(sentence))[-1]
    head, other = sentence[: split.start()].rstrip(" ,;-\u2013\u2014"), sentence[split.end() :].rstrip(" ?.!")
    if len(_QUOTE_MARK.findall(head)) % 2 or re.search(r"\beither\b", head, re.I):
        return None  # "did he say "in peace or in war"?": words quoted; "either … or": two of a kind
    if _ASKS_AFTER.search(other) or _same_frame(head, other):
        return None
    m = _CLAUSE.match(other) or _OTHER.match(other)
    if m is None or (m.re is _OTHER and (narrowed := m.group("narrowed")) and _ends_with_verb(narrowed)):
        return None  # "or just his ministry say that": the verb comes after both cases
    head = head.rstrip(" ?")
    if len(head.split()) < PART_WORDS_MIN or not asks(head) or _ENDS_OPEN.search(head):
        return None
    return " ".join([*parts[:at], head + "?", *rest])


def _same_frame(head: str, other: str) -> bool:
    """Whether the other case opens as the first does ("was it in April or was it in May?"): two of a kind."""
    return other.lower().split()[:2] == head.lower().split()[:2] and len(other.split()) >= 2


def _ends_with_verb(words: str) -> bool:
    """Whether the last word of ``words`` is a verb's past form ("shelled"), or its plain form and no noun's
    ("say" is a noun too; "stuff", "posts" stay the nouns they are after "just")."""
    last = words.split()[-1].lower()
    form = verb_form(last)
    return form == "past" or (form == "plain" and not getAllLemmas(last, upos="NOUN"))


def parts_of(plain: str) -> list[str]:
    """The questions ``plain`` asks, in order, when it asks two or three; else an empty list."""
    parts = [p.strip(" ,;?") for p in _JOINT.split(plain.strip())]
    parts = [p for p in parts if p]
    if not 2 <= len(parts) <= PARTS_MAX or any(len(p.split()) < PART_WORDS_MIN for p in parts):
        return []
    return parts


def joined(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer of the answered parts ``answers``: their texts one after another, their citations
    numbered in order of first use, a passage cited by two parts listed once."""
    numbers: dict[tuple[str, str], int] = {}
    citations: list[Citation] = []
    texts: list[str] = []
    items: list[str] = []
    for answer in answers:
        renumber: dict[int, int] = {}
        for c in answer.citations:
            key = (c.source, c.quote)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(c.model_copy(update={"n": numbers[key]}))
            renumber[c.n] = numbers[key]
        texts.append(_renumbered(answer.answer, renumber))
        items += [i for i in answer.items if i not in items]
    return Answer(
        question=question,
        answered=True,
        kind=answers[0].kind,
        answer="\n".join(texts),
        citations=citations,
        confidence=min(a.confidence for a in answers),
        items=items,
    )


def _renumbered(text: str, renumber: dict[int, int]) -> str:
    def mark(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{renumber.get(n, n)}]"

    return _MARK.sub(mark, text)
