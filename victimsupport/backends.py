"""The model backend, with the signed-in user's roles and regions loaded with the user, from the cache
(victimsupport.usercache): every page needs them."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from victimsupport.usercache import load_user


class Backend(ModelBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
