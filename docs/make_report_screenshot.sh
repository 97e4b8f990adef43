#!/usr/bin/env bash
# Makes docs/report.png, the screenshot of `ner report` in docs/guide/report.md: a model of the default training
# architecture trained on CoNLL-2003 train.txt with GloVe 6B 50d for EPOCHS epochs (default 8),
# reported with the dev set as gold, rendered by headless Chromium. Needs ../shared and a release
# build; takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ner=${NER:-.build/release/ner}
epochs=${EPOCHS:-8}
data=../shared/data/conll2003
work=runs   # git ignores runs/
mkdir -p $work
"$ner" train --train $data/train.txt --dev $data/valid.txt --embeddings ../shared/embeddings/glove.6B.50d.txt.gz \
  --epochs "$epochs" --patience 100 --seed 1 --output "$work/conll-train.ner"
"$ner" report --gold $data/valid.txt --output "$work/report.html" "$work/conll-train.ner"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1760 \
  --screenshot="$work/report.png" "file://$PWD/$work/report.html" 2>/dev/null
mv "$work/report.png" docs/report.png
rm -f "$work/report.html"
ls -l docs/report.png
