"""Grading's part of ``manage.py demo`` (SCORE-1…3, ``contratpro.demo``).

Runs after conventions' démarche: the year's barème with SCORE-2's
defaults, and the office's scores of the validated steps of every contract
drawn up, stamped on the last working day of the story. A score is set only
when its points differ, so a second run writes nothing. Adds the scored
dossiers and the range of their conduct grades to the summary's démarche
line.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from conventions.demo.story import Story, backdate, last_event, story_dossiers
from conventions.models import Dossier, StepState

from .models import BaremeLine, StepScore
from .scoring import bareme_for, dossier_scoresheet, score_set

# SCORE-1: full marks but for these « fait partiellement » (a fiche contact
# typed twice over) and a 5' handed in after its deadline (0, binary).
PARTIAL = {("eleve04", "2"), ("eleve12", "2"), ("eleve14", "2"), ("eleve23", "2")}


def score_steps(dossier, story, bareme, office, tally):
    """SCORE-1, SCORE-2: the office scores the validated steps the barème
    counts: full marks, 1 of 2 for a step done partially, 0 for a 5' handed
    in after its deadline (STEP-2)."""
    current = dict(dossier.scores.values_list("step", "points"))
    for row in dossier.steps.filter(state=StepState.VALIDATED):
        line = bareme[row.code]
        if not line.counted:
            continue
        points = line.maximum
        if (story.username, row.code) in PARTIAL:
            points = 1
        elif row.deadline and story.handed_in(row.code) > row.deadline:
            points = 0
        if current.get(row.code) == points:
            continue
        score = score_set(dossier=dossier, step=row.code, points=points, by=office)
        backdate(story.scoring(), (StepScore, score.pk, "at"), event=last_event(dossier))
        tally["updated" if row.code in current else "created"] += 1


def grades_summary(year, bareme):
    """SCORE-3: how many dossiers are scored, and their lowest and highest conduct grades."""
    scored = Dossier.objects.filter(year=year, scores__isnull=False).distinct().prefetch_related("steps", "scores")
    grades = sorted(dossier_scoresheet(dossier, bareme)["grade"] for dossier in scored)
    return _("dossiers notés : %(scored)s, notes de conduite de %(low)s à %(high)s/20") % {
        "scored": len(grades),
        "low": number_format(grades[0], 2) if grades else "–",
        "high": number_format(grades[-1], 2) if grades else "–",
    }


def build_scores(context):
    """The barème and the scores of the contracts drawn up (SCORE-1…3)."""
    year, tally = context.year, context.tally
    lines_before = BaremeLine.objects.filter(year=year).count()
    bareme = bareme_for(year)
    tally["created"] += len(bareme) - lines_before
    for dossier in story_dossiers(year):
        if dossier.contract_type and dossier.start_date:
            score_steps(dossier, Story(dossier), bareme, context.users["bureau"], tally)
    context.summary["demarche"].append(grades_summary(year, bareme))
