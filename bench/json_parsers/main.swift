// The two hand-written JSON readers of NERKit against Foundation's, on their real workloads,
// interleaved round by round, medians printed. Compiled with NERKit's parser sources by
// bench/json_parsers.sh (which says how to run it); not part of the package.
import Foundation

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// A safetensors header for JSONDecoder: each tensor's entry, or the `__metadata__` strings.
enum HeaderValue: Decodable {
    struct Tensor: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }
    case tensor(Tensor)
    case metadata([String: String])

    init(from decoder: Decoder) throws {
        if let t = try? Tensor(from: decoder) { self = .tensor(t) } else { self = .metadata(try [String: String](from: decoder)) }
    }
}

/// A record of bench/jsonl_corpus.py's corpus.
struct Record: Decodable {
    var id: String?
    var split: String?
    var text: String
}

@main
enum JSONParsersBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let rounds = Int(arguments[3]) else {
            print("usage: json_parsers MODEL.ner CORPUS.jsonl ROUNDS")
            exit(64)
        }
        try header(of: arguments[1], rounds: rounds)
        try lines(of: arguments[2], rounds: rounds)
    }

    static func header(of path: String, rounds: Int) throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = Int(file.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = Array(file[8..<(8 + length)])
        let data = Data(header)
        let repeats = 20
        var own: [Double] = [], serialization: [Double] = [], decoder: [Double] = []
        for _ in 0..<rounds {
            own.append(try seconds { for _ in 0..<repeats { _ = try HeaderJSON.parse(header[...]) } } / Double(repeats))
            serialization.append(try seconds { for _ in 0..<repeats { _ = try JSONSerialization.jsonObject(with: data) } } / Double(repeats))
            decoder.append(try seconds { for _ in 0..<repeats { _ = try JSONDecoder().decode([String: HeaderValue].self, from: data) } } / Double(repeats))
        }
        print(String(format: "safetensors header of %@ (%d bytes), one parse: HeaderJSON %.3f ms, JSONSerialization %.3f ms, JSONDecoder %.3f ms",
                     path, header.count, median(own) * 1e3, median(serialization) * 1e3, median(decoder) * 1e3))
    }

    static func lines(of path: String, rounds: Int) throws {
        let text = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = text.split(separator: UInt8(ascii: "\n")).map { Array($0) }
        let datas = lines.map { Data($0) }
        let bytes = lines.reduce(0) { $0 + $1.count }
        var own: [Double] = [], serialization: [Double] = [], decoder: [Double] = []
        var texts = (0, 0, 0)
        let jsonDecoder = JSONDecoder()
        for _ in 0..<rounds {
            own.append(try seconds {
                for line in lines {
                    let object = try JSONObjectLine(line)
                    texts.0 += object.string(object.members(named: "text")[0])!.utf8.count
                }
            })
            serialization.append(try seconds {
                for data in datas {
                    let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
                    texts.1 += (object["text"] as! String).utf8.count
                }
            })
            decoder.append(try seconds {
                for data in datas { texts.2 += try jsonDecoder.decode(Record.self, from: data).text.utf8.count }
            })
        }
        precondition(texts.0 == texts.1 && texts.0 == texts.2, "the readers agree on the texts")
        func perLine(_ t: [Double]) -> Double { median(t) / Double(lines.count) * 1e6 }
        func rate(_ t: [Double]) -> Double { Double(bytes) / 1e6 / median(t) }
        print(String(format: "%@: %d lines (%.1f MB), per line: JSONObjectLine %.2f µs (%.0f MB/s), JSONSerialization %.2f µs (%.0f MB/s), JSONDecoder %.2f µs (%.0f MB/s)",
                     path, lines.count, Double(bytes) / 1e6, perLine(own), rate(own), perLine(serialization), rate(serialization),
                     perLine(decoder), rate(decoder)))
    }
}
