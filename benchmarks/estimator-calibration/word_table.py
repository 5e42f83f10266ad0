"""Prints the base64 bitmap behind TokenEstimator's KNOWN_WORDS.

Usage: python3 word_table.py path/to/tiktoken.model
For every vocabulary entry that is a run of 4 or more lower-case ASCII letters, optionally after a
space and a capital (" word", "Word"), it sets the bit of the run's signature: its first two and
last two letters and its length (capped at 20), hashed to 16 bits. A run whose signature is unset
is certainly not one token; TokenEstimator counts those (UNKNOWN_WORDS).
"""
import base64
import re
import sys

BITS = 16


def signature(w):
    h = (ord(w[0]) & 31) << 15 | (ord(w[1]) & 31) << 10 | (ord(w[-2]) & 31) << 5 | ord(w[-1]) & 31
    h = h << 5 | min(len(w), 20)
    return (h * 0x9E3779B1 & 0xFFFFFFFF) >> (32 - BITS)


bits = bytearray(1 << (BITS - 3))
for line in open(sys.argv[1], 'rb'):
    m = re.fullmatch(rb' ?[A-Z]?([a-z]{4,})', base64.b64decode(line.split()[0]))
    if m:
        s = signature(m.group(1).decode())
        bits[s >> 3] |= 1 << (s & 7)
print(base64.b64encode(bytes(bits)).decode())
