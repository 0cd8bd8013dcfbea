"""bot/sentence_embeddings.py: the multilingual sentence embedding the intent classifier reads besides n-grams."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.sentence_embeddings import SentenceEmbeddingFeaturizer, embed

# The same question in the seven languages, typed the way people type it, and unrelated requests.
PRICE = [
    "was kostet die beratung",
    "كم تكلفة الاستشارة",
    "сколько стоит консультация",
    "koliko kosta savjetovanje",
    "danışmanlık ücretli mi",
    "combien coûte le conseil",
    "how much does the counselling cost",
]
OTHER = [
    "ich will meine daten löschen",
    "أريد تغيير موعدي",
    "где находится ваш офис",
    "hvala, doviđenja",
    "çocuğum için okul arıyorum",
]


def _featurizer(tmp_path, **config):
    context = ExecutionContext(graph_schema=None, node_name="e5")
    storage = LocalModelStorage(tmp_path)
    full = {**SentenceEmbeddingFeaturizer.get_default_config(), **config}
    return SentenceEmbeddingFeaturizer.create(full, storage, Resource("e5"), context)


def _tokenized(texts):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


def test_each_message_gets_one_normalised_sentence_vector_and_no_sequence(tmp_path):
    messages = _tokenized(["Ich brauche einen Termin", "I need an appointment"])
    _featurizer(tmp_path).process(messages)
    for message in messages:
        sequence, sentence = message.get_dense_features(TEXT)
        assert sequence is None  # a sentence feature only: entities are tagged per token
        assert sentence.features.shape == (1, 384)
        assert np.linalg.norm(sentence.features) == pytest.approx(1.0, abs=1e-3)


def test_training_data_is_featurized_in_batches_like_single_messages(tmp_path):
    texts = PRICE + OTHER
    data = TrainingData(training_examples=_tokenized(texts))
    _featurizer(tmp_path, batch_size=3).process_training_data(data)
    batched = np.vstack([m.get_dense_features(TEXT)[1].features for m in data.training_examples])
    single = np.vstack([embed([text]) for text in texts])
    assert batched.shape == (len(texts), 384)
    assert np.allclose(batched, single, atol=1e-4)


def test_button_payloads_get_a_zero_vector_without_the_encoder(tmp_path, monkeypatch):
    from bot import sentence_embeddings

    seen = []
    real = sentence_embeddings.embed
    monkeypatch.setattr(sentence_embeddings, "embed", lambda texts, *a: seen.extend(texts) or real(texts, *a))
    messages = _tokenized(["/affirm", "Ich wohne in Hagen", '/choose_language{"language": "ar"}'])
    _featurizer(tmp_path, scale=15).process(messages)
    assert seen == ["Ich wohne in Hagen"]
    vectors = [m.get_dense_features(TEXT)[1].features for m in messages]
    assert all(v.shape == (1, 384) for v in vectors)  # the classifier always gets the same width
    assert not vectors[0].any() and not vectors[2].any()
    assert np.linalg.norm(vectors[1]) == pytest.approx(15.0, rel=1e-3)


def test_messages_without_text_are_left_alone(tmp_path):
    messages = [Message(data={TEXT: "  "}), Message(data={"intent": "greet"})]
    _featurizer(tmp_path).process(messages)
    assert all(message.features == [] for message in messages)


def test_a_question_is_closer_to_itself_in_other_languages_than_to_other_requests():
    """What the n-gram features cannot do: the same meaning in another script or wording lands nearby."""
    price, other = embed(PRICE), embed(OTHER)
    same = price @ price.T
    different = price @ other.T
    for i, text in enumerate(PRICE):
        nearest_other = different[i].max()
        mean_same = (same[i].sum() - 1.0) / (len(PRICE) - 1)
        assert mean_same > nearest_other, (text, mean_same, nearest_other)


def test_scale_sets_the_length_of_the_vector(tmp_path):
    messages = _tokenized(["Ich brauche einen Termin"])
    _featurizer(tmp_path, scale=15).process(messages)
    vector = messages[0].get_dense_features(TEXT)[1].features
    assert np.linalg.norm(vector) == pytest.approx(15.0, rel=1e-3)
    assert np.allclose(vector / 15.0, embed(["Ich brauche einen Termin"]), atol=1e-4)


def test_bad_config_is_refused(tmp_path):
    with pytest.raises(ValueError, match="threads"):
        _featurizer(tmp_path, threads=0)
    with pytest.raises(ValueError, match="scale"):
        SentenceEmbeddingFeaturizer.validate_config({"scale": 0})
