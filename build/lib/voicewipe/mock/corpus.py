"""The words the seeded data is made of: utterances, Alexa's answers, devices, sounds, events.

One table per language, so that a German site shows German requests. Each utterance is
(transcript, response, domain, intent, skillName); the generator picks them with the seed.
"""

from __future__ import annotations

from typing import NamedTuple


class Utterance(NamedTuple):
    transcript: str
    response: str
    domain: str
    intent: str
    skill: str


def _u(t: str, r: str, d: str, i: str, s: str = "") -> Utterance:
    return Utterance(t, r, d, i, s or d)


_EN = [
    _u(
        "what's the weather",
        "Right now in Seattle, it's 58 degrees with cloudy skies.",
        "Weather",
        "GetWeatherForecastIntent",
    ),
    _u("set a timer for ten minutes", "Ten minutes, starting now.", "Timers", "SetTimerIntent"),
    _u(
        "play some jazz",
        "Here's a station you might like: Smooth Jazz.",
        "Music",
        "PlayStationIntent",
        "Amazon Music",
    ),
    _u("turn off the kitchen lights", "Okay.", "SmartHome", "TurnOffApplianceIntent"),
    _u("what time is it", "It's 7:42 a.m.", "Global", "GetTimeIntent"),
    _u(
        "add milk to my shopping list",
        "I've added milk to your shopping list.",
        "Shopping",
        "AddToListIntent",
    ),
    _u(
        "how far is the moon",
        "The Moon is about 238,900 miles from Earth.",
        "Knowledge",
        "QAIntent",
    ),
    _u(
        "tell me a joke",
        "Why did the scarecrow win an award? He was outstanding in his field.",
        "Entertainment",
        "TellJokeIntent",
    ),
    _u(
        "remind me to call mom at six",
        "Okay, I'll remind you at 6 p.m.",
        "Reminders",
        "CreateReminderIntent",
    ),
    _u("stop", "", "Global", "StopIntent"),
    _u(
        "what's on my calendar tomorrow",
        "Tomorrow you have dentist at 9 a.m.",
        "Calendar",
        "ReadCalendarIntent",
    ),
    _u("volume five", "", "Global", "SetVolumeIntent"),
    _u("play the news", "Here's your Flash Briefing.", "News", "PlayFlashBriefingIntent"),
    _u(
        "set an alarm for six thirty",
        "Alarm set for 6:30 a.m. tomorrow.",
        "Alarms",
        "SetAlarmIntent",
    ),
    _u(
        "how do you spell necessary",
        "Necessary is spelled N-E-C-E-S-S-A-R-Y.",
        "Knowledge",
        "SpellIntent",
    ),
    _u(
        "open sleep sounds",
        "Welcome to Sleep Sounds. Which sound would you like?",
        "Skills",
        "LaunchIntent",
        "Sleep Sounds",
    ),
]

