"""Models of grading's transmission subject: the grades sent to the
scolarité (ROLE-8, EVAL-2). Re-exported by ``grading/models.py``."""

__all__ = []
