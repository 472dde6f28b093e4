import pytest

from members.committee.services.nominations import count_words
from tests.members.committee.factories import statement


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("one two three", 3),
        ("well-known e-learning", 2),  # hyphenated words count once
        ("this — that", 2),  # a spaced dash is punctuation, not a word
        ("wait ... what ?", 2),
        ("don't stop", 2),
        ("first line\nsecond line\r\n\r\nthird", 5),  # line breaks separate words
        ("tab\tseparated", 2),
        ("2024 was good", 3),  # numbers are words
        ("(brackets) «quotes»", 2),
        ("naïve café", 2),
        ("- * #", 0),
    ],
)
def test_word_rule(text, words):
    assert count_words(text) == words


def test_two_hundred_and_two_hundred_and_one():
    assert count_words(statement(200)) == 200
    assert count_words(statement(201)) == 201
