"""One reader of SQuAD-format files (qa.eval.squad_file) for evaluation and for training: the
same questions, each use taking what it needs (evaluation: trimmed distinct answers and a corpus
file per paragraph; training: the answers as written with their offsets, the unanswerable ones)."""
import json

import pytest

from qa.errors import QAError
from qa.eval.squad import load_squad
from qa.eval.squad_file import read_squad
from qa.training.data import load_impossible, load_questions

DATA = {"version": "2.0", "data": [
    {"title": "A", "paragraphs": [
        {"context": " Josep Borrell ist neu. ", "qas": [
            {"id": 1, "question": "Wer?", "answers": [{"text": "Josep Borrell ", "answer_start": 1},
                                                       {"text": "Josep Borrell", "answer_start": 1}]},
            {"id": "2", "question": "Wann?", "answers": [], "is_impossible": True}]}]},
    {"title": "B", "paragraphs": [
        {"context": "Seit Oktober 2018.", "qas": [
            {"id": "3", "question": "Seit wann?", "answers": {"text": ["Oktober 2018", " "], "answer_start": [5]}}]}]}]}


@pytest.fixture
def squad(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    return path


def test_evaluation_and_training_read_the_same_questions(squad):
    read = read_squad(squad)
    assert read.paragraphs == (("A", " Josep Borrell ist neu. "), ("B", "Seit Oktober 2018."))
    assert [(q.id, q.title, q.impossible) for q in read.questions] == [("1", "A", False), ("2", "A", True),
                                                                       ("3", "B", False)]
    training = load_questions(squad)
    assert [(q.id, q.answers, q.starts, q.gold_span()) for q in training] == [
        ("1", ("Josep Borrell ", "Josep Borrell"), (1, 1), (1, 15)), ("3", ("Oktober 2018",), (5,), (5, 17))]
    assert [(p.qid, p.context, p.answer) for p in load_impossible(squad)] == [("2", " Josep Borrell ist neu. ", None)]
    evaluation = load_squad(squad)
    assert [(q.id, q.gold, q.source) for q in evaluation.questions] == [
        ("1", ("Josep Borrell",), "p0001.txt"), ("3", ("Oktober 2018",), "p0002.txt")]
    assert evaluation.paragraphs[0] == ("p0001.txt", "Josep Borrell ist neu.") and evaluation.skipped == 1


def test_a_file_that_is_no_squad_file_is_said_in_german(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"data": [{"paragraphs": [{"qas": []}]}]}', encoding="utf-8")
    with pytest.raises(QAError, match="Feld 'context' fehlt"):
        read_squad(path)
    with pytest.raises(QAError, match="kann nicht gelesen werden"):
        read_squad(tmp_path / "fehlt.json")
