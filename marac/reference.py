"""Reference data of the MARAC app, there after every migrate and flush: the DASH risk checklist
(SafeLives, 24 yes/no questions; 14 or more "yes" is high risk, 10 to 13 medium; escalation at 3 police
call-outs in 12 months) as questionnaire version 1. The Estonian wording is the project's working
translation (no official one was found): an administrator replaces it with a new version."""

from __future__ import annotations

from datetime import date

DASH = {
    "code": "dash",
    "version": 1,
    "name_et": "Lähisuhtevägivalla riskihindamise küsimustik (DASH)",
    "name_en": "Domestic abuse risk checklist (DASH)",
    "medium_from": 10,
    "high_from": 14,
    "escalation_callouts": 3,
    "in_use_from": date(2019, 1, 1),
}
OPTIONS = [("yes", "jah", "yes", 1), ("no", "ei", "no", 0), ("unknown", "ei tea", "not known", 0)]
QUESTIONS = [
    ("Kas viimane juhtum põhjustas vigastusi?", "Has the current incident resulted in injury?"),
    ("Kas te olete väga hirmul?", "Are you very frightened?"),
    ("Kas te kardate edasist vigastamist või vägivalda?", "Are you afraid of further injury or violence?"),
    ("Kas te tunnete end perest või sõpradest eraldatuna?", "Do you feel isolated from family or friends?"),
    (
        "Kas te tunnete end masenduses või on teil enesetapumõtteid?",
        "Are you feeling depressed or having suicidal thoughts?",
    ),
    (
        "Kas te olete viimase aasta jooksul vägivallatsejast lahku läinud või seda proovinud?",
        "Have you separated or tried to separate from the abuser within the past year?",
    ),
    ("Kas lastega suhtlemise üle on konflikt?", "Is there conflict over child contact?"),
    (
        "Kas vägivallatseja saadab pidevalt sõnumeid, helistab, jälitab või ahistab teid?",
        "Does the abuser constantly text, call, contact, follow, stalk or harass you?",
    ),
    (
        "Kas te olete rase või on teil viimase 18 kuu jooksul sündinud laps?",
        "Are you pregnant or have you had a baby in the last 18 months?",
    ),
    ("Kas vägivald on muutunud sagedasemaks?", "Is the abuse happening more often?"),
    ("Kas vägivald on muutunud raskemaks?", "Is the abuse getting worse?"),
    (
        "Kas vägivallatseja püüab kontrollida kõike, mida te teete, või on ta liigselt armukade?",
        "Does the abuser try to control everything you do or are they excessively jealous?",
    ),
    (
        "Kas vägivallatseja on kunagi kasutanud teie vigastamiseks relva või eset?",
        "Has the abuser ever used weapons or objects to hurt you?",
    ),
    (
        "Kas vägivallatseja on ähvardanud tappa teid või kedagi teist ja te uskusite seda?",
        "Has the abuser ever threatened to kill you or someone else and you believed them?",
    ),
    (
        "Kas vägivallatseja on kunagi üritanud teid kägistada, lämmatada või uputada?",
        "Has the abuser ever attempted to strangle, choke, suffocate or drown you?",
    ),
    (
        "Kas vägivallatseja teeb või ütleb seksuaalse alatooniga asju, mis teevad teile halba või haiget?",
        "Does the abuser do or say things of a sexual nature that make you feel bad or hurt you?",
    ),
    (
        "Kas keegi teine on teid ähvardanud või kardate te kedagi teist?",
        "Is there any other person who has threatened you or who you are afraid of?",
    ),
    (
        "Kas te teate, et vägivallatseja on kellelegi teisele haiget teinud?",
        "Do you know if the abuser has hurt anyone else?",
    ),
    ("Kas vägivallatseja on kunagi looma väärkohelnud?", "Has the abuser ever mistreated an animal or the family pet?"),
    (
        "Kas on rahalisi probleeme (näiteks sõltute rahaliselt vägivallatsejast)?",
        "Are there any financial issues (for example, are you dependent on the abuser for money)?",
    ),
    (
        "Kas vägivallatsejal on viimase aasta jooksul olnud probleeme alkoholi, narkootikumide või vaimse tervisega?",
        "Has the abuser had problems in the past year with drugs, alcohol or mental health?",
    ),
    (
        "Kas vägivallatseja on kunagi ähvardanud end tappa või seda üritanud?",
        "Has the abuser ever threatened or attempted suicide?",
    ),
    (
        "Kas vägivallatseja on rikkunud lähenemiskeeldu või kokkulepet teie või lastega kohtumise kohta?",
        "Has the abuser ever broken a restraining order or an agreement on seeing you or the children?",
    ),
    (
        "Kas te teate, et vägivallatsejal on olnud probleeme politseiga või on tal kriminaalne minevik?",
        "Do you know if the abuser has ever been in trouble with the police or has a criminal history?",
    ),
]


def ensure_dash(apps) -> None:
    Questionnaire = apps.get_model("marac", "Questionnaire")
    Question = apps.get_model("marac", "Question")
    AnswerOption = apps.get_model("marac", "AnswerOption")
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=DASH["code"], version=DASH["version"], defaults=DASH
    )
    if not created:
        return
    for position, (code, label_et, label_en, score) in enumerate(OPTIONS):
        AnswerOption.objects.create(
            questionnaire=questionnaire, code=code, label_et=label_et, label_en=label_en, score=score, position=position
        )
    for number, (text_et, text_en) in enumerate(QUESTIONS, start=1):
        Question.objects.create(questionnaire=questionnaire, number=number, text_et=text_et, text_en=text_en)
