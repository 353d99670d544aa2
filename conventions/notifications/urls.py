"""The inbox's pages."""

urlpatterns = []
