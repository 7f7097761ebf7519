"""A question in plain words: chat spellings expanded and numbers written as digits.

Runs before the handlers and the retrievers read a question, so every one of them meets
"how many people died" whether it was typed as that or as "hw many ppl died lol", and
"did 49 soldiers die" whether the number was written in digits or as "forty-nine".
Number words are read by ``text2num`` (a library), not a table of ours.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import pairwise

import jellyfish
from lemminflect import getAllLemmas, getInflection
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein
from spellchecker import SpellChecker
from text_to_num import alpha2digit, text2num

from knowledge.lexicon import CHAT_PHRASES, CHAT_WORDS, HINDI_WHEN_MIXED, HINDI_WORDS, PHRASE_RULES, STOP
from knowledge.text import strip_accents

_WORD = re.compile(r"(?<![\w/.])[a-z0-9/]+\??(?![\w/]|\.\w)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_PHRASE = re.compile(r"\b(?:" + "|".join(map(re.escape, CHAT_PHRASES)) + r")\b", re.IGNORECASE)
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million)\b",
    re.IGNORECASE,
)


# South Asian English counts in lakhs (100,000) and crores (10,000,000): "3.5 lakh" is 350,000, as the
# articles write it
_INDIAN_COUNT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(lakhs?|lacs?|crores?)\b", re.IGNORECASE)
_INDIAN_UNIT = {"lakh": 100_000, "lac": 100_000, "crore": 10_000_000}


def _in_digits(m: re.Match[str]) -> str:
    return f"{round(float(m.group(1)) * _INDIAN_UNIT[m.group(2).lower().rstrip('s')]):,}"


def _words_from(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """A substitution that reads a matched word as ``table`` has it (its question mark kept), else as typed."""

    def read(m: re.Match[str]) -> str:
        word = m.group(0)
        plain = table.get(word.lower().rstrip("?"))
        if plain is None:
            return word
        return plain + ("?" if word.endswith("?") and plain else "")

    return read


_chat = _words_from(CHAT_WORDS)
_mixed = _words_from(HINDI_WHEN_MIXED)


# Hindi puts the question word before the verb ("train kab chali", "DM ne kitne dead bataye") and asks
# yes or no with "kya" at either end ("smith ne resign kiya kya?"): read in English order, the question
# word (with the word it asks about) goes first and a yes/no question is put as a check
_HINDI_YES_NO = re.compile(r"^\s*kya\b\s*|\s*\bkya\s*\?*\s*$", re.I)
# or right after the verb ("… announce kiya kya for the victims?")
_YES_NO_AFTER_VERB = re.compile(
    r"\b(kiya|kiye|hua|hui|hue|tha|thi|hai|hain|mila|mili|diya|diye|gaya|gayi|gaye|hoga|hogi) kya\b", re.I
)
_ASKED = re.compile(
    r"\b(?:how (?:many|much|far|long)(?: \w+(?![\w/]))?|what (?:time|day)|which \w+|whose \w+|who|when|where|why|what|"
    r"how)\b(?![/])",
    re.I,
)


def english_order(text: str) -> str:
    """A romanised Hindi question (its Hindi words already in English) in English order: the question word
    and the word it asks about first ("train riverton what time" -> "what time train riverton")."""
    m = _ASKED.search(text)
    if m is None or m.start() == 0:
        return text
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    return f"{m.group(0)} {rest}"


HINDI_SHARE_MIN = 0.2  # of a message's words, for it to be read as Hindi chat
# a Hindi word that English also has counts as Hindi when English writes it rarely: "wale", "mare", "kab"
# (pyspellchecker's corpus counts, "mare" 1911, "ka" 2051), not "ye", "log" or "na" (12,600 and more)
RARE_ENGLISH = 2500


def in_hinglish(text: str) -> bool:
    """Whether ``text`` is romanised Hindi chat: two or more different Hindi words that are no common English
    words ("kitne log mare", not "ye olde …"), and a fifth of its words or more."""
    words = [w.lower().rstrip("?") for w in _WORD.findall(text)]
    hindi = {w for w in words if w in HINDI_WORDS and _english().word_frequency[w] < RARE_ENGLISH}
    # an English message with a Hindi tag ("… came off the track, sahi hai?") stays English
    return len(hindi) >= 2 and len(hindi) >= HINDI_SHARE_MIN * len(words)


# A remark after a question about what the asker believed or mixes up ("Who said it? I'd assumed it
# was the president.", "I always mix those bodies up."): about the asker, not the story, and its names
# would read as part of the question. General English forms of belief and doubt.
_ASIDE = re.compile(
    r"^(?:but |and |so |though )?i(?:'d| had| have|'ve)? (?:always |just |really |honestly |kind of |sort of )?"
    r"(?:think|thought|believe|believed|assume|assumed|guess|guessed|suppose|supposed|expected|imagined|"
    r"figured|had the impression|have the impression|was under the impression|mix|mixed|confuse|confused|"
    r"get (?:them|those|these|it) (?:mixed|confused))\b",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
# A remark in brackets about the asker ("(saw her name in the news)", "(asking bc my uncle keeps saying
# ww3 lol)"): it says why they ask, not what. A bracket naming a year ("(in 2020)") is kept.
_BRACKET_ASIDE = re.compile(
    r"\s*\((?=[^()]*\b(?:i|i'm|im|my|me|asking|saw|heard|read|just|sorry|btw|lol)\b)"
    r"(?![^()]*\b(?:1[89]|20)\d\d\b)[^()]{8,}\)",
    re.I,
)


# What the asker wants the answer for ("…, for my presentation?", "… for a school project"): about the
# asker, not the story. General English nouns of school and work.
_PURPOSE_LEAD = r"(?:it'?s|this is|i need (?:it|this))"
_PURPOSE_ASIDE = re.compile(
    rf"\s*(?:[,;:-]\s*(?:{_PURPOSE_LEAD}\s+)?|\b{_PURPOSE_LEAD}\s+)for (?:my|a|our|the|an) (?:\w+ ){{0,2}}?"
    r"(?:presentation|essay|class|homework|project|assignment|report|exam|test|thesis|talk|quiz|lesson|"
    r"seminar|debate|coursework|speech)\b(?=\s*[?.!]*\s*$)",
    re.I,
)


# How short the asker wants the answer ("…, short version pls", "… in one line", "…, briefly?"): the form
# of the answer, not its subject. Only at the end of a message, after a comma or "in".
_FORM_ASIDE = re.compile(
    r"(?:\s*[,;:-]\s*(?:in\s+)?(?:(?:short|brief|quick|simple|plain)\s+(?:version|answer|words?|terms|form)|"
    r"(?:one|a|two)[\s-](?:line|sentence|liner)s?|briefly|a nutshell|a few words|tl;?dr)|"
    r"\s+in\s+(?:short|brief|a nutshell|a few words|one (?:line|sentence)|simple (?:terms|words)))"
    r"(?:\s+(?:please|pls|plz))?(?=\s*[?.!]*\s*$)",
    re.I,
)


def without_asides(text: str) -> str:
    """``text`` without the asker's remarks on what they believed, where they follow a question, without
    remarks in brackets about the asker, without what the asker wants the answer for and without how short
    they want it."""
    text = _PURPOSE_ASIDE.sub("", text.strip()) or text
    text = _FORM_ASIDE.sub("", text) or text
    parts = _SENTENCE_BREAK.split(_BRACKET_ASIDE.sub("", text).strip())
    kept: list[str] = []
    for part in parts:
        asked = any(p.rstrip().endswith("?") for p in kept)
        if asked and _ASIDE.match(part) and not part.rstrip().endswith("?"):
            continue
        kept.append(part)
    return " ".join(kept)


# A polite frame around a question ("could you remind me how many …", "do you know who …", "I'd like to
# know what …"): the question is what follows it, when that opens with a question word.
# who a frame asks: the bot, or whoever reads the message in a chat ("can someone remind me", "does anyone know")
_READER = r"(?:you|u|someone|somebody|anyone|anybody)"
_POLITE = rf"(?:could|can|would|will) {_READER} (?:please |kindly )?"
_FRAME = re.compile(
    rf"^(?:{_POLITE}"
    r"(?:remind me|tell me|let me know|say|explain|describe|clarify)|"
    r"(?:please )?(?:remind me|tell me|let me know)|"
    r"i(?:'d| would) (?:like|love) to know|i(?: was| am|'m)? (?:wondering|curious)|i wonder|"
    rf"(?:do|does) {_READER} (?:happen to )?(?:know|remember)|(?:anyone|anybody) know|any idea)\s*,?\s*(?:of |about )?"
    r"(?=(?:who|what|which|when|where|why|how|whose)\b)",
    re.I,
)
# a frame before what is asked for by name ("can someone remind me of the date the fighting started"): what it is
_FRAMED_THING = re.compile(
    rf"^(?:{_POLITE})?(?:please )?(?:remind me|tell me)\s+(?:of\s+)?"
    r"(?=(?:the|his|her|their|its)\s)",
    re.I,
)
# the embedded order a frame leaves ("who the president is"): a question's order again
_EMBEDDED = re.compile(
    r"^(who|what|which|where|whose)\s+(?!is\b|was\b|are\b|were\b)(.+?)\s+(is|was|are|were)\s*\?*$", re.I
)


# A greeting or an address before the question ("Hi, my mom saw …", "Dear sir, at what time …", "Good
# evening! How many …"): said to the bot, not asked of the story
_GREETING = re.compile(
    r"^(?:so\s*,?\s+)?(?:(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening|day)|dear (?:sir|madam|team|bot|all)|"
    r"excuse me|pardon me|um+|uh+|erm|yeah|yep|ok|okay|alright|well|oh|wait|hold on|hang on|"
    # thanks for the last answer, said before the next question ("Thank you. And how many…"): not "thanks to"
    r"(?:thanks|thank you|thank u|thx|ty|cheers)(?: (?:so much|a lot|again))?(?=\s*[,!.:;-]))"
    r"(?: there| all| everyone| team| bot| guys| folks)?\s*[,!.:;-]*\s+)+(?:so\b\s*,?\s*)?(?=\w)",
    re.I,
)
# Words of speech that hold a sentence's place while the speaker thinks ("how many, like, soldiers", "…,
# you know, ballpark?", "so, um, who said it"): between commas, or closing the sentence
_FILLER = re.compile(r",\s*(?:like|you know|i mean|um+|uh+|erm)\s*,\s*", re.I)
_FILLER_AT_END = re.compile(r",\s*(?:you know|i mean)\s*(?=[?.!]*\s*$)", re.I)


def without_greeting(text: str) -> str:
    """``text`` without a greeting, an address or a word of speech before its question (kept when no
    question follows it: "Hello there!"), and without the words of speech that fill its sentence."""
    rest = _FILLER_AT_END.sub("", _FILLER.sub(" ", _GREETING.sub("", text.strip(), count=1)))
    return rest if len(rest.split()) >= 2 else text


# a polite request for an account ("can you explain Riverton's history", "could you please describe the
# talks"): the request itself, as "explain …" asks it
_REQUEST = re.compile(
    r"^(?:(?:could|can|would|will) you|can u|could u) (?:please |kindly |pls )?"
    r"(?=(?:explain|describe|summari[sz]e|tell me about)\b)",
    re.I,
)


# whether someone said anything at all ("did Freedonia say anything about it?", "has the envoy commented on
# the toll?"): what they said, if the sources give it; a description of them is no answer
_SAID_ANYTHING = re.compile(
    r"^(?:(?:so|and|but|ok)\s+)?(?:(?:did|has|have|had)\s+)?"
    r"(?!(?:who|whom|what|which|when|where|why|how|nobody|no one|none|i|you|u|we|did|has|have|had|do|does)\b)"
    r"(?P<who>[^\s?,]+(?:\s+[^\s?,]+){0,3}?)\s+"
    r"(?:(?:say|said|tweet|tweeted|post|posted|put out)\s+(?:anything|something|a word|any statement|a statement)|"
    r"(?:make|made|issue|issued|give|given)\s+(?:a|any) (?:statement|comment)|comment|commented)"
    # chat leaves out the auxiliary and adds the other case ("UN chief said anything or silent as usual")
    r"(?P<rest>(?:\s+(?:about|on|regarding)\b[^?,]*?)?)(?:\s*,?\s+or\b[^?]*)?\s*\?*$",
    re.I,
)


def said_anything(text: str) -> str:
    """``text`` asking whether someone said anything, asked as what they said; else unchanged."""
    m = _SAID_ANYTHING.match(text.strip())
    if m is None:
        return text
    return f"what did {m.group('who')} say{m.group('rest')}?"


# "who's the prime minister again?": a closing "again" asks to be reminded of what something is, it asks
# for nothing to have happened twice ("did the fighting start again?" keeps it: no "what is" before it)
_REMINDED = re.compile(
    r"^(?P<q>(?:who|what|which|where)(?:'s|’s|s| is| was| are| were)\s+(?:the|a|an|his|her|their|its|that|this|"
    r"those|these)\s+[^\s,]+(?:\s+[^\s,]+)*?)(?<!\band)[\s,]+again(?P<end>\W*)$",
    re.I,
)


# the same right after a name or a pronoun ("who is Smith again?", "where's Riverton again", "who is Anna Smith
# again"): one or two words, none a verb's form ("where is it flaring up again?", "where was Riverton hit
# again?"), a preposition ("who is under attack again?") or "there"; a capitalised word is a name
_REMINDED_OF = re.compile(
    r"^(?P<q>(?:who|what|which|where)(?:'s|’s|s| is| was| are| were)\s+(?P<words>[^\s,]+(?:\s+[^\s,]+)?))"
    r"(?<!\band)[\s,]+again(?P<end>\W*)$",
    re.I,
)
_NOT_A_NAME = frozenset(
    "there here in on at under over by for with from of to into about up down out off".split()
)


def _reminder(m: re.Match[str]) -> str:
    typed = m.group().split()
    # capitals mark a name only where the message is not shouted or in title case ("WHO WAS KILLED AGAIN")
    cased = sum(w[:1].isupper() for w in typed) * 2 <= len(typed)
    for word in m.group("words").split():
        low = word.lower().strip("'\"?")
        if cased and word[:1].isupper() and low not in _NOT_A_NAME:
            continue
        if low in _NOT_A_NAME or verb_form(low) is not None or low.endswith("ing"):
            return m.group()
    return m.group("q") + m.group("end")


def without_frame(text: str) -> str:
    """``text`` without a polite frame around its question, in a question's order."""
    stripped = _REMINDED.sub(r"\g<q>\g<end>", text.strip())
    stripped = _REMINDED_OF.sub(_reminder, stripped)
    if stripped != text.strip():
        text = stripped
    rest = _FRAME.sub("", stripped, count=1)
    if rest == stripped:
        if _FRAMED_THING.match(rest):
            return _FRAMED_THING.sub("what is ", rest, count=1)
        return _REQUEST.sub("", rest, count=1) if _REQUEST.match(rest) else text
    return _EMBEDDED.sub(lambda m: f"{m.group(1)} {m.group(3)} {m.group(2)}?", rest)


