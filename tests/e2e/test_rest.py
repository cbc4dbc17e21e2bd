"""Conversations through the REST channel, servers and model for real."""

from __future__ import annotations

from harness.stack import conversation_of, list_tickets, rest_session
from tests.e2e.conftest import say, texts


def test_invoice_call_on_the_6th_says_wait(servers):
    """On the 6th the assistant says the call is being prepared: wait."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-06")
    reply = texts(say(base, rest_session(base), "je n'ai pas reçu mon appel à facturation",
                      role="mentor"))
    assert "patienter" in reply
    assert "Nous sommes le 6" in reply


def test_invoice_call_on_the_7th_opens_a_ticket_for_the_previous_month(servers):
    """On the 7th the rule says write: the ticket flow starts for October."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-07")
    me = rest_session(base)
    reply = texts(say(base, me, "je n'ai pas reçu mon appel à facturation", role="mentor"))
    assert "Nous sommes le 7" in reply
    assert "octobre 2026" in reply
    # The month was known: only the address to answer to is asked (anonymous), then the summary.
    assert "À quelle adresse e-mail" in reply
    summary = texts(say(base, me, "camille@example.org", role="mentor"))
    assert "à l'adresse camille@example.org" in summary
    assert "Voici votre demande" in summary


def test_malformed_email_is_asked_again(servers):
    """An answer that is no address gets the French explanation and the question again."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-07")
    me = rest_session(base)
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="mentor")
    reply = texts(say(base, me, "camille chez example", role="mentor"))
    assert "Je n'ai pas reconnu une adresse e-mail" in reply
    assert "À quelle adresse e-mail" in reply


def test_question_after_an_answer_takes_the_variant_of_that_answer(servers):
    """"payée" and the date question come in the same action run: the question is the one for
    a paid invoice (rendered with the slot the run sets), "en cours" the one for a pending one."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-20")
    paid, pending = rest_session(base), rest_session(base)
    say(base, paid, "le paiement de ma facture n'est pas arrivé", role="mentor")
    assert "Depuis quelle date est-elle notée payée" in texts(say(base, paid, "payée",
                                                                   role="mentor"))
    say(base, pending, "le paiement de ma facture n'est pas arrivé", role="mentor")
    assert "accepté le montant" in texts(say(base, pending, "en cours", role="mentor"))


def test_confirmed_ticket_is_listed_by_the_cli(servers, tmp_path):
    """Confirming creates one ticket that `python -m actions.tickets list --json` shows."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=f"sqlite:///{db}")
    me = rest_session(base)
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="coach")
    say(base, me, "coach@example.org", role="coach")
    reply = texts(say(base, me, "/affirm", role="coach"))
    assert "OC-2026-" in reply
    again = texts(say(base, me, "/affirm", role="coach"))
    assert "déjà enregistrée" in again
    tickets = list_tickets(f"sqlite:///{db}")
    assert [(t["category"], t["role"], t["sender_id"]) for t in tickets] == [
        ("invoice_call_missing", "coach", conversation_of(me))]
    assert tickets[0]["details"] == {"invoice_month": "octobre 2026"}
    assert (tickets[0]["requester_email"], tickets[0]["identity"]) == (
        "coach@example.org", "declared")


def test_greeting_and_small_talk(servers):
    """A greeting gets a greeting."""
    base, _ = servers
    assert say(base, rest_session(base), "bonjour")


def test_an_absence_yesterday_cannot_be_called_unjustified_yet(servers):
    """Two absences, the latest yesterday: the student still has 48 h to justify it, so the
    assistant asks nothing about justification and opens no ticket."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-28")
    me = rest_session(base)
    say(base, me, "mon étudiant ne vient plus aux sessions", role="mentor")
    say(base, me, "2", role="mentor")
    reply = texts(say(base, me, "hier", role="mentor"))
    assert "jusqu'au 29 novembre 2026" in reply
    assert "J'ouvre une demande" not in reply


def test_mon_etudiante_gets_answers_in_the_feminine(servers):
    """The user says "mon étudiante": the answer and the rule's question agree with it."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-28")
    reply = texts(say(base, rest_session(base), "mon étudiante ne répond plus à mes messages",
                      role="coach"))
    assert "votre étudiante" in reply
    assert "l'étudiante" in reply


def test_typed_pas_vraiment_after_an_answer_offers_next_steps(servers):
    """In a text-only channel (the shell), typing "pas vraiment" works like the button."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = rest_session(base)
    assert "Cette réponse vous a-t-elle aidé ?" in texts(
        say(base, me, "comment avoir davantage d'étudiants", role="mentor"))
    replies = say(base, me, "pas vraiment", role="mentor")
    assert "ne vous ait pas aidé" in texts(replies)
    assert "Ouvrir une demande" in [b["title"] for m in replies for b in m.get("buttons", [])]


def test_old_feedback_button_clicked_in_the_ticket_form_keeps_the_form(servers):
    """"Pas vraiment" clicked after the ticket form started: noted, the question comes back."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = rest_session(base)
    say(base, me, "j'ai trouvé une erreur dans un cours", role="mentor")
    question = texts(say(base, me, "/request_human", role="mentor")).splitlines()[-1]
    reply = texts(say(base, me, '/deny{"feedback":"unhelpful"}', role="mentor"))
    assert "c'est noté" in reply
    assert reply.splitlines()[-1] == question
    assert "arrête ici" not in reply


def test_typed_oui_merci_after_an_answer_is_thanked_as_feedback(servers):
    """In the shell, "oui merci" right after the question counts as "Oui, merci"."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = rest_session(base)
    say(base, me, "comment avoir davantage d'étudiants", role="mentor")
    assert "Merci pour votre retour" in texts(say(base, me, "oui merci", role="mentor"))


def test_merci_without_a_question_gets_the_usual_answer(servers):
    """Small talk stays small talk: "merci beaucoup" after a greeting."""
    base, _ = servers
    me = rest_session(base)
    say(base, me, "bonjour")
    assert "Avec plaisir" in texts(say(base, me, "merci beaucoup"))


def test_typed_change_of_address_at_the_summary_goes_on_the_ticket(servers, tmp_path):
    """Anonymous: "Modifier" lists the address the bot asked; "modifier l'email, c'est ..."
    changes it, the summary names the new one and the ticket carries it."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=f"sqlite:///{db}")
    me = rest_session(base)
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="coach")
    assert "coach@example.org" in texts(say(base, me, "coach@example.org", role="coach"))
    menu = say(base, me, '/inform{"field":"menu"}', role="coach")
    assert "Adresse e-mail de réponse" in [b["title"] for m in menu for b in m.get("buttons", [])]
    summary = texts(say(base, me, "modifier l'email, c'est camille.b@example.org", role="coach"))
    assert "à l'adresse camille.b@example.org" in summary and "Voici votre demande" in summary
    assert "OC-2026-" in texts(say(base, me, "/affirm", role="coach"))
    [ticket] = list_tickets(f"sqlite:///{db}")
    assert (ticket["requester_email"], ticket["identity"]) == (
        "camille.b@example.org", "declared")


def test_the_address_button_asks_the_address_again(servers):
    """Clicking the address in the "Modifier" list asks it again, then shows the summary."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = rest_session(base)
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="coach")
    say(base, me, "coach@example.org", role="coach")
    asked = texts(say(base, me, '/inform{"field":"requester_email"}', role="coach"))
    assert "À quelle adresse e-mail" in asked
    summary = texts(say(base, me, "nouvelle.adresse@example.org", role="coach"))
    assert "à l'adresse nouvelle.adresse@example.org" in summary
