"""bot/topics.py: topic entity values, including case forms the training data's synonyms lack."""

import pytest

from bot.topics import TOPICS, synonyms, topic_of, topics_in_text


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


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("Ma fille a besoin d'une place en crèche", ["education"]),
        ("Нужна консультация по виду на жительство", ["residence"]),  # a case form, inside a sentence
        ("Ich suche eine Wohnung und brauche Hilfe beim Jobcenter", ["housing", "benefits"]),
        ("أبحث عن سكن", ["housing"]),
        ("Kızım için kreş yeri lazım", ["education"]),
    ],
)
def test_topics_in_the_words_of_an_untagged_message(text, topics) -> None:
    assert topics_in_text(text) == topics


@pytest.mark.parametrize("text", ["how does it work", "Maria Schneider", "Termin bitte", "ich brauche Hilfe", "", None])
def test_messages_without_topic_phrases_have_no_topics(text) -> None:
    assert topics_in_text(text) == []
