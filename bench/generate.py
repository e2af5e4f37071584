"""A seeded generator of news-photo captions, and the query mix run against them.

Every caption is built from sentence templates whose slots (nouns, verbs,
adjectives, people, places, organisations, dates) are filled by Zipf-weighted
draws, so a few words are very common and most are rare, as in real
captions. The vocabulary is fixed (its own seed); the corpus seed only picks
the sentences. Generation is sequential, so the first 10k records of the 100k
corpus are the 10k corpus.

    python bench/generate.py --size 100k --seed 7 --out /tmp/captions-100k.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
VOCABULARY_SEED = 20_190_103  # Chang'e 4 landed on 3 January 2019
ZIPF_EXPONENT = 1.07
TAIL_NOUNS = 2_600  # synthetic rare words: the long tail of a real vocabulary
# Alt text as collections have it (assumed rates, stated in docs/benchmarks.md): 60% of
# photos have alt text, 15% an empty alt (marked decorative), the other 25% none at all.
ALT_SHARE = 0.60
EMPTY_ALT_SHARE = 0.15

NOUNS = """
photo player team crowd police officer protester fan child woman man family worker farmer student teacher
soldier firefighter rescuer nurse doctor patient visitor tourist resident driver passenger pilot crew
president minister leader official mayor governor senator lawmaker candidate voter judge lawyer witness
coach athlete runner swimmer cyclist goalkeeper striker champion winner rival referee spectator
street road bridge river lake mountain valley forest field farm village town city capital harbour port beach
coast island desert border square market station airport stadium arena court hospital school university
church temple mosque museum gallery library parliament palace building tower house apartment factory
plant mine warehouse office shop restaurant hotel park garden zoo camp shelter prison embassy
rain storm flood fire smoke snow ice wind heat drought earthquake wildfire hurricane typhoon landslide
car truck bus train tram boat ship ferry plane helicopter rocket satellite rover lander probe telescope
bicycle motorcycle tractor tank drone ambulance
flag banner sign placard poster statue monument memorial candle flower wreath
match game race final tournament season league cup medal trophy goal point record
election vote campaign rally protest march strike ceremony funeral wedding festival parade concert
exhibition conference summit meeting session hearing trial speech interview press briefing
dog horse cow sheep bird eagle elephant lion tiger bear whale dolphin fish cat
sunrise sunset moon sky cloud star light shadow night morning evening afternoon
surface crater rock sample soil water sea ocean wave tide
image view picture camera lens screen panel
product price shop customer crop harvest grain rice wheat corn coffee tea food bread
hand face eye head arm heart smile tear
government company bank union army navy agency council committee court
history culture art music dance film book story news report
""".split()

VERBS = """
walk stand sit wait watch look gather celebrate protest march arrive leave carry hold raise wave cheer
shout sing dance play run jump swim climb fly land launch drive ride cross pass enter exit
speak talk address meet greet hug kiss shake sign vote win lose score defend attack block
rescue search clear repair build destroy burn flood damage collapse evacuate escape
inspect visit tour open close unveil display show capture photograph record film
plant harvest sell buy trade cook serve eat drink prepare pray mourn remember honour
train practise compete finish lead follow chase catch throw kick hit
""".split()

ADJECTIVES = """
new old young large small big long short high low early late first last final main
local national international public private official former current
dark bright white black red blue green golden grey silver
heavy light quiet busy empty crowded flooded damaged burned destroyed
historic ancient modern traditional annual royal military civil
cold hot warm wet dry snowy sunny windy
far near northern southern eastern western central lunar solar
happy sad angry proud tired injured wounded missing
""".split()

PREPOSITIONS = "in at on near outside inside during after before across along through over under beside behind".split()
DETERMINERS = "the a the the a his her their its".split()

FIRST_NAMES = """
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Paul Sandra Steven
Ashley Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Wei Fang Li Na
Ahmed Fatima Mohammed Aisha Ivan Olga Pierre Marie Hans Anna Luca Giulia Carlos Sofia Jose Lucia Kenji Yuki
Raj Priya Kwame Amara Lars Ingrid Sean Siobhan Mateo Valentina
""".split()

SURNAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall
Rivera Campbell Mitchell Carter Roberts Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu
Khan Ali Hussain Singh Kumar Patel Sharma Ivanov Petrov Smirnov Dubois Moreau Laurent Muller Schmidt
Schneider Fischer Weber Rossi Russo Ferrari Esposito Silva Santos Oliveira Tanaka Suzuki Sato Kim Park
Choi Okafor Mensah Diallo Hansen Larsen Murphy Kelly
""".split()

