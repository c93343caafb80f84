"""Evaluation: batch answering (`batch`), the reference scorer (`score`, a copy of ../shared/eval/score.py), figures (`metrics`), SQuAD-format runs (`squad`) and their report (`report`)."""
