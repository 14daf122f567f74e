# SPDX-License-Identifier: BSD-3-Clause
# Sends a text and a binary message to an IPCMessageChannel: send.py PATH TEXT
import socket, struct, sys

def send_message(sock, kind, payload):  # kind 1: UTF-8 text, 2: binary
    sock.sendall(struct.pack(">BI", kind, len(payload)) + payload)

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
    sock.connect(sys.argv[1])
    send_message(sock, 1, sys.argv[2].encode("utf-8"))
    send_message(sock, 2, bytes(range(256)))
