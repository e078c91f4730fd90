"""The first client feedback survey, created after every migrate if no survey exists yet (an administrator
makes the next version in the admin). Questions in Estonian, Russian and English."""

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


def ensure_survey(apps) -> None:
    Survey = apps.get_model("reporting", "Survey")
    Question = apps.get_model("reporting", "SurveyQuestion")
    if Survey.objects.exists():
        return
    survey = Survey.objects.create(active=True, **SURVEY_V1)
    for position, (kind, required, text_et, text_ru, text_en) in enumerate(QUESTIONS_V1, start=1):
        Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            required=required,
            text_et=text_et,
            text_ru=text_ru,
            text_en=text_en,
        )
