"""General English word knowledge the analysis uses: stopwords, synonyms, phrases, spellings.

Data only, not tied to one story: how people ask about a news event (question scaffolding,
quantity words, phrasal verbs, common synonyms). ``analysis`` builds its tables from these.
"""

from __future__ import annotations

import re

# Auxiliaries whose negation may be typed without its apostrophe ("hadnt", "wouldnt", "cant" of "can't"): a
# form word, not a typo of some content word ("hadnt" is no "haunt").
NEGATED_AUXILIARIES = (
    "is are was were do does did has have had would could should must need might ca wo sha ai".split()
)

# Words that carry no content in a question about a story.
STOP = frozenset(
    """a an the of in on at to for from by with about as and or but is are was were be been being do does did
    done has have had having it its this that these those there their they them he she his her him i me my we
    our you your it's what which who whom whose when where why how can could would should will shall may
    might must not no nor so than then too very just also into over under up out off again once any all
    each few more most other some such only own same s t please know tell give show explain anything
    something thing things let lets get got like really actually exactly happen happened happening going
    one's ones us according whats whos hows wheres whens whys im doing theres thats heres
    per via list if whether unless though although""".split()
    + [f"{aux}nt" for aux in NEGATED_AUXILIARIES]
) | frozenset(
    # question scaffolding and discourse words: how people ask, not what they ask about
    """true false correct incorrect right wrong inside within until till now mr mrs ms dr info information
    detail details regarding concerning related relating besides
    apart else other others aside exactly precisely basically specifically particular particularly actually
    supposedly apparently possibly probably normally usually generally typically ever still already yet even
    almost immediately quickly soon later currently presently anyway here name names known
    summary summarise summarize overview briefly short quick brief want wanna gonna need needs like kind sort
    can't go goes went gone come came make made take took put seem seems seemed become became try tried
    whom whose wonder wondering curious question answer reply mean means meaning matter matters after during
    remind reminding recall recalling remember remembering
    while following suppose supposed anyone someone everyone anybody somebody everybody anywhere somewhere
    nobody himself herself itself themselves personally own role play plays played reason reasons less fewer because
    nah yeah yep nope yes lol pls plz bro ok okay huh eh wat wot u ur r acc tho
    describe described describes characterise characterised characterize characterized portray portrayed
    relationship relationships relation relations
    job jobs whoever whatever whichever wherever whenever involve involved involving""".split()
)

# Words for the sources themselves ("the AFP write-up", "the first story", "which report"): how a question
# points at the articles. Where a story's own texts never use one it is no subject of the question.
SOURCE_WORDS = frozenset(
    """article articles story stories piece pieces report reports source sources coverage newspaper
    newspapers paper papers outlet outlets publication publications""".split()
)

# Words for a role, an office: who someone is ("the police chief", "the defence minister").
ROLE_WORDS = tuple(
    """minister president leader spokesman spokeswoman spokesperson secretary chancellor premier official
    ambassador envoy commander general head chief mayor governor king queen prince ruler diplomat director""".split()
)

# Titles that name the same office ("the Freedonian premier" is its prime minister): an alias of a person
# or a body written with one is found written with another. Each group is one office, in general English.
TITLE_EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("prime minister", "premier", "pm"),
    (
        "foreign minister",
        "top diplomat",
        "chief diplomat",
        "minister of foreign affairs",
        "foreign affairs minister",
    ),
    ("secretary of state", "secstate"),
    ("defence minister", "defense minister", "minister of defence", "minister of defense"),
    (
        "defence ministry",
        "defense ministry",
        "ministry of defence",
        "ministry of defense",
        "defence department",
    ),
    ("foreign ministry", "ministry of foreign affairs", "foreign office"),
    ("spokesman", "spokeswoman", "spokesperson"),
    ("chief", "boss", "head"),  # "the alliance chief", "the alliance boss", "the alliance head"
    ("railways minister", "railway minister", "minister of railways", "rail minister"),
)

# Someone in everyday life: kin, friends, the people around one ("my cousin", "a neighbour")
SOMEONE = (
    r"person|man|woman|guy|chap|friend|husband|wife|father|mother|dad|mum|mom|brother|sister|son|daughter|"
    r"uncle|aunt|cousin|grandfather|grandmother|grandpa|grandma|neighbou?r|teacher|boss|colleague"
)
# A noun for a person: an office, or a general word for someone ("the police chief", "which passenger").
PERSON_NOUN = re.compile(
    rf"\b(?:{'|'.join(ROLE_WORDS)}|soldier|officer|reporter|journalist|correspondent|victim|passenger|driver)s?\b|"
    rf"\b(?:{SOMEONE})\b"
)

