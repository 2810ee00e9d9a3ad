"""Build: a version becomes a container image (service module from its serve cells, locked
environment, model files as the last layer)."""