# Two Hindi words whose reading hangs on the sentence: "kaha" is "said" after its speaker's "ne" ("DM ne
# kaha") and else "where" (written for "kahan": "kaha hua tha?"); "is" before a postposition is "this"
# ("is pe", "is case me"), not the English verb.
_SAID_BY = re.compile(r"\bne\b.*\bkaha\b", re.I)
_KAHA = re.compile(r"\bkaha\b", re.I)
_THIS_BEFORE = re.compile(r"\bis(?= (?:\w+ )?(?:pe|par|me|mein|ke|ki|ka|ko|se)\b)", re.I)


def _hindi_readings(text: str) -> str:
    """``text`` (romanised Hindi chat) with "kaha" and "is" read as the sentence uses them."""
    if not _SAID_BY.search(text):
        text = _KAHA.sub("kahan", text)
    return _THIS_BEFORE.sub("this", text)


# letters spelled out one by one, as speech typed by a machine gives an initialism ("the c s t o", "in g m t"):
# three or more single letters in a row are one word, unless each is a word of chat ("r u a bot")
_SPELLED = re.compile(r"\b[a-z](?:[ .][a-z]){2,}\b\.?", re.I)
_CHAT_LETTERS = frozenset("abcikmnruy")


def _spelled(m: re.Match[str]) -> str:
    letters = re.sub(r"[ .]", "", m.group())
    return m.group() if set(letters.lower()) <= _CHAT_LETTERS else letters


