"""Yes or no, "passer", "laisse tomber", and replies that carry no detail."""

from __future__ import annotations

import re

from actions.business.parsing.text import normalize, plain_words, squeeze_repeats

_UNSURE_RE = re.compile(
    r"\b(?:je ne sais pas|je sais pas|sais pas|chais pas|sait pas|aucune idee|peut etre"
    r"|pas sur|pas sure|pas certaine?|je ne suis pas sure?|bof|je ne sais plus|je sais plus"
    r"|oui et non|oui ou non|ca depend|je ne me souviens|je me souviens plus)\b"
)
# Phrases containing "pas"/"non" that actually agree, or agreeing words that actually refuse.
_REWRITES = (
    (re.compile(r"\b(?:pas de (?:souci|soucis|probleme|problemes|pb)|sans (?:souci|soucis"
                r"|probleme)|pourquoi pas|ca ne me derange pas)\b"), " ok "),
    (re.compile(r"\b(?:absolument|certainement|surtout|evidemment|vraiment|carrement"
                r"|clairement|franchement|bien sur que|toujours) (?:pas|non)\b"), " non "),
    (re.compile(r"\b(?:je pense|je crois|bien sur|evidemment|absolument|certainement) que non\b"),
     " non "),
    (re.compile(r"\b(?:je pense|je crois|il me semble) que (?:oui|si)\b"), " oui "),
)
_NO_RE = re.compile(
    r"\b(?:non|nan|nope|no|niet|nn|negatif|jamais|aucunement|pas|nul)\b"
    r"|\bne? (?:\w+ ){0,4}?(?:plus|rien|point|aucun|aucune|personne|jamais)\b"
)
_NEGATORS = r"(?:pas|rien|jamais|plus|point|aucun\w*|personne)\b"
_YES_RE = re.compile(
    r"\b(?:oui|ouai|ouais|ouep|ouaip|ui|wi|yes|yep|yup|yeah|ok|okay|okey|oki|k|d accord"
    r"|daccord|dacc|dac|c est fait|deja fait|fait|c est bon|bien sur|biensur|bien entendu"
    r"|absolument|tout a fait|exact|exactement|affirmatif|effectivement|en effet|evidemment"
    r"|certainement|carrement|volontiers|parfait|je confirme|confirme|confirmee?|correct"
    r"|c est ca|c est exact|c est juste|c est vrai|tres bien|entendu|ca marche|ca roule"
    r"|vas y|allez y|bien recu|sure|of course|(?:je l|je les|j) ai (?!" + _NEGATORS + r")\w+)\b"
)
# A bare acknowledgement before the real answer ("ok, pas encore") does not answer by itself.
_LEADING_ACK_RE = re.compile(
    r"^(?:(?:ok|okay|okey|oki|d accord|daccord|dac|dacc|entendu|bien recu|alors|bon|ben|bah)\s+)+"
)
_LONE_SI_RE = re.compile(r"(?:mais )?si(?: si)*")




def parse_yes_no(text: str) -> bool | None:
    """True for agreement, False for refusal or "not yet", None when unclear."""
    s = squeeze_repeats(plain_words(text))
    if not s or _UNSURE_RE.search(s):
        return None
    if _LONE_SI_RE.fullmatch(s):
        return True
    for pattern, replacement in _REWRITES:
        s = pattern.sub(replacement, s)
    s = _LEADING_ACK_RE.sub("", s) or s
    no, yes = _NO_RE.search(s), _YES_RE.search(s)
    if no and yes:
        # Whatever comes first frames the answer: "non, pas encore" vs "oui, il ne répond pas".
        return no.start() > yes.start()
    if no or yes:
        return bool(yes)
    return None


_POLITE = (
    r"(?:non|bon|ok|okay|euh|heu|bah|ben|finalement|en fait|alors|au final|tout compte fait"
    r"|c est bon|pardon|desole|desolee|merci|non merci|stp|svp|s il te plait|s il vous plait"
    r"|du coup|bref)"
)
_SKIP_CORE = (
    r"(?:passer|passe|je passe|on passe|pass|skip|suivant|next|non|nan|no|nope|rien|rien a dire"
    r"|rien a ajouter|rien de plus|rien de special|rien de particulier|aucun|aucune"
    r"|aucune raison|pas de raison|sans raison|aucune idee|je ne sais pas|je sais pas"
    r"|sais pas|nsp|ras|n a|na|neant|vide|pas d avis|pas de commentaire|sans commentaire"
    r"|aucun commentaire|pas de details?|aucun detail|pas de precision|pas besoin"
    r"|pas necessaire|pas important|pas envie|je (?:ne )?prefere (?:ne )?pas(?: le)?"
    r"(?: (?:dire|repondre|preciser|en parler|le dire|partager|donner))?"
    r"|prefere ne pas (?:dire|repondre|preciser)"
    r"|je ne (?:souhaite|veux) pas (?:repondre|le dire|dire|preciser|en parler|le preciser)"
    r"|c est personnel|confidentiel|c est tout|ca ira|ignore|ignorer|laisse vide"
    r"|non communique|pas concernee?|non applicable|sans objet|pas de reponse)"
)
_SKIP_RE = re.compile(rf"(?:{_POLITE} )*{_SKIP_CORE}(?: {_POLITE})*")
_SKIP_SYMBOLS_RE = re.compile(r"[\s\-_./\u2013\u2014\u2026]+")


