"""The digest subject's pages."""

urlpatterns = []