# Quantity and approximation words: they shape a figure question, not its subject.
QUANTITY = frozenset(
    """many much number numbers count figure figures total overall altogether combined together roughly
    approximately approx around about nearly almost estimated estimate reportedly exact precise so far
    tally sum both sides side whole entire ballpark rough ish""".split()
)

# Concept tokens, added to questions and to item texts alike.
CONCEPT_DURATION = "zdur"
CONCEPT_TIME = "ztime"
CONCEPT_PLACE = "zplace"
CONCEPT_COUNT = "zcount"
CONCEPT_AGE = "zage"
CONCEPT_YEAR = "zyear"

SYNONYM_GROUPS: list[tuple[str, tuple[str, ...]]] = []


def _group(canon: str, *words: str) -> None:
    """Words meaning one thing here; registered with their stems once the stemmer exists."""
    SYNONYM_GROUPS.append((canon, words))


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
    "deceased",
    "slain",
    "slay",
)
_group("zdur", "duration", "durat")
_group("write", "write", "wrote", "written", "writ", "writer", "author", "authored", "byline")
_group("convene", "convene", "convened", "meet", "met", "meeting", "session", "summit")
_group("stop", "stop", "stopp", "halt", "cease", "cessation")
_group("wound", "wound", "injur", "injury", "injure", "hurt")
_group("loss", "loss", "lose", "lost")
_group("respond", "respond", "response", "react", "reaction", "stance", "position")
_group("begin", "begin", "began", "begun", "start", "erupt", "outbreak", "commence", "ignite")
_group("people", "people", "person", "persons", "individuals", "guys", "folks")
_group("diplomacy", "diplomacy", "diplomatic", "diplomat", "diplomats")
_group("tweet", "tweet", "tweeted", "twitter", "posted")
_group("feel", "feel", "felt", "feeling", "feelings", "experience", "experienced", "perceive", "perceived")
_group("town", "town", "city", "village", "settlement", "municipality")
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
    "quote",
    "quoted",
    "say",
    "said",
    "says",
    "saying",
    "mention",
    "claim",
    "allege",
    "alleged",
    "allegation",
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
_group("action", "action", "step", "measure", "operation", "operations")
_group(
    "populate",
    "populate",
    "populated",
    "population",
    "live",
    "lives",
    "living",
    "inhabit",
    "inhabited",
    "inhabitants",
)
_group("increase", "increase", "rise", "rising", "rose", "grow", "grew", "higher", "climb", "mount")
_group("video", "video", "footage", "film", "clip", "recording")
_group("win", "win", "won", "victory", "victor", "winner", "defeat", "triumph")
_group("support", "support", "back", "backing", "backer", "sponsor", "supporter", "patron")
_group("fuel", "fuel", "fuell", "fed", "feed", "raise", "spark", "prompt", "stoke")
_group("article", "article", "story", "piece", "coverage")
_group("concern", "concern", "worry", "worri", "alarm", "alarmed")
_group("urge", "urge", "demand", "appeal", "ask", "request", "press")
_group("call", "call", "phone", "telephone", "rang", "ring", "dial")
_group("newspaper", "newspaper", "paper", "outlet", "publication", "journal", "agency")
_group("report", "report", "reported", "reports", "reporting", "relay", "relayed", "relays")
_group("agreement", "agreement", "deal", "treaty")
_group("ztime", "hour", "time", "clock")
_group("leave", "leave", "left", "quit", "withdraw", "withdrew", "exit")
_group("member", "member", "membership", "part")
_group("border", "border", "frontier", "boundary")
_group("police", "police", "cop", "cops", "policeman", "policemen", "constable")
_group("territory", "territory", "soil")
_group("strand", "strand", "stranded", "stuck")
_group("site", "site", "scene", "spot")
_group("special", "special", "extra")
_group("chief", "chief", "head", "boss")

