#!/usr/bin/env python3
"""The peers of bench/peers/run.sh: a PyTorch BiLSTM-CRF of ner's default shape and a spaCy NER
pipeline, each trained on CoNLL-2003 train.txt and each tagging a token-lines file as one cold
process, as `ner tag --input tokens` does.

    peers.py torch-train  --train T --glove G --vocab-files F... --epochs N --out M
    peers.py torch-tag    --model M --input TOKENS --output TAGS [--threads 2]
    peers.py spacy-train  --train T --epochs N --out DIR
    peers.py spacy-tag    --model DIR --input TOKENS --output TAGS [--processes 1]
    peers.py score        --gold TEST --input TOKENS --tags TAGS --out PREDICTIONS

A tokens file has one sentence per line, its tokens separated by spaces (ner's `--input tokens`);
a tags file has one line of space-separated tags per sentence, the same shape. Each command prints one JSON line on stdout with what it
measured (seconds of the work itself, tokens, tokens/s); run.sh adds the wall time and peak
memory of the whole process (/usr/bin/time), start and imports included.

The PyTorch model has the shape of ner's default model: word embeddings 50-d (GloVe 6B, looked up
lowercased with digits as 0, fine-tuned) over the vocabulary ner builds (every training word, the
100,000 most frequent GloVe words and the GloVe words of the given files), an 8-d casing feature,
a character CNN (30-d characters, 30 filters of width 3, max-pooled), dropout 0.5, BiLSTM 200 +
200, dropout 0.5, a linear layer and a CRF (IOB2 tags, no constraints); Adam lr 0.001, batches
of 10 sentences, gradient norm clipped at 5. It tags in batches of sentences of similar length
with a batched Viterbi decode.

The spaCy pipeline is spaCy 3's default `ner` component on a blank English pipeline: the
transition-based parser over a HashEmbedCNN tok2vec (width 96, depth 4, 2000-row hash
embeddings, subword features), no pretrained vectors, as in its "efficiency" configuration;
trained from scratch with spaCy's default optimizer, batches of 64 sentences, dropout 0.1.
"""

import argparse
import gzip
import json
import random
import re
import sys
import time

START = time.time()


def read_conll(path):
    """Sentences of a CoNLL file as (words, tags), -DOCSTART- lines skipped."""
    sentences, words, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if words:
                    sentences.append((words, tags))
                words, tags = [], []
            elif parts[0] != "-DOCSTART-":
                words.append(parts[0])
                tags.append(parts[-1])
    if words:
        sentences.append((words, tags))
    return sentences


def read_tokens(path):
    """Sentences of a tokens (or tags) file: one per line, space-separated."""
    with open(path, encoding="utf-8") as f:
        return [line.split() for line in f]


def write_tags(path, tag_lists):
    with open(path, "w", encoding="utf-8") as f:
        for tags in tag_lists:
            f.write(" ".join(tags) + "\n")


def report(**fields):
    fields["process_seconds"] = round(time.time() - START, 3)
    print(json.dumps(fields))


# ---------------------------------------------------------------- PyTorch BiLSTM-CRF

DIGITS = re.compile(r"[0-9]")


def word_key(word):
    return DIGITS.sub("0", word.lower())


def casing(word):
    """Eight casing classes, as ner's casing feature: padding, numeric, mostly digits, all lower,
    all upper, initial upper, contains a digit, other."""
    digits = sum(c.isdigit() for c in word)
    if word.isdigit():
        return 1
    if digits / len(word) > 0.5:
        return 2
    if word.islower():
        return 3
    if word.isupper():
        return 4
    if word[0].isupper():
        return 5
    if digits:
        return 6
    return 7


