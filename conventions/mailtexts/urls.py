"""The mailtexts subject's pages."""

urlpatterns = []
