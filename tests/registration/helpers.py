from registration import services


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
    return services.register(event, person(n, **extra))
