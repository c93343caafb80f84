"""Greetings, questions about the assistant, and chat clients' own task prompts (qa.answer.assistant)."""
import json

from qa.dates import PartialDate

from qa.answer.assistant import (Assistant, Corpus, chat_of, follow_ups, is_client_task, is_small_talk,
                                 task_kind, title, without_greeting)

TAGS = """### Task:
Generate 1-3 broad tags categorizing the main themes of the chat history, along with 1-3 more specific subtopic tags.
### Output:
JSON format: { "tags": ["tag1", "tag2", "tag3"] }
### Chat History:
<chat_history>
USER: Wer ist der neue EU-Außenbeauftragte?
ASSISTANT: Josep Borrell [1].
</chat_history>"""
FOLLOW_UPS = TAGS.replace("Generate 1-3 broad tags categorizing the main themes of the chat history, along with 1-3 "
                          "more specific subtopic tags.", "Suggest 3-5 relevant follow-up questions or prompts").replace(
    '{ "tags": ["tag1", "tag2", "tag3"] }', '{ "follow_ups": ["Question 1?", "Question 2?", "Question 3?"] }')
OLD_TITLE = ("Create a concise, 3-5 word title with an emoji as a title for the chat history, in the given language. "
             "RESPOND ONLY WITH THE TITLE TEXT.\n\nChat History:\n<chat_history>\nUSER: Was kostet der Einsatz?\n"
             "</chat_history>")


def test_recognised_and_kept_apart_from_questions():
    assert is_client_task(TAGS) and is_client_task(OLD_TITLE)
    assert [task_kind(t) for t in (TAGS, FOLLOW_UPS, OLD_TITLE)] == ["tags", "follow_ups", "title"]
    assert is_small_talk("Hallo!") and is_small_talk("Guten Tag, was kannst du?") and is_small_talk("Wer bist du?")
    assert not is_small_talk("Hallo, wer ist der neue EU-Außenbeauftragte?")
    assert not is_client_task("Wer ist der neue EU-Außenbeauftragte?")
    assert without_greeting("Hallo, wer ist der neue EU-Außenbeauftragte?") == "Wer ist der neue EU-Außenbeauftragte?"


def test_titles_are_the_topic_words_of_the_question():
    assert title("Seit wann läuft der aktuelle Irak-Einsatz der NATO?") == "Der aktuelle Irak-Einsatz der NATO"
    assert title("Wer ist der neue EU-Außenbeauftragte?") == "Der neue EU-Außenbeauftragte"


def test_answers_in_the_format_the_client_expects():
    helper = Assistant(lambda: Corpus(5, PartialDate(2020, 2), PartialDate(2020, 6, 4)), lambda query: [])
    assert json.loads(helper.answer(TAGS).text)["tags"][0] == "Nachrichten"
    assert json.loads(helper.answer(FOLLOW_UPS).text)["follow_ups"] == [
        "Fasse die Artikel über „Der neue EU-Außenbeauftragte“ zusammen."]
    assert helper.answer(OLD_TITLE).text == "Der Einsatz"  # plain text where no JSON is asked for
    described = helper.answer("Hallo, wer bist du?")
    assert described.kind == "assistant" and not described.abstained
    assert "5 Nachrichtenartikeln vom Februar 2020 bis zum 04.06.2020" in described.text


def test_chat_history_lines_joined_by_a_client_still_parse():
    assert chat_of("<chat_history> USER: A? ASSISTANT: B. USER: C? </chat_history>") == [
        ("user", "A?"), ("assistant", "B."), ("user", "C?")]


def test_follow_up_suggestions_name_what_the_passages_name():
    from qa.ingest.chunking import chunk_article
    from qa.ingest.corpus import parse_text
    from qa.records import Hit

    article = parse_text("a.txt", "Treffen in München\n\nMark Esper traf Annegret Kramp-Karrenbauer in München.\n",
                         "0123456789abcdef")
    hits = [Hit(c, 1.0, 1) for c in chunk_article(article, chunk_size=300, overlap=0)]
    suggested = follow_ups("Was sagte Esper?", hits)
    assert "Was berichten die Artikel über Annegret Kramp-Karrenbauer?" in suggested
