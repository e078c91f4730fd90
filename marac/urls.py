"""URLs of the marac app (pages arrive with the issues that build them)."""

app_name = "marac"
urlpatterns: list = []
