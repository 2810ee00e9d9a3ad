__version__ = "0.1.0"

# Bumped only when a REST route changes incompatibly; the frontend sends it on every request
# so a stale browser tab and a newer server say so instead of failing oddly.
API_VERSION = 1
