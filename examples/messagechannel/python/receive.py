# SPDX-License-Identifier: BSD-3-Clause
# Prints COUNT messages from an IPCMessageChannel: receive.py PATH COUNT
import socket, struct, sys

def receive_exactly(sock, size):
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the connection ended inside a message")
        data += chunk
    return bytes(data)

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
    sock.connect(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        kind, length = struct.unpack(">BI", receive_exactly(sock, 5))
        payload = receive_exactly(sock, length)
        print(payload.decode("utf-8") if kind == 1 else "binary: " + payload.hex())