_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# a year said the way it is spoken ("nineteen ninety four", "twenty twenty", "twenty oh eight"): its century,
# then its two last digits
_SPOKEN_YEAR = re.compile(
    rf"\b(?P<century>nineteen|twenty)[\s-]+(?P<rest>oh[\s-]+(?:{_UNITS})\b|{_TEENS}\b|"
    rf"(?:{_TENS})(?:[\s-]+(?:{_UNITS})\b)?)",
    re.I,
)


def _spoken_year(m: re.Match[str]) -> str:
    rest = re.sub(r"^oh[\s-]+", "", m.group("rest").lower()).replace("-", " ")
    return f"{text2num(m.group('century').lower(), 'en')}{text2num(rest, 'en'):02d}"


# an ordinal in digits before what it counts ("the 1st one", "their 2nd war"): the word, as the texts write
# it; never a date's ("the 1st of May", "May 1st", "1st September", "on the 2nd")
_ORDINAL_WORDS = dict(
    zip(
        "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th".split(),
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
        strict=True,
    )
)
_ORDINAL = re.compile(
    r"\b(?:the|a|its|their|his|her|our|this|that)\s+(?P<n>(?:[1-9]|10)(?:st|nd|rd|th))\b"
    r"(?=\s+[a-z])(?!\s+(?:of|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.I,
)