_DE = [
    _u(
        "wie ist das wetter",
        "In Berlin sind es gerade 14 Grad und bewölkt.",
        "Weather",
        "GetWeatherForecastIntent",
    ),
    _u("stell einen timer auf zehn minuten", "Zehn Minuten, ab jetzt.", "Timers", "SetTimerIntent"),
    _u(
        "spiel jazz",
        "Hier ist ein Sender, der dir gefallen könnte: Smooth Jazz.",
        "Music",
        "PlayStationIntent",
        "Amazon Music",
    ),
    _u("schalte das licht in der küche aus", "Okay.", "SmartHome", "TurnOffApplianceIntent"),
    _u("wie spät ist es", "Es ist 7:42 Uhr.", "Global", "GetTimeIntent"),
    _u(
        "setz milch auf die einkaufsliste",
        "Ich habe Milch zu deiner Einkaufsliste hinzugefügt.",
        "Shopping",
        "AddToListIntent",
    ),
    _u(
        "wie weit ist der mond entfernt",
        "Der Mond ist etwa 384.400 Kilometer entfernt.",
        "Knowledge",
        "QAIntent",
    ),
    _u(
        "erzähl mir einen witz",
        "Was ist orange und geht über die Berge? Eine Wanderine.",
        "Entertainment",
        "TellJokeIntent",
    ),
    _u(
        "erinnere mich um sechs daran mama anzurufen",
        "Okay, ich erinnere dich um 18 Uhr.",
        "Reminders",
        "CreateReminderIntent",
    ),
    _u("stopp", "", "Global", "StopIntent"),
    _u(
        "was steht morgen in meinem kalender",
        "Morgen hast du um 9 Uhr Zahnarzt.",
        "Calendar",
        "ReadCalendarIntent",
    ),
    _u("lautstärke fünf", "", "Global", "SetVolumeIntent"),
    _u(
        "spiel die nachrichten",
        "Hier ist deine tägliche Zusammenfassung.",
        "News",
        "PlayFlashBriefingIntent",
    ),
    _u(
        "weck mich um halb sieben",
        "Wecker für morgen 6:30 Uhr gestellt.",
        "Alarms",
        "SetAlarmIntent",
    ),
]

_JA = [
    _u("今日の天気は", "東京は現在曇りで、気温は18度です。", "Weather", "GetWeatherForecastIntent"),
    _u("10分のタイマーをセットして", "10分、スタートします。", "Timers", "SetTimerIntent"),
    _u(
        "ジャズをかけて",
        "おすすめのステーション、スムースジャズを再生します。",
        "Music",
        "PlayStationIntent",
        "Amazon Music",
    ),
    _u("キッチンの電気を消して", "はい。", "SmartHome", "TurnOffApplianceIntent"),
    _u("今何時", "午前7時42分です。", "Global", "GetTimeIntent"),
    _u(
        "買い物リストに牛乳を追加して",
        "買い物リストに牛乳を追加しました。",
        "Shopping",
        "AddToListIntent",
    ),
    _u("月までの距離は", "月までは約38万4400キロメートルです。", "Knowledge", "QAIntent"),
    _u("何か面白いこと言って", "布団が吹っ飛んだ。", "Entertainment", "TellJokeIntent"),
    _u(
        "6時にお母さんに電話するようリマインドして",
        "はい、午後6時にお知らせします。",
        "Reminders",
        "CreateReminderIntent",
    ),
    _u("ストップ", "", "Global", "StopIntent"),
    _u("明日の予定は", "明日は午前9時に歯医者の予定があります。", "Calendar", "ReadCalendarIntent"),
    _u("音量5", "", "Global", "SetVolumeIntent"),
    _u("ニュースを再生して", "フラッシュニュースです。", "News", "PlayFlashBriefingIntent"),
    _u(
        "6時半にアラームをセットして",
        "明日の午前6時30分にアラームをセットしました。",
        "Alarms",
        "SetAlarmIntent",
    ),
]

UTTERANCES: dict[str, list[Utterance]] = {"en": _EN, "de": _DE, "ja": _JA}

