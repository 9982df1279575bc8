"""The composer screen (« Rédiger une alerte »), plugged into the shell as ``ComposerView``."""
