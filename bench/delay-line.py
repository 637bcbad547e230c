#!/usr/bin/env python3
# Delay line for the link benchmarks: this kernel has no netem, so a "wire" namespace forwards
# Ethernet frames between pairs of veth ends after a fixed one-way delay, turning two veth pairs
# into one link with a real round trip (RTT ~= 2 x delay + ~0.2 ms of forwarding).
#   python3 delay-line.py DELAY_US IFACE_A:IFACE_B [IFACE_A:IFACE_B ...]
# PACKET_VNET_HDR carries the checksum-offload state across: veth hands frames over with the
# TCP/UDP checksum not yet computed, and the header lets the kernel finish it on the other side.
# select() (not epoll) because its timeout has microsecond resolution.
import heapq
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_VNET_HDR = 15

delay = float(sys.argv[1]) / 1e6
peer = {}  # socket -> the socket its frames go out on
for pair in sys.argv[2:]:
    ends = []
    for name in pair.split(':'):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        s.bind((name, 0))
        s.setblocking(False)
        ends.append(s)
    peer[ends[0]] = ends[1]
    peer[ends[1]] = ends[0]
ends = list(peer)
queue = []  # (due, seq, out socket, frame)
seq = 0
print('{"ready":true}', flush=True)
while True:
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, out, frame = heapq.heappop(queue)
        try:
            out.send(frame)
        except OSError:
            pass  # a full queue drops the frame, as a wire would
    timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
    for s in select.select(ends, [], [], timeout)[0]:
        while True:
            try:
                frame, addr = s.recvfrom(65600)
            except BlockingIOError:
                break
            if addr[2] == PACKET_OUTGOING:
                continue  # our own sends show up here too
            seq += 1
            heapq.heappush(queue, (time.monotonic() + delay, seq, peer[s], frame))
