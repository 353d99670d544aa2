"""Models of grading's s9 subject (placeholder: filled by its subject).

Re-exported by ``grading/models.py``; other grading models are named by
string ("grading.StepScore"), never imported here (no cycle)."""
