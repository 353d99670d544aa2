"""The weekly digest (NOTIF-1, NOTIF-2): what is late and what falls due in
the next seven days, for the office (every department) and each head
(theirs), each once a week."""

import datetime

import pytest
from django.conf import settings as live_settings
from django.core import mail
from django.db import IntegrityError, transaction

from conventions.digest import services, tasks
from conventions.digest.models import DigestClaim
from conventions.dossier import steps
from conventions.links.services import contact_email
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
FRIDAY = D(2026, 12, 11)  # its week: Monday 7 December; seven days on: Friday 18 December


def sweep(day, capture):
    """One weekly sweep on ``day``, its sends run after commit (eager Celery)."""
    with capture(execute=True):
        return services.weekly_sweep(day, queue=tasks.send_digest.delay)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_notif_1_the_office_s_digest_covers_every_department_a_head_s_only_theirs(
        make_dossier, head, prism_head, django_capture_on_commit_callbacks, settings):
    """NOTIF-1, ROLE-3: the office's mailbox gets one digest naming the
    students of 2IA and PRISM; the head of 2IA one naming 2IA's student
    only, the head of PRISM PRISM's only: a head never reads another
    department's student."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    ia = make_dossier("2IA", first_name="Jeanne", last_name="Aubrac", A=D(2026, 12, 14))
    prism = make_dossier("PRISM", first_name="Paul", last_name="Vidal", A=D(2026, 12, 14))
    sweep(FRIDAY, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    (office,) = mails_to(contact_email())
    assert "Jeanne Aubrac" in office.body and "Paul Vidal" in office.body
    (ia_mail,) = mails_to(head.email)
    assert "Jeanne Aubrac" in ia_mail.body
    assert "Paul Vidal" not in ia_mail.body and "PRISM" not in ia_mail.body
    assert f"https://contrats-pro.example/dossiers/{ia.pk}/#etape-A" in ia_mail.body
    (prism_mail,) = mails_to(prism_head.email)
    assert "Paul Vidal" in prism_mail.body and "Jeanne Aubrac" not in prism_mail.body
    assert f"/dossiers/{prism.pk}/" not in ia_mail.body


def test_notif_1_an_option_head_reads_their_option_s_students_only(make_dossier, django_capture_on_commit_callbacks):
    """ROLE-3: the head of an option (not of its department) gets the
    digest of that option's students, not the rest of the department's."""
    department = factories.department("2IA")
    option = department.options.first()
    option_head = factories.UserFactory(username="respoption", email="respoption@mines-ales.fr", groups=["Enseignants"])
    option.head = option_head
    option.save()
    make_dossier("2IA", first_name="Olga", last_name="Optionnelle", option=option, A=D(2026, 12, 14))
    make_dossier("2IA", first_name="Hors", last_name="Option", A=D(2026, 12, 14))
    sweep(FRIDAY, django_capture_on_commit_callbacks)
    (mine,) = mails_to(option_head.email)
    assert "Olga Optionnelle" in mine.body and "Hors Option" not in mine.body


def test_notif_1_late_and_due_this_week_edges(make_dossier):
    """NOTIF-1: on Friday 11 December, a deadline of the 10th is late by one
    day, one of the 11th is due « aujourd'hui » (not late), one of the 18th
    (in 7 days) is in the week, one of the 19th (in 8 days) is not."""
    late = make_dossier(first_name="Léa", last_name="Tard", A=D(2026, 12, 10))
    today = make_dossier(first_name="Hugo", last_name="Jour", A=FRIDAY)
    seventh = make_dossier(first_name="Inès", last_name="Sept", A=D(2026, 12, 18))
    make_dossier(first_name="Louis", last_name="Huit", A=D(2026, 12, 19))
    lines = services.week_lines(FRIDAY)
    assert sorted((line.dossier_id, line.late) for line in lines) == sorted(
        [(late.pk, True), (today.pk, False), (seventh.pk, False)])
    digest = services.digest_of(lines, FRIDAY)
    assert digest["resume"] == "1 en retard, 2 à venir cette semaine"
    groups = digest["departements"][0]["groupes"]
    assert [(g["en_retard"], [(line["eleve"], line["echeance"], line["quand"]) for line in g["lignes"]])
            for g in groups] == [
        (True, [("Léa Tard", "10 décembre", "1 jour de retard")]),
        (False, [("Hugo Jour", "11 décembre", "aujourd'hui"), ("Inès Sept", "18 décembre", "dans 7 jours")]),
    ]


def test_notif_1_a_done_obligation_is_absent(make_dossier, office):
    """NOTIF-1: step 5' validated is in no digest, late or not."""
    dossier = make_dossier(**{"5p": D(2026, 12, 9)})
    assert [line.key for line in services.week_lines(FRIDAY)] == ["step:5p"]
    factories.evidence(dossier, "5p", office=office)
    five_p = dossier.steps.get(code="5p")
    steps.step_transition(step=five_p, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=five_p, action=steps.VALIDATE, by=office)
    assert services.week_lines(FRIDAY) == []


def test_notif_1_nothing_late_nor_due_this_week_sends_no_digest(make_dossier, head, django_capture_on_commit_callbacks):
    """NOTIF-1: a week with nothing to say sends nothing (no « rien à
    signaler » mail): no claim, no mail."""
    make_dossier(A=D(2026, 12, 19))
    assert sweep(FRIDAY, django_capture_on_commit_callbacks) == []
    assert mail.outbox == [] and not DigestClaim.objects.exists()