def _ordinal(m: re.Match[str]) -> str:
    n = m.group("n").lower()
    word = _ORDINAL_WORDS.get(n)
    return m.group()[: m.start("n") - m.start()] + word if word else m.group()


_IS_BEEN = re.compile(r"(?:\bis|(?<=\w)['\u2019]s) been\b", re.I)

# "who'd he call", "how'd it end", "what'd Zorbin do": a question word's "'d" before whom it asks about (a
# pronoun, a determiner, a name, a plural, a word followed by a verb's plain form) is "did"; before a past
# form or "been" ("who'd gone", "who'd already left") "had"; before a verb's plain form "would" ("who'd win
# if…", "what'd happen"); otherwise, or before a subject and a verb "did" cannot take ("who'd you rather
# have", "who'd that be"), it stays as typed. The verb forms are lemminflect's.
_WH_D = re.compile(r"\b(who|what|where|when|why|how)(?:['\u2019]d|d) (\w+)(?: (\w+))?", re.I)
_SUBJECTS = frozenset(
    "he she it they you u ya we i the that this those these his her their its our your ur my a an one people "
    "ppl anyone anybody someone somebody everyone everybody".split()
)
_AFTER_WOULD = frozenset("have hav hve ve been be rather better like love prefer".split())
_BEFORE_PAST = frozenset("already just never ever once since also".split())


