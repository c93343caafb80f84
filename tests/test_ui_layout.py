"""What a user sees in Chromium at phone and desktop widths, light and dark, and what a reload keeps.

Each test opens its own browser context (its own local storage) on the `qa serve` of
tests/ui_helpers.py and checks what is visible: bounding boxes inside the window, no horizontal
overflow, all tabs, the question box after an answer, the viewer as a panel that closes back to
the same place, WCAG contrast of the text in every panel (light and dark), chats kept across a
reload, regenerating and editing a question. Screenshots go to test-artifacts/layout-*.png.
"""
from __future__ import annotations

import pytest

from ui_helpers import (ANSWER_TIMEOUT_MS, ARTIFACTS, ask, box, chromium_or_skip, contrast, inside_viewport,
                        open_app, overlap)

pytestmark = pytest.mark.slow

TABS = ("Artikel", "Quellen", "Als Markdown", "Korpus")
OVERVIEW = "Was berichten die Artikel im Februar 2020 über den Irak?"  # several articles, a time note
FIRST = "Wer ist der neue EU-Außenbeauftragte?"
FOLLOW_UP = "Mit wem diskutiert er am Abend?"
ABSTENTION = "Dazu enthalten die Artikel keine Angaben."
WCAG_AA = 4.5


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = chromium_or_skip(p)
        yield browser
        browser.close()


@pytest.fixture
def opened(browser):
    """open(width, height, scheme) -> a page in a fresh context; all closed after the test."""
    pages = []

    def open_(width: int, height: int, scheme: str = "light"):
        pages.append(open_app(browser, width, height, scheme))
        return pages[-1]

    yield open_
    for page in pages:
        page.context.close()


def _no_horizontal_overflow(page) -> None:
    width, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= width, f"die Seite ist {scroll} px breit, das Fenster {width} px"


def _all_tabs_visible(page) -> None:
    """All four tabs side by side inside the window once their row is scrolled to."""
    page.get_by_role("tab", name=TABS[0], exact=True).scroll_into_view_if_needed()
    for name in TABS:
        tab = page.get_by_role("tab", name=name, exact=True)
        assert tab.is_visible() and inside_viewport(page, tab), f"Tab „{name}“ nicht zu sehen"
    assert not page.get_by_role("button", name="Weitere Tabs").is_visible()  # Gradio's "…" menu


def _kept(page, label: str):
    """Wait until the list of chats kept in the browser shows `label` (it is stored after the answer)."""
    from playwright.sync_api import expect

    entry = page.locator("#qa-chats label").filter(has_text=label)
    if not page.locator("#qa-chats").is_visible():
        page.locator("#qa-chats-box button.label-wrap").click()
    expect(entry).to_be_visible()
    return entry


def _scroll_y(page) -> float:
    return page.evaluate("window.scrollY")


@pytest.mark.parametrize("width,height", [(360, 740), (390, 844)])
def test_phone_width_header_status_tabs_and_the_viewer_as_a_panel(opened, width, height):
    from playwright.sync_api import expect

    page = opened(width, height)
    name = f"layout-{width}"
    header = page.locator("#qa-header .qa-header-meta")
    expect(header).to_contain_text("5 Artikel im Korpus")
    assert inside_viewport(page, page.locator("#qa-header .qa-header")) and inside_viewport(page, header)
    _no_horizontal_overflow(page)
    _all_tabs_visible(page)
    page.screenshot(path=ARTIFACTS / f"{name}-1-start.png")

    answer = ask(page, OVERVIEW)
    expect(answer.locator("a[href^='#zitat-']")).not_to_have_count(0)
    assert inside_viewport(page, page.locator("#qa-question textarea")), "Fragefeld nach der Antwort nicht zu sehen"
    badge = box(page.locator("#qa-status .qa-badge").first)
    note = box(page.locator("#qa-time"))
    assert badge["height"] < 40, f"Statusplakette {badge['height']:.0f} px hoch (mehrzeilig zerdrückt)"
    assert note["width"] > 0.6 * width, f"Zeithinweis nur {note['width']:.0f} px breit"
    assert inside_viewport(page, page.locator("#qa-drop-time")) or box(page.locator("#qa-drop-time"))["width"] <= width
    _no_horizontal_overflow(page)
    _all_tabs_visible(page)
    page.screenshot(path=ARTIFACTS / f"{name}-2-antwort.png")

    citation = answer.locator("a[href^='#zitat-']").first
    citation.scroll_into_view_if_needed()
    before = _scroll_y(page)
    citation.click()
    mark = page.locator("#qa-inspector mark")
    expect(mark).to_have_count(1)
    expect(mark).to_be_in_viewport()
    close = page.get_by_role("button", name="Zurück zum Gespräch")
    expect(close).to_be_visible()
    assert inside_viewport(page, close)
    assert abs(_scroll_y(page) - before) < 2, "die Seite ist zum Artikel gesprungen"
    _no_horizontal_overflow(page)
    page.screenshot(path=ARTIFACTS / f"{name}-3-artikel.png")

    page.get_by_role("tab", name="Quellen").click()  # the panel's tabs work inside it
    expect(page.locator("#qa-sources .qa-source").first).to_be_in_viewport()
    close.click()
    expect(close).to_be_hidden()
    assert abs(_scroll_y(page) - before) < 2, "nicht an dieselbe Stelle zurück"
    expect(citation).to_be_in_viewport()
    assert inside_viewport(page, page.locator("#qa-question textarea"))
    page.screenshot(path=ARTIFACTS / f"{name}-4-zurueck.png")


