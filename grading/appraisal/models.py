"""Models of grading's appraisal subject: the company tutor's fiche
d'évaluation « Avant PFE » filled through a personal link (EVAL-1, step B,
ROLE-5). Re-exported by ``grading/models.py``."""

__all__ = []
