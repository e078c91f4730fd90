from django.dispatch import receiver

from victimsupport.services import user_scope_changed


@receiver(user_scope_changed)
def on_user_scope_changed(sender, user, actor, **kwargs) -> None:
    from cases.services.cases import release_out_of_scope_cases

    release_out_of_scope_cases(user=user, actor=actor)
