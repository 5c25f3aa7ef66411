"""Static files under hashed names, compressed, and pages that still render before
collectstatic has run."""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage. Django's manifest storage fails the whole
    page when a name is missing from the manifest; this one links the plain name instead
    (answered by the development server and the test server from the apps' folders, or a
    404 for the one file), and says so in the log when a manifest exists."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if self.hashed_files:  # collected, yet this file is not: a wrong name
                logger.warning("static file %r is not in the manifest", name)
            return name
