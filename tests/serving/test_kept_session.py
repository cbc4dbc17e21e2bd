"""serving.performance.endpoint_session: calls to an endpoint share kept-alive connections, and
an endpoint that restarted is reached again."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from serving.performance import endpoint_session


class Endpoint:
    """A JSON endpoint on loopback that counts the connections it accepted."""

    def __init__(self) -> None:
        self.peers: set[tuple] = set()
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, port: int = 0) -> None:
        async def answer(request: web.Request) -> web.Response:
            self.peers.add(request.transport.get_extra_info("peername"))
            return web.json_response({"got": await request.json()})

        app = web.Application()
        app.router.add_post("/webhook", answer)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
def kept(monkeypatch):
    monkeypatch.setattr(EndpointConfig, "session", endpoint_session)


def test_calls_share_one_connection(kept):
    """Three calls in a row reach the endpoint over one connection, each with its own answer."""

    async def scenario() -> tuple[list, int]:
        endpoint = Endpoint()
        await endpoint.start()
        config = EndpointConfig(f"http://127.0.0.1:{endpoint.port}/webhook")
        answers = [await config.request(json={"turn": n}) for n in range(3)]
        await endpoint.stop()
        return answers, len(endpoint.peers)

    answers, connections = asyncio.run(scenario())
    assert answers == [{"got": {"turn": n}} for n in range(3)]
    assert connections == 1


def test_a_restarted_endpoint_is_reached_again(kept):
    """After the endpoint stops and starts again on its port, the next call gets an answer."""

    async def scenario() -> dict:
        endpoint = Endpoint()
        await endpoint.start()
        config = EndpointConfig(f"http://127.0.0.1:{endpoint.port}/webhook")
        await config.request(json={"turn": 1})
        await endpoint.stop()
        await asyncio.sleep(0.05)
        await endpoint.start(endpoint.port)
        answer = await config.request(json={"turn": 2})
        await endpoint.stop()
        return answer

    assert asyncio.run(scenario()) == {"got": {"turn": 2}}