PLACES = [p.strip() for p in """
London, Paris, Berlin, Madrid, Rome, Lisbon, Dublin, Brussels, Amsterdam, Vienna, Prague, Warsaw, Budapest,
Athens, Istanbul, Moscow, Kyiv, Cairo, Lagos, Nairobi, Johannesburg, Accra, Dakar, Casablanca, Tunis, Beirut,
Jerusalem, Baghdad, Tehran, Dubai, Riyadh, Karachi, Delhi, Mumbai, Kolkata, Dhaka, Kathmandu, Colombo, Bangkok,
Hanoi, Jakarta, Manila, Singapore, Beijing, Shanghai, Wuhan, Chengdu, Hong Kong, Taipei, Seoul, Tokyo, Osaka,
Sydney, Melbourne, Auckland, Toronto, Montreal, Vancouver, Chicago, Houston, Phoenix, Seattle, Boston, Atlanta,
Miami, Denver, Washington, New York, Los Angeles, San Francisco, Mexico City, Havana, Bogota, Lima, Santiago,
Buenos Aires, Sao Paulo, Rio de Janeiro, Caracas, Quito
""".split(",")]

COUNTRIES = """
China France Germany Spain Italy Britain Ireland Poland Greece Turkey Russia Ukraine Egypt Nigeria Kenya
Ghana Senegal Morocco Lebanon Israel Iraq Iran India Pakistan Nepal Thailand Vietnam Indonesia Japan
Korea Australia Canada Mexico Cuba Colombia Peru Chile Argentina Brazil Venezuela Ecuador
""".split()

ORGANISATIONS = [
    "United Nations", "Red Cross", "World Health Organization", "European Union", "NASA",
    "China National Space Administration", "Reuters", "Associated Press", "Agence France-Presse",
    "World Bank", "Olympic Committee", "FIFA", "Amnesty International", "Greenpeace", "UNICEF",
    "National Guard", "Coast Guard", "Supreme Court", "Parliament", "Senate",
]

AGENCIES = ["Reuters", "AP", "AFP", "Getty Images", "EPA", "Xinhua", "Staff", "Pool"]

MONTHS = "January February March April May June July August September October November December".split()

# Sentence templates: N noun, V verb, A adjective, P preposition, D determiner,
# PERSON, PLACE, COUNTRY, ORG, DATE, NUM. Words in plain text are kept as written.
SENTENCES = [
    "PERSON Vs D A N P D N P PLACE on DATE",
    "N Ving D A N P PLACE, COUNTRY",
    "D N Vs P D A N as N V",
    "A N V P D N P PLACE",
    "PERSON of the ORG Vs P D N P D A N",
    "NUM N V P D N after D A N P COUNTRY",
    "D A N is seen P D N P PLACE on DATE",
    "N and N V P D N P D A N",
    "PERSON, a A N, Vs D N P PLACE",
    "N from ORG V D A N P D N",
    "D N Vs P the A N of PLACE during D N",
    "N Ving N P D A N near the N",
]
TITLES = [
    "A N P PLACE",
    "N V P PLACE",
    "PERSON Vs D N",
    "A N, A N",
    "D A N of COUNTRY",
    "N and N P PLACE",
]


@dataclass(frozen=True)
class Vocabulary:
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    adjectives: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(set(self.nouns) | set(self.adjectives)) + 4 * len(set(self.verbs))


def build_vocabulary(seed: int = VOCABULARY_SEED) -> Vocabulary:
    """The fixed word lists, nouns extended with a synthetic long tail, in Zipf rank order."""
    rng = random.Random(seed)
    onsets = "b c d f g h k l m n p r s t v w z br cl dr gr pl st tr".split()
    vowels = "a e i o u ai ea ou".split()
    codas = ["", "", "n", "r", "l", "s", "m", "nd", "st", "rt"]
    tail: list[str] = []
    known = set(NOUNS) | set(VERBS) | set(ADJECTIVES)
    while len(tail) < TAIL_NOUNS:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 3))) + rng.choice(codas)
        if word not in known:
            known.add(word)
            tail.append(word)
    nouns, verbs, adjectives = list(NOUNS), list(VERBS), list(ADJECTIVES)
    for words in (nouns, verbs, adjectives):
        rng.shuffle(words)
    return Vocabulary(tuple(nouns + tail), tuple(verbs), tuple(adjectives))