def test_notif_1_each_weekly_digest_once_two_sweeps_and_a_rerun_later_in_the_week(
        make_dossier, head, django_capture_on_commit_callbacks):
    """NOTIF-1: a second sweep the same morning and one on Wednesday of the
    same week claim nothing: one digest per recipient and week. The next
    Monday's is a new one."""
    make_dossier(A=D(2026, 12, 18))
    monday = D(2026, 12, 14)
    assert len(sweep(monday, django_capture_on_commit_callbacks)) == 2
    assert sweep(monday, django_capture_on_commit_callbacks) == []
    assert sweep(D(2026, 12, 16), django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 2
    assert set(DigestClaim.objects.values_list("period", "recipient", "state")) == {
        (monday, "office", "sent"), (monday, f"user:{head.pk}", "sent")}
    sweep(D(2026, 12, 21), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


def test_notif_1_the_database_refuses_a_second_claim_of_a_digest(head):
    """NOTIF-1: the unique constraint (kind, period, recipient) holds
    whatever runs at the same time."""
    fields = {"kind": DigestClaim.Kind.WEEKLY, "period": D(2026, 12, 14), "recipient": f"user:{head.pk}", "user": head}
    DigestClaim.objects.create(sweep="a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestClaim.objects.create(sweep="b", **fields)


def test_notif_1_a_head_of_the_office_reads_the_office_s_digest_only(make_dossier, head, django_capture_on_commit_callbacks):
    """NOTIF-1: a head who is also of the office gets no head's digest of
    their own (the office's covers their department)."""
    head.groups.add(factories.Group.objects.get(name="Service Contrats Pro"))
    make_dossier(A=D(2026, 12, 14))
    sweep(FRIDAY, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[contact_email()]]


def test_notif_1_long_lists_are_cut_with_their_count_and_the_portal_s_list(
        make_dossier, head, monkeypatch, settings, django_capture_on_commit_callbacks):
    """NOTIF-1: past ``MAX_LINES`` students of one obligation, the digest
    says « et N autres » with the link to the portal's « À faire »; the
    counts at the top count them all."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    monkeypatch.setattr(services, "MAX_LINES", 2)
    for n in range(5):
        make_dossier(A=D(2026, 12, 14 + n % 2))
    sweep(FRIDAY, django_capture_on_commit_callbacks)
    (message,) = mails_to(head.email)
    assert message.subject == "Récapitulatif de la semaine du 7 décembre : rien en retard, 5 à venir cette semaine"
    assert "- … et 3 autres : https://contrats-pro.example/a-faire/" in message.body
    assert message.body.count("https://contrats-pro.example/dossiers/") == 2


def test_notif_1_a_digest_that_fails_is_retried_not_duplicated(make_dossier, head, monkeypatch, django_capture_on_commit_callbacks):
    """NOTIF-1: a send that fails (the mail server down) leaves its claim
    failed with the error; sent again, it is the same claim, sent once."""
    make_dossier(A=D(2026, 12, 14))

    def down(*args, **kwargs):
        raise OSError("Connexion refusée")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", down)
    sweep(FRIDAY, django_capture_on_commit_callbacks)
    claims = list(DigestClaim.objects.values_list("state", "error"))
    assert claims == [("failed", "Connexion refusée"), ("failed", "Connexion refusée")]
    monkeypatch.undo()
    for claim in DigestClaim.objects.all():
        assert services.digest_send(claim.pk) == "sent"
        assert services.digest_send(claim.pk) == "skipped"
    assert len(mail.outbox) == 2 and DigestClaim.objects.count() == 2


def test_notif_2_beat_sends_the_weekly_digest_on_monday_at_7_and_the_daily_at_7_15():
    """NOTIF-2: beat's entries (copied into the periodic tasks the office
    edits): the weekly digest Monday at 7:00, the daily one every day at
    7:15, Europe/Paris."""
    schedule = live_settings.CELERY_BEAT_SCHEDULE
    weekly = schedule["conventions-digest-weekly"]
    daily = schedule["conventions-digest-daily"]
    assert weekly["task"] == "conventions.digest.tasks.digest_weekly"
    assert (weekly["schedule"].hour, weekly["schedule"].minute, weekly["schedule"].day_of_week) == ({7}, {0}, {1})
    assert daily["task"] == "conventions.digest.tasks.digest_daily"
    assert (daily["schedule"].hour, daily["schedule"].minute, len(daily["schedule"].day_of_week)) == ({7}, {15}, 7)
    assert live_settings.CELERY_TIMEZONE == "Europe/Paris"


def test_notif_1_a_digest_left_sending_by_a_killed_worker_is_sent_by_the_next_sweep(
        make_dossier, head, settings, django_capture_on_commit_callbacks):
    """NOTIF-1: a claim taken by a worker killed mid-send (its lease run
    out) is handed on by the next sweep: sent on the same claim, once."""
    make_dossier(A=D(2026, 12, 14))
    sweep(FRIDAY, lambda execute: django_capture_on_commit_callbacks(execute=False))
    claim = DigestClaim.objects.get(recipient=f"user:{head.pk}")
    now = services.timezone.now()
    DigestClaim.objects.filter(pk=claim.pk).update(
        state=DigestClaim.State.SENDING, attempts=1, lease_until=now - datetime.timedelta(seconds=1))
    DigestClaim.objects.exclude(pk=claim.pk).update(state=DigestClaim.State.SENT)
    assert sweep(FRIDAY, django_capture_on_commit_callbacks) == [claim.pk]
    claim.refresh_from_db()
    assert (claim.state, claim.attempts) == ("sent", 2)
    assert len(mails_to(head.email)) == 1
