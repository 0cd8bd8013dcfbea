"""bot/language.py: which of the seven languages a person writes in, and which one the bot answers in."""

import pytest

from bot.language import MIN_CONFIDENCE, MIN_WORDS, choose_language, detect

SENTENCES = {
    "de": [
        "Ich brauche Hilfe mit meiner Wohnung und dem Mietvertrag",
        "Wann kann ich einen Termin bekommen?",
        "Ich habe eine Frage zu meinem Aufenthaltstitel",
    ],
    "ar": ["أحتاج مساعدة في إيجاد شقة", "أريد حجز موعد مع المستشار"],
    "ru": ["Мне нужна помощь с поиском квартиры", "Я хочу записаться на консультацию"],
    "bs": [
        "Trebam pomoć oko stana i posla",
        "Želim zakazati termin kod savjetnika",
        "Moja djeca trebaju mjesto u školi",
    ],
    "tr": [
        "Oturma iznim için yardıma ihtiyacım var",
        "Bir randevu almak istiyorum lütfen",
        "Çocuğum için okul bulmakta zorlanıyorum",
    ],
    "fr": [
        "J'ai besoin d'aide pour trouver un logement",
        "Je voudrais prendre un rendez-vous s'il vous plaît",
        "Mon titre de séjour expire bientôt",
    ],
    "en": [
        "I need help finding a flat for my family",
        "I would like to book an appointment please",
        "My residence permit expires next month",
    ],
}
OTHER_LANGUAGES = {"de": "en", "ar": "de", "ru": "de", "bs": "de", "tr": "de", "fr": "de", "en": "de"}


@pytest.mark.parametrize(
    ("language", "text"), [(language, text) for language, texts in SENTENCES.items() for text in texts]
)
def test_each_language_is_detected_in_a_realistic_sentence(language, text) -> None:
    code, confidence = detect(text)

    assert code == language and confidence >= 0.9
    assert choose_language(text, current=OTHER_LANGUAGES[language], hint=None, locked=False) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [("مرحبا", "ar"), ("موعد", "ar"), ("Привет", "ru"), ("Запись", "ru"), ("Здравствуйте!", "ru")],
)
def test_arabic_or_cyrillic_script_decides_even_for_one_word(text, language) -> None:
    assert detect(text) == (language, 1.0)
    assert choose_language(text, current="de", hint="en", locked=False) == language


@pytest.mark.parametrize(
    "text",
    [
        "Треба ми помоћ око стана",
        "Да ли ми можете помоћи са послом?",
        "Имам питање у вези с дозволом за боравак и пријавом",
    ],
)
def test_serbian_cyrillic_is_answered_in_bosnian(text) -> None:
    assert detect(text) == ("bs", 1.0)
    assert choose_language(text, current="ru", hint=None, locked=False) == "bs"


@pytest.mark.parametrize("text", ["Добар дан, треба ми савет за посао", "Хтео бих да закажем термин код саветника"])
def test_serbian_cyrillic_without_serbian_only_letters_is_answered_in_bosnian(text) -> None:
    assert detect(text)[0] == "bs"


@pytest.mark.parametrize(
    "text",
    [
        "Trebam pomoć oko pronalaska posla",  # Croatian
        "Trebao bih pomoć s dokumentima za boravak u Njemačkoj",  # Croatian
        "Treba mi pomoć oko pronalaženja stana",  # Serbian, Latin script
        "Hteo bih da zakažem termin kod savetnika",  # Serbian, Latin script
    ],
)
def test_croatian_and_serbian_latin_are_answered_in_bosnian(text) -> None:
    code, confidence = detect(text)

    assert code == "bs" and confidence >= 0.9
    assert choose_language(text, current="de", hint=None, locked=False) == "bs"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("privet mne nuzhna pomoshch s kvartiroj", "ru"),
        ("zdravstvuyte mne nuzhna pomoshch s rabotoy", "ru"),
        ("privet ya hochu zapisatsya k konsultantu", "ru"),
        ("marhaba ana bdi maw3ed", "ar"),
        ("salam, ana 3andi so2al 3an el iqama", "ar"),
        ("mar7aba bdi a7jez maw3ed", "ar"),
    ],
)
def test_latin_script_russian_and_arabizi_are_recognised_by_their_markers(text, language) -> None:
    code, confidence = detect(text)
    assert code == language and confidence >= MIN_CONFIDENCE
    assert choose_language(text, current="de", hint=None, locked=False) == language


