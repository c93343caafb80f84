"""The UI in a real browser (Debian's Chromium driven by Playwright), plus the HTML it is sent.

The browser test starts `qa serve` (tests/ui_helpers.py) with the real corpus and
model, asks, clicks a citation and checks the highlighted passage, checks the
abstention, an empty question and that HTML in a question is shown, not run.
Screenshots go to test-artifacts/. Without /usr/bin/chromium the browser test
is skipped locally and fails in CI (CI=true).
"""
from __future__ import annotations

import pytest

from qa.dates import PartialDate
from qa.records import Answer, Article, Citation
from ui_helpers import ANSWER_TIMEOUT_MS, ARTIFACTS, UI_TIMEOUT_MS, ask, chromium_or_skip

QUESTION = "Seit wann läuft der aktuelle Irak-Einsatz der NATO?"
QUOTE = "Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018."
UNANSWERABLE = "Wer gewann die Bundestagswahl 2021?"
ABSTENTION = "Dazu enthalten die Artikel keine Angaben."


# -- what the browser is sent (no browser needed) ----------------------------------------------

def _article(text: str) -> Article:
    return Article(source="x.txt", source_text=text, segments=((0, len(text)),), content_hash="h",
                   title="<b>Titel</b>", publisher="DW", date=PartialDate(2020, 2, 14))


def test_article_html_escapes_the_text_and_marks_exactly_the_quote():
    from qa.app.rendering import article_html

    text = "<script>alert(1)</script> Vorher. Der Satz & mehr. Nachher <img src=x onerror=alert(2)>"
    start = text.index("Der Satz")
    end = start + len("Der Satz & mehr.")
    page = article_html(_article(text), start, end)
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Titel&lt;/b&gt;" in page
    assert page.count("<mark") == 1
    assert "<mark id='qa-zitat' class='qa-mark'>Der Satz &amp; mehr.</mark>" in page


def test_article_html_dims_boilerplate_but_keeps_the_mark_whole():
    from qa.app.rendering import article_html

    text = "Menü\nDer Satz.\nFußzeile"
    article = Article(source="x.txt", source_text=text, segments=((5, 14),), content_hash="h")
    page = article_html(article, 5, 14)
    assert "<span class='qa-boiler'>Menü\n</span>" in page
    assert "<mark id='qa-zitat' class='qa-mark'>Der Satz.</mark>" in page


def test_chat_markdown_links_markers_and_escapes_markup():
    from qa.app.rendering import answer_markdown_for_chat, md_escape

    citation = Citation(number=1, source="a.txt", chunk_id="a.txt:1", quote="Q", start=0, end=1)
    answer = Answer(text="<img src=x onerror=alert(1)> *fett* [1].\n1. Punkt [7]", short_answer=None,
                    abstained=False, citations=(citation,), hits=(), answerer="extractive")
    message = answer_markdown_for_chat(answer, 3)
    assert "[\\[1\\]](#zitat-3-1).\n1\\. Punkt" in message  # only real citations become links
    assert "\\[7\\]" in message and "#zitat-3-7" not in message
    assert "\\<img" in message and "\\*fett\\*" in message
    assert md_escape("- a\n1. b\n2020 war") == "\\- a\n1\\. b\n2020 war"


def test_make_filters_checks_dates_in_german():
    from qa.errors import QuestionError
    from qa.filters import make_filters

    assert make_filters([], "", None) is None
    assert make_filters(["a.txt"], "2020-01-01", "2020-12-31").date_to == PartialDate(2020, 12, 31)
    with pytest.raises(QuestionError, match="JJJJ-MM-TT"):
        make_filters([], "14.02.2020", "")
    with pytest.raises(QuestionError, match="Zeitraum"):
        make_filters([], "2021-01-01", "2020-01-01")


def _hit(source: str, rank: int, text: str = "Ein Satz.", cited_id: str | None = None):
    from qa.records import Chunk, Hit, Sentence

    chunk = Chunk(id=cited_id or f"{source}:v:{rank}", source=source, text=text, start=10 * rank, end=10 * rank + len(text),
                  position=rank, sentences=(Sentence(text, 10 * rank, 10 * rank + len(text)),),
                  title=f"Titel {source}", publisher="DW", date=PartialDate(2020, 2, 14))
    return Hit(chunk=chunk, score=1 / rank, rank=rank, dense_score=0.9, keyword_score=2.5)


