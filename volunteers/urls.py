"""URLs of the volunteers app (pages arrive with the issues that build them)."""

app_name = "volunteers"
urlpatterns: list = []