def verb_form(word: str) -> str | None:
    """ "plain" for a verb's plain form ("win"), "past" for a past tense or participle ("gone", "left"),
    else None (lemminflect's forms)."""
    lemmas = getAllLemmas(word, upos="VERB").get("VERB", ())
    if word in lemmas:
        return "plain"
    pasts = {f for lemma in lemmas for tag in ("VBD", "VBN") for f in getInflection(lemma, tag)}
    return "past" if word in pasts else None


def _wh_did(m: re.Match[str]) -> str:
    after, then = m.group(2).lower(), (m.group(3) or "").lower()
    rest = m.group(0).split(" ", 1)[1]
    shouted = m.group(0).isupper()
    if then in _AFTER_WOULD or after == "better":
        return m.group(0)
    plural = after.endswith("s") and after not in getAllLemmas(after, upos="NOUN").get("NOUN", (after,))
    form = verb_form(after)
    if (
        after in _SUBJECTS
        or not english_word(after)
        or (m.group(2)[0].isupper() and not shouted)
        or plural
        or (form is None and verb_form(then) == "plain")
    ):
        return f"{m.group(1)} did {rest}"
    if after == "been" or after in _BEFORE_PAST or form == "past":
        return f"{m.group(1)} had {rest}"
    return f"{m.group(1)} would {rest}" if form == "plain" else m.group(0)


