"""Follow-up questions rewritten from the conversation (qa.conversation.rewrite), with the real
German tagger (HanTa; no model of ours is loaded)."""
import pytest

from qa.conversation import rewrite
from qa.records import Turn


def exchange(question: str, answer: str) -> tuple[Turn, ...]:
    return Turn("user", question), Turn("assistant", answer)


@pytest.mark.parametrize("history, question, standalone, referent", [
    (exchange("Wer ist die deutsche Verteidigungsministerin?", "Annegret Kramp-Karrenbauer [1]."),
     "Was hat sie über den IS gesagt?", "Was hat Annegret Kramp-Karrenbauer über den IS gesagt?",
     "Annegret Kramp-Karrenbauer"),
    (exchange("Wer ist der neue EU-Außenbeauftragte?", "Josep Borrell [1]."),
     "Mit wem diskutiert er?", "Mit wem diskutiert Josep Borrell?", "Josep Borrell"),
    (exchange("Wo trafen sich die Verteidigungsminister der Anti-IS-Koalition?", "In Stuttgart [1]."),
     "Wie viele US-Soldaten waren dort im Einsatz?", "Wie viele US-Soldaten waren in Stuttgart im Einsatz?",
     "Stuttgart"),
])
def test_a_pronoun_is_replaced_and_searched_within_the_topic(history, question, standalone, referent):
    understood = rewrite(question, history)
    assert understood.question == standalone and understood.changed and understood.follow_up
    assert understood.referents == (referent,)
    # searched alone and within the last exchange (fused by the pipeline); read as rewritten
    assert understood.context == history[0].content and not understood.read_context


@pytest.mark.parametrize("answer, question, standalone", [
    ("Die F-22 wurden von Präsidentin Dalia Grybauskaite begrüßt.", "Welches Amt hat sie?",
     "Welches Amt hat Dalia Grybauskaite?"),
    ("Rudolf Kirchschläger gewann 1980 mit 79 Prozent.", "Wie viel Prozent erhielt er damals?",
     "Wie viel Prozent erhielt Rudolf Kirchschläger im Jahr 1980?"),
    ("Das sagte Merkel Journalisten in Berlin.", "Wo war sie?", "Wo war Merkel?"),
])
def test_a_surname_the_tagger_takes_for_a_noun_stays_with_the_first_name(answer, question, standalone):
    assert rewrite(question, exchange("Wer war es?", answer)).question == standalone


def test_an_ellipsis_takes_the_previous_question():
    understood = rewrite("Und in Tadschi?", exchange("Wie viele Soldaten bildet die Nato in Bagdad aus?", "Rund 500 [1]."))
    assert understood.question == "Wie viele Soldaten bildet die Nato in Tadschi aus?"


@pytest.mark.parametrize("history, question", [
    (exchange("Wann wurde Soleimani getötet?", "Am 3. Januar [1]."), "Wie reagierte das irakische Parlament darauf?"),
    (exchange("Wer gewann das Cupfinale?", "Salzburg [1]."), "Wer schoss die Tore?"),
    (exchange("Wie viele Abgeordnete stimmten dafür?", "68 [1]."), "Und wie viele haben sich enthalten?"),
])
def test_a_follow_up_without_a_name_is_read_as_asked_and_searched_in_the_topic(history, question):
    """'darauf', no name at all, or 'Und …': nothing to replace; the reader reads the question as
    asked (reading it glued to the previous question answered the previous one), the search
    includes the previous question."""
    understood = rewrite(question, history)
    assert understood.question == question and understood.follow_up and not understood.read_context
    assert understood.context.startswith(history[0].content)
    assert understood.query.endswith(question) and history[0].content in understood.query


def test_a_question_that_names_its_subject_stays_as_it_is():
    history = exchange("Wer ist der neue EU-Außenbeauftragte?", "Josep Borrell [1].")
    understood = rewrite("Wie viele Soldaten hat die Nato in Bagdad?", history)
    assert understood.question == "Wie viele Soldaten hat die Nato in Bagdad?" and not understood.context
    assert rewrite("Wer ist der neue EU-Außenbeauftragte?", ()).follow_up is False
