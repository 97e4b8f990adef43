#!/usr/bin/env python3
"""Averages the weights of several `ner` models of one shape and vocabulary into a new model
file: a "model soup" of runs branched from one checkpoint (`ner train --resume --fork-seed`).

    python3 bench/average_models.py OUT.ner A.ner B.ner [C.ner ...]

The models must have the same tensors (names, shapes, types) and the same vocabularies and
configuration; the output is the first model's file with every tensor replaced by the mean and
the file's CRC-32 (the `file_crc32` metadata, computed with its eight digits read as `0`s)
recomputed, so `ner` loads it. Written to a temporary file and renamed. An experiment tool
(issue 14, "checkpoint averaging"): averaging models trained from different seeds from the
start gives a poor model, their weights not being aligned.
"""
import json
import os
import struct
import sys
import zlib

SIZES = {"F32": ("f", 4), "F16": ("e", 2)}
SAME_METADATA = ["config", "tag_scheme", "vocab.chars", "vocab.tags", "vocab.words"]


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    return data, n, json.loads(data[8:8 + n])


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().split("\n\n")[1])
    out, paths = sys.argv[1], sys.argv[2:]
    models = [read(p) for p in paths]
    base, n, header = models[0]
    for path, (_, _, h) in zip(paths[1:], models[1:]):
        for key in SAME_METADATA:
            if h["__metadata__"].get(key) != header["__metadata__"].get(key):
                sys.exit(f"{path}: its {key} differs from {paths[0]}'s; only models of one vocabulary and shape can be averaged")
        for name, t in header.items():
            if name != "__metadata__" and (name not in h or h[name]["dtype"] != t["dtype"] or h[name]["shape"] != t["shape"]):
                sys.exit(f"{path}: tensor {name} differs from {paths[0]}'s")
    result = bytearray(base)
    for name, t in header.items():
        if name == "__metadata__":
            continue
        code, size = SIZES[t["dtype"]]
        start, end = t["data_offsets"]
        count = (end - start) // size
        total = [0.0] * count
        for data, m, h in models:
            s, e = h[name]["data_offsets"]
            for i, v in enumerate(struct.unpack(f"<{count}{code}", data[8 + m + s:8 + m + e])):
                total[i] += v
        result[8 + n + start:8 + n + end] = struct.pack(f"<{count}{code}", *[v / len(models) for v in total])
    crc = header["__metadata__"]["file_crc32"].encode()
    at = result.find(b'"' + crc + b'"', 8, 8 + n) + 1
    result[at:at + 8] = b"00000000"
    result[at:at + 8] = b"%08x" % (zlib.crc32(bytes(result)) & 0xFFFFFFFF)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(result)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