class _Zipf:
    """Draws from a list with weight 1/rank**s (the list's order is the rank)."""

    def __init__(self, items: Sequence[str], exponent: float = ZIPF_EXPONENT):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _inflect(verb: str, ending: str) -> str:
    if ending == "s":
        return _plural(verb)
    stem = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
    if ending == "ed":
        return stem + ("d" if stem.endswith("e") else "ed") if not verb.endswith("y") else verb[:-1] + "ied"
    return stem + "ing"


class CaptionGenerator:
    """Titles and captions from templates, slots filled by Zipf-weighted draws."""

    def __init__(self, seed: int, vocabulary: Vocabulary | None = None):
        self.rng = random.Random(seed)
        vocabulary = vocabulary or build_vocabulary()
        self.nouns = _Zipf(vocabulary.nouns)
        self.verbs = _Zipf(vocabulary.verbs)
        self.adjectives = _Zipf(vocabulary.adjectives)
        self.first = _Zipf(FIRST_NAMES, 0.8)
        self.surnames = _Zipf(SURNAMES, 0.8)
        self.places = _Zipf(PLACES)
        self.countries = _Zipf(COUNTRIES)
        self.organisations = _Zipf(ORGANISATIONS)

    def person(self) -> str:
        return f"{self.first.draw(self.rng)} {self.surnames.draw(self.rng)}"

    def date(self) -> tuple[str, str]:
        year, month, day = self.rng.randint(1995, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return f"{MONTHS[month - 1]} {day}, {year}", f"{year:04d}-{month:02d}-{day:02d}"

    def fill(self, template: str, date: str) -> str:
        words = []
        for slot in template.split():
            comma = "," if slot.endswith(",") else ""
            slot = slot.rstrip(",")
            words.append(self._slot(slot, date) + comma)
        return " ".join(words)

    def _slot(self, slot: str, date: str) -> str:
        rng = self.rng
        if slot == "N":
            noun = self.nouns.draw(rng)
            return _plural(noun) if rng.random() < 0.3 else noun
        if slot in ("V", "Vs", "Ved", "Ving"):
            return self.verbs.draw(rng) if slot == "V" else _inflect(self.verbs.draw(rng), slot[1:])
        fillers = {
            "A": lambda: self.adjectives.draw(rng),
            "P": lambda: rng.choice(PREPOSITIONS),
            "D": lambda: rng.choice(DETERMINERS),
            "PERSON": self.person,
            "PLACE": lambda: self.places.draw(rng),
            "COUNTRY": lambda: self.countries.draw(rng),
            "ORG": lambda: self.organisations.draw(rng),
            "DATE": lambda: date,
            "NUM": lambda: str(rng.choice([2, 3, 4, 5, 6, 10, 12, 20, 100])),
        }
        return fillers[slot]() if slot in fillers else slot

    def title(self, date: str) -> str:
        while True:
            words = self.fill(self.rng.choice(TITLES), date).split()
            if 3 <= len(words) <= 6:
                return " ".join(w[:1].upper() + w[1:] for w in words)

    def caption(self, date: str) -> str:
        target = self.rng.randint(20, 60)
        sentences: list[str] = []
        count = 0
        while True:
            sentence = self.fill(self.rng.choice(SENTENCES), date)
            size = len(sentence.split())
            if count + size > 60:
                break
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            count += size
            if count >= target:
                break
        return " ".join(sentences)

    def entry(self, number: int) -> dict:
        """One manifest entry (the keys the JSONL manifest reader accepts)."""
        rng = self.rng
        long_date, iso_date = self.date()
        caption = self.caption(long_date)
        while len(caption.split()) < 20:
            caption = self.caption(long_date)
        entry = {
            "id": f"p{number:07d}",
            "image": f"images/p{number:07d}.jpg",
            "title": self.title(long_date),
            "caption": caption,
            "credit": f"{self.person()}/{rng.choice(AGENCIES)}",
            "date": iso_date,
            "keywords": sorted({self.nouns.draw(rng) for _ in range(rng.randint(2, 4))}),
        }
        roll = rng.random()
        if roll < ALT_SHARE:
            entry["alt"] = self.fill(rng.choice(SENTENCES[:4]), long_date)
        elif roll < ALT_SHARE + EMPTY_ALT_SHARE:
            entry["alt"] = ""
        return entry


def generate(size: int, seed: int = 7) -> Iterator[dict]:
    """``size`` manifest entries; the same seed gives the same entries, and a prefix for a smaller size."""
    generator = CaptionGenerator(seed)
    for number in range(1, size + 1):
        yield generator.entry(number)


def changed(entries: Sequence[dict], fraction: float, seed: int) -> list[dict]:
    """A copy of ``entries`` with ``fraction`` of the captions edited (a sentence added)."""
    rng = random.Random(seed)
    generator = CaptionGenerator(seed + 1)
    picked = set(rng.sample(range(len(entries)), max(1, round(len(entries) * fraction))))
    result = []
    for position, entry in enumerate(entries):
        if position in picked:
            entry = dict(entry, caption=entry["caption"] + " " + generator.fill(rng.choice(SENTENCES), "today") + ".")
        result.append(entry)
    return result


QUERY_KINDS = ("one-word", "two-word", "three-word", "phrase", "or", "typo")
_QUERY_SKIP = frozenset(DETERMINERS + PREPOSITIONS + "and of is as from seen".split())


def query_mix(entries: Sequence[dict], count: int = 300, seed: int = 11) -> list[dict]:
    """A fixed mix of queries drawn from the captions (so they match), ``count`` of them in turns.

    Each query is ``{"kind", "words", "text"}``: ``text`` in captionsearch's
    syntax, which is also Whoosh's; the baselines translate ``kind`` and ``words``.
    """
    rng = random.Random(seed)
    queries = []
    for number in range(count):
        kind = QUERY_KINDS[number % len(QUERY_KINDS)]
        words = _query_words(kind, entries, rng)
        text = {"phrase": '"' + " ".join(words) + '"', "or": " OR ".join(words)}.get(kind, " ".join(words))
        queries.append({"kind": kind, "words": words, "text": text})
    return queries


def _query_words(kind: str, entries: Sequence[dict], rng: random.Random) -> list[str]:
    while True:
        caption = rng.choice(entries)["caption"].replace(",", "").replace(".", "")
        words = caption.split()
        content = [w.lower() for w in words if w.lower() not in _QUERY_SKIP and not w.isdigit()]
        if kind == "phrase":
            start = rng.randrange(len(words) - 2)
            phrase = words[start : start + rng.choice((2, 3))]
            if not any(w.lower() in _QUERY_SKIP or w.isdigit() for w in phrase):
                return [w.lower() for w in phrase]
            continue
        if kind == "or":
            other = rng.choice(entries)["caption"].replace(",", "").replace(".", "").split()
            pair = [rng.choice(content), rng.choice([w.lower() for w in other if w.lower() not in _QUERY_SKIP])]
            if pair[0] != pair[1]:
                return pair
            continue
        if kind == "typo":
            long_words = [w for w in content if len(w) >= 6 and w.isalpha()]
            if long_words:
                return [_misspell(rng.choice(long_words), rng)]
            continue
        size = {"one-word": 1, "two-word": 2, "three-word": 3}[kind]
        picked = list(dict.fromkeys(content))
        if len(picked) >= size:
            return rng.sample(picked, size)


def _misspell(word: str, rng: random.Random) -> str:
    """One edit: swap two neighbours, drop a letter or change one."""
    at = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "change"))
    if edit == "swap" and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    letter = rng.choice([c for c in "aeioustrnl" if c != word[at]])
    return word[:at] + letter + word[at + 1 :]


def write_jsonl(entries: Iterator[dict] | Sequence[dict], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for entry in entries:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            count += 1
    return count


def parse_size(text: str) -> int:
    if text in SIZES:
        return SIZES[text]
    multiplier = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if multiplier > 1 else text) * multiplier)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1M or a number")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="JSONL manifest to write")
    args = parser.parse_args(argv)
    count = write_jsonl(generate(parse_size(args.size), args.seed), args.out)
    print(f"wrote {count} captions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
