class Conflict(Exception):
    """The request is valid but clashes with the current state (answered as 409)."""

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