def torch_model(torch, n_words, n_chars, n_tags, hidden=200):
    nn = torch.nn

    class BiLSTMCRF(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(n_words, 50)
            self.casing = nn.Embedding(8, 8)
            self.char = nn.Embedding(n_chars, 30, padding_idx=0)
            self.conv = nn.Conv1d(30, 30, 3, padding=1)
            self.dropout = nn.Dropout(0.5)
            self.lstm = nn.LSTM(50 + 8 + 30, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, n_tags)
            self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))
            self.start = nn.Parameter(torch.zeros(n_tags))
            self.end = nn.Parameter(torch.zeros(n_tags))

        def emissions(self, words, cases, chars, lengths):
            batch, steps, width = chars.shape
            c = self.char(chars.view(batch * steps, width)).transpose(1, 2)
            c = self.conv(c).max(dim=2).values.view(batch, steps, -1)
            x = torch.cat([self.word(words), self.casing(cases), c], dim=2)
            x = self.dropout(x)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=steps)
            return self.out(self.dropout(h))

        def loss(self, e, tags, mask):
            """Negative log-likelihood of the gold paths, summed over the batch."""
            batch, steps, n = e.shape
            alpha = self.start + e[:, 0]
            gold = self.start[tags[:, 0]] + e[:, 0].gather(1, tags[:, :1]).squeeze(1)
            for t in range(1, steps):
                m = mask[:, t].unsqueeze(1)
                step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + e[:, t].unsqueeze(1), dim=1)
                alpha = torch.where(m, step, alpha)
                g = self.transitions[tags[:, t - 1], tags[:, t]] + e[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
                gold = gold + g * mask[:, t]
            last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
            gold = gold + self.end[last]
            return (torch.logsumexp(alpha + self.end, dim=1) - gold).sum()

        def decode(self, e, lengths):
            batch, steps, n = e.shape
            score = self.start + e[:, 0]
            pointers = []
            for t in range(1, steps):
                s = score.unsqueeze(2) + self.transitions
                best, arg = s.max(dim=1)
                nxt = best + e[:, t]
                m = (lengths > t).unsqueeze(1)
                score = torch.where(m, nxt, score)
                pointers.append(arg)
            score = score + self.end
            last = score.argmax(dim=1).tolist()
            pointers = torch.stack(pointers, dim=1).tolist() if pointers else [[] for _ in range(batch)]
            paths = []
            for b in range(batch):
                length = int(lengths[b])
                path = [last[b]]
                for t in range(length - 1, 0, -1):
                    path.append(pointers[b][t - 1][path[-1]])
                paths.append(path[::-1])
            return paths

    return BiLSTMCRF()


def tensors(torch, batch, vocab, chars):
    """Padded word, casing and character indices and the lengths of a list of sentences, each
    built as one nested list and turned into a tensor in one call."""
    steps = max(len(s) for s in batch)
    width = max(len(w) for s in batch for w in s)
    pad_words = [0] * width
    words, cases, char_ids = [], [], []
    for sentence in batch:
        padding = steps - len(sentence)
        words.append([vocab.get(word_key(w), 1) for w in sentence] + [0] * padding)
        cases.append([casing(w) for w in sentence] + [0] * padding)
        char_ids.append([[chars.get(c, 1) for c in w] + [0] * (width - len(w)) for w in sentence]
                        + [pad_words] * padding)
    return (torch.tensor(words), torch.tensor(cases), torch.tensor(char_ids),
            torch.tensor([len(s) for s in batch]))


def torch_train(args):
    import torch
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    train = read_conll(args.train)
    # The vocabulary ner builds: training words, the most frequent GloVe words, the GloVe words
    # of the given files.
    wanted = {word_key(w) for path in args.vocab_files for words, _ in read_conll(path) for w in words}
    words = ["<pad>", "<unk>"]
    index = {}
    for sentence, _ in train:
        for w in sentence:
            k = word_key(w)
            if k not in index:
                index[k] = len(words)
                words.append(k)
    vectors = {}
    with gzip.open(args.glove, "rt", encoding="utf-8") as f:
        for rank, line in enumerate(f):
            word, rest = line.split(" ", 1)
            if rank < 100000 or word in wanted or word in index:
                vectors[word] = rest
                if word not in index:
                    index[word] = len(words)
                    words.append(word)
    vocab = {w: i for i, w in enumerate(words)}
    chars = {"<pad>": 0, "<unk>": 1}
    for sentence, _ in train:
        for w in sentence:
            for c in w:
                chars.setdefault(c, len(chars))
    labels = sorted({t for _, tags in train for t in tags})
    label_index = {t: i for i, t in enumerate(labels)}
    model = torch_model(torch, len(words), len(chars), len(labels))
    with torch.no_grad():
        for w, rest in vectors.items():
            model.word.weight[vocab[w]] = torch.tensor([float(x) for x in rest.split()])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    train.sort(key=lambda s: len(s[0]))  # batches of sentences of similar length, as ner's
    batches = [train[i:i + 10] for i in range(0, len(train), 10)]
    tokens = sum(len(s[0]) for s in train)
    # The index tensors of every batch, made once: the timed epochs are the model's work.
    prepared_batches = []
    for batch in batches:
        w, c, ch, lengths = tensors(torch, [s for s, _ in batch], vocab, chars)
        tags = torch.tensor([[label_index[x] for x in t] + [0] * (w.shape[1] - len(t)) for _, t in batch])
        mask = torch.arange(w.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        prepared_batches.append((w, c, ch, lengths, tags, mask))
    prepared = time.time()
    for epoch in range(args.epochs):
        started = time.time()
        random.shuffle(prepared_batches)
        model.train()
        for w, c, ch, lengths, tags, mask in prepared_batches:
            optimizer.zero_grad()
            loss = model.loss(model.emissions(w, c, ch, lengths), tags, mask)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
        print(f"torch epoch {epoch + 1}: {tokens / (time.time() - started):.0f} tokens/s", file=sys.stderr)
    seconds = time.time() - prepared
    torch.save({"state": model.state_dict(), "words": words, "chars": list(chars), "labels": labels}, args.out)
    report(peer="pytorch", step="train", epochs=args.epochs, tokens=tokens * args.epochs,
           seconds=round(seconds, 3), tokens_per_second=round(tokens * args.epochs / seconds))


def torch_tag(args):
    import torch
    torch.set_num_threads(args.threads)
    saved = torch.load(args.model)
    vocab = {w: i for i, w in enumerate(saved["words"])}
    chars = {c: i for i, c in enumerate(saved["chars"])}
    labels = saved["labels"]
    model = torch_model(torch, len(vocab), len(chars), len(labels))
    model.load_state_dict(saved["state"])
    model.eval()
    sentences = read_tokens(args.input)
    loaded = time.time()
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    result = [None] * len(sentences)
    with torch.inference_mode():
        for k in range(0, len(order), args.batch):
            ids = order[k:k + args.batch]
            w, c, ch, lengths = tensors(torch, [sentences[i] for i in ids], vocab, chars)
            paths = model.decode(model.emissions(w, c, ch, lengths), lengths)
            for i, path in zip(ids, paths):
                result[i] = [labels[t] for t in path]
    seconds = time.time() - loaded
    write_tags(args.output, result)
    tokens = sum(len(s) for s in sentences)
    report(peer="pytorch", step="tag", threads=args.threads, batch=args.batch, tokens=tokens,
           seconds=round(seconds, 3), tokens_per_second=round(tokens / seconds),
           load_seconds=round(loaded - START, 3))


# ---------------------------------------------------------------- spaCy

def spacy_train(args):
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example, iob_to_biluo
    from spacy.util import minibatch
    spacy.util.fix_random_seed(args.seed)
    random.seed(args.seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    train = read_conll(args.train)
    examples = [Example.from_dict(Doc(nlp.vocab, words=w), {"entities": iob_to_biluo(t)}) for w, t in train]
    optimizer = nlp.initialize(lambda: examples)
    tokens = sum(len(w) for w, _ in train)
    prepared = time.time()
    for epoch in range(args.epochs):
        started = time.time()
        random.shuffle(examples)
        for batch in minibatch(examples, size=64):
            nlp.update(batch, drop=0.1, sgd=optimizer)
        print(f"spacy epoch {epoch + 1}: {tokens / (time.time() - started):.0f} tokens/s", file=sys.stderr)
    seconds = time.time() - prepared
    nlp.to_disk(args.out)
    report(peer="spacy", step="train", epochs=args.epochs, labels=list(ner.labels), tokens=tokens * args.epochs,
           seconds=round(seconds, 3), tokens_per_second=round(tokens * args.epochs / seconds))


def spacy_tag(args):
    import spacy
    from spacy.tokens import Doc
    nlp = spacy.load(args.model)
    sentences = read_tokens(args.input)
    loaded = time.time()
    docs = (Doc(nlp.vocab, words=s) for s in sentences)
    result = []
    for doc in nlp.pipe(docs, batch_size=args.batch, n_process=args.processes):
        result.append([t.ent_iob_ + "-" + t.ent_type_ if t.ent_iob_ in ("B", "I") else "O" for t in doc])
    seconds = time.time() - loaded
    write_tags(args.output, result)
    tokens = sum(len(s) for s in sentences)
    report(peer="spacy", step="tag", processes=args.processes, batch=args.batch, tokens=tokens,
           seconds=round(seconds, 3), tokens_per_second=round(tokens / seconds),
           load_seconds=round(loaded - START, 3))


# ---------------------------------------------------------------- scoring

def score(args):
    """Writes `word gold predicted` lines for the gold file's sentences, found as the last
    sentences of the tokens file, for `ner eval --predictions`."""
    gold = read_conll(args.gold)
    sentences = read_tokens(args.input)
    tags = read_tokens(args.tags)
    if len(tags) != len(sentences):
        sys.exit(f"{args.tags}: {len(tags)} sentences for {len(sentences)} in {args.input}")
    tail = tags[len(tags) - len(gold):]
    with open(args.out, "w", encoding="utf-8") as f:
        for (words, gold_tags), predicted in zip(gold, tail):
            if len(predicted) != len(words):
                sys.exit(f"{args.tags}: a sentence of {len(predicted)} tags for {len(words)} words")
            for w, g, p in zip(words, gold_tags, predicted):
                f.write(f"{w} {g} {p}\n")
            f.write("\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("torch-train")
    t.add_argument("--train", required=True)
    t.add_argument("--glove", required=True)
    t.add_argument("--vocab-files", nargs="*", default=[])
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--out", required=True)
    t = sub.add_parser("torch-tag")
    t.add_argument("--model", required=True)
    t.add_argument("--input", required=True)
    t.add_argument("--output", required=True)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--batch", type=int, default=256)
    t = sub.add_parser("spacy-train")
    t.add_argument("--train", required=True)
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--out", required=True)
    t = sub.add_parser("spacy-tag")
    t.add_argument("--model", required=True)
    t.add_argument("--input", required=True)
    t.add_argument("--output", required=True)
    t.add_argument("--processes", type=int, default=1)
    t.add_argument("--batch", type=int, default=1000)
    t = sub.add_parser("score")
    t.add_argument("--gold", required=True)
    t.add_argument("--input", required=True)
    t.add_argument("--tags", required=True)
    t.add_argument("--out", required=True)
    args = p.parse_args(argv)
    {"torch-train": torch_train, "torch-tag": torch_tag, "spacy-train": spacy_train,
     "spacy-tag": spacy_tag, "score": score}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
