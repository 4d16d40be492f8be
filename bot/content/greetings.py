"""Greetings, thanks and small talk readers type that are not a question (bot/search.py).

A message made of these words alone ("salom", "сәлем", "assalomu alaykum", "спасибо") gets the
calm "no answer here" and the menu, never a section; in a longer message they are left out, so
that "сәлем" (hello) does not pull a question towards "сәлемдеме" (a parcel) by its first letters.
Only words that never carry a question's topic belong here: not "день" or "как". Written per
catalog code as readers type them, misspellings and the Russian words many use included; a
language without a line keeps every word.
"""

from __future__ import annotations

# fmt: off
GREETINGS: dict[str, str] = {
    "ru": "привет, приветствую, здравствуйте, здравствуй, здрасте, здрасьте, спасибо, благодарю, пока, салам",
    "uk": "привіт, вітаю, здрастуйте, дякую, спасибі, бувай, привет, спасибо",
    "en": "hello, hey, hiya, thanks, thank, thx, bye, goodbye",
    "ko": "안녕하십니까, 안녕하세요, 안녕, 감사합니다, 고맙습니다",
    "be": "прывітанне, вітаю, дзякуй, бывай, привет, спасибо",
    "uz_Latn": "salom, assalomu, assalom, alaykum, aleykum, rahmat, raxmat, qalaysiz, qalesiz, yaxshimisiz, xayr, privet, spasibo, привет, спасибо",
    "kk": "сәлем, салем, сәлеметсіз, салеметсиз, ассалаумағалейкум, ассалаумагалейкум, ассалаумағалейкүм, рахмет, рақмет, қалайсыз, калайсыз, саубол, привет, спасибо",
    "ky": "салам, саламатсызбы, ассалоому, алейкум, рахмат, ыракмат, кандайсыз, привет, спасибо",
    "tg": "салом, ассалому, алейкум, алайкум, раҳмат, рахмат, ташаккур, привет, спасибо",
    "ne": "नमस्ते, नमस्कार, धन्यवाद, सन्चै, ठिक, ठीक, namaste, namaskar, dhanyabad",
    "hi": "नमस्ते, नमस्कार, धन्यवाद, शुक्रिया, राम, ठीक, namaste, namaskar, dhanyavad, shukriya",
    "ar": "مرحبا, مرحبًا, السلام, عليكم, سلام, شكرا, شكرًا, أهلا, اهلا",
    "fr": "bonjour, bonsoir, salut, merci, coucou, revoir",
    "es": "hola, buenas, gracias, saludos, adiós, adios",
    "zh_Hans": "你好, 您好, 谢谢, 再见",
}
# fmt: on
