"""The one helper that splits a stream into what comes before the final Answer and the Answer
(qa.answer.base.Streamed), used by Pipeline.ask, the CLI, the UI, the API and `final`."""
import pytest

from qa.answer.base import Streamed, final
from qa.records import Answer

ANSWER = Answer("Josep Borrell [1].", "Josep Borrell", False, (), (), "extractive")
MARK = object()  # what a wrapper puts between the deltas (the app's "waiting")


def test_deltas_and_marks_pass_the_answer_is_kept():
    stream = Streamed(iter([MARK, "Josep ", "Borrell", ANSWER]))
    assert stream.answer is None
    assert list(stream) == [MARK, "Josep ", "Borrell"]
    assert stream.answer is ANSWER and stream.text == "Josep Borrell"
    assert final(iter(["a", ANSWER])) is ANSWER


def test_a_stream_without_an_answer_is_an_error():
    with pytest.raises(RuntimeError, match="without an Answer"):
        list(Streamed(iter(["Text"])))
    with pytest.raises(RuntimeError):
        final(iter([]))
