"""Filters from user input (qa.filters): one function for the app's form, the API and the CLI,
each message naming the field as that input names it."""
import pytest

from qa.dates import PartialDate
from qa.errors import QuestionError
from qa.filters import API, FORM, make_filters
from qa.records import Filters


def test_form_and_api_messages_name_their_own_fields():
    with pytest.raises(QuestionError) as form:
        make_filters([], "2020-13", "", fields=FORM)
    with pytest.raises(QuestionError) as api:
        make_filters([], "", "2020-02-31", fields=API)
    assert str(form.value) == "„2020-13“ im Feld „Von“ ist kein Datum – bitte als JJJJ-MM-TT angeben."
    assert str(api.value) == "„2020-02-31“ im Feld „date_to“ ist kein Datum – bitte als JJJJ-MM-TT angeben."
    with pytest.raises(QuestionError) as form:
        make_filters([], "2021", "2020-12-31")
    with pytest.raises(QuestionError) as api:
        make_filters([], "2021", "2020-12-31", fields=API)
    assert str(form.value) == "Der Zeitraum ist leer: „Von“ liegt nach „Bis“."
    assert str(api.value) == "Der Zeitraum ist leer: date_from liegt nach date_to."


def test_nothing_restricted_is_none_and_the_question_time_switch_counts():
    assert make_filters(None) is None and make_filters((), " ", None) is None
    assert make_filters(["a.txt"]) == Filters(sources=("a.txt",))
    assert make_filters(["a.txt"], question_time=False) == Filters(sources=("a.txt",), question_time=False)
    assert make_filters((), question_time=False) == Filters(question_time=False)  # the CLI's --ignore-question-time
    assert make_filters((), question_time=None) is None  # an untouched checkbox: the time stays preferred
    assert make_filters([], " 2020-02 ", "2020-02-29") == Filters(date_from=PartialDate(2020, 2),
                                                                     date_to=PartialDate(2020, 2, 29))
