"""Repository guards: checks of the repository and its artefacts, not of lines."""
