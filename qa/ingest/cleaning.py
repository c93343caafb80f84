"""The text of a corpus file -> Article: decode, strip web boilerplate, keep title/publisher/date.

Cleaning never rewrites text: it only decides which spans (`segments`) of the
source text are article content, so every passage keeps its offsets in the
original file. Plain-text and Markdown files are their own source text; for
HTML the source text is the text trafilatura extracts from the page.

Text files with a byte order mark are decoded by it (UTF-8, UTF-16, UTF-32); empty files
and files without article text are refused with a German reason, like binary files.

A title comes from a headline line here; where the file names none, `lead_title` makes a
short one from its lead sentence (at most ten words, cut at a word boundary, "…" when
shortened). Dates of date lines, date tags and closing bylines are `PartialDate`s (a day that
does not exist or lies in the future is none).

Not here: which reader a file suffix gets (qa.ingest.formats), reading the file and the sidecar
metadata (qa.ingest.corpus). Not handled: PDFs and office documents; UTF-16/32 without a byte
order mark; boilerplate that is not line-shaped (we drop whole lines, or a credit at the end of a
line, never words inside a sentence).
"""
from __future__ import annotations

import codecs
import logging
import re

from qa.dates import PartialDate, plausible
from qa.errors import CorpusError
from qa.language import month_pattern, months
from qa.records import Article

logger = logging.getLogger(__name__)

# Whole lines that are navigation, credits or site furniture, never article text.
BOILERPLATE_LINES = [
    r"(\d+\.\s*)?Zum Inhalt springen",
    r"(\d+\.\s*)?Zur (Haupt)?[Nn]avigation springen",
    r"(\d+\.\s*)?Zu weiteren Angeboten .* springen",
    r"(\d+\.\s*)?Zur Suche springen",
    r"Den nächsten Abschnitt .* überspringen",
    r"Willkommen auf (den Seiten|der Seite|der Website|der Homepage) .*",
    r"Schlagworte:?",
    r"Schlagwörter:?",
    r"nach oben",
    r"Seitenanfang",
    r"Zurück nach oben",
    r"Mehr zum Thema:?",
    r"Teilen( auf)?:?",
    r"Drucken",
    r"(Bild|Foto|Fotos|Quelle|Copyright): .*",
    r".*©.*",
    r"[a-z]{2,4}(/[a-z]{2,4})+ ?\(.*\)",  # author initials "nob/kle (afp, dpa)"
    r"[^|]+( \| [^|]+){2,}",  # tag lines "Deutschland | A und B | Konferenz"
]
_BOILERPLATE = re.compile(r"^\s*(?:" + "|".join(BOILERPLATE_LINES) + r")\s*$")
# A caption credit glued to the end of a line: "... fortsetzenBild: picture-alliance/dpa/S. Hoppe".
_TRAILING_CREDIT = re.compile(r"\s*(?:Bild|Foto|Fotos): [^\n]{1,80}$")
_LEADING_DATE_TAG = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s*")

