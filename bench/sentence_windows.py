#!/usr/bin/env python3
"""Joins consecutive sentences of each -DOCSTART- document of a CoNLL file into windows of at
most N tokens (a sentence longer than N is a window of its own), keeping the document marks.

A model trained and scored on such files reads its neighbouring sentences through the BiLSTM:
the "window of neighbouring sentences" candidate of document context, measured without a change
to `ner` (docs/experiments/2026-12-06-issue-14-candidates.md). Scores on a windowed file are those of the sentences in it
(the tokens and tags are the same; only the sentence breaks inside a window are gone).

    python3 bench/sentence_windows.py IN.txt OUT.txt 80
"""
import sys


def windows(sentences, limit):
    window = []
    for sentence in sentences:
        if window and len(window) + len(sentence) > limit:
            yield window
            window = []
        window = window + sentence
    if window:
        yield window


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: sentence_windows.py IN.txt OUT.txt MAX_TOKENS")
    source, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        document, sentence = [], []

        def end_document():
            for window in windows(document, limit):
                out.write("\n".join(window) + "\n\n")
            document.clear()

        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if sentence:
                    document.append(sentence)
                    sentence = []
                end_document()
                out.write(line + "\n\n")
            elif not line.strip():
                if sentence:
                    document.append(sentence)
                    sentence = []
            else:
                sentence.append(line)
        if sentence:
            document.append(sentence)
        end_document()


if __name__ == "__main__":
    main()