def test_latin_script_russian_made_only_of_markers_is_russian() -> None:
    assert detect("zdravstvuyte ya hochu zapisatsya")[0] == "ru"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Мне нужен Termin в Jobcenter", "ru"),
        ("у меня Termin в Ausländerbehörde", "ru"),
        ("عندي رسالة من Jobcenter", "ar"),
        ("وصلتني رسالة من Ausländerbehörde ولا أفهمها", "ar"),
        ("Jobcenter'den bir mektup aldım ve anlamadım", "tr"),
        ("Jobcenter mektubu geldi ne yapmalıyım", "tr"),
        ("J'ai reçu une lettre du Jobcenter et je ne comprends pas", "fr"),
        ("Trebam pomoć sa pismom od Jobcenter", "bs"),
    ],
)
def test_german_office_words_inside_another_language_do_not_make_it_german(text, language) -> None:
    assert detect(text)[0] == language
    assert choose_language(text, current=language, hint=None, locked=False) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param("I got a letter from the Jobcenter and I do not understand it", "en"),
        pytest.param("I have a letter from the Jobcenter and the Ausländerbehörde", "en"),
        pytest.param("I need help with my Wohnberechtigungsschein", "en"),
        pytest.param("J'ai un Termin à l'Ausländerbehörde demain", "fr"),
        pytest.param("Imam Termin u Ausländerbehörde sutra", "bs"),
        pytest.param("عندي Termin في Jobcenter", "ar"),
    ],
)
def test_german_office_words_never_flip_the_language_to_german(text, language) -> None:
    assert choose_language(text, current=language, hint=None, locked=False) == language


@pytest.mark.parametrize(
    "text",
    ["Я хочу записаться на консультацию", "I would like to book an appointment please", "مرحبا", "Привет"],
)
def test_a_locked_choice_is_kept_whatever_is_written(text) -> None:
    assert choose_language(text, current="tr", hint="ar", locked=True) == "tr"


def test_a_lock_without_a_valid_language_does_not_hold() -> None:
    assert choose_language("Ich brauche Hilfe bei der Wohnungssuche", current=None, hint=None, locked=True) == "de"


@pytest.mark.parametrize("text", ["ok", "Termin", "Hagen", "hallo", "58095", "K7M-4PX9", "", "🙂"])
def test_unsure_short_messages_keep_the_current_language(text) -> None:
    assert choose_language(text, current="fr", hint="ar", locked=False) == "fr"


@pytest.mark.parametrize("text", ["ok", "Termin", "Hagen", "hallo", "58095", ""])
def test_the_channels_hint_is_used_when_detection_is_unsure(text) -> None:
    assert choose_language(text, current=None, hint="tr", locked=False) == "tr"


def test_without_detection_current_language_or_valid_hint_there_is_no_choice() -> None:
    assert choose_language("ok", current=None, hint=None, locked=False) is None
    assert choose_language("ok", current="xx", hint="pt", locked=False) is None


def test_a_confident_sentence_wins_over_the_hint() -> None:
    assert choose_language("Je voudrais prendre un rendez-vous", current=None, hint="de", locked=False) == "fr"


def test_short_latin_messages_are_not_trusted_even_when_lingua_is_fairly_sure() -> None:
    code, confidence = detect("bonjour")
    assert (code, confidence >= 0.5) == ("fr", True)  # lingua's guess ...
    assert len("bonjour".split()) < MIN_WORDS
    assert choose_language("bonjour", current="en", hint=None, locked=False) == "en"  # ... is not enough alone


def test_no_words_no_language() -> None:
    assert detect("") == (None, 0.0)
    assert detect("!!! ???") == (None, 0.0)


def test_only_the_first_thousand_characters_are_read() -> None:
    text = "Ich brauche Hilfe mit meiner Wohnung. " * 30 + "مرحبا " * 400

    assert detect(text)[0] == "de"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("bist du ein bot?", "de"),
        ("wer bist du?", "de"),
        ("tu es un robot ?", "fr"),
        ("un agent svp", "fr"),
        ("r u a bot", "en"),
        ("I stay in Reken", "en"),
        ("Bu bir chatbot mu?", "tr"),
        ("da li se plaća", "bs"),
        ("ne slažem se", "bs"),
    ],
)
def test_short_phrases_lingua_is_unsure_about_are_told_by_their_function_words(text, language) -> None:
    code, confidence = detect(text)
    assert code == language and confidence >= MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("zhivu v Ahene", "ru"),
        ("moi dannye v bezopasnosti?", "ru"),
        ("hochu pogovorit s chelovekom", "ru"),
        ("wen el maktab?", "ar"),
        ("adesh el dawam?", "ar"),
    ],
)
def test_more_latin_script_russian_and_arabizi(text, language) -> None:
    assert detect(text)[0] == language


@pytest.mark.parametrize("text", ["mogu li dobiti drugi termin", "Trebam drugi termin, ne mogu doći"])
def test_bosnian_words_that_look_like_latin_script_russian_stay_bosnian(text) -> None:
    assert detect(text)[0] == "bs"


@pytest.mark.parametrize("text", ["Живу в Хаане", "Проблема с Krankenkasse", "Живём в Гронау"])
def test_short_russian_without_serbian_letters_is_russian(text) -> None:
    assert detect(text) == ("ru", 1.0)


def test_a_lower_case_booking_code_is_not_arabizi() -> None:
    assert detect("cancel booking k7m4px9")[0] == "en"


@pytest.mark.parametrize("text", ["Dolmetscher var mı?", "Sprachmittler var mı?"])
def test_interpreter_is_a_german_office_word_too(text) -> None:
    assert detect(text)[0] == "tr"
