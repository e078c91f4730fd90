"""URLs of the reporting app (pages arrive with the issues that build them)."""

app_name = "reporting"
urlpatterns: list = []
