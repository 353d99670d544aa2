"""The feeds subject's pages."""

urlpatterns = []