def _answer(question_time=None, understood_as=None):
    from qa.records import QuestionTime

    hits = (_hit("a.txt", 1, "A" * 900), _hit("b.txt", 2), _hit("a.txt", 3), _hit("a.txt", 4), _hit("c.txt", 5))
    citations = (Citation(number=1, source="a.txt", chunk_id=hits[0].chunk.id, quote="Der Satz.", start=3, end=12,
                          title="Titel a.txt", publisher="DW", date=PartialDate(2020, 2, 14)),
                 Citation(number=2, source="b.txt", chunk_id=hits[1].chunk.id, quote="Noch einer.", start=20, end=31))
    return Answer(text="„Der Satz.“ [1] „Noch einer.“ [2]", short_answer=None, abstained=False, citations=citations,
                  hits=hits, answerer="extractive", latency_ms=12.5, notes=("Hinweis",), confidence=0.8,
                  question_time=question_time or QuestionTime(PartialDate(2020, 2, 1), PartialDate(2020, 2, 29), "im Februar 2020"),
                  understood_as=understood_as, kind="overview")


def test_a_kept_chat_reads_back_from_the_browsers_json():
    import json

    from qa.app.forms import Exchange, SavedChats

    first = Exchange("Was war im Februar 2020?", _answer())
    second = Exchange("Und dort?", _answer(understood_as="Und im Irak?"))
    chat_id, store = SavedChats().store(None, (first, second))
    stored = json.loads(json.dumps(store.plain()))  # what the browser keeps and sends back
    back = SavedChats.read(stored)
    assert back.current == chat_id and back.choices() == [("Was war im Februar 2020? (2 Fragen)", chat_id)]
    restored = back.exchanges(chat_id)
    assert [e.question for e in restored] == [first.question, second.question]
    for old, new in zip((first, second), restored):
        assert new.answer.citations == old.answer.citations  # what a citation click opens
        assert (new.answer.text, new.answer.question_time, new.answer.understood_as, new.answer.kind,
                new.answer.notes) == (old.answer.text, old.answer.question_time, old.answer.understood_as,
                                      old.answer.kind, old.answer.notes)
        assert [(h.rank, h.chunk.source, h.chunk.start, h.chunk.end, h.score) for h in new.answer.hits] == \
            [(h.rank, h.chunk.source, h.chunk.start, h.chunk.end, h.score) for h in old.answer.hits]
    assert len(restored[0].answer.hits[0].chunk.text) < 300  # passages keep what the sources panel shows


def test_kept_chats_that_do_not_read_are_left_out():
    from qa.app.forms import MAX_SAVED_CHATS, Exchange, SavedChats

    for junk in (None, "x", [], {"gespraeche": "x"}, {"gespraeche": [1, None, {"id": 3}]}):
        assert SavedChats.read(junk).chats == ()
    broken = {"aktuell": "b", "gespraeche": [
        {"id": "b", "titel": "B", "fragen": [{"frage": "q", "antwort": {"text": 5}}]},  # a number for a text
        {"id": "c", "fragen": [{"frage": "q", "antwort": {"text": "t", "short_answer": None, "abstained": False,
                                                          "citations": [{"__class__": "os.system"}], "hits": [],
                                                          "answerer": "extractive"}}]}]}
    store = SavedChats.read(broken)
    assert store.current == "b" and store.exchanges("b") == () and store.exchanges("c") == ()
    assert store.exchanges("unbekannt") == ()

    chat_id = None
    for n in range(MAX_SAVED_CHATS + 3):
        chat_id, store = store.store(None, (Exchange(f"Frage {n}", _answer()),))
    assert len(store.chats) == MAX_SAVED_CHATS and store.chats[0]["titel"] == f"Frage {MAX_SAVED_CHATS + 2}"
    assert store.delete(chat_id).current is None and len(store.delete(chat_id).chats) == MAX_SAVED_CHATS - 1


def test_markdown_holds_the_whole_conversation_and_sources_are_grouped_by_article():
    from qa.app.forms import Exchange
    from qa.app.rendering import conversation_markdown, sources_html

    text = conversation_markdown([Exchange("Erste Frage?", _answer()),
                                  Exchange("Und dort?", _answer(understood_as="Und im Irak?"))])
    assert text.startswith("**Frage:** Erste Frage?")
    assert text.index("**Frage:** Und dort?") > text.index("---") > text.index("**Quellen:**")
    assert "*Verstanden als: Und im Irak?*" in text and text.count("- [1] a.txt") == 2

    page = sources_html(_answer(), 0)
    assert page.count("<li class='qa-source") == 3  # a.txt (3 passages), b.txt, c.txt
    assert page.index("Titel a.txt") < page.index("Titel b.txt") < page.index("Titel c.txt")
    assert page.count("<li class='qa-hit") == 5 and "5 Textstellen aus 3 Artikeln" in page
    assert "3 Textstellen" in page and page.count("qa-source-cited") == 2 and page.count("qa-hit-cited") == 2


