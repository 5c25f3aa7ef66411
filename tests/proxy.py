"""A TCP proxy the fault drills put between the application and a real server, to cut it."""

import contextlib
import socket
import threading


class Proxy:
    """Forwards 127.0.0.1:<port> to a server. `down()` drops every connection and refuses
    new ones until `up()`; `trip_on(bytes)` drops a connection the moment the client sends
    those bytes (a statement in the middle of a transaction), once."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_down = False
        self.trip: bytes | None = None
        self.tripped = threading.Event()
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def down(self) -> None:
        self.is_down = True
        with self.lock:
            for sock in list(self.open):
                self._close(sock)

    def up(self) -> None:
        self.is_down = False

    def trip_on(self, marker: bytes) -> None:
        self.tripped.clear()
        self.trip = marker

    def close(self) -> None:
        self.down()
        self.listener.close()

    def _close(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        self.open.discard(sock)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_down:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_client and self.trip and self.trip in data:
                    self.trip = None
                    self.tripped.set()
                    break
                sink.sendall(data)
        except OSError:
            pass
        with self.lock:
            self._close(source)
            self._close(sink)
