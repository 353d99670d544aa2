"""Developer words never reach people (issue 10): on each role's main pages
of the demo, no rule id, fingerprint, MIME type, "Kio", "(s)" plural or
"1 septembre"; the office reads fingerprints and types only in its
« éléments de preuve » parts."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conventions.models import Dossier

RULE_ID = re.compile(
    r"\b(?:ELIG|DOC|STEP|ROLE|SCORE|CAL|CONTACT|DATA|PROG|NOTIF|SIGN|ABS|ATT|CERT|EVAL|PFE|BILL|AUTH)-\d+\b"
)
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FORBIDDEN = {
    "a rule id": RULE_ID,
    "a SHA-256 fingerprint": re.compile(r"SHA-256|\b[0-9a-f]{64}\b"),
    "a MIME type": re.compile(r"\b(?:application/pdf|text/plain|image/png|image/jpeg)\b"),
    "Kio/Mio": re.compile(r"\b[KM]io\b|KiB|MiB"),
    "a plural in parentheses": re.compile(r"\w\(s\)"),
    "“1 <mois>” instead of “1er”": re.compile(rf"(?<![\d/]) ?\b1 (?:{MONTHS})\b"),
}
EVIDENCE = re.compile(r'<details class="evidence[^"]*">.*?</details>', re.S)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def people_text(html):
    """What a person reads: the page's text and attribute-free markup, minus
    the office's evidence parts."""
    return TAGS.sub(" ", EVIDENCE.sub(" ", html))


def pages_of(username):
    dossier = Dossier.objects.select_related("student__user").get(student__user__username="eleve")
    common = [reverse("home"), reverse("conventions:dossier-detail", args=[dossier.pk])]
    by_role = {
        "bureau": [reverse("conventions:dossier-list"), reverse("students:student-list"),
                   reverse("conventions:company-review"),
                   reverse("students:student-detail", args=[dossier.student.pk]),
                   reverse("students:student-facts", args=[dossier.student.pk]),
                   reverse("conventions:cerfa-edit", args=[dossier.pk])],
        "resp2ia": [reverse("conventions:dossier-list"), reverse("students:student-list"),
                    reverse("conventions:fiche-edit", args=[dossier.pk])],
        "direction": [reverse("conventions:dossier-list")],
        "eleve": [reverse("students:my-eligibility"), reverse("conventions:fiche-edit", args=[dossier.pk]),
                  reverse("conventions:cerfa-edit", args=[dossier.pk])],
    }
    return common + by_role.get(username, [])


@pytest.mark.parametrize("username", ["bureau", "resp2ia", "tuteur", "eleve", "direction", "social", "scolarite"])
def test_people_read_no_developer_words(shared_demo, username):
    """Each role's main pages say nothing meant for developers."""
    from contratpro.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    found = []
    for url in pages_of(username):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = people_text(response.content.decode())
        for what, pattern in FORBIDDEN.items():
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 60): match.end() + 30]
                found.append(f"{url}: {what}: …{' '.join(around.split())}…")
    assert not found, "\n".join(found[:40])
