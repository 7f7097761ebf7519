"""Conversation: small talk, and follow-up questions read against the asker's previous question.

Small talk ("hi", "thanks!", "what can you do", "are you a bot") gets a short reply built from
the knowledge folder's story file, with its example questions as suggestions. A follow-up
("and the other side?", "what about the UN?", "who said that?") is read against the same person's
previous question in the same place, for a few minutes: the names it gives replace the names of
the same kind in the previous question, and a bare "that" points at what was just answered.
Patterns here are general English, never one story's words.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from lemminflect import getAllLemmas

from knowledge.decision import question_type
from knowledge.lexicon import PERSON_NOUN, STOP
from knowledge.models import Answer, Story, Suggestion
from knowledge.resolver import NameResolver
from knowledge.text import normalise
from knowledge.wording import english_word, verb_form

FOLLOW_UP_SECONDS = 300.0
MAX_CONVERSATIONS = 10_000

# thanks as people type it: the whole message, or the opening of one ("thanks, that helps")
_THANKS = r"thanks?(?: you)?|thank you|cheers|much appreciated|appreciate it"
# each goodbye one way only ("bye bye" is "bye" twice, "see you later" is "see you" and "later"), and at most
# four in a row: a run of them before other words must fail fast, not try every way to split it
_BYE = r"(?:bye|goodbye|see you|see ya|cya|good ?night|nite|later|take care|(?:gotta|got to|have to) go|gtg|ttyl)"
_SMALL_TALK: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{rx})$"))
    for kind, rx in (
        (
            "greeting",
            r"(?:hi|hello|hey|heya|hiya|yo|sup|howdy|greetings|good (?:morning|afternoon|evening|day))"
            r"(?: there)?(?: bot| everyone| all| guys| folks)?|"
            # "how are you", "how's your day going", "what's up": asking after the bot, not the story
            r"(?:(?:hi|hello|hey) )?(?:how (?:are|r) (?:you|u|things)(?: doing)?(?: today)?|"
            r"how s (?:it|your day|everything|things) (?:going|been)|how is (?:it|your day|everything) going|"
            r"how s your day|how was your day|what s up|whats up|wassup)(?: bot)?",
        ),
        (
            "thanks",
            rf"(?:(?:great|cool|nice|perfect|awesome|good)\s*)?(?:{_THANKS})(?: (?:so|very) much| a lot| again| bot| mate)?",
        ),
        (
            "help",
            r"help(?: me)?(?: please)?|please help|what can you do|what do you do|how does this work|"
            r"how do i use (?:this|you)(?: bot)?|what can i ask(?: you)?|what (?:do|can) you (?:know|answer)|"
            r"what (?:are|is) (?:you|this bot) for|what questions can i ask|commands|usage|how to use",
        ),
        (
            "identity",
            r"(?:are you|is this) (?:a )?(?:bot|robot|human|real|ai|person|machine|chatbot)|who are you|"
            r"what are you|who made you",
        ),
        (
            "bye",
            rf"{_BYE}(?: {_BYE}){{0,3}}(?: for now)?(?: all| everyone| guys| folks| bot)?|night (?:all|everyone|guys|folks)",
        ),
    )
)
_FOLLOW_UP = re.compile(
    r"^(?:and|but|also|so|ok|okay|now|then)?\s*(?:what about|how about|what of|and|same (?:for|with)|as for)\s+"
    r"(?P<rest>.+)$|^(?:and|but|also|so)\s+(?P<rest2>.+)$"
)
# the words a question opens with (also where a second question starts in one message: knowledge.compound)
QUESTION_WORDS = r"(?:who|whom|whose|what|which|when|where|why|how|did|does|do|is|are|was|were|has|have)\b"
_QUESTION_WORD = re.compile(rf"^{QUESTION_WORDS}")
# "all this", "all of that": the whole matter, not what was asked before ("what did X say about all this?")
_POINTER = re.compile(r"\b(?<!\ball )(?<!\ball of )(?:that|this|it)\b")
# "that one" anywhere, or "it" or "that" after a preposition of time or place ("how many died in it?", "where
# was that one?", "what happened after that?"): a thing spoken of, not words said ("who said that?") nor the
# story ("this one" after a question about another event is the story's own)
EVENT_POINTER = re.compile(
    r"\b(?:(?:in|during|after|before|since|over|from|of) )?that one\b|"
    r"\b(?:in|during|after|before|since|over|from|of) (?:it|that)\b(?! \w+ (?:said|say|says))"
)
# what a question with such a pointer asks about words, a source or a person: not an event
_ABOUT_WORDS = re.compile(
    r"\b(?:say|said|says|saying|tell|told|report|reported|reports|source|sources|know|mean|meant|why|quote|"
    r"quoted|he|she|him|his|her|they|them|their)\b"
)
# a word that asks for something, wherever it stands ("and sylvania's president is who")
WH_WORD = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)
# a word that links a question to one before it: "and …", "but …", "so …", "also …", "ok so …"
LINK = re.compile(r"^(?:(?:and|but|so|also|plus|ok(?:ay)?|well|then|now)\b[\s,]*)+", re.I)
_SHORT = 4
POINTER_WORDS = 6  # "who said that?", "when was this?": a longer question mostly stands alone
# "it" alone, not "this fight": what the conversation is about, read so when the question alone is refused
_IT = re.compile(r"\bit\b")
_IT_WORDS = 8  # "how many wars did they fight over it?"; a longer question mostly means the story by "it"
# "it" that stands for nothing: "is it true that…", "was it right to…", "it seems…"
_IT_IS = r"\bit(?: is| was|['\u2019]s| s)?(?: not| really)? "
_EMPTY_IT = re.compile(
    rf"{_IT_IS}(?:true|right|correct|wrong|possible|likely|clear|known|the case|seems?|appears?)\b"
)
# what happens to an event, not to a place or a body: "why did it happen?", "what caused it?"
_EVENT_VERB = re.compile(
    r"\b(?:happen(?:ed|s)?|start(?:ed|s)?|beg[ai]n|end(?:ed|s)?|stop(?:ped|s)?|caus(?:e|ed|es)|"
    r"break out|broke out|erupt(?:ed)?)\b"
)
# "he", "she", "his", "her": one person, the one the conversation was last about
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers)\b")
# verbs of someone's saying that are no other word too: not "state" ("which state…"), "called" ("what's it
# called"), "tell" ("tell me about it"), "mean" ("what does this mean?") nor "write" (an article's author)
_SPEECH = re.compile(
    r"\b(?:say|says|said|saying|told|tweet|tweets|tweeted|announced|claim|claims|claimed|quoted)\b"
)
# a follow-up naming a thing and then asking of it: "what about the B1 coach, was it damaged?"
_DISLOCATED = re.compile(r"^(?P<thing>[^,]{2,60}),\s*(?P<question>\w.*)$")
# where "it" is not the thing the question before named: the event ("when did it start?"), words said ("who
# said it?"), what was asked ("what was it?"), or nothing ("was it the army that fired?")
_NOT_THE_THING = re.compile(
    rf"{_EVENT_VERB.pattern}|{_SPEECH.pattern}|^(?:who|what|which|when|where)\s+(?:is|was|are|were)\s+it\b|"
    r"\bit\b.*\b(?:that|who)\b"
)
# "it" that is a claim, not a thing: "is it true?", "is it right that…"
_CLAIM_IT = re.compile(rf"{_IT_IS}(?:true|right|correct|wrong|so|the case)\b")
# what makes the words before a comma a clause, not a thing named: a subordinating word, an auxiliary, a subject
_CLAUSE = re.compile(
    r"^\s*(?:when|if|since|because|after|before|while|as|though|although|once|where|why|how|what|who)\b|"
    r"\b(?:is|are|was|were|am|do|does|did|has|have|had|will|would|can|could|should|i|you|he|she|we|they|it)\b"
)
# a word that stands for the thing named before it ("was it damaged?", "how much for them?")
_THING_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|he|she|him)\b")
_DETERMINERS = frozenset("the a an this that these those his her their its our my your".split())
# auxiliaries in a past form: not the verb a follow-up's participle stands in for
_AUXILIARY = frozenset("did had was were been got done is are be being".split())
_PASSIVE = frozenset("was were is are be been being got get gets".split())  # before a participle
_SPEECH_BEFORE = re.compile(rf"{_SPEECH.pattern}\s+$")
# what stands for words said or for whoever said them ("they" is not: a follow-up does not read it as a name)
_STAND_IN = re.compile(r"\b(?:that|this|it|he|she|him|her)\b")


@dataclass(frozen=True)
class Turn:
    """One answered question of a conversation: the question as the engine read it, and its answer."""

    question: str
    answer: Answer
    at: float
    quoted: str | None = None  # the words of the quotation just given, what "who said that?" points at
    # what the conversation is about: the names of the story this question gives, or, when it gives none,
    # those of the question before it; what "it" stands for in a question refused as it stands
    topic: str | None = None


# thanks or goodbye, then a remark of the asker's own: "thanks, that helps", "ok thank you, let me call home"
_CLOSING = re.compile(
    r"^(?:(?:ok|okay|oh|ah|right|great|cool|nice|perfect|awesome|good)\W+)*"
    rf"(?P<opener>{_THANKS}|thx|ty|bye|goodbye)\b(?P<rest>.*)$"
)
# what a remark after thanks must not hold to stay small talk: a question, or a request for more
_ASKS = re.compile(
    rf"\?|^\W*(?:and\W+|but\W+|now\W+|also\W+|so\W+)*{QUESTION_WORDS}|{WH_WORD.pattern}|"
    # "show" and "give" ask only with something after them ("show the injured figures"): "love the show" is a remark
    r"\b(?:show|give)\b(?=\W+\w)|"
    r"\b(?:tell|explain|list|describe|more about|can you|could you|please|pls|plz|"
    r"need|want|wonder|wondering|whether|curious|interested|looking for)\b|"
    r"\b(?:right|true|correct|really)\W*$"
)


# a request for the story as a whole: "what happened?", "sum it up", "tl;dr", "what's going on"
_WHAT_IS = r"what(?:'s| is|s)"
_GIST = re.compile(
    r"\b(?:what (?:has |have |had )?(?:just |exactly |actually |really |even )?(?:happened|happening)|"
    rf"{_WHAT_IS} (?:been )?(?:happening|going on)|what has been (?:happening|going on)|what was going on|"
    r"what went down|"
    rf"{_WHAT_IS} (?:it all|this all|this|the story|the article|the news) about|was (?:that|this) all about|"
    rf"{_WHAT_IS} the (?:story|deal|situation|news|gist|tl;? ?dr|summary|short version|big picture)|"
    r"sum(?:s|med)? (?:(?:it|this|that|things|everything|all) )?up|summar(?:y|i[sz]e)|tl;? ?dr|recap|overview|gist|(?:run|low)-? ?down|"
    r"catch (?:me|us) up|fill (?:me|us) in|brief (?:me|us)|in a nutshell|short version|big picture|eli5|"
    r"tell (?:me|us) about|"
    r"explain (?:it|this|that|everything|the situation)(?: (?:to|for) (?:me|us))?)\b"
)
# words of such a request that ask nothing of their own ("sum it up in 2 lines please", "so what happened now")
_GIST_FILLER = re.compile(
    r"\b(?:in (?:like |about |just )?(?:\d+|one|two|three|a few|few) (?:lines?|sentences?|words?|points?)|"
    r"(?:like|as if) i(?:'?m| am) (?:a )?(?:\d+|five|kid|child)|in simple (?:terms|words)|"
    r"like|kinda|sorta|simply|please|pls|plz|can|could|would|i|get|want|need|"
    r"you|u|someone|anyone|give|gimme|tell|explain|me|just|so|ok|okay|hey|wait|well|the|a|an|of|with|whole|"
    r"all|every ?thing|things?|situation|story|news|articles?|sources?|reports?|between|and|again|now|"
    r"currently|exactly|actually|basically|"
    r"really|quick(?:ly)?|short(?:ly)?|brief(?:ly)?|here|in|on|is|are|was|this|these|days|guys?|pal|bro)\b"
)
# what asks after a part of it ("what happened then", "what happened to him", "what happened after that")
_GIST_PART = re.compile(
    r"\b(?:there|then|next|after|before|later|since|first|last|that|it|him|her|them|he|she|they|to|at|when|"
    r"today|tonight|yesterday|tomorrow)\b"
)
# a check ("is this what happened?") or a question of its own before the request
_GIST_CHECK = re.compile(r"^(?:is|was|are|were|did|does|do|has|have|had|who|why|how|where|which|when)\b")
# chat noise is short ("lol", "wtf", "tbh"); a longer word no dictionary knows is mostly a name
_NOISE_LETTERS = 4
_ARTICLES = frozenset("the a an my our this that".split())
# where a name follows: "in Atlantis", "with Zorbin" ask about them, however short the name
_BEFORE_NAME = frozenset("in at on near from with about of to".split())


def asks_for_gist(plain: str, own_name: Callable[[str], bool], of_story: Callable[[str], bool]) -> bool:
    """Whether ``plain`` (a question in plain words) asks for the story as a whole ("what happened?",
    "give me a quick rundown", "what is going on between Freedonia and Sylvania"): a request for the gist,
    with nothing else in the message of the story (``of_story``: a word its articles use or a name it
    knows) but words of its own name (``own_name``); no number, nothing after a preposition ("in Atlantis",
    "with the envoy"), and no word the dictionary does not know unless it is short chat noise ("wtf")."""
    low = re.sub(r"\bwt[fh]\b", "what", plain.lower().strip()).replace("\u2019", "'")  # "wtf is going on"
    m = _GIST.search(low)
    if m is None or _GIST_CHECK.match(low[: m.start()]):
        return False
    rest = re.sub(r"[^\w\s;']", " ", _GIST.sub(" ", low))  # "a quick rundown of what happened": both
    if _GIST_PART.search(rest):
        return False
    words = re.findall(r"[\w']+", rest)
    asked = set(re.findall(r"[\w']+", _GIST_FILLER.sub(" ", rest)))
    before = ""
    for w in words:
        if w in asked and not own_name(w):
            if of_story(w) or any(c.isdigit() for c in w) or before in _BEFORE_NAME:
                return False  # "in Atlantis", "with the envoy": about them
            if not english_word(w) and len(w) > _NOISE_LETTERS:
                return False
        if w not in _ARTICLES:
            before = w
    return True


def small_talk_kind(plain: str) -> str | None:
    """Which kind of small talk ``plain`` (a question in plain words) is, if it is small talk at all."""
    text = re.sub(r"[^\w\s]", " ", plain.lower())
    text = re.sub(r"\s+", " ", text).strip()
    for kind, rx in _SMALL_TALK:
        if rx.match(text):
            return kind
    return None


def closing_remark(text: str, read: str = "") -> str | None:
    """ "thanks" or "bye" when ``text`` (as typed, before reading drops a lead-in) thanks or says goodbye and
    then only remarks, asking for nothing, neither as typed nor as ``read`` (chat spellings expanded):
    "thanks, that helps"; None otherwise."""
    m = _CLOSING.match(text.lower().strip())
    if m is None or _ASKS.search(m.group("rest")) or _ASKS.search(read.lower()):
        return None
    return "bye" if m.group("opener") in ("bye", "goodbye") else "thanks"


def small_talk_reply(kind: str, question: str, story: Story, n_sources: int) -> Answer:
    """A short reply to small talk: never an answer from the sources, so ``answered`` is false."""
    examples = " ".join(f"\u201c{e}\u201d" for e in story.examples[:3])
    try_these = f" Try: {examples}" if examples else ""
    text = {
        "greeting": f"Hi! {story.greeting}{try_these}",
        "thanks": f"You're welcome. Ask me anything else about {story.name}.",
        "help": f"{story.greeting} Ask \u201cwhat happened?\u201d for the story in brief; ask anything else in your "
        f"own words, or use /casualties, /who-said, /responses, "
        f"/background, /timeline and /sources.{try_these}",
        "identity": f"I'm a bot. I answer only from {n_sources} curated news articles about {story.name}, "
        f"and every answer cites them. Where they don't say, I tell you so.",
        "bye": "Bye! Come back with more questions any time.",
    }[kind]
    return Answer(
        question=question,
        answered=False,
        kind="chat",
        answer=text,
        confidence=1.0,
        suggestions=[Suggestion(question=e) for e in story.examples[:3]],
    )


def follow_up(plain: str, previous: Turn | None, names: NameResolver, now: float | None = None) -> str | None:
    """The question ``plain`` asks when read as a follow-up to ``previous``, or None if it is not one."""
    if previous is None or (now if now is not None else time.monotonic()) - previous.at > FOLLOW_UP_SECONDS:
        return None
    low = plain.lower().strip().rstrip("?!. ")
    m = _FOLLOW_UP.match(low)
    rest = (m.group("rest") or m.group("rest2")) if m else None
    words = normalise(low).split()
    if rest is None and len(words) <= _SHORT and not _QUESTION_WORD.match(low) and names.find(low):
        rest = low  # "france?", "the UN?": a name alone
    # "what did he say?", "and did she meet the envoy too?": the person the conversation was last about
    whole = rest if rest is not None and _QUESTION_WORD.match(rest) else low
    if points_back(whole, names) and (person := _person_before(previous, names)):
        return _PERSON_PRONOUN.sub(lambda p: f"{person}'s" if p.group() == "his" else person, whole)
    # "but whose land is it officially?": a whole question after a linking word, with "it" for the topic
    if (
        rest is not None
        and _QUESTION_WORD.match(rest)
        and (topical := _it_as_topic(rest, previous, names, linked=True))
    ):
        return topical
    if rest is not None:
        return (
            _dislocated(rest, names)
            or _other_participle(previous.question, rest, names)
            or _replace_names(previous.question, rest, names)
        )
    # "who said that?", "when was that?": not a question about someone it names ("did Smith resign after
    # this?" asks about Smith and the story, whatever was asked before); a country alone is no one
    named = [m for m in names.find(low) if m.ids]
    if any(not set(m.ids) <= names.country_like for m in named):
        return None
    if len(words) <= POINTER_WORDS and (pointer := _POINTER.search(low)):
        thing = _thing_named(previous, names) if pointer.group() == "it" else None
        # "is the other side in it too?" after "what is the alliance?": the alliance, not that question
        # "was there a truce? who made it": "it" is what the message said before it
        said_before = re.search(r"[?.!,;]", low[: pointer.start()])
        if (
            thing
            and not previous.quoted
            and not said_before
            and not _NOT_THE_THING.search(low)
            and not _CLAIM_IT.search(low)
        ):
            return low[: pointer.start()] + thing + low[pointer.end() :]
        if target := _pointed_at(previous):
            return low[: pointer.start()] + target + low[pointer.end() :]
    return _it_as_topic(low, previous, names)


def _noun(word: str) -> bool:
    """Whether ``word`` can be a noun (lemminflect's lemmas), "one" and function words aside."""
    return word != "one" and word not in STOP and bool(getAllLemmas(word, upos="NOUN"))


def _dislocated(rest: str, names: NameResolver) -> str | None:
    """A follow-up that names a thing and then asks a whole question of it ("what about the B1 coach, was it
    damaged?", "and minor injuries, how much for them?", "as for the driver, did he survive?"): the question
    with its first "it", "they", "them", "he" or "she" read as the thing named ("its", "their" as the
    thing's); the question and the thing when it has no such word ("what about the US, did the president say
    anything" asks "did the president say anything the us"); the question alone after words that only link
    it ("in the end, …", "finally, …"). None when the words before the comma are a clause ("when he spoke to
    the press, …") or "the other side", or the words after it no question."""
    m = _DISLOCATED.match(rest)
    if m is None:
        return None
    thing, question = m.group("thing").strip(), m.group("question").strip()
    words = thing.split()
    # a clause ("when he spoke to the press") names no thing, and "the other side" is named by the question before
    if _CLAUSE.search(thing) or "other" in words:
        return None
    if not _QUESTION_WORD.match(question) and not re.match(r"(?:they|he|she|it)\b", question):
        return None
    if (words[0] in STOP and words[0] not in _DETERMINERS) or (  # "in the end", "by the way"
        not any(m.ids for m in names.find(thing)) and not any(_noun(w) for w in words)  # "then", "finally"
    ):
        # words that only link the question to the one before: the question alone
        return question if _QUESTION_WORD.match(question) else None
    pronoun = _THING_PRONOUN.search(question)
    if pronoun is None:
        return f"{question} {thing}"
    said = f"{thing}'s" if pronoun.group() in {"its", "their"} else thing
    return question[: pronoun.start()] + said + question[pronoun.end() :]


def _other_participle(before: str, rest: str, names: NameResolver) -> str | None:
    """A count asked again of another verb's participle: "and wounded?" after "how many soldiers were killed
    in the clashes?" asks "how many soldiers were wounded in the clashes"; "and released to relatives?" after
    "how many bodies had been identified by then?" asks "how many bodies had been released to relatives" (a
    participle with words of its own replaces the previous one and what follows it). None unless ``rest``
    opens with a participle (no auxiliary), names nothing, and the previous question asks "how many …" with a
    participle after "was", "were", "been" or "got" ("were reported killed": the last of the run), or a past
    verb right after "how many" and its noun ("how many people died")."""
    words = normalise(rest).split()
    if (
        not 1 <= len(words) <= 4
        or words[0] in _AUXILIARY
        or verb_form(words[0]) != "past"
        or any(m.ids for m in names.find(rest))
    ):
        return None
    tokens = normalise(before).split()
    if tokens[:2] != ["how", "many"]:
        return None
    at = None
    for i in range(3, len(tokens)):
        if tokens[i - 1] in _PASSIVE and verb_form(tokens[i]) == "past":
            at = i
            while (
                at + 1 < len(tokens)
                and tokens[at + 1] not in _AUXILIARY
                and verb_form(tokens[at + 1]) == "past"
            ):
                at += 1
            break
    if at is None:
        at = next(
            (
                i
                for i in (2, 3)
                if i < len(tokens) and tokens[i] not in _AUXILIARY and verb_form(tokens[i]) == "past"
            ),
            None,
        )
    if at is None or tokens[at] == words[0]:
        return None
    end = at + 1 if len(words) == 1 else len(tokens)
    return " ".join(tokens[:at] + words + tokens[end:])


def _it_as_topic(low: str, previous: Turn, names: NameResolver, *, linked: bool = False) -> str | None:
    """``low`` with its "it" read as what the conversation is about (``previous.topic``), in a short question
    naming nothing in words all English ("what did Zorbin say about it?" asks about someone the story does
    not know, not about what the conversation was about); None otherwise. The engine tries this reading only
    when the question as it stands is refused. After a refused question the topic may come from further
    back ("what is the enclave?" - "how many live there?" - "how many wars over it?"); after an answer, or
    after a linking word (``linked``: "but whose land is it"), "it" is read so only in a question asking
    who, what, where… (not "is it over?") of one thing the question before named that is no person and no
    event ("why did it happen?", "what caused it?" mean the story's event whatever was just named)."""
    spoken = _IT.search(_EMPTY_IT.sub(lambda m: " " * len(m.group()), low))
    if (
        spoken is None
        # "where did he say it?": the words said, not what the conversation is about
        or _SPEECH_BEFORE.search(low, 0, spoken.start())
        or len(normalise(low).split()) > _IT_WORDS
        or not previous.topic
        or any(m.ids for m in names.find(low))
        or not all(english_word(w) for w in re.findall(r"[^\W\d_]{3,}", low))
    ):
        return None
    if linked or previous.answer.answered:
        named = [m for m in names.find(previous.question) if m.ids]
        if (
            len(named) != 1
            or set(named[0].ids) & names.people
            or not WH_WORD.match(low)
            or _EVENT_VERB.search(low)
            or named[0].text != previous.topic
        ):
            return None
    return low[: spoken.start()] + previous.topic + low[spoken.end() :]


# words that stand for something said before: a group, a thing, a place ("who set up those talks", "what do
# they say caused their losses", "how many live there"); "he" and "she" are read by ``follow_up``
_STANDS_FOR = re.compile(r"\b(?:they|them|their|those|these|there|that|this|it|its)\b")


def with_topic(
    plain: str,
    previous: Turn | None,
    names: NameResolver,
    story_word: Callable[[str], bool],
    now: float | None = None,
) -> str | None:
    """``plain`` with what the conversation is about (``previous.topic``) put after it, for a short question
    that names nothing of the story and speaks of something only by a word standing for it ("who set up
    those talks", "what do they say caused their losses"): read alone it is about nothing the articles
    name, so it is read once more about the names the conversation last gave. Not a bare piece with no
    such word ("civilian deaths?", "train no.?"): that is mostly a question of its own. Only when it asks
    (a "?" or a question word), holds a word of its own that the story's texts use ("talks", "losses":
    "are you there?" or "huh?" ask nothing of the story), and every word of four letters or more is one
    they use (``story_word``: "china?" after an answer about one country asks about another the articles
    do not know); never about "he" or "she" (``follow_up`` reads those). The engine tries this reading
    last, only when every other reading is refused, and keeps it only when the answer is not just the
    topic's own; None when it does not apply."""
    if (
        previous is None
        or not previous.topic
        or (now if now is not None else time.monotonic()) - previous.at > FOLLOW_UP_SECONDS
    ):
        return None
    lowered = LINK.sub("", plain.strip().lower(), count=1).rstrip("?!. ")
    words = normalise(lowered).split()
    if not words or len(words) > _IT_WORDS or any(m.ids for m in names.find(lowered)):
        return None
    asks = "?" in plain or WH_WORD.search(lowered) or _QUESTION_WORD.match(lowered)
    if not asks or not _STANDS_FOR.search(lowered) or _PERSON_PRONOUN.search(lowered):
        return None
    own = [w for w in re.findall(r"[^\W\d_]{4,}", lowered) if w not in STOP and not _STANDS_FOR.fullmatch(w)]
    if not own or not all(story_word(w) for w in own):
        return None
    return f"{lowered}, {previous.topic}"


# words a question may hold beside function words and still ask of what was just asked: the words of its
# form ("how many", "how long") and of a thing pointed at ("the first one")
_ANAPHORS = frozenset("many much long old far often one first second last".split())


def with_context(
    plain: str, previous: Turn | None, names: NameResolver, about: str = "", now: float | None = None
) -> str | None:
    """``plain`` with the words of the question before it put after it, for a short question that names
    nothing, holds no word of its own and asks another kind of thing than the question before did ("how
    many?" after "are there foreign troops in the region?", "when were those?" after "weren't they holding
    talks before this?", "why them?"): read alone it asks about nothing, so it asks its kind of question of
    what was just asked and answered. This is the history-in-the-query reading of conversational search,
    with its guards: only after an answered question, only when the question form differs (the same form
    asked again of the same words would only repeat the answer), and only with no word of the question's
    own beyond function words ("why smith and not jones" asks of someone else). The engine tries this
    reading last, when every other reading is refused; None when it does not apply. ``about``: what the
    answer before was about (its first item's headline), whose words are added too ("where do they meet?"
    answered with the peace process: "when?" asks of the peace process)."""
    if (
        previous is None
        or not previous.answer.answered
        or previous.answer.kind == "chat"
        or (now if now is not None else time.monotonic()) - previous.at > FOLLOW_UP_SECONDS
    ):
        return None
    lowered = LINK.sub("", plain.strip().lower(), count=1).rstrip("?!. ")
    words = normalise(lowered).split()
    if not words or len(words) > POINTER_WORDS or any(m.ids for m in names.find(lowered)):
        return None
    if not (WH_WORD.match(lowered) or _QUESTION_WORD.match(lowered)):
        return None
    if any(
        w not in STOP and not WH_WORD.fullmatch(w) and not w.isdigit() and w not in _ANAPHORS for w in words
    ):
        return None
    if "not" in words or any(w.endswith("nt") and w[:-2] in _AUXILIARY | _PASSIVE for w in words):
        return None  # "why not?" argues with the answer; it asks nothing of its own
    kind, before = question_type(lowered), question_type(previous.question.lower())
    if kind in {"other", "yesno", "what"} or kind == before:
        return None
    # a count asks how many of what a check just confirmed ("are there foreign troops?" - "how many?"), and a
    # count's answer gives no reason to ask "why?" of: other pairs of forms ask of a figure or a name alone
    if (kind == "count" and before != "yesno") or (kind == "why" and before == "count"):
        return None
    context = [
        w
        for w in normalise(previous.question).split()
        if w not in STOP and w not in _ANAPHORS and not WH_WORD.fullmatch(w)
    ]
    # the names the conversation was about when the question before gave none of its own ("how many died?")
    for extra in (previous.topic or "", about):
        context += [
            w
            for w in normalise(extra).split()
            if w not in context and w not in STOP and w not in _ANAPHORS and not WH_WORD.fullmatch(w)
        ]
    return f"{lowered}, {' '.join(context)}" if context else None


def is_fragment(plain: str) -> bool:
    """Whether ``plain`` is only a piece of a question, to be read with the one before it ("and the other
    side?", "what about 2020?", "France?"), not a question of its own ("and when did they meet?")."""
    low = plain.lower().strip().rstrip("?!. ")
    m = _FOLLOW_UP.match(low)
    rest = (m.group("rest") or m.group("rest2")) if m else None
    if rest is None and len(normalise(low).split()) > _SHORT:
        return False
    rest = rest or low
    return not _QUESTION_WORD.match(rest) and not WH_WORD.search(rest)


def points_at_answer(plain: str, names: NameResolver) -> bool:
    """Whether ``plain`` is a short question whose subject is only "that one", or "it" or "that" after a
    preposition ("where was that one?", "how many died in it?"), naming nothing of the story and asking
    nothing about words, sources or a person: read alone it asks about nothing, so it asks about what the
    conversation was just about."""
    low = LINK.sub("", plain.lower().strip(), count=1)
    if (
        len(normalise(low).split()) > POINTER_WORDS
        or not EVENT_POINTER.search(low)
        or _ABOUT_WORDS.search(low)
    ):
        return False
    return not any(m.ids for m in names.find(low))


def points_back(plain: str, names: NameResolver) -> bool:
    """Whether ``plain`` speaks of a person only as "he" or "she": it names no person of its own nor
    a noun for one before the pronoun ("which minister spoke, and what did he say?"), so it means whoever
    the conversation was last about, and read alone it asks about no one."""
    low = LINK.sub("", plain.lower(), count=1)
    pronoun = _PERSON_PRONOUN.search(low)
    if pronoun is None or PERSON_NOUN.search(low, 0, pronoun.start()):
        return False
    return not any(set(m.ids) & names.people for m in names.find(low))


# what a bare question form holds: its question words, the words of its form, and words that only lean on
# the message before ("why tho", "how many then", "which one exactly")
_BARE_FORM = frozenset(
    "who whom whose what which when where why how many much long come often far old one ones exactly then "
    "tho though so again and but ok okay".split()
)


def asks_nothing(plain: str) -> bool:
    """Whether ``plain`` is a question form alone ("why?", "how many?", "which one?", "where tho"): it asks
    of nothing, so read alone it is refused however near some item's wording comes (after an answer the
    conversation reads it with the question before, ``with_context``)."""
    words = normalise(plain.lower()).split()
    return bool(words) and bool(WH_WORD.search(plain)) and all(w in _BARE_FORM for w in words)


# asking for the answer just given once more: "can you repeat that", "write again the town names", "say that
# again?", "sorry, didn't catch it", "once more?"
_AGAIN = re.compile(
    r"\brepeat (?:that|it|this|the \w+(?: \w+)?|yourself|please|pls)\b|\brepeat\W*$|"
    r"\b(?:once more|one more time|come again)\b|"
    r"\b(?:say|write|tell|give|send|show|list|read)\b(?: (?:me|us))?(?: (?:that|it|this|the \w+(?: \w+)?))? again\b|"
    r"\b(?:did ?n[o']?t|didnt|couldn'?t|could not) (?:catch|hear)\b"
)


def asks_again(plain: str, names: NameResolver) -> bool:
    """Whether ``plain`` only asks for the answer before once more ("sorry can you repeat that?", "write again
    the town names please"). Read only when the message as it stands is refused, and never when it asks
    something of its own: a question word ("tell me again how many were wounded"), a name of the story ("can
    you repeat what the minister said"), or a number ("is this a repeat of 2020?")."""
    low = plain.lower()
    return bool(
        _AGAIN.search(low) and not WH_WORD.search(low) and not any(ch.isdigit() for ch in low)
    ) and not names.find(plain)


def asks_of_no_one(plain: str, names: NameResolver) -> bool:
    """Whether ``plain`` is a short question about words said whose only subject is "that", "it", "he" or
    "she" ("who said that?", "what did he say?", "who told him that?"): it names nobody and nothing, so
    read alone it asks about no one; after an answer it is read with that answer."""
    low = LINK.sub("", plain.lower(), count=1)
    words = normalise(low).split()
    if not words or len(words) > POINTER_WORDS or not _SPEECH.search(low) or not _STAND_IN.search(low):
        return False
    rest = [
        w
        for w in words
        if w not in STOP
        and not WH_WORD.fullmatch(w)
        and not _SPEECH.fullmatch(w)
        and not _STAND_IN.fullmatch(w)
    ]
    return not rest and not names.find(low)


def _person_before(previous: Turn, names: NameResolver) -> str | None:
    """The person "he" or "she" stands for after ``previous``: the first its question names, else, when it
    was answered, the first its answer names on the page the asker read ("who gave the toll?" - "who did
    he tell?")."""
    answer = previous.answer
    # as the question called them ("the UN chief": "what's his name?" still asks something), as the answer names
    for n, text in enumerate(
        [previous.question, *((answer.brief or answer.answer,) if answer.answered else ())]
    ):
        for m in names.find(text):
            if person := sorted(set(m.ids) & names.people):
                name = names.name_of.get(person[0], m.text)
                # a possessive the question was read with ("smith's") is no spelling of the name
                return m.text if n == 0 and m.text != f"{normalise(name)}s" else name
    return None


def _thing_named(previous: Turn, names: NameResolver) -> str | None:
    """The one thing the question ``previous`` named, as it named it, when it named one and no person."""
    named = [m for m in names.find(previous.question) if m.ids]
    if len(named) != 1 or set(named[0].ids) & names.people:
        return None
    return named[0].text


def _pointed_at(previous: Turn) -> str | None:
    """What 'that' stands for after ``previous``: the words just quoted, else the previous question."""
    if previous.quoted:
        return f"\u201c{previous.quoted}\u201d"
    return previous.question.rstrip("?!. ") if previous.answer.answered else None


def topic_of(read: str, previous: Turn | None, names: NameResolver) -> str | None:
    """What a conversation is about after the question ``read``: the names of the story it gives, else the
    topic of ``previous`` ("what is the enclave?", "how many live there?", "how many wars over it?")."""
    found = [m.text for m in names.find(read) if m.ids]
    if found:
        return " ".join(found)
    return previous.topic if previous is not None else None


def _replace_names(before: str, rest: str, names: NameResolver) -> str:
    """The previous question with the names of ``rest`` put in place of names of the same kind."""
    new = [m for m in names.find(rest) if m.ids]
    tokens = normalise(before).replace("-", " ").split()
    old = [m for m in names.find(before) if m.ids]
    if not new or not old:
        return f"{' '.join(tokens)} {rest}".strip()
    used: set[int] = set()
    replacements: dict[int, tuple[int, str]] = {}
    for m in new:
        country = any(i in names.country_like for i in m.ids)
        same = [
            o
            for n, o in enumerate(old)
            if n not in used and any(i in names.country_like for i in o.ids) == country
        ]
        target = same[0] if same else next((o for n, o in enumerate(old) if n not in used), None)
        if target is None:
            continue
        used.add(old.index(target))
        replacements[target.start] = (target.end, m.text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i in replacements:
            end, text = replacements[i]
            out.append(text)
            i = end
        else:
            out.append(tokens[i])
            i += 1
    # the rest of the follow-up ("and france's wounded?") adds what it asks beyond the names
    extra = [w for w in normalise(rest).split() if w not in " ".join(m.text for m in new).split()]
    return " ".join(out + extra)


class Conversations:
    """The last answered question per conversation key (a person in a channel), for a few minutes."""

    def __init__(self, ttl: float = FOLLOW_UP_SECONDS, max_keys: int = MAX_CONVERSATIONS) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._turns: OrderedDict[str, Turn] = OrderedDict()

    def previous(self, key: str, now: float | None = None) -> Turn | None:
        turn = self._turns.get(key)
        now = time.monotonic() if now is None else now
        if turn is None or now - turn.at > self.ttl:
            return None
        return turn

    def remember(self, key: str, turn: Turn) -> None:
        if turn.answer.kind == "chat":
            return
        self._turns[key] = turn
        self._turns.move_to_end(key)
        while len(self._turns) > self.max_keys:
            self._turns.popitem(last=False)


__all__ = [
    "Conversations",
    "Turn",
    "asks_nothing",
    "asks_of_no_one",
    "closing_remark",
    "follow_up",
    "small_talk_kind",
    "small_talk_reply",
    "topic_of",
    "with_context",
]
