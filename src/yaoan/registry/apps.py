from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "yaoan.registry"
    label = "registry"
    verbose_name = _("监管对象")

    def ready(self) -> None:
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.core.pii.services import register_revealable
        from yaoan.core.rules import can_read_registry, can_reveal_personal_data
        from yaoan.registry.models import Entity
        from yaoan.registry.panels import licence_expiry_panel
        from yaoan.registry.queries import entity_profile

        register_nav(
            NavItem(
                20, _("监管对象"), "registry:entity_list", can_read_registry, "/registry/entities"
            )
        )
        register_nav(
            NavItem(
                25, _("产品目录"), "registry:product_list", can_read_registry, "/registry/products"
            )
        )
        register_panel(Panel(20, "dashboard", licence_expiry_panel))
        # the entity is found as its profile page finds it: within the reader's grid (S9) or
        # granted from above (registry.extensions); the phone needs the role too
        register_revealable(
            Entity,
            ("contact_phone",),
            get_object=lambda user, pk: entity_profile(user, pk),
            may_reveal=lambda user, entity: can_reveal_personal_data(user),
        )
