"""Writes of the cases app. Views, forms, admin, tasks and commands call these, never model.save()."""
