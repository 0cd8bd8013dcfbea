"""Command line of the booking service.

python -m booking migrate      bring the database to the newest schema
python -m booking seed-demo    load the demo offices, municipalities, staff and hours
python -m booking serve        run the API (BOOKING_PORT, default 8000)
python -m booking purge        erase intake records past the retention period
python -m booking feed-url ID  print the staff calendar feed URL of an office
"""

import argparse
import logging
import sys
from datetime import UTC, datetime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m booking", description=__doc__.splitlines()[1])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply Alembic migrations")
    sub.add_parser("seed-demo", help="load the demo data set")
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser("purge", help="erase intake records past the retention period")
    feed = sub.add_parser("feed-url", help="print an office's staff calendar feed URL")
    feed.add_argument("office_id")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from booking.config import get_settings

    settings = get_settings()

    if args.command == "migrate":
        from booking.migrate import upgrade

        upgrade(settings.database_url)
        print("database migrated")
    elif args.command in ("seed-demo", "purge"):
        from booking.bookings.service import purge_expired
        from booking.database import make_engine, make_sessionmaker, transaction
        from booking.demo.seed import seed

        engine = make_engine(settings.database_url)
        with transaction(make_sessionmaker(engine)) as session:
            if args.command == "seed-demo":
                counts = seed(session)
                print("demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            else:
                n = purge_expired(
                    session, now=datetime.now(UTC), retention_days=settings.retention_days_after_appointment
                )
                print(f"erased {n} intake records past retention")
        engine.dispose()
    elif args.command == "serve":
        import uvicorn

        uvicorn.run(
            "booking.app:create_app",
            factory=True,
            host=args.host,
            port=args.port or settings.port,
            workers=args.workers,
            access_log=False,
        )
    elif args.command == "feed-url":
        from booking.offices.views import feed_token

        token = feed_token(settings.feed_secret, args.office_id)
        print(f"{settings.public_base_url.rstrip('/')}/api/v1/offices/{args.office_id}/feed.ics?token={token}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
