import Foundation
import XCTest

/// `ner bench` end to end: the JSON it prints, the table, and its errors. Speeds are not asserted.
final class BenchCommandTests: XCTestCase {
    private var sample: String { repositoryRoot.appendingPathComponent("data/sample.conll").path }

    func testJSONHasTheRequiredKeys() throws {
        let result = try runNER(["bench", "--train", sample, "--batches", "3", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        let train = try XCTUnwrap(object["train_tokens_per_s"] as? [String: Double])
        XCTAssertEqual(Set(train.keys), ["1", "2"])
        XCTAssertTrue(train.values.allSatisfy { $0 > 0 })
        for key in ["tag_cold_tokens_per_s", "tag_tokens_per_s", "tag_text_tokens_per_s", "load_s", "peak_rss_mb"] {
            XCTAssertGreaterThan(try XCTUnwrap(object[key] as? Double, key), 0, key)
        }
        let latency = try XCTUnwrap(object["latency_ms"] as? [String: Double])
        for key in ["p50", "p90", "p99"] { XCTAssertGreaterThan(try XCTUnwrap(latency[key], key), 0, key) }
        // Without --model the default model is the one that tags.
        let data = try XCTUnwrap(object["data"] as? [String: Any])
        XCTAssertTrue((data["model_path"] as? String)?.hasSuffix("models/default.ner") ?? false, "\(data)")
        // The path ner chose on this CPU: the precision, and the float32 kernels' instructions.
        XCTAssertTrue(["float32", "bfloat16"].contains(data["precision"] as? String ?? ""), "\(data)")
        XCTAssertTrue(["AVX-512", "AVX2", "portable C"].contains(data["float32_instructions"] as? String ?? ""), "\(data)")
        if data["precision"] as? String == "bfloat16" {
            XCTAssertTrue(["AMX", "AVX512_BF16"].contains(data["precision_instructions"] as? String ?? ""), "\(data)")
        }
        let machine = try XCTUnwrap(object["machine"] as? [String: Any])
        XCTAssertNotNil(machine["cpu"] as? String)
        XCTAssertGreaterThan(try XCTUnwrap(machine["cores"] as? Int), 0)
        // Only a debug build warns that its figures are not what users get.
        if nerIsReleaseBuild {
            XCTAssertFalse(result.stderr.contains("debug build"), result.stderr)
        } else {
            #if DEBUG
            XCTAssertTrue(result.stderr.contains("warning: this is a debug build"), result.stderr)
            #endif
        }
    }

    func testTableWithOneThreadCountAndAModel() throws {
        let model = try TinyModel.path()
        let result = try runNER(["bench", "--train", sample, "--dev", sample, "--model", model, "--threads", "1", "--batches", "2", "--warmup", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("train, 1 thread "), result.stdout)
        XCTAssertFalse(result.stdout.contains("2 threads"), result.stdout)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("tagging model ") && $0.hasSuffix(" \(model)") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("training model ") && $0.contains("throwaway") }, result.stdout)
        // The path ner chose: "float32 (AVX2)", or "bfloat16 recurrent products (AMX), float32 elsewhere (AVX-512)".
        let precision = try XCTUnwrap(lines.first { $0.hasPrefix("tagging precision ") }, result.stdout)
        XCTAssertNotNil(precision.range(of: #"(float32|float32 elsewhere) \((AVX-512|AVX2|portable C)\)$"#, options: .regularExpression), String(precision))
        // The cold first pass is reported first, before the warm figures.
        let cold = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("tag, first pass, cold ") }, result.stdout)
        let warm = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("tag, batched, with scores, warm ") }, result.stdout)
        XCTAssertLessThan(cold, warm)
        for label in ["tag, batched, with scores", "tag raw text", "latency, one sentence", "model load", "memory"] {
            XCTAssertTrue(result.stdout.contains(label), label)
        }
    }

    func testMissingAndBadFilesExitWithOne() throws {
        let missing = try runNER(["bench", "--train", "/nonexistent/train.txt", "--batches", "1"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/train.txt: error: no such file"), missing.stderr)

        let bad = try temporaryDirectory(self).appendingPathComponent("bad.conll")
        try Data("Ines B-PER\nsang sideways\n".utf8).write(to: bad)
        let badResult = try runNER(["bench", "--train", bad.path, "--batches", "1"])
        XCTAssertEqual(badResult.status, 1)
        XCTAssertTrue(badResult.stderr.contains("\(bad.path):2:"), badResult.stderr)
        XCTAssertEqual(badResult.stdout, "")

        let usage = try runNER(["bench", "--train", sample, "--batches", "0"])
        XCTAssertNotEqual(usage.status, 0)
        XCTAssertTrue(usage.stderr.contains("--batches"), usage.stderr)
    }

    func testHelpHasExamples() throws {
        let help = try runNER(["bench", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("EXAMPLES"))
        XCTAssertTrue(help.stdout.contains("ner bench --train train.txt --dev test.txt"))
    }
}
