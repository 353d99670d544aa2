"""Companies shared by dossiers: the office's review of proposed changes (DOC-12)."""

urlpatterns = []
