"""A loopback TCP relay that counts the bytes flowing through it, for measuring what a jsm
command downloads from a storage endpoint (Azurite): point the store's endpoint at the relay.
Counts are of the wire (HTTP headers included); `responses` counts HTTP status lines.
`latency_ms` delays the first bytes of each response, as a round trip to a remote account would;
`mbytes_per_s` caps each connection's download rate, as a remote link would."""

import socket
import threading
import time


class ByteCountingProxy:
    """Relays 127.0.0.1:<port> to `upstream_port`; `downloaded`, `uploaded`, `responses` since reset()."""

    def __init__(self, upstream_port, latency_ms=0, mbytes_per_s=0):
        self.upstream_port = upstream_port
        self.latency = latency_ms / 1000.0
        self.rate = mbytes_per_s * 1e6
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.reset()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self):
        with self.lock:
            self.downloaded = 0
            self.uploaded = 0
            self.responses = 0

    def _count(self, downstream, data):
        with self.lock:
            if downstream:
                self.downloaded += len(data)
                self.responses += data.count(b"HTTP/1.1 ")
            else:
                self.uploaded += len(data)

    def _pump(self, source, target, downstream, pending):
        try:
            while True:
                data = source.recv(1 << 16)
                if not data:
                    break
                if downstream and pending.is_set() and self.latency:
                    time.sleep(self.latency)  # the first bytes of a response after a request
                if downstream:
                    pending.clear()
                else:
                    pending.set()
                self._count(downstream, data)
                target.sendall(data)
                if downstream and self.rate:
                    time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _accept(self):
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            pending = threading.Event()  # a request went up and its response has not started
            threading.Thread(target=self._pump, args=(client, upstream, False, pending), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True, pending), daemon=True).start()

    def close(self):
        self.stopped = True
        self.listener.close()
