"""What a question asks: its shape (who said, what did X say, how many...) and its names.

Shapes are recognised from general English question forms, never from the
wording of particular questions; names come from the curated aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from lemminflect import getAllLemmas

from knowledge.analysis import QUANTITY, question_concepts, rewrite_phrases
from knowledge.conversation import WH_WORD
from knowledge.lexicon import CONCEPT_COUNT, STOP
from knowledge.resolver import CAPITALS, Mention, NameResolver
from knowledge.text import normalise

SPEECH_VERBS = (
    r"said|say|says|saying|warned?|warns|told|tell|tells|called|urged?|urges|tweeted|tweets?|stated?|states|"
    r"declared?|declares|described?|accused?|demanded?|asked|claimed?|announced?|wrote|writes?|expressed|"
    r"insisted?|denounced?|stressed?|spoke|blamed?|suggested?|argued?|mentioned?|remarked?|noted?|"
    r"quoted|used the (?:words?|phrase|expression)|referred to|talked about|described"
)
_WHO_SAID = re.compile(
    r"^(?:who|which (?:person|official|leader|minister|politician|country|body|side|organi[sz]ation|"
    r"government|ministry|diplomat|one))\b(?:\s+\w+){0,3}?\s+(?:"
    + SPEECH_VERBS
    + r")\b(?:\s+that\b)?\s*(?P<words>.*)$"
)
_WHOSE = re.compile(r"^(?:whose (?:words|quote|statement)|who is quoted|who was quoted)\b\s*(?P<words>.*)$")
_QUOTED = re.compile(
    r"[\"\u201c\u201d\u2018\u2019'](?P<q>[^\"\u201c\u201d]{4,})[\"\u201c\u201d\u2018\u2019']"
)
_WHAT_SAID = re.compile(
    r"^(?:what|how)(?:\s+(?:message|warning))?"
    r"\s+(?:\w+ly\s+)?(?:did|does|do|has|have|had|was|were|is)\s+(?:\w+ly\s+)?(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|ask|asked|announce|tweet|write|wrote|warn|declare|state|claim|call for|"
    r"called for|urge|demand|stress|express|think|mean|comment|respond|react|reply|answer|saying|telling|"
    r"want|wants|propose|suggest|recommend|seek|hope|expect|ask for|warn about|"
    r"describe|characterise|characterize|portray|call it)\b"
    r"(?P<rest>.*)$"
)
_REASON_GIVEN = re.compile(
    r"^what (?:reasons?|explanation|justification|excuse|account) (?:did|does|has|have|had) (?P<who>.+?) "
    r"(?:give|gave|offer|cite|provide)\b(?P<rest>.*)$"
)
_WHAT_SAID_2 = re.compile(
    r"^(?:what|which)\s+(?:exact\s+)?(?:statements?|quotes?|comments?|words?|terms?|phrases?|messages?|remarks?)"
    r"\s+(?:did|does|by|from|of)\s+(?P<who>.+?)(?:\s+(?:make|give|say|issue|post|use|choose|pick)\b(?P<rest>.*))?$"
)
# someone's words asked for by their owner: "what were Smith's exact words about the toll?", "give me the
# envoy's statement on the truce"
_WHOSE_WORDS = re.compile(
    r"^(?:(?:what|which)\s+(?:were|was|are|is)|(?:can you\s+|could you\s+)?(?:give|tell|show|quote)(?:\s+me)?)"
    r"\s+(?:the\s+)?(?P<who>.+?)(?:'s|\u2019s|s')\s+(?:exact\s+|actual\s+|precise\s+|own\s+)?"
    r"(?:words?|quotes?|statements?|remarks?|comments?|message)\b(?P<rest>.*)$"
)
_SAID_BY = re.compile(
    r"^what (?:was|is|has been|had been|were)\s+(?:\w+ly\s+)?(?:said|stated|tweeted|announced|"
    r"written|declared)(?P<rest>.*?)\s+by\s+(?P<who>.+?)(?P<rest2>\s+(?:about|on|regarding|"
    r"concerning|after|before|during|in)\s+.+)?$"
)
_TERSE_QUOTE = re.compile(  # a name of one to four words, then the word for what it said
    r"^(?!(?:who|what|which|when|where|why|how|did|does|is|was)\b)(?P<who>[\w.'-]+(?: [\w.'-]+){0,3})\s+"
    r"(?:quotes?|statements?|remarks|comments|words|tweets?)$"
)
_QUOTES_OF = re.compile(
    r"^(?:quotes?|statements?|remarks?|comments?)\s+(?:from|by|of)\s+(?P<who>.+?)(?P<rest>)$"
)
_WHAT_X_SAID = re.compile(r"^what\s+(?P<who>.+?)\s+(?:said|says|tweeted|stated|announced)\b(?P<rest>.*)$")
_SOURCE_Q = re.compile(
    r"\b(?:which|what)\s+(?:news(?:paper)?s?|papers?|outlets?|sources?|articles?|publications?|media|"
    r"sites?|websites?|reports?|journalists?|reporters?|(?:news |wire )?agenc(?:y|ies)|wires?|channels?|"
    r"broadcasters?)\b|\bwho reported\b|\baccording to (?:which|what|whom)\b|"
    r"\bwhere (?:was|is) it reported\b|\bwho wrote\b"
)
_IDENTITY = re.compile(r"^(?:who|what)\s+(?:is|are|was|were)\s+(?:the\s+)?(?P<x>.+?)$")
_ROLE_OF = re.compile(
    r"^what (?:role|part) (?:does|did|do|has|have|is|was) (?:the )?(?P<x>.+?) (?:play|played|playing|have|had)\b|"
    # "which post does X hold", "what position did X have": asks who X is
    r"^(?:what|which) (?:post|position|job|title|office|rank) (?:does|did|do|is|was) (?:the )?(?P<y>.+?) "
    r"(?:hold|held|have|had|occupy|occupied|fill|filled|in)\b|"
    # "what is X's job title", "X's job?", "what does X do" (not "what did X do"): asks who X is, too
    r"^(?:(?:what|which) (?:is|was) )?(?:the )?(?P<z>.+?)(?:'s|s'|') (?:(?:actual|real|exact|official|full|"
    r"current) )?(?:job title|job|title|post|office|rank|profession|occupation)(?: in (?:all )?(?:this|that|it))?$|"
    r"^what does (?:the )?(?P<w>.+?) do(?: for a living)?$|"
    # "what was the rank of X (in the police)": the job, title... of X
    r"^(?:what|which) (?:is|was) (?:the )?(?:job title|job|title|post|office|rank|profession|occupation) "
    r"(?:of|held by) (?:the )?(?P<v>.+?)(?: in (?:the )?[a-z ]+)?$"
)
_ABOUT = re.compile(
    r"^(?:tell me (?:more )?about|explain|describe|background (?:on|of)|info(?:rmation)? (?:on|about)|"
    r"what do (?:you|we) know about|give me (?:the )?background on|about)\s+(?P<x>.+?)$"
)
_HAPPENED_IN = re.compile(
    r"\bwhat (?:happened|is happening|was happening|went on|occurred)\s+(?:in|at|near|around)\b"
)

_PREDICTION = re.compile(
    r"\b(?:who|which side|which country)\s+(?:is|was|are)\s+(?:right|wrong|the good guys?|the bad guys?|justified)\b|"
    # "right" as a judgement, not as an adverb of time or place ("was known right away", "was right there")
    r"\b(?:is|was|are) (?!it\b|that\b|this\b|i\b)\w+ (?:right(?! away| now| then| after| before| there| here)"
    # "right" closing a statement asks whether it holds ("and her party is the greens right"): a verdict only
    # where the question opens with the verb ("was the mayor right?")
    r"(?!\W*$)|wrong|justified)\b|^(?:(?:and|so|but) )?(?:is|was|are|were) (?!it\b|that\b|this\b|i\b)\w+ right\W*$|"
    r"\b(?:who|which side|which country)\s+(?:will|would|is going to|gonna)\s+win\b|\bwhat will happen\b|"
    r"\bwill (?:there|it|they|the \w+) (?:end|stop|escalate|last|win)\b|\bnext (?:year|month|week)\b|"
    # "will it be over", "when will it be safe": not when or where something planned is to be done ("when
    # will the hearing be held", which an article may report)
    r"(?<!when )(?<!where )\bwill (?:there|it|they|the \w+) be\b|"
    r"\b(?:when|where) will (?:there|it|they|the \w+) be (?!\w+(?:ed|en)\b|held\b|paid\b|done\b|made\b|run\b|set\b)|"
    # an occasion still to come ("when is the next meeting", "where will the next round of talks be")
    r"\b(?:when|where) (?:is|will|are) the next\b|"
    r"\bin the future\b|\bpredict|"
    # the asker's opinion asked for: "do you think X should resign", "in your view"
    r"\b(?:do|did|would) you (?:think|believe|reckon|feel)\b(?=.*\b(?:should|will|would|ought|deserves?|right|"
    r"wrong|fair|justified|good|bad|better|worse|fault|blame)\b)|\b(?:do|would) you agree\b|"
    r"\bin your (?:opinion|view)\b|"
    r"\bwhat(?:'s| is) your (?:opinion|view|take)\b|"
    # "who do you personally think started it?", "just your honest opinion": the asker wants the bot's own view
    r"\byour (?:own |honest |personal )(?:opinion|view|take|guess)\b|"
    r"\byou (?:personally|honestly) (?:think|believe|reckon|feel|guess)\b"
)
_POPULATION = re.compile(
    r"\b(?:population|inhabitants|residents) of\b|\bhow many (?:people )?(?:live|lived|living)\b"
)
_COUNT_OF = re.compile(r"\b(?:how many|number of)\s+(.+)$")
RESPONSE_WORDS = {"respond", "reaction", "react", "response", "stance", "position", "involv", "involvement"}
RESPONSE_PHRASES = re.compile(
    r"\bdoing about\b|\bwhat (?:is|are|was|were|has|have) .+ (?:doing|done)\b|\bdo about\b|\bhow did .+ (?:respond|react)\b|\bin response\b|"
    r"\binternational (?:community|reaction|response)\b|\bworld (?:leaders|reaction)\b"
)
CASUALTY_TOKENS = {"kill", "wound", "loss", "casualty"}
TOTAL_WORDS = {
    "total",
    "overall",
    "altogether",
    "combined",
    "together",
    "both",
    "sides",
    "all",
    "whole",
    "entire",
}


@dataclass
class Question:
    """A question taken apart: cleaned text, canonical tokens, concepts and names."""

    text: str
    low: str
    tokens: list[str]
    concepts: list[str]
    mentions: list[Mention]
    names: frozenset[str] = frozenset()
    count_nouns: frozenset[str] = frozenset()
    # the first content words after "how many", in order: "how many died in the crash" -> (kill, crash)
    count_words: tuple[str, ...] = ()
    words: str | None = None
    speaker_span: str | None = None
    speaker_rest: str = ""
    subjects: frozenset[str] = frozenset()  # who the story counts (its vocabulary), in canonical form
    # what the question sets aside: "wounded, not killed", "rather than the dead" (canonical tokens)
    contrasted: frozenset[str] = frozenset()

    @property
    def ids(self) -> set[str]:
        return {i for m in self.mentions for i in m.ids}

    def content_tokens(self, drop: AbstractSet[str] = frozenset()) -> list[str]:
        """Canonical tokens outside the names mentioned, without quantity filler."""
        return [t for t in self.tokens if t not in drop and t not in QUANTITY]

    @property
    def is_casualty(self) -> bool:
        toks = set(self.tokens)
        if toks & (CASUALTY_TOKENS - {"loss"}):
            return True
        # "lose" also means losing a war: a loss is a casualty figure when counted, of those the story
        # counts (soldiers, passengers), or "losses"
        return "loss" in toks and (
            CONCEPT_COUNT in self.concepts or bool(toks & self.subjects) or "losses" in self.low
        )

    @property
    def is_prediction(self) -> bool:
        """Asks what will happen, or who is right: the articles report events and claims, not verdicts."""
        return bool(_PREDICTION.search(self.low))

    @property
    def is_response(self) -> bool:
        return bool(RESPONSE_WORDS & set(self.tokens)) or bool(RESPONSE_PHRASES.search(self.low))

    @property
    def is_source(self) -> bool:
        return bool(_SOURCE_Q.search(self.low))

    @property
    def wants_total(self) -> bool:
        return bool(TOTAL_WORDS & set(normalise(self.low).split()))

    def identity_target(self) -> str | None:
        for rx in (_ROLE_OF, _IDENTITY, _ABOUT):
            m = rx.match(self.low.rstrip("?!. "))
            if m:
                return next(v for v in m.groupdict().values() if v)
        return None

    @property
    def happened_at(self) -> bool:
        return bool(_HAPPENED_IN.search(self.low))


# "what is the name of X", "what's X's name": asks who X is, as "who is X" does
_NAME_OF = re.compile(r"^(?:full |real )?name of (?:the )?|(?:'s|s') (?:full |real )?name(?=$|,)")
# words after a comma that add to the question ("and what did he say", "or was it X"), ask one of their
# own, led by its verb ("did they stop it"), ask for more ("tell me his role") or make a check of a
# claim ("he resigned, didn't he", "…, right")
_ADDS = re.compile(
    r"\s*(?:and|but|also|plus|or|did|does|do|is|are|was|were|has|have|had|can|could|will|would|should|"
    r"shall|may|might|must|tell|give|explain|describe|quote|show|list|say|said)\b"
)
_CHECK_TAG = re.compile(r"n't\b|\b(?:right|correct|true|yes|no|not)\b")
_WORD = re.compile(r"[a-z]+")


def _one_name(text: str, names: NameResolver) -> Mention | None:
    """The one name ``text`` holds when it holds nothing else but filler words."""
    found = [m for m in names.find(text) if m.ids]
    raw = normalise(text).replace("-", " ").split()
    inside = {i for m in found for i in range(m.start, m.end)}
    if len(found) != 1 or any(i not in inside and w not in STOP for i, w in enumerate(raw)):
        return None
    return found[0]


def _content(word: str) -> bool:
    """Whether ``word`` can be a noun, a verb or an adjective (lemminflect's lemmas): "never" is none."""
    return word not in STOP and bool(set(getAllLemmas(word)) & {"NOUN", "VERB", "ADJ", "PROPN"})


def asked_identity(target: str) -> str:
    """What an identity question (``Question.identity_target``) asks about, "the name of" set aside."""
    return _NAME_OF.sub("", target)


def identity_remark(q: Question, names: NameResolver, story_word: Callable[[str], bool]) -> str | None:
    """The asker's remark after a comma in an identity question whose target before it is one name
    alone ("who's X's president, for the record", "what's X's name, I always forget"), as the question
    spells it: words that ask nothing more (no question word, no verb or request leading them, no check
    of a claim), name nothing of the story and use none of its words ("who is X, his statement on
    casualties", "who are X, Y and Z" keep their whole question)."""
    target = q.identity_target()
    if not target:
        return None
    head, comma, tail = target.partition(",")
    if (
        not comma
        or WH_WORD.search(tail)
        or _ADDS.match(tail)
        or _CHECK_TAG.search(tail)
        or "?" in tail
        or any(m.ids for m in names.find(tail))
        or any(story_word(w) and _content(w) for w in _WORD.findall(tail.lower()))
        or _one_name(asked_identity(head), names) is None
    ):
        return None
    return comma + tail


def lowered(text: str) -> str:
    """A question as the engine reads it (``Question.low``): lower case, single spaces, set phrases
    rewritten; also the text its sentence vector is made from. A little word typed in capitals ("ME",
    "IT") keeps them: it is an acronym, a name (``NameResolver.find``), not the word ("tell me")."""
    low = rewrite_phrases(re.sub(r"\s+", " ", text.lower()).strip().replace("\u2019", "'"))
    acronyms = {w.lower() for w in CAPITALS.findall(text) if w.lower() in STOP}
    if acronyms:
        low = re.sub(rf"\b(?:{'|'.join(sorted(acronyms))})\b", lambda m: m.group().upper(), low)
    return low


# a word the question sets aside: "how many were wounded, not killed", "as opposed to the dead"; "not
# just X" and "not only X" add X, and keep it
_CONTRAST = re.compile(
    r"(?:,\s*not|\b(?:rather than|as opposed to|instead of|excluding|not counting|not including))\s+"
    r"(?!just\b|only\b|merely\b)(?:the |those |any )?([a-z][\w'-]*)"
)


# the words that put a claim up to be checked ("is it the case that", "am I right in thinking"): the claim is
# what is asked, and "case" or "am" are no words of it
_CHECK_FRAME = re.compile(
    r"^(?:(?:so|and|but|also|ok|okay),? )?(?:(?:is|was|isn't|wasn't) (?:it|that|this) (?:true|correct|right|"
    r"so|the case|accurate|fair to say)|(?:am|was) i (?:right|correct|wrong)(?: (?:in )?(?:thinking|saying|to "
    r"(?:think|say)))?)(?: that)?\b"
)


def understand(text: str, resolver: NameResolver) -> Question:
    """``text`` taken apart with the names and the words of the resolver's story."""
    an = resolver.analyser
    low = lowered(text)
    mentions = resolver.find(low)
    body = low.rstrip("?!. ")
    # tokens outside mention spans
    raw = normalise(low).replace("-", " ").split()
    covered = {i for m in mentions for i in range(m.start, m.end)}
    if frame := _CHECK_FRAME.match(low):
        covered |= set(range(len(normalise(frame.group()).split())))
    outside = " ".join(t for i, t in enumerate(raw) if i not in covered)
    q = Question(
        text=text,
        low=low,
        tokens=an.analyse(outside),
        concepts=question_concepts(low),
        mentions=mentions,
        subjects=an.subjects,
    )
    # words written capitalised mid-sentence or in capitals: names and acronyms the asker means
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    q.names = frozenset(t for w in words[1:] if w[0].isupper() for t in an.analyse(w))
    if m := _COUNT_OF.search(low):
        # "how many drones did the army launch": the counted thing is among the first content
        # words, leaving out country and place names
        rest = normalise(m.group(1)).replace("-", " ").split()
        skip = {
            i
            for mm in resolver.find(m.group(1))
            for i in range(mm.start, mm.end)
            if any(i2 in resolver.country_like for i2 in mm.ids)
        }
        content = [
            a[0]
            for i, t in enumerate(rest)
            if i not in skip and (a := an.analyse(t)) and a[0] not in QUANTITY
        ]
        q.count_words = tuple(content[:2])
        q.count_nouns = frozenset(content[:2])
    q.contrasted = frozenset(t for m in _CONTRAST.finditer(low) for t in an.analyse(m.group(1)))
    if _POPULATION.search(low):  # "the population of X" asks for a number of people
        q.count_nouns = q.count_nouns | {
            an.canon(w) for w in ("people", "population", "inhabitants", "residents")
        }
    if m := (_WHO_SAID.match(body) or _WHOSE.match(body)):
        quoted = _QUOTED.search(text)
        q.words = quoted.group("q") if quoted else m.group("words")
    elif m := _TERSE_QUOTE.match(body):  # "ministry statement", "mayor quote"
        q.speaker_span = m.group("who")
    elif m := _SAID_BY.match(body):
        q.speaker_span = m.group("who")
        q.speaker_rest = (m.group("rest") or "") + " " + (m.group("rest2") or "")
    elif m := (
        _WHAT_SAID.match(body)
        or _REASON_GIVEN.match(body)
        or _WHAT_SAID_2.match(body)
        or _WHOSE_WORDS.match(body)
        or _QUOTES_OF.match(body)
        or _WHAT_X_SAID.match(body)
    ):
        q.speaker_span = m.group("who")
        q.speaker_rest = m.group("rest") or ""
    return q
