from django.dispatch import receiver

from cases.services.cases import cases_release_out_of_scope
from victimsupport.models import User
from victimsupport.services import user_scope_changed


@receiver(user_scope_changed)
def on_user_scope_changed(sender, user, actor: User, **kwargs) -> None:

    cases_release_out_of_scope(user=user, actor=actor)
