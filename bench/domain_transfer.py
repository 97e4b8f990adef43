#!/usr/bin/env python3
"""Data for bench/domain_transfer.sh (starting from a trained model on a new domain, issue 32).

The domain is sport: a CoNLL-2003 document is a sports report when the first token of its
first sentence (the headline's topic word, as in a made-up "TENNIS - HOME PLAYER WINS ...") names a sport,
in any casing. Everything else (politics, business, general news) is the parent's domain.

  domain_transfer.py split IN SPORT_OUT OTHER_OUT    IN's documents by domain (-DOCSTART- kept)
  domain_transfer.py sample IN N SEED OUT            N sentences of IN drawn with SEED
  domain_transfer.py count IN                        documents, sentences, tokens of IN
"""
import random
import sys

SPORTS = set("""SOCCER CRICKET BASEBALL TENNIS RUGBY CYCLING GOLF ATHLETICS RALLYING MOTOR
MOTORCYCLING MOTOR-RACING MOTORSPORT BASKETBALL SQUASH BOXING HORSE HORSERACING NFL NHL NBA ALPINE
SKIING SWIMMING ROWING BADMINTON HOCKEY ICE FOOTBALL SAILING JUDO WRESTLING VOLLEYBALL TABLE
YACHTING DARTS SNOOKER TRIATHLON FORMULA GYMNASTICS""".split())


def documents(path):
    """Each document: its -DOCSTART- line (or None) and its sentences (lists of lines)."""
    docs, head, sents, block = [], None, [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if block:
                    sents.append(block)
                    block = []
                if head is not None or sents:
                    docs.append((head, sents))
                head, sents = line, []
            elif not line.strip():
                if block:
                    sents.append(block)
                block = []
            else:
                block.append(line)
    if block:
        sents.append(block)
    if head is not None or sents:
        docs.append((head, sents))
    return docs


def is_sport(doc):
    sents = doc[1]
    return bool(sents) and sents[0][0].split(" ")[0].upper() in SPORTS


def write(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for head, sents in docs:
            if head is not None:
                f.write(head + "\n\n")
            for s in sents:
                f.write("\n".join(s) + "\n\n")


def main():
    cmd = sys.argv[1]
    if cmd == "split":
        docs = documents(sys.argv[2])
        write(sys.argv[3], [d for d in docs if is_sport(d)])
        write(sys.argv[4], [d for d in docs if not is_sport(d)])
    elif cmd == "sample":
        src, n, seed, dst = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        sents = [s for d in documents(src) for s in d[1]]
        if n > len(sents):
            sys.exit(f"{src}: {len(sents)} sentences, fewer than {n}")
        chosen = sorted(random.Random(seed).sample(range(len(sents)), n))
        write(dst, [(None, [sents[i] for i in chosen])])
    elif cmd == "count":
        docs = documents(sys.argv[2])
        sents = [s for d in docs for s in d[1]]
        print(len(docs), len(sents), sum(len(s) for s in sents))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
