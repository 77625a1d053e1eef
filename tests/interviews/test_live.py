"""The live interview over a real WebSocket: streaming, acknowledgements, reconnects, duplicates,
malformed and out-of-order frames, and a whole interview through to the assessment."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from candor.core.config import Settings
from candor.core.db import Database
from candor.interviews.service import InterviewService
from tests.factories.accounts import SignedIn, sign_up
from tests.factories.interviews import create_interview
from tests.interviews.conftest import LiveServer

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "protocol.schema.json").read_text())
STRONG = (
    "At Uber I led the move of our pricing service to Node.js microservices on Kubernetes. I planned the "
    "rollout, wrote the canary checks and shifted 40% of traffic a week; p95 latency fell from 450 ms to "
    "120 ms and costs dropped 30%."
)


def valid(event: dict[str, Any]) -> dict[str, Any]:
    """Every server event must match the published schema."""
    jsonschema.validate(event, {**SCHEMA, "$ref": "#/$defs/server_event"})
    return event


async def recv(ws: ClientConnection) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await ws.recv(decode=True))
    return valid(event)


async def until(ws: ClientConnection, kind: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    while True:
        event = await recv(ws)
        seen.append(event)
        if event["type"] == kind:
            return event, seen


async def opened(ws: ClientConnection) -> dict[str, Any]:
    """Wait for the greeting and the first question that follow a connect; the first question."""
    await until(ws, "question.done")
    question, _ = await until(ws, "question.done")
    return question


@pytest.fixture
async def user(http: httpx.AsyncClient) -> SignedIn:
    return await sign_up(http)


def url(server: LiveServer, interview_id: str, user: SignedIn) -> str:
    return f"{server.ws}/api/v1/interviews/{interview_id}/live?token={user.access_token}"


async def test_connect_streams_the_greeting_and_first_question(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        state = await recv(ws)
        assert state["type"] == "state"
        assert state["state"] == "in_progress"
        opening, _ = await until(ws, "question.done")
        assert opening["kind"] == "opening"
        question, seen = await until(ws, "question.done")
        deltas = "".join(e["text"] for e in seen if e["type"] == "question.delta")
        assert deltas == question["text"]
        assert question["question_no"] == 1
        assert question["is_follow_up"] is False


async def test_answer_is_acknowledged_before_the_next_question_streams(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        await opened(ws)
        await ws.send(json.dumps({"type": "answer", "client_msg_id": "a1", "text": STRONG}))
        first = await recv(ws)
        assert first["type"] == "ack"
        assert first["client_msg_id"] == "a1"
        assert first["text"]
        done, seen = await until(ws, "question.done")
        assert all(e["type"] == "question.delta" for e in seen[:-1])
        assert done["text"]


async def test_reconnect_replays_the_current_question_and_duplicates_are_stored_once(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        await opened(ws)
        await ws.send(json.dumps({"type": "answer", "client_msg_id": "dup", "text": STRONG}))
        await until(ws, "ack")
        asked, _ = await until(ws, "question.done")
    async with connect(url(live_server, iid, user)) as ws:
        state = await recv(ws)
        assert state["state"] == "in_progress"
        replayed, _ = await until(ws, "question.done")
        assert replayed["text"] == asked["text"]
        # The client was not sure its answer arrived, and sends it again.
        await ws.send(json.dumps({"type": "answer", "client_msg_id": "dup", "text": STRONG}))
        ack = await recv(ws)
        assert ack["type"] == "ack"
        assert ack["duplicate"] is True
        again, _ = await until(ws, "question.done")
        assert again["seq"] == asked["seq"]
    transcript = (await http.get(f"/api/v1/interviews/{iid}/transcript", headers=user.headers)).json()
    assert sum(1 for m in transcript["messages"] if m["client_msg_id"] == "dup") == 1


async def test_an_answer_stored_before_a_crash_gets_its_reply_on_reconnect(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, settings: Settings
) -> None:
    iid = (await create_interview(http, user))["id"]
    await http.post(f"/api/v1/interviews/{iid}/start", headers=user.headers)
    # The server stored the answer, then died before it could reply.
    db = Database(settings.resolved_database_url)
    async with db.session() as session:
        await InterviewService(session, settings, live_server.app.state.jobs).record_answer(
            uuid.UUID(user.user_id), uuid.UUID(iid), "before-crash", STRONG
        )
    await db.dispose()
    async with connect(url(live_server, iid, user)) as ws:
        await recv(ws)
        reply, _ = await until(ws, "question.done")
        assert reply["kind"] in ("question", "follow_up")
    transcript = (await http.get(f"/api/v1/interviews/{iid}/transcript", headers=user.headers)).json()
    kinds = [m["kind"] for m in transcript["messages"]]
    assert kinds.index("answer") < len(kinds) - 1  # the answer is followed by the interviewer's reply


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_event"),
        (json.dumps({"type": "dance"}), "invalid_event"),
        (json.dumps({"type": "answer", "text": "no id"}), "invalid_event"),
        (json.dumps({"type": "answer", "client_msg_id": "x", "text": ""}), "invalid_event"),
        (json.dumps({"type": "control", "action": "explode"}), "invalid_event"),
        (json.dumps({"type": "answer", "client_msg_id": "big", "text": "x" * 40_000}), "frame_too_large"),
        (b"\x00\x01binary", "voice_not_started"),  # audio before voice.start
    ],
)
async def test_bad_frames_get_an_error_and_the_interview_goes_on(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, frame: str | bytes, code: str
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        await opened(ws)
        await ws.send(frame)
        error = await recv(ws)
        assert error["type"] == "error"
        assert error["code"] == code
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws))["type"] == "pong"
        await ws.send(json.dumps({"type": "answer", "client_msg_id": "after", "text": STRONG}))
        assert (await recv(ws))["type"] == "ack"


async def test_out_of_order_events_are_refused_politely(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        await opened(ws)
        await ws.send(json.dumps({"type": "control", "action": "end"}))
        await until(ws, "state")
        await ws.send(json.dumps({"type": "answer", "client_msg_id": "late", "text": STRONG}))
        error, _ = await until(ws, "error")
        assert error["code"] == "invalid_state"
        await ws.send(json.dumps({"type": "control", "action": "skip"}))
        error, _ = await until(ws, "error")
        assert error["code"] == "invalid_state"


async def test_sockets_need_a_signed_in_owner(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user))["id"]
    async with connect(f"{live_server.ws}/api/v1/interviews/{iid}/live") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    intruder = await sign_up(http)
    async with connect(url(live_server, iid, intruder)) as ws:
        error = await recv(ws)
        assert error["code"] == "interview_not_found"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4404


async def test_activity_is_recorded_and_a_whole_interview_ends_with_its_assessment(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn
) -> None:
    iid = (await create_interview(http, user, question_count=3))["id"]
    async with connect(url(live_server, iid, user)) as ws:
        await opened(ws)
        await ws.send(json.dumps({"type": "activity", "kind": "paste", "chars": 420}))
        await ws.send(json.dumps({"type": "activity", "kind": "blur"}))
        for n in range(30):
            await ws.send(json.dumps({"type": "answer", "client_msg_id": f"turn-{n}", "text": STRONG}))
            await until(ws, "ack")
            done, _ = await until(ws, "question.done")
            if done["kind"] == "closing":
                break
        else:
            pytest.fail("the interview never closed")
        ready, _ = await until(ws, "assessment.ready")
        assert ready["state"] == "done"
    assessment = (await http.get(f"/api/v1/interviews/{iid}/assessment", headers=user.headers)).json()
    signals = assessment["result"]["integrity_signals"]
    assert signals["pastes"] == 1
    assert signals["pasted_chars"] == 420
    assert signals["focus_lost"] == 1