# -- the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    from ui_helpers import app_url

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = chromium_or_skip(p)
        url = app_url()
        context = browser.new_context(viewport={"width": 1400, "height": 950}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.goto(url, wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
        page.locator("#qa-question textarea").wait_for()
        yield page
        context.close()
        browser.close()


_ask = ask  # type a question, send it, return the locator of its answer bubble (tests/ui_helpers.py)


@pytest.mark.slow
def test_ask_click_citation_abstain_and_reject_empty_question(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    expect(page.locator("#qa-header")).to_contain_text("5 Artikel im Korpus", timeout=UI_TIMEOUT_MS)
    expect(page.locator("#qa-chat")).to_contain_text(QUESTION)  # example questions on a first visit
    page.screenshot(path=ARTIFACTS / "ui-1-start.png")

    answer = _ask(page, QUESTION)
    expect(answer).to_contain_text("Oktober 2018")
    citation = answer.locator("a[href^='#zitat-']").first
    expect(citation).to_have_text("[1]")
    expect(page.locator("#qa-status")).to_contain_text("Beantwortet mit")
    page.screenshot(path=ARTIFACTS / "ui-2-antwort.png")

    citation.click()
    mark = page.locator("#qa-inspector mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(QUOTE)
    assert mark.inner_text() == QUOTE
    expect(mark).to_be_in_viewport()
    expect(page.locator("#qa-inspector")).to_contain_text("002_02adc48ef0db0a26.txt")
    page.screenshot(path=ARTIFACTS / "ui-3-zitat.png")

    page.get_by_role("tab", name="Quellen").click()
    cited = page.locator("#qa-sources .qa-hit-cited")
    expect(cited.first).to_contain_text("zitiert [1]")
    page.screenshot(path=ARTIFACTS / "ui-4-quellen.png")

    page.get_by_role("tab", name="Als Markdown").click()
    expect(page.locator("#qa-export")).to_contain_text(QUOTE)

    abstained = _ask(page, UNANSWERABLE)
    expect(abstained).to_contain_text(ABSTENTION)
    expect(abstained.locator("a[href^='#zitat-']")).to_have_count(0)
    expect(page.locator("#qa-status")).to_contain_text("Keine Angaben in den Artikeln")
    page.screenshot(path=ARTIFACTS / "ui-5-keine-angaben.png")

    page.locator("#qa-question textarea").fill("   ")
    page.locator("#qa-send").click()
    expect(page.locator("#qa-question")).to_contain_text("Bitte geben Sie eine Frage ein.")
    expect(page.locator("#qa-chat .bot-row")).to_have_count(2)  # nothing was asked
    page.screenshot(path=ARTIFACTS / "ui-6-leere-frage.png")


@pytest.mark.slow
def test_markup_in_a_question_is_shown_not_run(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.get_by_role("button", name="Neues Gespräch").click()
    expect(page.locator("#qa-chat .bot-row")).to_have_count(0)
    question = "Wer ist der neue EU-Außenbeauftragte? <img src=x onerror=\"window.__qaXss=1\"> <b>fett</b>"
    _ask(page, question)
    expect(page.locator("#qa-chat .user-row").first).to_contain_text("<img src=x onerror=")
    expect(page.locator("#qa-chat .user-row").first).to_contain_text("<b>fett</b>")
    assert page.evaluate("window.__qaXss") is None
    assert page.locator("#qa-chat img[src='x'], #qa-chat b").count() == 0


@pytest.mark.slow
def test_the_time_of_the_question_is_shown_and_can_be_removed(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.get_by_role("button", name="Neues Gespräch").click()
    expect(page.locator("#qa-chat .bot-row")).to_have_count(0)
    _ask(page, "Was beschlossen die NATO-Minister im Februar 2020?")
    expect(page.locator("#qa-time")).to_contain_text("Zeit aus der Frage: Februar 2020")
    page.get_by_role("tab", name="Quellen").click()
    expect(page.locator("#qa-sources .qa-hit-meta").first).to_contain_text("2020")  # every source: publisher, date
    expect(page.locator("#qa-sources")).to_contain_text("Herausgeber unbekannt")
    page.screenshot(path=ARTIFACTS / "ui-7-zeit.png")
    bots = page.locator("#qa-chat .bot-row")
    before = bots.count()
    page.locator("#qa-drop-time").click()
    expect(bots).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#qa-status")).not_to_contain_text("Zeit aus der Frage", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#qa-drop-time")).to_be_hidden()


@pytest.mark.slow
def test_a_follow_up_is_understood_and_says_how(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.get_by_role("button", name="Neues Gespräch").click()
    expect(page.locator("#qa-chat .bot-row")).to_have_count(0)
    _ask(page, "Wer ist der neue EU-Außenbeauftragte?")
    answer = _ask(page, "Mit wem diskutiert er am Abend?")
    expect(page.locator("#qa-understood")).to_contain_text("Verstanden als: Mit wem diskutiert Josep Borrell am Abend?")
    expect(answer.locator("a[href^='#zitat-']").first).to_have_text("[1]")
    page.screenshot(path=ARTIFACTS / "ui-8-nachfrage.png")
