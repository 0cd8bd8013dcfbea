"""``python -m channels``: run the public channels process (CHANNELS_PORT, default 8080)."""

import logging

import uvicorn

from channels.config import get_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    uvicorn.run("channels.app:create_app", factory=True, host="0.0.0.0", port=settings.port, access_log=False)


if __name__ == "__main__":
    main()
