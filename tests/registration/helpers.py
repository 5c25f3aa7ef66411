from registration import seats


def person(n: int, **extra) -> dict:
    return {
        "name": f"Người {n}",
        "email": f"person{n}@example.org",
        "consent": True,
        "country": "VN",
        "language": "vi",
        **extra,
    }


def register(event, n: int, **extra):
    return seats.register(event, person(n, **extra))