def test_desktop_question_box_bin_icon_grouped_sources_and_a_fresh_article_from_the_corpus(opened):
    from playwright.sync_api import expect

    page = opened(1280, 800)
    answer = ask(page, OVERVIEW)
    expect(page.locator("#qa-time")).to_contain_text("Zeit aus der Frage")
    for element in ("#qa-question textarea", "#qa-send", "#qa-status"):
        assert inside_viewport(page, page.locator(element)), f"{element} nach der Antwort nicht zu sehen"
    page.locator("#qa-chat .bubble-wrap").evaluate("e => { e.scrollTop = 0; }")
    bin_icon = box(page.get_by_role("button", name="Gespräch löschen"))
    first_message = box(page.locator("#qa-chat .user-row .message").first)
    assert not overlap(bin_icon, first_message), "das Löschsymbol liegt über der ersten Nachricht"
    _no_horizontal_overflow(page)
    page.screenshot(path=ARTIFACTS / "layout-1280-1-antwort.png")

    page.get_by_role("tab", name="Quellen").click()
    cards = page.locator("#qa-sources .qa-source")
    expect(cards.first).to_be_visible()
    titles = [t.strip() for t in page.locator("#qa-sources .qa-source-title").all_inner_texts()]
    passages = page.locator("#qa-sources .qa-hit").count()
    assert len(titles) == len(set(titles)), f"ein Artikel in mehreren Karten: {titles}"
    assert passages > len(titles) > 1  # several passages of one article share its card
    expect(cards.first).to_contain_text("Textstellen")
    page.screenshot(path=ARTIFACTS / "layout-1280-2-quellen.png")

    citation = answer.locator("a[href^='#zitat-']").first
    citation.click()
    mark = page.locator("#qa-inspector mark")
    expect(mark).to_be_in_viewport()
    assert _scroll_y(page) == 0, "die Seite hat sich verschoben"
    title = page.locator("#qa-inspector .qa-article-title")
    inspector = box(page.locator("#qa-inspector"))
    page.mouse.move(inspector["x"] + inspector["width"] / 2, inspector["y"] + 100)
    page.mouse.wheel(0, 5000)  # read on to the article's end ...
    expect(title).not_to_be_in_viewport()
    assert _scroll_y(page) == 0
    page.get_by_role("tab", name="Korpus").click()
    page.locator("#qa-corpus a").last.click()
    expect(page.locator("#qa-inspector mark")).to_have_count(0)
    expect(title).to_be_in_viewport()  # ... and the next article opens at its start
    assert inside_viewport(page, title)
    page.screenshot(path=ARTIFACTS / "layout-1280-3-korpus.png")