# The byline that closes an article of DER STANDARD and others: "(APA, 11.9.2015)", "(Renate Graber, 10.5.2016)".
_BYLINE_DATE = re.compile(r"\((?:[^()\d]{1,80}),\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\)\s*$")
_DATE_LONG = re.compile(r"^\s*(\d{1,2})\.\s*(" + month_pattern() + r")\s+(\d{4})\s*$", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(\s*[-–]\s*\w+)?\s*$")
_PUBLISHER_PATTERNS = [
    re.compile(r"Zu weiteren Angeboten (?:der|des) (?P<pub>.+?) springen"),
    re.compile(r"Willkommen auf (?:den Seiten|der Seite|der Website|der Homepage) (?:der|des) (?P<pub>.+?)\s*$"),
]


# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
                    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")  # English log lines about pages


def decode(data: bytes, name: str) -> str:
    """A byte order mark decides (UTF-8/16/32); else UTF-8; else the encoding charset-normalizer
    finds; binary is refused."""
    for mark, codec, label in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise CorpusError(f"Die Datei {name} beginnt wie eine {label}-Datei, ist aber nicht gültig "
                                  f"{label}-kodiert, und wird übersprungen.") from None
    if b"\x00" in data[:8192]:
        raise CorpusError(f"Die Datei {name} ist keine Textdatei und wird übersprungen.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise CorpusError(f"Die Datei {name} ist keine lesbare Textdatei und wird übersprungen.")
    logger.warning("%s ist kein UTF-8; gelesen als %s.", name, best.encoding)
    return str(best)


def decode_text(data: bytes, name: str) -> str:
    """The text of a file (`decode`); CorpusError (German) when it is empty."""
    text = decode(data, name)
    if not text.strip():
        raise CorpusError(f"Die Datei {name} ist leer und wird übersprungen.")
    return text


_LINE = re.compile(r"[^\n]*(?:\n|$)")


def parse_text(name: str, text: str, digest: str, markdown: bool = False, skip: int = 0) -> Article:
    """Clean plain text (or Markdown): keep content lines as segments, collect metadata.
    The first `skip` characters (front matter) are never article text."""
    segments: list[tuple[int, int]] = []
    title = publisher = date = byline = None
    for match in _LINE.finditer(text, skip):
        start, end = _strip_span(text, match.start(), match.end())
        if start >= end:
            continue
        line = text[start:end]
        publisher = publisher or _publisher(line)
        tag = _LEADING_DATE_TAG.match(line)
        if tag:
            date = date or PartialDate.parse(tag.group(1))  # a tag naming no day that exists ("2020-02-31") gives none
            start += tag.end()
            line = text[start:end]
        if not line:
            continue
        line_date = parse_date_line(line)
        if line_date:
            date = date or line_date
            continue
        if _BOILERPLATE.match(line):
            continue
        byline = _byline_date(line) or byline
        credit = _TRAILING_CREDIT.search(line)
        if credit and credit.start() > 0:
            end = start + credit.start()
            line = text[start:end]
        if markdown:
            heading = re.match(r"#{1,6}\s+", line)
            if heading:
                start += heading.end()
                line = text[start:end]
                if title is None and not segments:
                    title = line
        if title is None and not segments and _looks_like_title(line):
            title = line
        elif title is None and segments and len(segments) <= 2 and _looks_like_title(line) and _is_rubric(text, segments):
            title = line
        segments.append((start, end))
    return Article(source=name, source_text=text, segments=tuple(segments), content_hash=digest,
                   title=title, publisher=publisher, date=date or byline)


TITLE_WORDS = 10
TITLE_CHARS = 90
# words a shortened title does not end on (not "… wollen den Kampf gegen die…")
_DANGLING = frozenset("""der die das den dem des ein eine einer eines einem einen und oder aber sowie sondern
    dass daß als wie weil wenn ob in im ins am an auf aus bei beim mit nach von vom vor zu zum zur für gegen
    über unter um durch ohne seit bis zwischen hinter während sich ihr ihre ihrer ihren ihrem ihres sein seine
    seiner seinen seinem seines diese dieser diesen diesem dieses jede jeder jeden jedem kein keine keinen
    keinem keiner so auch noch""".split())
# a dateline before the lead: "Stuttgart - ", "Berlin (dpa) – "
_DATELINE = re.compile(r"^[A-ZÄÖÜ][\w./-]{1,30}(?:\s+\([^()]{1,30}\))?\s+[-–—]\s+")


def lead_title(article: Article) -> str | None:
    """A short title made from the article's first sentence of at least three words (its dateline
    dropped): the whole sentence without its full stop when it has at most TITLE_WORDS words and
    TITLE_CHARS characters, else cut at a word boundary (at a comma, colon or dash where one lies
    past the third word), without a dangling article or preposition, and ended with "…"."""
    from qa.ingest.chunking import split_sentences

    for start, end in article.segments:
        for sentence in split_sentences(article.source_text[start:end], start):
            text = _DATELINE.sub("", " ".join(sentence.text.split()))
            words = text.split()
            if len(words) >= 3:
                return _shorten(words)
    return None


def _shorten(words: list[str]) -> str:
    whole = " ".join(words)
    if len(words) <= TITLE_WORDS and len(whole) <= TITLE_CHARS:
        return whole[:-1] if whole.endswith(".") and not whole.endswith("..") else whole
    kept = words[:TITLE_WORDS]
    while len(kept) > 3 and len(" ".join(kept)) > TITLE_CHARS - 1:
        kept.pop()
    clause = [i for i in range(3, len(kept)) if kept[i][-1] in ",;:" or kept[i] in ("-", "–", "—")]
    if clause:
        kept = kept[:clause[-1] + (0 if kept[clause[-1]] in ("-", "–", "—") else 1)]
    while len(kept) > 3 and kept[-1].lower().strip(",;:") in _DANGLING:
        kept.pop()
    return " ".join(kept).rstrip(",;:.") + "…"


def _byline_date(line: str) -> PartialDate | None:
    """The date of a closing byline "(APA, 11.9.2015)" at the end of a line (a date line comes first)."""
    m = _BYLINE_DATE.search(line)
    if not m:
        return None
    return plausible(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def parse_date_line(line: str) -> PartialDate | None:
    """The date of a line that is only a date: "14. Februar 2020", "04.06.2020 - Artikel"; a day that
    does not exist or lies in the future is none (qa.dates.plausible)."""
    m = _DATE_LONG.match(line)
    if m:  # a day that does not exist ("31. Februar 2020") is no date
        return plausible(int(m.group(3)), months()[m.group(2).lower()], int(m.group(1)))
    m = _DATE_NUMERIC.match(line)
    if m:
        return plausible(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _publisher(line: str) -> str | None:
    for pattern in _PUBLISHER_PATTERNS:
        m = pattern.search(line)
        if m:
            return _nominative(m.group("pub").strip())
    return None


def _nominative(phrase: str) -> str:
    """'Auswärtigen Amts' -> 'Auswärtiges Amt' (the common genitive of site names)."""
    words = phrase.split()
    if len(words) == 2 and words[0].endswith("en") and words[1].endswith("s") and words[1][0].isupper():
        return f"{words[0][:-1]}s {words[1][:-1]}"
    return phrase


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 16 and len(line) <= 140 and line[-1] not in ".:;,"


def _is_rubric(text: str, segments: list[tuple[int, int]]) -> bool:
    """Only one-word rubric lines ("Politik") came before."""
    return all(len(text[a:b].split()) == 1 for a, b in segments)


def html_article(name: str, html: str, digest: str) -> Article:
    import trafilatura

    for logger_name in QUIET_LOGGERS:  # their findings are ours to report, in German
        logging.getLogger(logger_name).setLevel(logging.CRITICAL)
    # the date from the page's metadata (htmldate inside trafilatura: meta tags, JSON-LD, <time>,
    # the URL), not from a search of the whole text, which finds any date the article mentions
    extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                            with_metadata=True, favor_precision=True,
                                            date_extraction_params={"extensive_search": False,
                                                                    "original_date": True})
    if extracted is None or not (extracted.text or "").strip():
        raise CorpusError(f"Die Datei {name} enthält keinen erkennbaren Artikeltext und wird übersprungen.")
    article = parse_text(name, extracted.text, digest)
    return Article(source=name, source_text=article.source_text, segments=article.segments,
                   content_hash=digest, title=extracted.title or article.title,
                   publisher=extracted.sitename or article.publisher,
                   date=PartialDate.parse(extracted.date) or article.date)  # checked like any metadata date