# (name, deviceType, serial prefix). Names are what the owner called each device in the app.
DEVICES: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("Kitchen Echo Dot", "A3S5BH2HU6VAYF", "G090LF"),
        ("Living Room Echo Show", "A4ZP7ZC4PI6TO", "G0W19L"),
        ("Bedroom Echo", "A7WXQPH584YP", "G0911W"),
        ("Sam's Alexa app", "A2TF17PFR55MTB", "A2TF17"),
        ("Office Echo Studio", "A3RBAYBE7VM004", "G4B1A2"),
        ("Fire TV Stick", "A2GFL5ZMWNE0PX", "G070L8"),
    ],
    "de": [
        ("Echo Dot Küche", "A3S5BH2HU6VAYF", "G090LF"),
        ("Echo Show Wohnzimmer", "A4ZP7ZC4PI6TO", "G0W19L"),
        ("Echo Schlafzimmer", "A7WXQPH584YP", "G0911W"),
        ("Alexa-App von Sam", "A2TF17PFR55MTB", "A2TF17"),
        ("Echo Studio Büro", "A3RBAYBE7VM004", "G4B1A2"),
        ("Fire TV Stick", "A2GFL5ZMWNE0PX", "G070L8"),
    ],
    "ja": [
        ("キッチンのEcho Dot", "A3S5BH2HU6VAYF", "G090LF"),
        ("リビングのEcho Show", "A4ZP7ZC4PI6TO", "G0W19L"),
        ("寝室のEcho", "A7WXQPH584YP", "G0911W"),
        ("SamのAlexaアプリ", "A2TF17PFR55MTB", "A2TF17"),
        ("書斎のEcho Studio", "A3RBAYBE7VM004", "G4B1A2"),
        ("Fire TV Stick", "A2GFL5ZMWNE0PX", "G070L8"),
    ],
}

# Household profiles; None is a voice Alexa did not recognise.
PROFILES: list[str | None] = ["Sam", "Jamie", "Robin", None]

SOUNDS: dict[str, list[str]] = {
    "en": [
        "Smoke alarm detected",
        "Glass break detected",
        "Dog barking detected",
        "Baby crying detected",
        "Water running detected",
        "Snoring detected",
    ],
    "de": [
        "Rauchmelder erkannt",
        "Glasbruch erkannt",
        "Hundebellen erkannt",
        "Babyweinen erkannt",
        "Fließendes Wasser erkannt",
        "Schnarchen erkannt",
    ],
    "ja": [
        "煙探知機の音を検知しました",
        "ガラスの割れる音を検知しました",
        "犬の鳴き声を検知しました",
        "赤ちゃんの泣き声を検知しました",
        "水の流れる音を検知しました",
        "いびきを検知しました",
    ],
}

SMART_HOME: dict[str, list[str]] = {
    "en": [
        "Kitchen Light turned on",
        "Kitchen Light turned off",
        "Front Door locked",
        "Thermostat set to 70°",
        "Hallway Plug turned on",
        "Garage Door closed",
    ],
    "de": [
        "Küchenlicht eingeschaltet",
        "Küchenlicht ausgeschaltet",
        "Haustür verriegelt",
        "Thermostat auf 21° gestellt",
        "Steckdose Flur eingeschaltet",
        "Garagentor geschlossen",
    ],
    "ja": [
        "キッチンのライトをオンにしました",
        "キッチンのライトをオフにしました",
        "玄関ドアを施錠しました",
        "エアコンを24度に設定しました",
        "廊下のプラグをオンにしました",
        "ガレージのドアを閉めました",
    ],
}


def language(locale: str) -> str:
    """The corpus language of a locale: en-US and en-GB share English."""
    return locale.split("-")[0]


# What the page shows instead of a transcript (recordItemType ASR_REPLACEMENT_TEXT) per
# utteranceType, and instead of a spoken answer (TTS_REPLACEMENT_TEXT).
REPLACEMENTS: dict[str, dict[str, str]] = {
    "en": {
        "WAKE_WORD_ONLY": "No text stored",
        "DEVICE_ARBITRATION": "Audio was not intended for this device",
        "ASR_TIMEOUT": "Audio could not be understood",
        "TTS": "No response",
    },
    "de": {
        "WAKE_WORD_ONLY": "Kein Text gespeichert",
        "DEVICE_ARBITRATION": "Audio war nicht für dieses Gerät bestimmt",
        "ASR_TIMEOUT": "Audio konnte nicht verstanden werden",
        "TTS": "Keine Antwort",
    },
    "ja": {
        "WAKE_WORD_ONLY": "テキストは保存されていません",
        "DEVICE_ARBITRATION": "このデバイスに対する音声ではありませんでした",
        "ASR_TIMEOUT": "音声を認識できませんでした",
        "TTS": "応答なし",
    },
}