SPELLING = {
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
# Irregular verb forms come from lemminflect (analysis.stem); these are the ones it also reads as a noun or an
# adjective ("saw", "fell", "broken"), or as a base form of their own ("given", "known"), which it leaves
# alone: in a news question they are the verb.
IRREGULAR = {
    "given": "give",
    "thought": "think",
    "spoke": "speak",
    "shot": "shoot",
    "withdrawn": "withdraw",
    "known": "know",
    "saw": "see",
    "fell": "fall",
    "fallen": "fall",
    "hit": "hit",
    "felt": "feel",
    "broke": "break",
    "broken": "break",
}

# Phrasal forms that mean one word, applied to questions and item texts alike. Each rule is a
# sequence of word alternatives and its replacement; item texts use the token table built from
# the rules (fast on long texts), questions the equivalent regex (it keeps their punctuation).
PHRASE_RULES: list[tuple[tuple[str, ...], str]] = [
    # a reference to the sources themselves ("the president mentioned in the news") asks nothing more
    (
        (
            "mentioned|named|cited|quoted|discussed|covered|featured",
            "in|by",
            "the|this|these|your",
            "news|article|articles|story|stories|report|reports|source|sources|text|texts|press|media",
        ),
        "",
    ),
    (("give|gave|given|giving|hand|handed|handing", "up|over"), "cede"),
    (("fell|fall|falls|falling|broke|break|breaks|broken", "apart|down"), "collapse"),
    (("lost|lose|loses|losing", "their|his|her|the|a", "lives|life"), "killed"),
    (("lives|life", "lost"), "killed"),
    (("lives|life", "were|was|been|are|is", "lost"), "killed"),
    (("took|take|takes|taking|came|come|comes", "effect"), "began"),
    (("took|take|takes|taking|came|come|comes", "into", "force"), "began"),
    (("in", "force"), "began"),
    (("broke|break|breaks|breaking|broken", "out"), "began"),
    # "where did it take place": the happening is the question's form ("happen" is a stopword), no term
    (("take|takes|took|taken|taking", "place"), "happen"),
    (("pull|pulls|pulled|pulling|back|backs|backed|backing", "out"), "withdraw"),
    (("dip|dips|dipped|dipping|bail|bails|bailed|bailing", "out"), "withdraw"),
    # "back in August", "way back", "back then": a time gone by, not support
    (("back", "in|then"), ""),
    (("way", "back"), ""),
    (("step|steps|stepped|stepping", "down"), "resign"),
    (("go|goes|going|went|gone|shot|shoot|shoots", "up"), "rise"),
    (("kick|kicks|kicked|kicking", "off"), "began"),
    (("flare|flares|flared|flaring", "up"), "began"),
    (("kick|kicks|kicked|kicking", "in"), "began"),
    # a round of fighting is the fighting; a body count is a death toll
    (("round|rounds|bout|bouts", "of"), ""),
    (("body", "count|counts"), "death toll"),
    (("came|come|comes|coming", "out", "on", "top"), "won"),
    (("broke|break|breaks|breaking|broken", "away"), "secede"),
    (("split|splits|splitting", "away|off"), "secede"),
    (("stir|stirred|stirring", "things|it|tensions", "up"), "stir the pot"),
    (("top", "diplomat|diplomats"), "foreign minister"),
    (("foreign", "secretary"), "foreign minister"),
    (("head", "of", "state"), "president"),
    (("lawmakers|legislators|legislature|mps|parliamentarians",), "parliament"),
    (("members", "of", "parliament"), "parliament"),
    (("pm",), "prime minister"),
    (("pres",), "president"),
    (("prez",), "president"),
    (("mod",), "defense ministry"),
    (("fm",), "foreign minister"),
    (("sec", "of", "state"), "secretary of state"),
    (("sg",), "secretary general"),
    (("govt",), "government"),
    (("gov",), "government"),
    (("intl",), "international"),
    (("go|goes|went|gone|drag|dragged", "on"), "last"),
    (("calm|calms|calmed|calming", "down"), "decrease"),
    (("badly",), "seriously"),
    # "were fired upon" is shelled; "fired at" is the deed ("who fired at …"), not what was hit
    (("fire|fires|fired|firing", "upon"), "shelled"),
    (("side|sides|sided|siding", "with"), "supported"),
    (("phone|telephone", "call|calls|conversation|conversations"), "call"),
    (("phone|phones|phoned|phoning|telephoned|rang", "up"), "called"),
    (("ring|rings|ringing", "up"), "call"),
    (("phoned|phoning|telephoned",), "called"),
    (("move|moving|moved|push|pushing|pushed", "forward"), "advance"),
    (("nineties",), "1990s"),
    (("eighties",), "1980s"),
    (("news", "agency"), "agency"),
    (("news|wire", "service|services"), "agency"),
    (("premier",), "prime minister"),
    (("write|writeup", "up"), "article"),
    (("writeup",), "article"),
    (("bump|bumps|bumped|bumping", "up"), "increase"),
    (("in", "a", "bad|serious|critical", "way|state|shape"), "seriously"),
    (("in", "bad", "shape"), "seriously"),
    (("ided|idd|id'd",), "identified"),
    (("in", "touch"), "in contact"),
    # a day of the week is the day something happened on: "what day of the week" asks "what day"
    (("day|days", "of", "the", "week"), "day"),
    (("weekday|weekdays",), "day"),
    # time as an occasion ("why couldn't they help this time", "the last time"): no time is asked for
    (("this|that|last|next|every|each", "time"), ""),
    # "who leads it these days": now, not a day asked for
    (("these", "days"), ""),
    # "why did they attack in the first place": at the start, no place asked for
    (("in", "the", "first", "place"), ""),
    (("nowadays",), ""),
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
            # weekdays cut short where the cut is no other word ("wed", "sat", "sun" and "mon" are) and no
            # word of chat lies one letter from it (a typo would be mended into it: "tha", "tum" of Hindi)
            "tues": "tuesday",
            "weds": "wednesday",
            "thurs": "thursday",
        }.items()
    ),
]

