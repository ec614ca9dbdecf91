from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts import receivers
        from outbox.signals import address_bounced

        address_bounced.connect(receivers.address_bounced, dispatch_uid="accounts_address_bounced")
