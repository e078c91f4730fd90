"""URLs of the referrals app (pages arrive with the issues that build them)."""

app_name = "referrals"
urlpatterns: list = []