# A season is the months it spans (the northern hemisphere's reckoning): "the spring talks" are talks the
# articles date to April. "fall" is left out: it is far more often the verb. "may" is never a term (the
# modal verb's spelling), so a story's May is not reached this way.
SEASON_MONTHS = {
    "spring": ("march", "april", "may"),
    "springtime": ("march", "april", "may"),
    "summer": ("june", "july", "august"),
    "summertime": ("june", "july", "august"),
    "autumn": ("september", "october", "november"),
    "winter": ("december", "january", "february"),
    "wintertime": ("december", "january", "february"),
}

NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty hundred hundreds thousand thousands dozen dozens several""".split()
)

# Romanised Hindi, as Indian English chat mixes it in ("death toll kitna bataya?"): question words
# become English ones, particles and auxiliaries go (they would read as typos of story words)
HINDI_WORDS = {
    "kitna": "how much",
    "kitne": "how many",
    "kitni": "how many",
    "kaun": "who",
    "kisne": "who",
    "kis": "which",
    "kab": "when",
    "kahan": "where",
    "kaha": "said",
    "kahaan": "where",
    "kyun": "why",
    "kyu": "why",
    "kyon": "why",
    "kaise": "how",
    "bataya": "said",
    "bola": "said",
    "boli": "said",
    "bole": "said",
    "nahi": "not",
    "nahin": "not",
    "aur": "and",
    "mein": "in",
    **dict.fromkeys(
        """kya ka ki ke ko ne se hai hain tha thi hua hui hue bhi toh na ho hoga chuki chuka chuke gaya gayi
        gaye raha rahe rahi kar karo karna diya diye liya yaar bhai ji arre accha acha wala wale wali waale""".split(),
        "",
    ),
    # and the content words such chat asks with ("kitne log mare", "14 dibbe patri se utre", "subah 5 baje
    # hua tha na?"): common Hindi words of news and disaster talk, none of them an English word a
    # question would use ("log" and "mare" aside, too rare in a question to matter)
    "log": "people",
    "logon": "people",
    "mare": "died",
    "maare": "killed",
    "ghayal": "injured",
    "zakhmi": "injured",
    "jakhmi": "injured",
    **dict.fromkeys("hadsa hadse haadsa haadse durghatna".split(), "accident"),
    **dict.fromkeys("dibba dibbe dibbon dabba dabbe".split(), "coaches"),
    **dict.fromkeys("patri patriyon".split(), "track"),
    **dict.fromkeys("utri utre utra".split(), "derailed"),
    "subah": "morning",
    "raat": "night",
    "shaam": "evening",
    "baje": "o'clock",
    "sach": "true",
    "sahi": "right",
    "galat": "wrong",
    "jhooth": "false",
    "jhoot": "false",
    "suna": "heard",
    "madad": "help",
    **dict.fromkeys("muavza muaavza muavaza muaavja muavja".split(), "compensation"),
    "rahat": "relief",
    "sarkar": "government",
    "sarkaar": "government",
    "mantri": "minister",
    **dict.fromkeys("bheji bheja bheje".split(), "sent"),
    **dict.fromkeys("kaatne kaata kaatna".split(), "cut"),
    "jaanch": "inquiry",
    "janch": "inquiry",
    **dict.fromkeys("yatri yatriyon musafir".split(), "passengers"),
    "gaadi": "train",
    "pehle": "before",
    "baad": "after",
    "ghante": "hours",
    **dict.fromkeys("aurat auraten mahila mahilayen".split(), "women"),
    **dict.fromkeys("bachche bacche".split(), "children"),
    "wajah": "reason",
    "shak": "suspected",
    **dict.fromkeys("milega milegi milenge".split(), "get"),
    # more of the same chat's words of asking and telling ("compensation kitna mila", "kaunse coach", "ye
    # accident kis jagah hua"), again none an English word a question would use
    **dict.fromkeys("kaunsa kaunse kaunsi konsa konse konsi".split(), "which"),
    **dict.fromkeys("kiska kiski kiske".split(), "whose"),
    **dict.fromkeys("ye yeh".split(), "this"),
    **dict.fromkeys("woh wo".split(), "that"),
    "jab": "",
    "jagah": "place",
    "beech": "between",
    "shuru": "first",
    "abhi": "still",
    "aaj": "today",
    "kal": "yesterday",
    "din": "day",
    "saal": "year",
    "naam": "name",
    "koi": "",
    "sabse": "most",
    "zyada": "more",
    "jyada": "more",
    **dict.fromkeys("paisa paise".split(), "money"),
    **dict.fromkeys("mila mili".split(), "got"),
    **dict.fromkeys("dega degi denge".split(), "give"),
    **dict.fromkeys("pahucha pahuncha pahuche pahunche pahuchi pahunchi".split(), "reached"),
    **dict.fromkeys("chalata chalati chalate chalti".split(), "runs"),
    **dict.fromkeys("lagayi lagaye lagaya lagai".split(), "deployed"),
    "lagta": "think",
    # words the forty-second session's sets of such chat held that the list lacked ("aur gambhir ghayal
    # ko?", "phir kitna badha?", "kisse baat ki?")
    **dict.fromkeys("gambhir gambheer".split(), "seriously"),
    "phir": "then",
    "itna": "so much",
    **dict.fromkeys("badhi badhe badh".split(), "increased"),
    **dict.fromkeys("sakta sakti sakte".split(), ""),
    **dict.fromkeys("kisse kisase".split(), "with whom"),
    # and common words of family and neighbourhood chat about news (who said it, where, how, what was
    # written), none an English word
    **dict.fromkeys("keh kehti".split(), "said"),
    "chahiye": "",
    **dict.fromkeys("jeete raho".split(), ""),  # a blessing before the question
    **dict.fromkeys("gharwale gharwalo gharwalon".split(), "families"),
    **dict.fromkeys("sazish saazish sajish".split(), "conspiracy"),
    **dict.fromkeys("akela akeli".split(), "alone"),
    **dict.fromkeys("dhamaka dhamake".split(), "bang"),
    **dict.fromkeys("atak atke atki".split(), "stranded"),
    **dict.fromkeys("intezaam intazaam intajam".split(), "arrangements"),
    **dict.fromkeys("guzarta guzarti guzarte".split(), "pass"),
    **dict.fromkeys("pados padosi padosan".split(), "neighbour"),
    **dict.fromkeys("akhbar akhbaar".split(), "newspaper"),
    **dict.fromkeys("waha wahan wahaan".split(), "there"),
    **dict.fromkeys("yaha yahan yahaan".split(), "here"),
    **dict.fromkeys("chhota chhote chhoti".split(), "small"),
    "lekin": "but",
    **dict.fromkeys("hamara hamare humara humare".split(), "our"),
    **dict.fromkeys("aap aapko aapne".split(), "you"),
    **dict.fromkeys("laash laashen lashen".split(), "bodies"),
    "aspataal": "hospital",
    **dict.fromkeys("ilaaj ilaj".split(), "treatment"),
    **dict.fromkeys("palat palte palti".split(), "overturned"),
    **dict.fromkeys("raftaar raftar".split(), "speed"),
    "pradhan": "prime",
    "mukhyamantri": "chief minister",
    "rashtrapati": "president",
    "baat": "talk",
    "kyunki": "because",
    "gawah": "witness",
    "aspatal": "hospital",
    "ghar": "home",
    "wapas": "back",
    # and more of the same chat's common words (a dictionary of the language, not of one story): none
    # of them an English word a question would use
    **dict.fromkeys("wala wale wali waale waala walon walo waalon".split(), ""),
    **dict.fromkeys(
        "kiya kiye kiyi karte karti karta karega karegi karni karna padi pada pade hote hota hoti".split(), ""
    ),
    **dict.fromkeys("liye tak raha chal chala chali lage lagi".split(), ""),
    **dict.fromkeys("bataye batao bata batana bataiye".split(), "said"),
    "alag": "different",
    "kuch": "some",
    "baare": "about",
    **dict.fromkeys("gaon gaanv gaaon".split(), "village"),
    "paas": "near",
    **dict.fromkeys("likha likhi likhe".split(), "written"),
    **dict.fromkeys("iske iska iski".split(), "its"),
    **dict.fromkeys("uske uska uski".split(), "his"),
    **dict.fromkeys("unke unka unki unko unhe".split(), "their"),
    "afsar": "officer",
    "adhikari": "official",
    **dict.fromkeys("khet kheton".split(), "fields"),
    **dict.fromkeys("gire gira giri gir".split(), "fell"),
    **dict.fromkeys("bada badi".split(), "big"),
    **dict.fromkeys("bura buri bure".split(), "bad"),
    **dict.fromkeys("duniya duniyaa".split(), "world"),
    "roz": "daily",
    "rozana": "daily",
    "kisi": "any",
    "badal": "changed",
    "badla": "changed",
    **dict.fromkeys("sakta sakti sakte".split(), "can"),
    "utar": "derailed",
    **dict.fromkeys("jinko jinhe jisne jinhone".split(), "who"),
    "halki": "minor",
    **dict.fromkeys("chot chotein".split(), "injuries"),
    **dict.fromkeys("zimmedar zimmedaar jimmedar".split(), "responsible"),
    "banta": "comes to",
    **dict.fromkeys("rupay rupaye rupye".split(), "rupees"),
    "desh": "country",
    **dict.fromkeys("neta netaon".split(), "leader"),
    "sampark": "contact",
    **dict.fromkeys("takrayi takrai takraya takrayee takkar".split(), "collided"),
    **dict.fromkeys("chhedchhad chhed chedchad".split(), "tampering"),
    "nadi": "river",
    "har": "every",
    "marte": "died",
    **dict.fromkeys("pehchaan pehchan pehchane".split(), "identified"),
    "khatam": "over",
    "theek": "fine",
    **dict.fromkeys("auratein aurton".split(), "women"),
    **dict.fromkeys("pichke pichka pichki".split(), "crushed"),
    **dict.fromkeys("bache bachne bacha".split(), "survived"),
    **dict.fromkeys("jhatka jhatke".split(), "jolt"),
    "cheez": "thing",
    **dict.fromkeys("jaisa jaise jaisi".split(), "like"),
    "umar": "age",
    "usse": "than that",
    "nikla": "came out",
    **dict.fromkeys("chadhi chadhe chadha".split(), "boarded"),
    "videshi": "foreign",
    "uthane": "lift",
    "isme": "in this",
    "unme": "among them",
    "rakhne": "keep",
    "bharti": "admitted",
    "hisaab": "according",
    "baaki": "other",
    "asar": "effect",
    "itne": "so many",
    "kehta": "says",
    "kehte": "say",
    "mausam": "weather",
    "kharab": "bad",
    "zyadatar": "most",
    **dict.fromkeys("doosra doosri dusra dusri".split(), "second"),
    "kam": "fewest",
    "khud": "themselves",
    **dict.fromkeys("badhega badhegi badha".split(), "rise"),
    "chalayi": "ran",
    "awaaz": "sound",
    "suni": "heard",
    "dheere": "slowly",
    "lamba": "long",
    "pata": "known",
    **dict.fromkeys("apni apna apne".split(), "own"),
    "taraf": "side",
    **dict.fromkeys("bohot bahut bohat".split(), "very"),
    "hisab": "according",
    "ek": "one",
    **dict.fromkeys("bolta bolti bolte".split(), "says"),
    **dict.fromkeys("sawaar savaar sawar".split(), "aboard"),
    **dict.fromkeys("jaha jahan".split(), "where"),
    **dict.fromkeys("khilaf khilaaf".split(), "against"),
    "mutabik": "according",
    **dict.fromkeys("jinki jiski jiska".split(), "whose"),
    **dict.fromkeys("laash laashein lashen laashon".split(), "bodies"),
    "bulaya": "called",
    "aurte": "women",
    **dict.fromkeys("nuksan nuksaan nukshan".split(), "damage"),
    "dibbo": "coaches",
    "saath": "with",
    **dict.fromkeys("mauke mauka".split(), "spot"),
    **dict.fromkeys("jaate jaati jata".split(), "go"),
    "batayi": "said",
    **dict.fromkeys("aaya aayi aaye".split(), "came"),
    "ginti": "count",
    **dict.fromkeys("hadso hadson".split(), "accidents"),
    **dict.fromkeys("kaisi kaisa".split(), "how"),
    "thand": "cold",
    "kholne": "open",
    **dict.fromkeys("nikli nikala nikale nikaale".split(), "taken out"),
    "zinda": "alive",
    **dict.fromkeys("malba malbe".split(), "debris"),
    "saaf": "clear",
    "kaaran": "cause",
    "karan": "cause",
    # more words of the same chat ("koi AC coach toota?", "iss ilaake me", "kul nuksaan", "sirf 90 dead"):
    # a dictionary of the language's common words, none an English word
    "chup": "silent",
    **dict.fromkeys("toota tooti toote tuta tuti".split(), "broke"),
    **dict.fromkeys("usme usmein".split(), "among them"),
    **dict.fromkeys("pichle pichla pichhle".split(), "last"),
    **dict.fromkeys("iss isko".split(), "this"),
    **dict.fromkeys("ilaake ilaka ilake ilaqe".split(), "area"),
    "kul": "total",
    "purane": "old",
    "sirf": "only",
    "hogi": "",
    "karne": "",
    **dict.fromkeys("baithi baitha baithe".split(), "boarded"),
    "pahunch": "reach",
    **dict.fromkeys("paaye paye paya".split(), "could"),
    "chalne": "run",
    "aas": "around",
    "aurtein": "women",
    **dict.fromkeys("pehchani pehchana".split(), "identified"),
    "mrit": "dead",
    **dict.fromkeys("parivar pariwar".split(), "family"),
    "bheed": "crowd",
    **dict.fromkeys("saunp saunpi saunpe saunpa".split(), "handed over"),
    "chalak": "driver",
    **dict.fromkeys("samay waqt vakt".split(), "time"),
    "turant": "immediately",
    **dict.fromkeys("kaafi kafi".split(), "many"),
    **dict.fromkeys("poora pura".split(), "whole"),
    **dict.fromkeys("naya nayi naye".split(), "new"),
    **dict.fromkeys("pehla pehli".split(), "first"),
    **dict.fromkeys("aakhri akhri".split(), "last"),
    "upar": "above",
    "neeche": "below",
    "andar": "inside",
    "bahar": "outside",
    # more of the language's common words and chat spellings ("gyi", "kr", "krke"): none an English word
    # a question would use
    **dict.fromkeys("gyi gya gye gyaa kr krna krke karke krte krta krti".split(), ""),
    **dict.fromkeys("shayad shaayad lagbhag karib kareeb".split(), ""),
    **dict.fromkeys("aata aati aate".split(), ""),
    "baar": "times",
    **dict.fromkeys("saup saupi saupa saupe saunpi sompi sonpi".split(), "handed over"),
    **dict.fromkeys("parivaar parivaaron parivaron".split(), "family"),
    **dict.fromkeys("mrtak mritak mrtakon mritakon mrtko mritko".split(), "dead"),
    **dict.fromkeys("piche peeche pichhe".split(), "behind"),
    **dict.fromkeys("phans phansa fanse fase".split(), "trapped"),
    **dict.fromkeys("intezam intazam intejam intjam bandobast vyavastha".split(), "arrangements"),
    **dict.fromkeys("halat haalat".split(), "condition"),
    **dict.fromkeys("shav shavon shavo".split(), "bodies"),
    **dict.fromkeys("laga lagaa".split(), ""),
    **dict.fromkeys("rok rokne roka roke rokna".split(), "stop"),
    **dict.fromkeys("maut mauton maute".split(), "deaths"),
    "neend": "sleep",
    **dict.fromkeys("khuli khula khule".split(), "opened"),
    **dict.fromkeys("unhone unhonne".split(), "they"),
    "usne": "he",
    **dict.fromkeys("badhne badhi badhe".split(), "rise"),
    **dict.fromkeys("dar darr".split(), "fear"),
    **dict.fromkeys("jankari jaankari".split(), "information"),
    **dict.fromkeys("ghatna ghatnaa".split(), "incident"),
    **dict.fromkeys("jile jila zila zile".split(), "district"),
    **dict.fromkeys("rasta raasta raste".split(), "route"),
    **dict.fromkeys("shuruaat shuruat".split(), "beginning"),
    **dict.fromkeys("bachav bachaav".split(), "rescue"),
    "kaam": "work",
    **dict.fromkeys("ghayalon ghayalo".split(), "injured"),
    **dict.fromkeys("sawal sawaal".split(), "question"),
    **dict.fromkeys("jawab jawaab".split(), "answer"),
    **dict.fromkeys("dekha dekhi dekhe".split(), "saw"),
    "suraksha": "safety",
    **dict.fromkeys("karmchari karmachari".split(), "staff"),
}
# Hindi words of the same chat that are also English words ("me", "us", "so", "door"): read as Hindi only
# in a message that holds two or more of the words above ("marne walon me kitne bache the"), never in an
# English one ("tell me", "so many", "the door")
HINDI_WHEN_MIXED = {
    "me": "in",
    "pe": "on",
    "par": "on",
    "us": "that",
    "jo": "",
    "kya": "what",
    "ya": "or",
    "tab": "",
    "bol": "said",
    "hone": "",
    "ja": "",
    "lag": "",
    "de": "",
    "di": "",
    "le": "",
    "so": "sleeping",
    "marne": "died",
    "mara": "died",
    "bade": "big",
    "logo": "people",
    "phase": "trapped",
    "phanse": "trapped",
    "sunna": "heard",
    "safar": "travel",
    "door": "far",
    "dur": "far",
    "mile": "got",
    "the": "",
    "thi": "",
    "sab": "all",
    "puri": "whole",
    "purana": "old",
    "h": "",
    "bare": "about",
}

# Chat spellings and abbreviations of ordinary words, expanded in questions before anything else
# reads them ("hw many ppl r dead rn" -> "how many people are dead right now"). Questions only:
# the articles do not write like this.
CHAT_WORDS = {
    "ppl": "people",
    "ppls": "people",
    "peeps": "people",
    "abt": "about",
    "bout": "about",
    "smth": "something",
    "sth": "something",
    "smthng": "something",
    "y": "why",
    "wen": "when",
    "wht": "what",
    "wut": "what",
    "wat": "what",
    "wot": "what",
    "hw": "how",
    "hv": "have",
    "dat": "that",
    "da": "the",
    "teh": "the",
    "nd": "and",
    "n": "and",
    "u": "you",
    "ya": "you",
    "r": "are",
    "ur": "your",
    "thru": "through",
    "tho": "though",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "b4": "before",
    "rn": "right now",
    "atm": "at the moment",
    "btw": "by the way",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "idk": "i do not know",
    "dunno": "do not know",
    "kinda": "",  # "Smith kinda accused them": a hedge; "what kinda weapons" asks "what weapons"
    "sorta": "",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "have to",
    "diff": "different",
    "yr": "year",
    "yrs": "years",
    "hrs": "hours",
    "mins": "minutes",
    "info": "information",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thank you",
    "w/": "with",
    "w": "with",
    "yall": "you all",
    "w/o": "without",
    "whos": "who is",
    "whats": "what is",
    "wats": "what is",
    "wuts": "what is",
    "whens": "when is",
    "whys": "why is",
    "theres": "there is",
    "theyre": "they are",
    "tryna": "trying to",
    # British chat ("he say owt about it?", "wots the beef", "does he reckon…", "the us bloke")
    "wots": "what is",
    "owt": "anything",
    "nowt": "nothing",
    "summat": "something",
    "em": "them",
    "bloke": "man",
    "blokes": "men",
    "reckon": "think",
    "reckons": "thinks",
    "reckoned": "thought",
    "civvie": "civilian",
    "civvy": "civilian",
    "civvies": "civilians",
    "flog": "sell",
    "flogs": "sells",
    "flogging": "selling",
    "flogged": "sold",
    "wheres": "where is",
    "hows": "how is",
    "im": "i am",
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "wasnt": "was not",
    "cant": "can not",
    "wont": "will not",
    "ok": "",
    "okay": "",
    "lol": "",
    "yo": "",
    "hmm": "",
    "um": "",
    "uh": "",
    "ugh": "",
    "welp": "",
    "lmao": "",
    "lmfao": "",
    "rofl": "",
    "omg": "",
    "pls?": "please",
    "bro": "",
    "bruh": "",
    "fr": "",
    "ngl": "",
    "tbh": "",
    "imo": "",
    "srsly": "seriously",
    "govts": "governments",
    "mil": "military",
    "sec": "secretary",
    "convo": "conversation",
    "nite": "night",
    "tonite": "tonight",
    "rite": "right",
    "intel": "intelligence",
    "nah": "no",
    "deets": "details",
    "beef": "conflict",
    "vid": "video",
    "vids": "videos",
    "pic": "picture",
    "pics": "pictures",
    "pax": "passengers",
    "ops": "operations",
    # railway shorthand ("rly" is not: chat writes it for "really" as often)
    "stn": "station",
    "stns": "stations",
    **HINDI_WORDS,
}

# Phrases of the same chat that mean more than their words ("kitne baje": at what time, not "how many
# o'clock"), read before the words are.
CHAT_PHRASES = {
    "acc to": "according to",
    "acc. to": "according to",
    "kitne baje": "what time",
    "kitni baje": "what time",
    "kitna door": "how far",
    "kitni door": "how far",
    "kitna dur": "how far",
    "kitni dur": "how far",
    "kitna paisa": "how much money",
    "kitne paise": "how much money",
    "kis din": "which day",
    "kaunse din": "which day",
    "kab tak": "until when",
    "ab tak": "until now",
    "abhi tak": "until now",
    "baat ki": "spoke",
    "ke baad": "after",
    "ke baare me": "about",
    "ke baare mein": "about",
    "ke hisaab se": "according to",
    "ke hisab se": "according to",
    "ke liye": "for",
    "ke mutabik": "according to",
    "ki taraf se": "from",
    "aas paas": "near",
    "chhed chhad": "tampering",
    **dict.fromkeys(("marne walon", "marne wale", "marne waale", "marne walo", "mare hue"), "the dead"),
    **dict.fromkeys(("bachne walon", "bachne wale", "bache hue"), "survivors"),
    **dict.fromkeys(("sabse bura", "sabse buri", "sabse bure"), "worst"),
    "halki chot": "minor injuries",
    "so rahe": "sleeping",
    "alag alag": "different",
    "kya hua": "what happened",
    "baat kari": "spoke",
}