# "what's the treaty called?", "what was that alliance named again?": a name asked for, not a phone call
_CALLED = re.compile(
    r"(?:^|(?<=[?.!]\s))what(?:'s|\u2019s|s| is| was| are| were)\s+(?P<thing>[^?.!]+?)\s+(?:called|named)"
    r"(?:\s+(?:again|now|then|today))?(?=\s*[?.!]|\s*$)",
    re.I,
)


_DETERMINERS = frozenset("the that this these those a an his her their its your our".split())
# words that make "called" a deed of someone in the phrase ("the country he called", "the man who called"),
# or the phrase a name already ("what was the name of the group called")
_DOERS = frozenset("he she they we you i who whom which name names".split())


def _name_asked(m: re.Match[str]) -> str:
    """ "what is the name of X" for "what's X called", when X is a thing named by its noun: it opens with a
    determiner, has no doer of its own and ends in an English word ("the treaty", "that alliance"), not in
    a name ("the countries Smith called": Smith called them)."""
    thing = m.group("thing")
    words = thing.lower().replace("\u2019", "'").split()
    if words[0] not in _DETERMINERS or _DOERS & set(words) or not english_word(words[-1].strip("'\"")):
        return m.group(0)
    return f"what is the name of {thing}"


def plain_question(text: str) -> str:
    """``text`` with chat spellings expanded, romanised Hindi read in English order (see ``in_hinglish``)
    and number words as digits; otherwise unchanged."""
    out = without_frame(without_asides(without_greeting(text)))
    out = _SPELLED.sub(_spelled, out)
    out = _WH_D.sub(_wh_did, out)
    out = _SPOKEN_YEAR.sub(_spoken_year, out)
    out = _ORDINAL.sub(_ordinal, out)
    hinglish = in_hinglish(out)
    if hinglish:
        out = _hindi_readings(out)
    out = _PHRASE.sub(lambda m: CHAT_PHRASES[m.group(0).lower()], out)
    yes_no = hinglish and bool(_HINDI_YES_NO.search(out) or _YES_NO_AFTER_VERB.search(out))
    if yes_no:
        out = _YES_NO_AFTER_VERB.sub(r"\1", _HINDI_YES_NO.sub(" ", out)).strip()
    if hinglish:
        out = _WORD.sub(_mixed, out)
    out = _WORD.sub(_chat, out)
    if hinglish:
        out = _SPACES.sub(" ", out).strip()
        out = (
            f"is it true that {out.rstrip('?')}?" if yes_no and not _ASKED.search(out) else english_order(out)
        )
    # "whos been doing …" expands to "who is been": the "'s" before "been" is "has"
    out = _INDIAN_COUNT.sub(_in_digits, said_anything(_IS_BEEN.sub(" has been", out)))
    out = _CALLED.sub(_name_asked, out)
    if _NUMBER_WORD.search(out):
        # "no one" and "the first one" stay words: text2num leaves lone small numbers alone
        out = alpha2digit(out, "en")
    return _SPACES.sub(" ", out).strip()


_ENGLISH: SpellChecker | None = None


def _english() -> SpellChecker:
    global _ENGLISH
    if _ENGLISH is None:
        _ENGLISH = SpellChecker(distance=1)
    return _ENGLISH


def english_word(word: str) -> bool:
    """A word of the English dictionary (pyspellchecker's word list), as against a typo or chat spelling."""
    return word in _english()


# pyspellchecker's count of an English word at or above which the word is in everyday use, not a name that
# happens to be in its list ("council" and "ministry" are; "macron" and "kremlin", counted 50, are not)
COMMON_COUNT = 500


