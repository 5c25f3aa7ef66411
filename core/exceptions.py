class Conflict(Exception):
    """The request is valid but clashes with the current state (answered as 409)."""

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(Exception):
    """Something the caller named does not exist (answered as 404 with this message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
