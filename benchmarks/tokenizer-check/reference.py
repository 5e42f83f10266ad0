"""An independent Kimi tokenizer, to check KimiTokenizer's ids (see README.md).

Usage: python3 reference.py path/to/tiktoken.model IDS_FILE...

Each line of an IDS_FILE is `<UTF-8 hex> <id>,<id>,...` as TokenizerCheck writes it. Prints the
lines whose ids differ from this script's, and a summary; exits 1 if any differ. Needs the `regex`
module (pip install regex), whose Unicode tables stand in for the Rust engine's.
"""
import base64
import heapq
import sys

import regex

# Moonshot's pattern, with \s written as White_Space (Python's \s also takes U+001C..U+001F) and
# the set intersections in the regex module's V1 syntax.
UPPER = r"[[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]--[\p{Script=Han}]]"
LOWER = r"[[\p{Ll}\p{Lm}\p{Lo}\p{M}]--[\p{Script=Han}]]"
CONTRACTION = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)"
WS = r"\p{White_Space}"
PATTERN = regex.compile(
    "|".join(
        [
            r"\p{Script=Han}+",
            r"[^\r\n\p{L}\p{N}]?" + UPPER + "*" + LOWER + "+" + CONTRACTION + "?",
            r"[^\r\n\p{L}\p{N}]?" + UPPER + "+" + LOWER + "*" + CONTRACTION + "?",
            r"\p{N}{1,3}",
            r" ?[^" + WS + r"\p{L}\p{N}]+[\r\n]*",
            "[" + WS + r"]*[\r\n]+",
            "[" + WS + "]+(?![^" + WS + "])",
            "[" + WS + "]+",
        ]
    ),
    regex.V1,
)


def load_ranks(path):
    ranks = {}
    with open(path, "rb") as f:
        for line in f:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def merge(piece, ranks):
    """Byte-pair merging: always the adjacent pair of lowest rank, the leftmost on a tie."""
    if piece in ranks:
        return [ranks[piece]]
    n = len(piece)
    end = list(range(1, n + 1))  # end[s]: end of the part starting at s
    before = list(range(-1, n - 1))  # before[s]: start of the part before it
    alive = [True] * n
    heap = []

    def offer(s):
        mid = end[s]
        if mid < n:
            rank = ranks.get(piece[s : end[mid]])
            if rank is not None:
                heapq.heappush(heap, (rank, s, mid, end[mid]))

    for s in range(n - 1):
        offer(s)
    while heap:
        _, s, mid, stop = heapq.heappop(heap)
        if not alive[s] or not alive[mid] or end[s] != mid or end[mid] != stop:
            continue  # a stale pair: one of its parts has merged since
        alive[mid] = False
        end[s] = stop
        if stop < n:
            before[stop] = s
        offer(s)
        if before[s] >= 0:
            offer(before[s])
    ids, s = [], 0
    while s < n:
        ids.append(ranks[piece[s : end[s]]])
        s = end[s]
    return ids


def runs(text, limit=25_000):
    """Moonshot's wrapper: cut runs of more than `limit` whitespace or non-whitespace characters."""
    start, length, space = 0, 0, text[:1].isspace()
    for i, c in enumerate(text):
        if c.isspace() != space:
            space, length = c.isspace(), 1
        else:
            length += 1
            if length > limit:
                yield text[start:i]
                start, length = i, 1
    yield text[start:]


def encode(text, ranks):
    ids = []
    for i in range(0, len(text), 400_000):
        for part in runs(text[i : i + 400_000]):
            for m in PATTERN.finditer(part):
                ids.extend(merge(m.group().encode("utf-8"), ranks))
    return ids


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ranks = load_ranks(sys.argv[1])
    texts = tokens = differ = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                hex_text, ids = line.rstrip("\n").split(" ")
                text = bytes.fromhex(hex_text).decode("utf-8")
                theirs = [int(x) for x in ids.split(",") if x]
                ours = encode(text, ranks)
                texts += 1
                tokens += len(ours)
                if ours != theirs:
                    differ += 1
                    if differ <= 20:
                        k = next(i for i, (a, b) in enumerate(zip(ours + [None], theirs + [None])) if a != b)
                        print(f"differs at token {k}: reference {ours[k:k + 4]}, KimiTokenizer "
                              f"{theirs[k:k + 4]}, text {text[:60]!r}")
    print(f"{texts} texts, {tokens} tokens, {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
