"""Telegram's side of a webhook: while one is set, each update is POSTed to its URL as JSON, with
the secret in X-Telegram-Bot-Api-Secret-Token, the way the Bot API server delivers them.

- One update at a time per chat, in order; different chats side by side, up to the webhook's
  max_connections (the model's `take_deliveries`).
- An update is done when the webhook answers 2xx. No connection, no answer within TIMEOUT, or any
  other status: the update is posted again after a pause, growing with each failure, and
  getWebhookInfo's last_error_message says why. (Telegram's pauses grow longer, up to minutes; these
  stay short for tests.)
- An answer may carry a Bot API method (JSON with "method", or a form): it is made, as Telegram
  makes it.

Run by the HTTP front door (`fake_telegram.http.Server`) in its event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from fake_telegram.model import Telegram, Webhook

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TIMEOUT = 60.0  # seconds Telegram waits for the webhook's answer
FIRST_PAUSE, MAX_PAUSE = 0.1, 1.0  # seconds before an update is posted again, doubling


class Delivery:
    """Posts the model's waiting updates to its webhook, for as long as it runs."""

    def __init__(self, telegram: Telegram) -> None:
        self.telegram = telegram
        self._task: asyncio.Task[None] | None = None
        self._posts: set[asyncio.Task[None]] = set()
        self._failures: dict[int, int] = {}

    def start(self) -> None:
        self._wake = asyncio.Event()
        self.telegram.add_waker(asyncio.get_running_loop(), self._wake)
        self._task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._posts) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                self._wake.clear()
                webhook, updates = self.telegram.take_deliveries()
                for update in updates:
                    task = asyncio.create_task(self._post(session, webhook, update))  # type: ignore[arg-type]
                    self._posts.add(task)
                    task.add_done_callback(self._posts.discard)
                await self._wake.wait()

    async def _post(
        self, session: aiohttp.ClientSession, webhook: Webhook, update: dict[str, Any]
    ) -> None:
        update_id = update["update_id"]
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            async with session.post(webhook.url, json=update, headers=headers) as response:
                status = response.status
                answer = await _method_in(response) if 200 <= status < 300 else None
        except (aiohttp.ClientError, TimeoutError) as error:
            failure = f"Connection failed: {type(error).__name__}"
        else:
            if 200 <= status < 300:
                self._failures.pop(update_id, None)
                self.telegram.delivered(update_id)
                if answer is not None:
                    await self.telegram.answer(*answer)
                return
            failure = f"Wrong response from the webhook: {status}"
        self.telegram.delivery_failed(update_id, failure)
        tries = self._failures[update_id] = self._failures.get(update_id, 0) + 1
        await asyncio.sleep(min(FIRST_PAUSE * 2 ** (tries - 1), MAX_PAUSE))
        self.telegram.redeliver(update_id)


async def _method_in(response: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]] | None:
    """A method the webhook answered with, as (name, parameters); None for an empty answer."""
    params: dict[str, Any] = {}
    if response.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = await response.json()
            if isinstance(body, dict):
                params = body
    elif response.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                params[part.name] = await part.text()
    method = params.pop("method", None)
    if not isinstance(method, str):
        return None
    from fake_telegram.http import decode
    from fake_telegram.model import ApiError

    with contextlib.suppress(ApiError):
        return method, decode(params)
    return None
