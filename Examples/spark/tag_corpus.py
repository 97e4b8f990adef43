#!/usr/bin/env python3
"""Tag a JSON-lines corpus with `ner` on Apache Spark.

Every input line is one record (a JSON object with a "text" field, or with --input-kind lines
one plain-text document). Each Spark task pipes its share of the lines through one
`ner tag --input jsonl` process and gets exactly one output line per input line back: the record
with "entities" added, an error line for a record that cannot be tagged, an empty line for an
empty one. The `ner` binary and the model are shipped to the executors with the job
(SparkContext.addFile), so they need not be installed there; the executors need the shared
libraries `ner` links against (see docs/guide/parallel.md).

The output directory holds Spark's part files (part-00000, ...) in input order: reading them in
name order gives the same lines as `ner tag --input jsonl FILE` for each input file in turn
(with several input files Spark may visit the files in another order). Error lines carry the
input file and its line number, as a single `ner tag --input jsonl FILE...` run writes them.

Lines are read as bytes (never decoded by Spark), so a line of invalid UTF-8 reaches `ner` as it
is and gets its error line, and valid lines come back byte for byte.

    spark-submit --master 'local[2]' Examples/spark/tag_corpus.py \\
        --ner .build/release/ner --model models/default.ner corpus.jsonl --output tagged
"""

import argparse
import itertools
import os
import re
import stat
import subprocess
import sys
import threading
import time
from urllib.parse import unquote, urlparse

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

FAILED = re.compile(rb"ner: error: (\d+) of (\d+) records failed")


def parse_args(argv):
    p = argparse.ArgumentParser(description="Tag JSON-lines files with ner on Spark.")
    p.add_argument("inputs", nargs="+", help="input files or directories (local paths or any URI Spark reads)")
    p.add_argument("--output", required=True, help="output directory (must not exist)")
    p.add_argument("--ner", default=".build/release/ner", help="the ner binary to ship (default: %(default)s)")
    p.add_argument("--model", default="models/default.ner", help="the model to ship (default: %(default)s)")
    p.add_argument("--input-kind", choices=["jsonl", "lines"], default="jsonl",
                   help="jsonl: JSON objects with a text field; lines: one plain-text document per line")
    p.add_argument("--text-field", help="the field holding the text (default: text)")
    p.add_argument("--with-tokens", action="store_true", help="also write sentences and tokens")
    p.add_argument("--patterns", action="append", default=[], metavar="FILE",
                   help="entity rules shipped with the job and passed to ner tag --patterns (repeatable)")
    p.add_argument("--patterns-mode", choices=["fill", "override", "only"],
                   help="how the rules and the model combine (ner tag --patterns-mode; default: fill)")
    p.add_argument("--partitions", type=int,
                   help="split the input into at least this many tasks (default: Spark's default parallelism)")
    p.add_argument("--ner-threads", type=int, choices=[1, 2],
                   help="threads per ner process (default: spark.task.cpus, at most 2)")
    p.add_argument("--compress", action="store_true", help="gzip the output part files")
    p.add_argument("--count-pass", action="store_true",
                   help="number lines with a counting pass over the input even for local files")
    p.add_argument("--master", help="Spark master when run with plain python (spark-submit sets it)")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting for the session, repeatable; when run with plain python these also "
                        "reach the JVM's start (with spark-submit, pass them to spark-submit)")
    return p.parse_args(argv)


