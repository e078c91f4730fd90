"""The first client feedback survey and the first training feedback form, each created after every migrate
if none of its purpose exists yet (an administrator makes the next version in the admin). Questions in
Estonian, Russian and English. Knowledge checks are written per topic in the admin."""

from __future__ import annotations

SURVEY_V1 = {
    "code": "tagasiside-1",
    "title_et": "Teie tagasiside ohvriabile",
    "title_ru": "Ваш отзыв о службе помощи жертвам",
    "title_en": "Your feedback to victim support",
}
QUESTIONS_V1 = [
    (
        "scale",
        True,
        "Kui rahul olete saadud abiga?",
        "Насколько вы довольны полученной помощью?",
        "How satisfied are you with the help you received?",
    ),
    (
        "scale",
        False,
        "Kas tundsite, et teid kuulati ära ja võeti tõsiselt?",
        "Чувствовали ли вы, что вас выслушали и отнеслись к вам серьёзно?",
        "Did you feel listened to and taken seriously?",
    ),
    (
        "yes_no",
        False,
        "Kas saite abi piisavalt kiiresti?",
        "Получили ли вы помощь достаточно быстро?",
        "Did you get help quickly enough?",
    ),
    (
        "yes_no",
        False,
        "Kas soovitaksite ohvriabi inimesele, kes on sarnases olukorras?",
        "Порекомендовали бы вы службу помощи жертвам человеку в похожей ситуации?",
        "Would you recommend victim support to someone in a similar situation?",
    ),
    (
        "text",
        False,
        "Mida võiksime paremini teha? Palun ärge kirjutage nimesid ega kontaktandmeid.",
        "Что нам стоит улучшить? Пожалуйста, не пишите имена и контактные данные.",
        "What could we do better? Please do not write names or contact details.",
    ),
]


TRAINING_SURVEY_V1 = {
    "code": "koolituse-tagasiside-1",
    "title_et": "Teie tagasiside koolitusele",
    "title_ru": "Ваш отзыв об обучении",
    "title_en": "Your feedback on the training",
}
TRAINING_QUESTIONS_V1 = [
    (
        "scale",
        True,
        "Kui kasulik oli koolitus teie töö jaoks?",
        "Насколько полезным было обучение для вашей работы?",
        "How useful was the training for your work?",
    ),
    (
        "scale",
        False,
        "Kui selgelt oli teema esitatud?",
        "Насколько понятно была изложена тема?",
        "How clearly was the topic presented?",
    ),
    (
        "yes_no",
        False,
        "Kas oskate nüüd ohvrit paremini abi juurde suunata?",
        "Сможете ли вы теперь лучше направить пострадавшего за помощью?",
        "Can you now better refer a victim to help?",
    ),
    (
        "text",
        False,
        "Mida võiksime järgmisel korral paremini teha?",
        "Что нам стоит улучшить в следующий раз?",
        "What could we do better next time?",
    ),
]
FIRST_SURVEYS = [
    ("client_feedback", SURVEY_V1, QUESTIONS_V1),
    ("training_feedback", TRAINING_SURVEY_V1, TRAINING_QUESTIONS_V1),
]


def ensure_survey(apps) -> None:
    Survey = apps.get_model("reporting", "Survey")
    Question = apps.get_model("reporting", "SurveyQuestion")
    for purpose, spec, questions in FIRST_SURVEYS:
        if Survey.objects.filter(purpose=purpose).exists():
            continue
        if Survey.objects.filter(code=spec["code"]).update(purpose=purpose):
            continue  # ours, back after a migration backwards (which forgets purposes)
        survey = Survey.objects.create(active=True, purpose=purpose, **spec)
        for position, (kind, required, text_et, text_ru, text_en) in enumerate(questions, start=1):
            Question.objects.create(
                survey=survey,
                position=position,
                kind=kind,
                required=required,
                text_et=text_et,
                text_ru=text_ru,
                text_en=text_en,
            )
