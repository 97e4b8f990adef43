#!/usr/bin/env bash
# ner next to its peers, in one run on the same sentences: a PyTorch BiLSTM-CRF of ner's default
# shape and spaCy 3's NER pipeline (bench/peers/peers.py says what each is), both trained here on
# CoNLL-2003 train.txt, then each tagging every sentence of CoNLL-2003 train, dev and test
# (301,418 tokens, one sentence per line) as one cold process, as ner does with its default model:
#
#   ner tag --input tokens --format conll < all.tok
#
# For each: wall seconds of the whole process (start, imports and model load included), the
# tagging work alone as the peer times it, tokens/s of both, peak resident memory, and ner's
# ratio against it; then each one's test F1 (ner eval --predictions over its test-set tags).
#
#   bash bench/peers/run.sh
# Environment: EPOCHS (training epochs of each peer, default 1: tagging speed does not depend on
# it, their F1 does; the F1 figures of fully trained peers need some 30), BENCH_DIR (default
# /tmp/ner-peers), MODEL (default models/default.ner). Creates .venv-peers with torch (the CPU
# wheel of /opt/wheels where there is one) and spacy from PyPI when missing; needs the release
# build (make build) and ../shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
ner=${NER:-$root/.build/release/ner}
model=${MODEL:-$root/models/default.ner}
dir=${BENCH_DIR:-/tmp/ner-peers}
epochs=${EPOCHS:-1}
conll=${CONLL:-$root/../shared/data/conll2003}
glove=${GLOVE:-$root/../shared/embeddings/glove.6B.50d.txt.gz}
venv=$root/.venv-peers
mkdir -p "$dir"
[ -x "$ner" ] || { echo "bench/peers/run.sh: $ner: no release build (make build)" >&2; exit 1; }
# PyTorch's CPU build: the local wheel where the machine has one (PyPI's torch is the CUDA
# build, whose libraries would weigh on its memory), else PyPI's.
if ! "$venv/bin/python" -c "import torch, spacy" 2>/dev/null; then
  echo "creating $venv with torch and spacy" >&2
  python3 -m venv "$venv"
  wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | tail -1 || true)
  "$venv/bin/pip" install -q "${wheel:-torch}" spacy
fi
py=$venv/bin/python
peers=bench/peers/peers.py

# Every sentence of train, dev and test, one per line, tokens separated by spaces.
cat "$conll"/train.txt "$conll"/valid.txt "$conll"/test.txt \
  | awk '/^-DOCSTART-/{next} NF==0{if(s!="")print s; s=""; next} {s=(s==""?$1:s" "$1)} END{if(s!="")print s}' > "$dir/all.tok"
tokens=$(wc -w < "$dir/all.tok")
sentences=$(wc -l < "$dir/all.tok")
echo "input: $sentences sentences, $tokens tokens (CoNLL-2003 train + dev + test) in $dir/all.tok"
# OpenBLAS picks its kernels by the CPU unless OPENBLAS_CORETYPE names them. Some machines set it
# for every program (this project's set Haswell), which on a CPU with AVX-512 slows ner's training
# (an AMD Zen 5: 31,305 against 35,908 tokens/s, Cooperlake detected). Every program here runs
# without it, as on a machine that does not set it; KEEP_OPENBLAS_CORETYPE=1 keeps it.
if [ -n "${OPENBLAS_CORETYPE:-}" ] && [ -z "${KEEP_OPENBLAS_CORETYPE:-}" ]; then
  echo "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE in the environment: unset for every program (KEEP_OPENBLAS_CORETYPE=1 keeps it)"
  unset OPENBLAS_CORETYPE
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $("$py" -c 'import torch, spacy, sys; print(f"torch {torch.__version__}, spacy {spacy.__version__}, Python {sys.version.split()[0]}")')"

# timed NAME COMMAND...: the command under /usr/bin/time; its stdout (a JSON line) in NAME.json.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/$name.time" "$@" > "$dir/$name.json" 2> "$dir/$name.err" \
    || { echo "$name failed:" >&2; tail -5 "$dir/$name.err" >&2; exit 1; }
}
wall() { cut -d' ' -f1 "$dir/$1.time"; }
peak_mb() { echo $(( $(cut -d' ' -f2 "$dir/$1.time") / 1024 )); }
field() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$dir/$1.json" "$2"; }

echo "training the peers on train.txt, $epochs epoch(s) each ..."
timed torch-train "$py" $peers torch-train --train "$conll/train.txt" --glove "$glove" \
  --vocab-files "$conll/train.txt" "$conll/valid.txt" "$conll/test.txt" --epochs "$epochs" --out "$dir/torch.pt"
