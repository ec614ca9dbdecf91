from django.dispatch import Signal

# Sent after a user's public name changed (keyword argument: user); for cache invalidation.
public_name_changed = Signal()