def is_skip(text: str) -> bool:
    """The user declines to give an optional detail ("passer", "non", "rien", "-")."""
    if _SKIP_SYMBOLS_RE.fullmatch(text):
        return True
    s = squeeze_repeats(plain_words(text))
    return bool(s) and bool(_SKIP_RE.fullmatch(s))


_CANCEL_LEAD = (
    r"(?:je veux|je voudrais|j aimerais|je prefere|je vais|on peut|on va|peut on|tu peux"
    r"|vous pouvez|on|je|allez on|bon on)"
)
_CANCEL_VERB = (
    r"(?:arr?ett?(?:e|er|ez|ons)|ann?ull?(?:e|er|ez|ons)|abb?andonn?(?:e|er|ez|ons)"
    r"|stopp?(?:e|er|ez|ons)?|quitt?(?:e|er|ez|ons)|oubli(?:e|er|ez|ons)"
    r"|lai?ss?(?:e|er|ez|es) tomb(?:e|er|ez)|lai?ss?(?:e|ez|es) bett?on|sortir|sors"
    r"|tout (?:arreter|annuler|stopper|laisser tomber))"
)
_CANCEL_OBJECT = (
    r"(?:ca|tout|tout ca|la|ici|la demande|cette demande|ma demande|les questions"
    r"|ces questions|le questionnaire|le formulaire|la conversation|cette conversation"
    r"|la discussion|l operation|cette operation|pour l instant|pour le moment|maintenant"
    r"|en fait|finalement|c est bon)"
)
_CANCEL_STANDALONE = (
    r"(?:plus besoin|pas besoin|j en ai plus besoin|je n en ai plus besoin|je n ai plus besoin"
    r"|c est bon laisse|c est bon laisse tomber|laisse|cancel|exit|quit|annulation|tant pis"
    r"|nevermind|never mind|on oublie|fin)"
)
_CANCEL_RE = re.compile(
    rf"(?:{_POLITE} )*(?:(?:{_CANCEL_LEAD} )?{_CANCEL_VERB}(?: {_CANCEL_OBJECT})*"
    rf"|{_CANCEL_STANDALONE})(?: {_POLITE})*"
)
# Unambiguous openings: whatever follows, the user is leaving ("laisse tomber, je verrai").
_CANCEL_START_RE = re.compile(
    rf"(?:{_POLITE} )*(?:lai?ss?(?:e|ez|es) tomb(?:e|er|ez)|oubli(?:e|ez) ca|plus besoin"
    r"|c est bon laisse|on arrete (?:la|tout)|stop|annule tout|annuler tout|tant pis)\b"
)
_MAX_CANCEL_WORDS = 8


def is_cancel(text: str) -> bool:
    """The user wants out of the current questions; "je veux arrêter le mentorat" is a topic."""
    normalized = normalize(text)
    s = squeeze_repeats(plain_words(normalized))
    if not s or len(s.split()) > 2 * _MAX_CANCEL_WORDS:
        return False
    if _CANCEL_START_RE.match(s):
        return True
    first_clause = plain_words(re.split(r"[,.;!:]", normalized, maxsplit=1)[0])
    return any(
        len(part.split()) <= _MAX_CANCEL_WORDS and _CANCEL_RE.fullmatch(part)
        for part in (s, first_clause)
    )


# Answers that say nothing: a detail written as "oui", "ok" or "je ne m'en souviens plus" would
# reach the support team empty, so it is asked again.
_NON_ANSWER_RE = re.compile(
    r"(?:(?:euh|bah|ben|hmm|alors|desole|desolee|malheureusement|non|oui|franchement) )*"
    r"(?:oui|non|ok|okay|d accord|si|yes|no|rien|aucune idee|je sais pas|je ne sais pas"
    r"|sais pas|chais pas|je sais plus|je ne sais plus|je ne sais pas trop|pas d idee"
    r"|(?:je )?(?:ne )?(?:m en |me )?(?:souviens|rappelle) (?:plus|pas)(?: du tout)?"
    r"|je (?:ne )?l ai (?:pas|plus) (?:sous la main|en tete)|je (?:l ai )?oublie|j ai oublie"
    r"|aucun souvenir|peu importe|n importe quoi|test|\?+|\.+"
    # the summary's commands typed while a detail is asked again: no detail either
    r"|confirmer|je confirme|valider|envoyer|envoie|modifier|changer)"
    r"(?: (?:desole|desolee|merci|du tout|malheureusement))*"
)


def is_non_answer(text: str) -> bool:
    """A reply that carries no detail at all ("oui", "je ne m'en souviens plus")."""
    s = squeeze_repeats(plain_words(text))
    return not s or bool(_NON_ANSWER_RE.fullmatch(s))
