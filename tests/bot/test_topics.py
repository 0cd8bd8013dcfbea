"""bot/topics.py: topic entity values, including case forms the training data's synonyms lack."""

import pytest

from bot.topics import TOPICS, synonyms, topic_of


def test_every_topic_phrase_of_the_training_data_maps_to_its_own_topic() -> None:
    phrases = synonyms()
    assert len(phrases) > 300  # seven languages' worth
    assert set(phrases.values()) == set(TOPICS)
    assert all(topic_of(phrase) == topic for phrase, topic in phrases.items())


@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_is_itself(topic) -> None:
    assert topic_of(topic) == topic
    assert topic_of(topic.upper()) == topic


@pytest.mark.parametrize(
    ("value", "topic"),
    [
        ("виду на жительство", "residence"),  # ru dative; the data has вид, вида, видом
        ("виде  на жительство", "residence"),  # and extra spaces
        ("Wohnungen", "housing"),
        ("Krankenversicherungen", "health"),
        ("Sprachkursen", "language_course"),
        ("Jobcenterа", "benefits"),  # a Cyrillic а typed at the end
    ],
)
def test_case_forms_the_data_lacks_find_their_topic(value, topic) -> None:
    assert value.casefold() not in synonyms()
    assert topic_of(value) == topic


@pytest.mark.parametrize("value", ["Termin", "Hagen", "жительство", "stanom", "", None, "abc"])
def test_other_words_and_short_values_have_no_topic(value) -> None:
    assert topic_of(value) is None
