"""The model server that runs a version: request validation, the predict endpoint, health,
metrics. It imports nothing from Jupyter, so it runs in the image and as the local target."""