@pytest.mark.parametrize("scheme,width,height", [("dark", 1280, 800), ("dark", 390, 844), ("light", 1280, 800)])
def test_text_in_every_panel_is_readable(opened, scheme, width, height):
    from playwright.sync_api import expect

    page = opened(width, height, scheme)
    if scheme == "dark":
        assert page.evaluate("document.body.classList.contains('dark')")
    checks = {"Willkommen": "#qa-chat .qa-welcome", "Artikelansicht leer": "#qa-inspector .qa-empty li"}
    ratios = {label: contrast(page.locator(sel).first) for label, sel in checks.items()}
    answer = ask(page, OVERVIEW)
    answer.locator("a[href^='#zitat-']").first.click()
    expect(page.locator("#qa-inspector mark")).to_be_in_viewport()
    page.screenshot(path=ARTIFACTS / f"layout-{scheme}-{width}-1-artikel.png")
    checks = {"Artikeltext": "#qa-inspector .qa-article-text", "Zitat": "#qa-inspector mark",
              "Artikeltitel": "#qa-inspector .qa-article-title", "Artikelangaben": "#qa-inspector .qa-article-meta",
              "Seitenelemente": "#qa-inspector .qa-boiler"}
    if width < 900:
        page.get_by_role("tab", name="Quellen").click()
    else:
        checks.update({"Antwort": "#qa-chat .bot-row .message-content", "Frage": "#qa-chat .user-row .message-content",
                       "Statusplakette": "#qa-status .qa-badge", "Zeithinweis": "#qa-time",
                       "Fragefeld": "#qa-question textarea"})
        page.get_by_role("tab", name="Quellen").click()
    ratios.update({label: contrast(page.locator(sel).first) for label, sel in checks.items()
                   if page.locator(sel).count()})
    assert "Artikeltext" in ratios and "Zitat" in ratios
    checks = {"Quellenkarte": "#qa-sources .qa-source-title", "Textstelle": "#qa-sources .qa-hit-text",
              "Quellenangaben": "#qa-sources .qa-hit-meta", "Scores": "#qa-sources .qa-hit-scores"}
    expect(page.locator(checks["Quellenkarte"]).first).to_be_visible()
    ratios.update({label: contrast(page.locator(sel).first) for label, sel in checks.items()})
    page.screenshot(path=ARTIFACTS / f"layout-{scheme}-{width}-2-quellen.png")
    page.get_by_role("tab", name="Korpus").click()
    expect(page.locator("#qa-corpus a").first).to_be_visible()
    ratios.update({"Korpus": contrast(page.locator("#qa-corpus a").first),
                   "Korpusangaben": contrast(page.locator("#qa-corpus .qa-hit-meta").first)})
    weak = {label: r for label, r in ratios.items() if r["ratio"] < WCAG_AA}
    assert not weak, f"Kontrast unter {WCAG_AA}: {weak}"


def test_a_chat_survives_a_reload_and_earlier_chats_are_listed(opened):
    from playwright.sync_api import expect

    page = opened(1280, 800)
    users, bots = page.locator("#qa-chat .user-row"), page.locator("#qa-chat .bot-row")
    ask(page, FIRST)
    ask(page, FOLLOW_UP)
    expect(page.locator("#qa-chats-box")).to_contain_text("Gespräche (1)")
    _kept(page, f"{FIRST} (2 Fragen)")

    page.reload(wait_until="domcontentloaded")
    expect(bots).to_have_count(2, timeout=ANSWER_TIMEOUT_MS)
    expect(users.nth(0)).to_contain_text(FIRST)
    expect(users.nth(1)).to_contain_text(FOLLOW_UP)
    expect(page.locator("#qa-understood")).to_contain_text("Verstanden als: Mit wem diskutiert Josep Borrell am Abend?")
    bots.nth(1).locator("a[href^='#zitat-']").first.click()  # citations of a kept chat still open
    expect(page.locator("#qa-inspector mark")).to_contain_text("Josep Borrell")
    page.get_by_role("tab", name="Als Markdown").click()
    export = page.locator("#qa-export")
    expect(export).to_contain_text(FOLLOW_UP)
    text = export.inner_text()
    assert text.index(f"**Frage:** {FIRST}") < text.index(f"**Frage:** {FOLLOW_UP}")
    page.screenshot(path=ARTIFACTS / "layout-gespraech-1-neu-geladen.png")

    page.get_by_role("button", name="Neues Gespräch").click()
    expect(bots).to_have_count(0)
    ask(page, "Wer ist der niederländische Außenminister?")
    expect(page.locator("#qa-chats-box")).to_contain_text("Gespräche (2)")
    earlier = _kept(page, f"{FIRST} (2 Fragen)")
    page.screenshot(path=ARTIFACTS / "layout-gespraech-2-liste.png")
    earlier.click()
    expect(bots).to_have_count(2)
    expect(users.nth(0)).to_contain_text(FIRST)

    page.reload(wait_until="domcontentloaded")  # the chat shown last comes back
    expect(bots).to_have_count(2, timeout=ANSWER_TIMEOUT_MS)
    expect(users.nth(1)).to_contain_text(FOLLOW_UP)
    page.get_by_role("button", name="Gespräch löschen").click()  # deletes the chat shown, also from the list
    expect(bots).to_have_count(0)
    expect(page.locator("#qa-chats-box")).to_contain_text("Gespräche (1)")
    page.reload(wait_until="domcontentloaded")
    expect(page.locator("#qa-chats-box")).to_contain_text("Gespräche (1)", timeout=ANSWER_TIMEOUT_MS)
    expect(bots).to_have_count(0)


