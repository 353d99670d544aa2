"""Conventions' part of ``manage.py demo`` (``contratpro.demo``).

The demo year 2026/2027, its calendar and its people (``records``), the
fiches contact typed in June (``fiches``) and the démarche as it stands on
21 November 2026 (``demarche``), from the story in ``data``; ``story`` says
when things happened, for every room's builders. The builders are
registered in ``ConventionsConfig.ready``; higher rooms add theirs (the
scores: ``grading.demo``).
"""
