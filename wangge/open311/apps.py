from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "wangge.open311"
    label = "open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        from wangge.core import caches

        def forget_api_keys() -> None:
            from wangge.open311.services import clear_key_cache

            clear_key_cache()

        # The API-key cache in services.py is not a core.caches cache yet; reset_all() reaches it through this.
        caches.register("open311.api_keys", forget_api_keys)
