import Foundation

/// Reads WordNet 3.0's noun data file (`data.noun`, format wndb(5)) into lexicon entries:
/// the lemmas of named instances (synsets with an instance-hypernym pointer `@i`) as person,
/// location, organisation or other by the synset's lexicographer file, and the multiword lemmas
/// of the other synsets (common noun compounds such as `teddy_bear`) as compound.
///
/// One line per synset: `synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id…]
/// p_cnt [ptr…] | gloss`, where `w_cnt` is two hexadecimal digits, `p_cnt` three decimal digits
/// and each pointer is `pointer_symbol synset_offset pos source/target`. Lines starting with a
/// space are the licence header.
public enum WordNetReader {
    /// The categories of the entries, in mask-bit order.
    public static let categories = ["compound", "person", "location", "organisation", "other"]
    /// Where Debian's `wordnet-base` installs the database.
    public static let defaultDirectory = "/usr/share/wordnet"

    /// The category of an instance by its lexicographer file (lexnames(5)): 18 noun.person,
    /// 15 noun.location and 17 noun.object (rivers, mountains, islands) are places, 14
    /// noun.group organisations; the rest (events, works, times) other.
    static func instanceCategory(lexFile: Int) -> Int {
        switch lexFile {
        case 18: return 1
        case 15, 17: return 2
        case 14: return 3
        default: return 4
        }
    }

    /// Reads `directory/data.noun`; a malformed line is an error naming the file and line.
    public static func read(directory: String = defaultDirectory) throws -> LexiconEntries {
        let path = (directory as NSString).appendingPathComponent("data.noun")
        guard FileManager.default.fileExists(atPath: path) else {
            throw NERError(path: path, "no WordNet noun data file (Debian's wordnet-base installs it in \(defaultDirectory))")
        }
        var entries = LexiconEntries(source: "wordnet", categories: categories)
        let reader = try LineReader(path: path)
        while let bytes = try reader.next() {
            if bytes.isEmpty || bytes[0] == UInt8(ascii: " ") { continue }
            do { try addSynset(String(decoding: bytes, as: UTF8.self), to: &entries) } catch let e as NERError {
                throw NERError(path: path, line: reader.lineNumber, e.message)
            }
        }
        return entries
    }

    /// Adds one synset line's lemmas to `entries`.
    static func addSynset(_ line: String, to entries: inout LexiconEntries) throws {
        let data = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let f = data.split(separator: " ")
        guard f.count >= 4 else { throw NERError("synset line has \(f.count) fields before the gloss, expected at least 4") }
        guard let lexFile = Int(f[1]) else { throw NERError("lex_filenum '\(f[1])' is not a number") }
        guard f[2] == "n" else { throw NERError("ss_type '\(f[2])' is not n (a noun data file)") }
        guard let wordCount = Int(f[3], radix: 16), wordCount > 0 else { throw NERError("w_cnt '\(f[3])' is not a positive hexadecimal number") }
        let pointerField = 4 + 2 * wordCount
        guard f.count > pointerField, let pointerCount = Int(f[pointerField]) else {
            throw NERError("synset line ends before its pointer count (w_cnt \(wordCount))")
        }
        guard f.count >= pointerField + 1 + 4 * pointerCount else {
            throw NERError("synset line has fewer than its \(pointerCount) pointers")
        }
        var isInstance = false
        for p in 0..<pointerCount where f[pointerField + 1 + 4 * p] == "@i" { isInstance = true; break }
        for w in 0..<wordCount {
            let tokens = f[4 + 2 * w].split(separator: "_").map(String.init)
            if isInstance {
                entries.add(tokens: tokens, category: instanceCategory(lexFile: lexFile))
            } else if tokens.count > 1 {
                entries.add(tokens: tokens, category: 0)
            }
        }
    }
}