def common_word(word: str) -> bool:
    """An English word in everyday use: in pyspellchecker's list at least ``COMMON_COUNT`` times."""
    return _english().word_frequency.dictionary.get(word, 0) >= COMMON_COUNT


def _english_fix(word: str) -> str | None:
    """pyspellchecker's correction of ``word``, the same in every run: among the English words nearest it, the
    ones it spells but for accents ("cafe": "café") if any, and of those the commonest; among equally
    common ones the shorter, then the first in alphabetical order. (``SpellChecker.correction`` breaks
    such ties by set order, which follows the process's string hashing: "kmph" was "kph" in five runs of six
    and "koph" in the sixth.)"""
    near = _english().candidates(word)
    if not near:
        return None
    accented = [w for w in near if strip_accents(w) == strip_accents(word)]
    frequency = _english().word_frequency.dictionary
    return min(accented or near, key=lambda w: (-frequency[w], len(w), w))


# words the analysis reads in its phrase rules ("prez" is the president): no typos, whatever the dictionary says
_PHRASE_WORDS = frozenset(w for pattern, _ in PHRASE_RULES for part in pattern for w in part.split("|"))

# names heard rather than read: at least this many letters, and spelt at least this near (Jaro-Winkler)
HEARD_MIN = 6
HEARD_SIMILARITY = 0.8
_PLAIN_WORD = re.compile(r"\b[A-Za-z]+\b")


def _sounds(word: str) -> tuple[str, str]:
    """Two phonetic codes of ``word`` (Metaphone and NYSIIS, from jellyfish), prefixed apart."""
    return "m:" + jellyfish.metaphone(word), "n:" + jellyfish.nysiis(word)


# a word to mend; the stem of a contraction ("wasn" of "wasn't") is no typo
_LETTERS = re.compile(r"\b[A-Za-z][a-z]{3,}\b(?!['\u2019]t\b)")