timed spacy-train "$py" $peers spacy-train --train "$conll/train.txt" --epochs "$epochs" --out "$dir/spacy-model"
# ner of the default model's shape on the same data (no recased copy, scored on dev each epoch).
timed ner-train "$ner" train --train "$conll/train.txt" --dev "$conll/valid.txt" --embeddings "$glove" \
  --embeddings-vocab "$conll/test.txt" --hidden 200 --unk-replace 0 --epochs "$epochs" --threads 2 \
  --output "$dir/ner-train.ner"

# Tagging, each a cold process over the same file. ner writes `token<TAB>tag` lines, a blank
# line after each sentence: its tags, one line a sentence, go to ner.tags.
/usr/bin/time -f "%e %M" -o "$dir/ner.time" "$ner" tag --model "$model" --input tokens --format conll \
  < "$dir/all.tok" > "$dir/ner.conll" 2> "$dir/ner.err" || { echo "ner failed:" >&2; tail -5 "$dir/ner.err" >&2; exit 1; }
awk 'NF==0{print s; s=""; next} {s=(s==""?$NF:s" "$NF)}' "$dir/ner.conll" > "$dir/ner.tags"
timed torch-tag "$py" $peers torch-tag --model "$dir/torch.pt" --input "$dir/all.tok" --output "$dir/torch.tags" --threads 2
timed spacy-tag "$py" $peers spacy-tag --model "$dir/spacy-model" --input "$dir/all.tok" --output "$dir/spacy.tags" --processes 1
timed spacy-tag2 "$py" $peers spacy-tag --model "$dir/spacy-model" --input "$dir/all.tok" --output "$dir/spacy2.tags" --processes 2

f1() {  # f1 TAGS: test F1 of a tag file over all.tok
  "$py" $peers score --gold "$conll/test.txt" --input "$dir/all.tok" --tags "$dir/$1" --out "$dir/$1.test"
  "$ner" eval --predictions "$dir/$1.test" | sed -n 's/.*FB1: *\([0-9.]*\).*/\1/p' | head -1
}
rate() { awk "BEGIN{printf \"%d\", $tokens / $1}"; }
echo
printf '%-44s %8s %10s %13s %8s %8s %9s %9s\n' "tagging $tokens tokens, one cold process" "wall s" tokens/s "work tokens/s" "peak MB" "test F1" "ner ×" "ner mem ÷"
ner_wall=$(wall ner); ner_mb=$(peak_mb ner)
row() {  # row LABEL NAME TAGS
  local w; w=$(wall "$2")
  local work="-"; [ "$2" != ner ] && work=$(field "$2" tokens_per_second)
  printf '%-44s %8s %10s %13s %8s %8s %9s %9s\n' "$1" "$w" "$(rate "$w")" "$work" "$(peak_mb "$2")" "$(f1 "$3")" \
    "$(awk "BEGIN{printf \"%.1f\", $w / $ner_wall}")" "$(awk "BEGIN{printf \"%.1f\", $(peak_mb "$2") / $ner_mb}")"
}
row "ner, default model (2 threads)" ner ner.tags
row "PyTorch BiLSTM-CRF, 2 threads, batch 256" torch-tag torch.tags
row "spaCy 3 ner (efficiency), 1 process" spacy-tag spacy.tags
row "spaCy 3 ner (efficiency), 2 processes" spacy-tag2 spacy2.tags
echo "(wall s and tokens/s: the whole process, start, imports and model load included; work tokens/s: the"
echo " tagging loop alone as the peer times it; ner ×: the peer's wall time over ner's; ner mem ÷: its peak"
echo " memory over ner's; peers trained $epochs epoch(s), so their F1 is not their best)"
echo
echo "training on train.txt ($(field torch-train tokens) tokens over $epochs epoch(s)):"
echo "  PyTorch BiLSTM-CRF, 2 threads  $(field torch-train tokens_per_second) tokens/s, peak $(peak_mb torch-train) MB"
echo "  spaCy 3 ner (efficiency)       $(field spacy-train tokens_per_second) tokens/s, peak $(peak_mb spacy-train) MB"
echo "  ner, default shape, 2 threads   $(grep -o '[0-9,]* tokens/s' "$dir/ner-train.err" | tail -1), peak $(peak_mb ner-train) MB (dev scoring included)"
echo "  (whole processes: PyTorch $(wall torch-train) s, spaCy $(wall spacy-train) s, ner $(wall ner-train) s)"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
