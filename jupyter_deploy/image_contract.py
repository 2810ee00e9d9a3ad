"""What a version's image promises whoever runs it: the port its model server listens on and the
user it runs as. Builds make images to it (builds/image.py); the docker target runs them by it,
without knowing how they were built."""

PORT = 8080
MODEL_UID = 10001  # the image's user: the files a replica is given must be readable by it