class Speller:
    """Typos mended before anything reads the question: a word that is neither English nor one of the
    story's own words (its articles, names and aliases) becomes the nearest story word (a misspelt
    place or person's name) or, failing that, pyspellchecker's correction (``_english_fix``; "frist" ->
    "first"). Words are only replaced, never added or dropped. In romanised Hindi chat a word that is no
    story word is mostly a Hindi word the lexicon lacks ("baar", "neend"): it is mended only into a story
    word, never into the English word it happens to be near ("bear", "need")."""

    def __init__(self, words: Iterable[str], names: Iterable[str] = ()) -> None:
        self.vocab: set[str] = set()
        self.by_first: dict[str, list[str]] = defaultdict(list)
        capitalised: Counter[str] = Counter()  # how often each word is written with a capital, less without
        for word in words:
            w = word.lower()
            if len(w) >= 4 and w.isalpha():
                capitalised[w] += 1 if word[0].isupper() else -1
                if w not in self.vocab:
                    self.vocab.add(w)
                    self.by_first[w[0]].append(w)
        # the story's names: words it mostly writes with a capital ("Freedonia", not "marked")
        self.names_by_first: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.vocab):  # in one order in every run: a tie goes to the same name
            if capitalised[w] > 0:
                self.names_by_first[w[0]].append(w)
        # the same names by how they sound (two phonetic codes), for names heard rather than read: only the
        # words of the knowledge folder's own names and aliases (not every word the articles capitalise:
        # "November", a foreign spelling of a country), six letters or more, none an everyday English word ("Council")
        self.names_by_sound: dict[str, list[str]] = defaultdict(list)
        for w in sorted({n.lower() for n in names}):
            if len(w) >= HEARD_MIN and w.isalpha() and not common_word(w):
                for code in _sounds(w):
                    self.names_by_sound[code].append(w)

    def heard(self, words: list[str]) -> str | None:
        """The story's name that ``words`` (one to three, joined) sound like and are spelt near: a name
        typed by ear ("kowal chik" for Kowalczyk, "shevchenka" for Shevchenko). Phonetic codes alone are too coarse for a short word, and
        a few letters in common too loose for a long one, so both must hold."""
        joined = "".join(words).lower()
        if len(joined) < HEARD_MIN or joined in self.vocab:
            return None
        near = {n for code in _sounds(joined) for n in self.names_by_sound.get(code, ())}
        if len(words) > 1:  # a run is the name's length, give or take a letter: "guteres say" is no name
            near = {n for n in near if abs(len(n) - len(joined)) <= 1}
        scored = [(JaroWinkler.similarity(joined, n), n) for n in sorted(near)]
        best = max(scored, default=None)
        return best[1] if best is not None and best[0] >= HEARD_SIMILARITY else None

    def _mend_word(self, word: str, name: bool = False, english: bool = True) -> str:
        """``word`` mended; a ``name`` (capitalised inside a sentence) only into one of the story's names: a
        name the story does not know ("Shusha", "Merkel") is no typo of an English word ("shush") nor of a
        word the story writes in lower case ("marked")."""
        low = word.lower()
        # "hadnt" is a form word, "prez" a phrase rule's word: neither is a typo
        if low in self.vocab or low in STOP or low in _PHRASE_WORDS or english_word(low):
            return word
        if low.endswith("in") and english_word(low + "g"):  # speech drops the g: "doin", "sayin"
            return word + "g"
        # an adverb typed with one l of its two: "officialy", "finaly"
        if not name and low.endswith("aly") and english_word(low[:-1] + "ly"):
            return word[:-1] + "ly"
        near = _nearest(low, (self.names_by_first if name else self.by_first).get(low[0], []))
        # a word no dictionary knows that sounds like a name is the name; romanised Hindi is full of such
        # words ("jahan"), so not there
        fixed = near if near is not None else self.heard([low]) if english else None
        if fixed is None and not name and english:
            fixed = _english_fix(low)
        if not fixed or fixed == low:
            return word
        return fixed.capitalize() if word[0].isupper() else fixed

    def mend(self, text: str, english: bool = True) -> str:
        """``text`` with its typos mended; ``english``: into English words as well as the story's (and a name
        heard as two or three words, "kowal chik", becomes the name first)."""
        if english:
            text = self._heard_runs(text)
        return _LETTERS.sub(lambda m: self._mend_word(m.group(0), _inside(text, m.start()), english), text)

    def _heard_runs(self, text: str) -> str:
        """``text`` with each run of two or three words that sounds like one of the story's names (see
        ``heard``) replaced by the name. A run is words with a space between them, none a form word or a
        word of the story, and at least one no dictionary knows: a run of English words is read as the
        words, whatever name it sounds like."""
        words = list(_PLAIN_WORD.finditer(text))
        out, at, i = [], 0, 0
        while i < len(words):
            for size in (3, 2):
                run = words[i : i + size]
                if len(run) < size or any(text[a.end() : b.start()].strip(" ") for a, b in pairwise(run)):
                    continue
                low = [m.group(0).lower() for m in run]
                if all(english_word(w) for w in low):
                    continue
                # a form word, a word of the story or a typo of one of its names ("Ruritnia") is read as it is
                if any(
                    w in STOP or w in self.vocab or _nearest(w, self.names_by_first.get(w[0], []))
                    for w in low
                ):
                    continue
                name = self.heard(low)
                if name is not None:
                    out += [text[at : run[0].start()], name.capitalize()]
                    at, i = run[-1].end(), i + size - 1
                    break
            i += 1
        return "".join([*out, text[at:]])


def _nearest(word: str, pool: list[str]) -> str | None:
    """The word of ``pool`` within a typo of ``word`` (one edit for five letters or fewer, else two)."""
    near = process.extractOne(
        word, pool, scorer=Levenshtein.distance, score_cutoff=1 if len(word) <= 5 else 2
    )
    return near[0] if near is not None else None


def _inside(text: str, at: int) -> bool:
    """Whether the word at ``at`` is capitalised inside a sentence (a name), not at its start."""
    return text[at].isupper() and bool(text[:at].strip()) and text[:at].rstrip()[-1] not in ".!?\"'"


__all__ = ["Speller", "english_word", "plain_question", "verb_form"]