def test_regenerate_and_edit_the_last_question(opened):
    from playwright.sync_api import expect

    page = opened(390, 844)
    users, bots = page.locator("#qa-chat .user-row"), page.locator("#qa-chat .bot-row")
    expect(ask(page, FIRST)).to_contain_text("Borrell")

    page.get_by_text("Filter: Artikel und Zeitraum").click()  # regenerate with a date range nothing is in
    page.get_by_label("Von (Datum)").fill("2030-01-01")
    page.get_by_role("button", name="Wiederholen").click()
    expect(bots.first).to_contain_text(ABSTENTION, timeout=ANSWER_TIMEOUT_MS)
    expect(users).to_have_count(1)
    expect(bots).to_have_count(1)
    page.get_by_label("Von (Datum)").fill("")

    page.get_by_role("button", name="Bearbeiten").click()
    page.locator("#qa-chat .user-row textarea").fill("Wer ist der niederländische Außenminister?")
    page.get_by_role("button", name="Senden").click()
    expect(bots.first).to_contain_text("Blok", timeout=ANSWER_TIMEOUT_MS)
    expect(users).to_have_count(1)
    expect(users.first).to_contain_text("Wer ist der niederländische Außenminister?")
    assert inside_viewport(page, page.locator("#qa-question textarea"))
    page.screenshot(path=ARTIFACTS / "layout-bearbeitet.png")
    _kept(page, "Wer ist der niederländische Außenminister? (1 Frage)")

    page.reload(wait_until="domcontentloaded")  # the edited chat is the one kept
    expect(bots).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(users.first).to_contain_text("Wer ist der niederländische Außenminister?")
    expect(bots.first).to_contain_text("Blok")


def test_a_link_into_the_app_opens_the_passage_as_a_panel_on_a_phone(browser):
    """The API's citation links (?artikel=…&von=…&bis=…) on a phone: the panel with the passage,
    and "Zurück zum Gespräch" leads to the chat."""
    from urllib.parse import urlencode

    from playwright.sync_api import expect

    from ui_helpers import REPO, UI_TIMEOUT_MS, app_url

    quote = "Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018."
    source = "002_02adc48ef0db0a26.txt"
    start = (REPO / "corpus" / source).read_text(encoding="utf-8").index(quote)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    try:
        page = context.new_page()
        query = urlencode({"artikel": source, "von": start, "bis": start + len(quote)})
        page.goto(f"{app_url()}?{query}", wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
        mark = page.locator("#qa-inspector mark")
        expect(mark).to_have_text(quote, timeout=UI_TIMEOUT_MS)
        expect(mark).to_be_in_viewport()
        close = page.get_by_role("button", name="Zurück zum Gespräch")
        expect(close).to_be_visible()
        page.screenshot(path=ARTIFACTS / "layout-390-link.png")
        close.click()
        expect(page.locator("#qa-question textarea")).to_be_in_viewport()
        _no_horizontal_overflow(page)
    finally:
        context.close()
