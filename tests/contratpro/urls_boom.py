"""The project's URLs plus one page that fails, to see the 500 page as a
visitor does. The handlers are the project's own."""

from django.urls import path

from contratpro.urls import handler500, urlpatterns as project_urlpatterns  # noqa: F401 (Django reads handler500 here)


def boom(request):
    raise RuntimeError("boom: a deliberate failure for the 500 page")


urlpatterns = [path("boom/", boom, name="boom"), *project_urlpatterns]