def display_name(uri):
    """The input file as error lines name it: a local path for file: URIs, else the URI."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def first_lines(df):
    """For every (file, block) the task reads, the file line number of the block's first line.

    Spark splits a large file into blocks read by different tasks; a task's ner process numbers
    its lines from --first-line, so error lines name the line of the whole file. This costs one
    extra pass over the input that only counts lines; used for inputs not on the local file
    system."""
    counts = df.groupBy("file", "block").count().collect()
    by_file = {}
    for row in counts:
        by_file.setdefault(row["file"], []).append((row["block"], row["count"]))
    first = {}
    for file, blocks in by_file.items():
        line = 1
        for block, count in sorted(blocks):
            first[(file, block)] = line
            line += count
    return first


def local_first_line(uri, block):
    """The file line number of the first line a task reads from the block starting at byte
    `block` of a file: URI, counted on the task's machine by reading the file up to there (Spark
    needs file: inputs on every machine). A block after the first starts with the line after
    the first newline at or after byte block - 1 (the line in progress belongs to the block
    before): its number is 2 + the newlines before byte block - 1."""
    if block == 0:
        return 1
    lines = 2
    with open(display_name(uri), "rb") as f:
        remaining = block - 1
        while remaining > 0:
            chunk = f.read(min(remaining, 1 << 20))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            remaining -= len(chunk)
    return lines


def make_tagger(ner_name, model_name, options, first, records, failed, pattern_names=()):
    """The function each task runs over its rows: one ner process per run of rows from the same
    file block, fed from a thread while this one reads the answers, so memory stays bounded."""

    def run_ner(file, block, rows):
        ner = SparkFiles.get(ner_name)
        mode = os.stat(ner).st_mode
        if not mode & stat.S_IXUSR:
            os.chmod(ner, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        line = first[(file, block)] if first is not None else local_first_line(file, block)
        command = [ner, "tag", "--model", SparkFiles.get(model_name), *options,
                   "--first-line", str(line), "--stdin-name", display_name(file)]
        for name in pattern_names:
            command += ["--patterns", SparkFiles.get(name)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sent = [0]
        problems = []
        stderr = []

        def feed():
            try:
                write = process.stdin.write
                for row in rows:
                    write(row[0])  # the line's bytes (the first column)
                    write(b"\n")
                    sent[0] += 1
                process.stdin.close()
            except BaseException as e:  # a broken pipe if ner died: reported below
                problems.append(e)

        def drain():
            stderr.append(process.stderr.read())

        threads = [threading.Thread(target=feed, daemon=True), threading.Thread(target=drain, daemon=True)]
        for t in threads:
            t.start()
        received = nonblank = 0
        for line in process.stdout:
            received += 1
            if line != b"\n":
                nonblank += 1
            # Bytes, not str: saveAsTextFile writes bytes as they are (ner writes only UTF-8).
            yield line[:-1] if line.endswith(b"\n") else line
        status = process.wait()
        for t in threads:
            t.join()
        message = b"".join(stderr)
        if status not in (0, 1) or (status == 1 and not FAILED.search(message)) or problems:
            raise RuntimeError(f"ner failed on {display_name(file)} (exit status {status}): "
                               f"{message.decode('utf-8', 'replace').strip()} {problems}")
        if received != sent[0]:
            raise RuntimeError(f"ner wrote {received} lines for {sent[0]} input lines of {display_name(file)}")
        records.add(nonblank)
        match = FAILED.search(message)
        if match:
            failed.add(int(match.group(1)))

    def tag_partition(rows):
        for (file, block), group in itertools.groupby(rows, key=lambda r: (r[1], r[2])):  # file, block
            yield from run_ner(file, block, group)

    return tag_partition


# Settings for a job whose Python process starts the Spark JVM itself (plain `python
# tag_corpus.py`), unless given with --conf. The JVM only moves lines between files and ner
# processes, so its optimising JIT compiler (C2) buys nothing here, while compiling Spark's start
# and first job with it costs some 8 CPU-seconds, which on two cores is taken from the ner
# workers: the client compiler alone (TieredStopAtLevel=1) and no web UI bring the fixed cost of
# a trivial job from 20 to 12 CPU-seconds (bench/jsonl_bench.sh measures the whole job). Under
# spark-submit the driver JVM is already running when this script starts: pass
# --driver-java-options -XX:TieredStopAtLevel=1 there for the same effect in local mode.
LAUNCH_DEFAULTS = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
    "spark.ui.enabled": "false",
}


def session_settings(conf):
    """The --conf KEY=VALUE settings, over LAUNCH_DEFAULTS when this process starts the JVM
    (spark-submit, which has started it, tells its Python driver the gateway's port)."""
    settings = {} if "PYSPARK_GATEWAY_PORT" in os.environ else dict(LAUNCH_DEFAULTS)
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            sys.exit(f"--conf {item!r}: expected KEY=VALUE")
        settings[key] = value
    return settings


def main(argv):
    args = parse_args(argv)
    builder = SparkSession.builder.appName("ner tag_corpus")
    if args.master:
        builder = builder.master(args.master)
    for key, value in session_settings(args.conf).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    # Tagging costs far more than reading, so even a small input is split across all cores:
    # Spark's file splitting by bytes alone, into at least this many tasks.
    spark.conf.set("spark.sql.files.minPartitionNum", str(args.partitions or sc.defaultParallelism))
    spark.conf.set("spark.sql.files.openCostInBytes", "0")

    for path in (args.ner, args.model, *args.patterns):
        if not os.path.isfile(path):
            sys.exit(f"{path}: no such file")
    pattern_names = [os.path.basename(p) for p in args.patterns]
    if len(set(pattern_names + [os.path.basename(args.ner), os.path.basename(args.model)])) != len(pattern_names) + 2:
        sys.exit("the --patterns files, the model and ner must have different file names (they are shipped side by side)")
    if args.patterns_mode and not args.patterns:
        sys.exit("--patterns-mode needs --patterns FILE")
    sc.addFile(os.path.abspath(args.ner))
    sc.addFile(os.path.abspath(args.model))
    for path in args.patterns:
        sc.addFile(os.path.abspath(path))

    options = ["--input", args.input_kind]
    if args.text_field:
        options += ["--text-field", args.text_field]
    if args.with_tokens:
        options.append("--with-tokens")
    threads = args.ner_threads or min(2, int(sc.getConf().get("spark.task.cpus", "1")))
    options += ["--threads", str(threads)]
    if args.patterns_mode:
        options += ["--patterns-mode", args.patterns_mode]

    # Raw bytes per line: the text source keeps each line's bytes and the cast to binary does
    # not decode them. Only "\n" ends a line, as in ner.
    df = (spark.read.option("lineSep", "\n").text(args.inputs)
          .select(F.col("value").cast("binary").alias("line"),
                  F.col("_metadata.file_path").alias("file"),
                  F.col("_metadata.file_block_start").alias("block")))
    started = time.time()
    # Line numbers of the blocks' first lines: for files on the local file system each task
    # counts them itself (a read of the file up to its block, far cheaper than a Spark job);
    # otherwise (HDFS, S3, ...) one counting pass over the input first.
    local = all(urlparse(p).scheme in ("", "file") for p in args.inputs)
    first = None if local and not args.count_pass else first_lines(df)
    counted = time.time()
    records = sc.accumulator(0)
    failed = sc.accumulator(0)
    tagged = df.rdd.mapPartitions(make_tagger(os.path.basename(args.ner), os.path.basename(args.model),
                                              options, first, records, failed, pattern_names))
    codec = "org.apache.hadoop.io.compress.GzipCodec" if args.compress else None
    tagged.saveAsTextFile(args.output, compressionCodecClass=codec)
    print(f"tag_corpus: {records.value} records written to {args.output}, {failed.value} of them failed"
          + (' (see their "error" lines)' if failed.value else ""), file=sys.stderr)
    counting = ("line numbers counted by each task (local files)" if first is None
                else f"{len(first)} file blocks counted in {counted - started:.1f} s")
    print(f"tag_corpus: {counting}, tagged in {time.time() - counted:.1f} s", file=sys.stderr)
    spark.stop()
    return 1 if failed.value else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
