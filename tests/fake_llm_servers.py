"""Local stand-ins for model servers: the OpenAI chat-completions and Anthropic messages
protocols on 127.0.0.1, an ephemeral port, in a background thread (stdlib only).

A test scripts the replies: ``FakeLLMServer("openai", [status(429), ok("...")])`` answers
the first request with a 429 and every later one with the last entry (or pass a
function ``(index, body) -> Reply``). The server records every request and the highest
number of requests it was serving at once, so tests can check retries and the
concurrency bound through the real SDK clients.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Protocol = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class Reply:
    """What the server sends for one request."""

    status: int = 200
    body: Any = None  # dict -> JSON; str/bytes sent as is; None -> a normal answer
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts, concurrency)
    text: str = "```redcode\nMOV.I $0, $1\n```"
    prompt_tokens: int = 11
    completion_tokens: int = 7


def ok(text: str = Reply.text, *, delay: float = 0.0, prompt_tokens: int = 11,
       completion_tokens: int = 7) -> Reply:  # fmt: skip
    return Reply(text=text, delay=delay, prompt_tokens=prompt_tokens,
                 completion_tokens=completion_tokens)  # fmt: skip


def status(code: int, message: str = "scripted failure", *, retry_after_ms: int = 5) -> Reply:
    """An error status with a JSON error body; the short retry-after keeps SDK retries fast."""
    body = {"type": "error", "error": {"type": "scripted", "message": message}}
    return Reply(status=code, body=body, headers={"retry-after-ms": str(retry_after_ms)})


def empty() -> Reply:
    return Reply(text="")


def garbage() -> Reply:
    """A 200 whose body is not JSON at all, although it claims to be."""
    return Reply(body="<html>this is not json {{{", headers={"content-type": "application/json"})


def sleep(seconds: float) -> Reply:
    return Reply(delay=seconds)


def openai_answer(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


def anthropic_answer(reply: Reply, model: str) -> dict[str, Any]:
    content = [{"type": "text", "text": reply.text}] if reply.text else []
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": reply.prompt_tokens, "output_tokens": reply.completion_tokens},
    }


Script = Sequence[Reply] | Callable[[int, dict[str, Any]], Reply]


class FakeLLMServer:
    """A scripted model server; use as a context manager (starts and stops the thread)."""

    def __init__(
        self, protocol: Protocol, script: Script = (), *, echo_headers: bool = False
    ) -> None:
        self.protocol = protocol
        self.script = script
        self.echo_headers = echo_headers  # error bodies quote request headers (leak tests)
        self.requests: list[dict[str, Any]] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def __enter__(self) -> FakeLLMServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        root = f"http://127.0.0.1:{self.port}"
        return root + "/v1" if self.protocol == "openai" else root

    # -- request handling
    def _pick(self, index: int, body: dict[str, Any]) -> Reply:
        if callable(self.script):
            return self.script(index, body)
        if not self.script:
            return Reply()
        return self.script[min(index, len(self.script) - 1)]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        with self._lock:
            index = len(self.requests)
            self.requests.append(
                {"path": handler.path, "headers": _lower(handler.headers), "body": body}
            )
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            reply = self._pick(index, body)
            if reply.delay:
                time.sleep(reply.delay)
            self._send(handler, reply, body)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)
        finally:
            with self._lock:
                self.active -= 1

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply, body: dict[str, Any]) -> None:
        model = str(body.get("model", "fake-model"))
        headers = {"content-type": "application/json", **reply.headers}
        if reply.body is None:
            answer = openai_answer if self.protocol == "openai" else anthropic_answer
            payload: Any = answer(reply, model)
        else:
            payload = reply.body
        if self.echo_headers and reply.status >= 400 and isinstance(payload, dict):
            payload = {**payload, "request_headers": dict(handler.headers)}
            error = payload.get("error")
            if isinstance(error, dict):
                credentials = ("authorization", "x-api-key")
                quoted = " ".join(
                    f"{k}={v}" for k, v in handler.headers.items() if k.lower() in credentials
                )
                payload["error"] = {**error, "message": f"{error.get('message')} [{quoted}]"}
        if isinstance(payload, dict | list):
            data = json.dumps(payload).encode()
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = bytes(payload)
        handler.send_response(reply.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for connection-refused tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
