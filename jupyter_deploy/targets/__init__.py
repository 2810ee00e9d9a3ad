"""Deployment targets: the plug-in interface (`base.py`), the registry that finds them
(`registry.py`, the `jupyter_deploy.targets` entry points), and the `docker` and `local`
targets. They import nothing of the package but this package and the shared small pieces."""
