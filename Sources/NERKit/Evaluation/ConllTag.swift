/// A tag split the way conlleval splits it: the part before the first `-` is the chunk prefix,
/// the rest is the type (`B-PER` → `B`, `PER`; `O` → `O`, no type; `B-` → `B`, no type).
/// Types are small integers from a `TagTable` (0 is the empty type) so that scoring compares
/// integers, not strings.
struct ConllTag: Hashable {
    enum Prefix: UInt8 {
        case outside, begin, inside, end, single, dot, open, close, other
    }

    var prefix: Prefix
    var type: Int32

    /// The tag conlleval puts on sentence boundaries (`O`, no type).
    static let boundary = ConllTag(prefix: .outside, type: 0)

    static func prefix(of text: Substring.UTF8View) -> Prefix {
        guard text.count == 1, let byte = text.first else { return .other }
        switch byte {
        case UInt8(ascii: "O"): return .outside
        case UInt8(ascii: "B"): return .begin
        case UInt8(ascii: "I"): return .inside
        // BILOU's L- and U- are E- and S- (conlleval knows neither; its reading of the file
        // converted to IOB2 is what counts, as for BIOES).
        case UInt8(ascii: "E"), UInt8(ascii: "L"): return .end
        case UInt8(ascii: "S"), UInt8(ascii: "U"): return .single
        case UInt8(ascii: "."): return .dot
        case UInt8(ascii: "["): return .open
        case UInt8(ascii: "]"): return .close
        default: return .other
        }
    }

    /// conlleval's `endOfChunk`: did a chunk end between `previous` and `current`?
    /// (`S` is not special to conlleval; it only matters to the BIOES conversion.)
    static func chunkEnds(_ previous: ConllTag, _ current: ConllTag) -> Bool {
        let p = previous.prefix, t = current.prefix
        if (p == .begin || p == .inside) && (t == .begin || t == .outside) { return true }
        if p == .end && (t == .end || t == .inside || t == .outside) { return true }
        if p != .outside && p != .dot && previous.type != current.type { return true }
        if p == .open || p == .close { return true }
        return false
    }

    /// conlleval's `startOfChunk`: did a chunk start between `previous` and `current`?
    static func chunkStarts(_ previous: ConllTag, _ current: ConllTag) -> Bool {
        let p = previous.prefix, t = current.prefix
        if t == .begin && (p == .begin || p == .inside || p == .outside) { return true }
        if t == .inside && (p == .outside || p == .end) { return true }
        if t == .end && (p == .end || p == .outside) { return true }
        if t != .outside && t != .dot && previous.type != current.type { return true }
        if t == .open || t == .close { return true }
        return false
    }
}

/// Interns tag strings so each distinct tag is parsed once; training scores the dev set after
/// every epoch, and hashing a short string is far cheaper than splitting it again.
struct TagTable {
    private var tagIDs: [String: Int32] = [:]
    /// Parsed tags by tag id.
    private(set) var tags: [ConllTag] = []
    private var typeIDs: [String: Int32] = ["": 0]
    /// Type names by type id; id 0 is the empty type of `O` and boundaries.
    private(set) var typeNames: [String] = [""]

    /// The id of `tag`, parsing and storing it the first time it is seen.
    mutating func id(of tag: String) -> Int32 {
        if let id = tagIDs[tag] { return id }
        let utf8 = Substring(tag).utf8
        let parsed: ConllTag
        if let valid = ParsedTag(tag) {
            // Every tag a reader accepted goes through the corpus layer's one parser.
            let prefix: ConllTag.Prefix
            switch valid.prefix {
            case .o: prefix = .outside
            case .b: prefix = .begin
            case .i: prefix = .inside
            case .e: prefix = .end
            case .s: prefix = .single
            }
            parsed = ConllTag(prefix: prefix, type: valid.isOutside ? 0 : typeID(of: valid.type))
        } else if let dash = utf8.firstIndex(of: UInt8(ascii: "-")) {
            // Not a tag of ours: split it as conlleval would (its `[`, `]` and `.` prefixes too).
            let prefix = ConllTag.prefix(of: utf8[utf8.startIndex..<dash])
            let typeName = String(Substring(tag)[utf8.index(after: dash)...])
            parsed = ConllTag(prefix: prefix, type: typeID(of: typeName))
        } else {
            parsed = ConllTag(prefix: ConllTag.prefix(of: utf8), type: 0)
        }
        let id = Int32(tags.count)
        tags.append(parsed)
        tagIDs[tag] = id
        return id
    }

    mutating func typeID(of name: String) -> Int32 {
        if let id = typeIDs[name] { return id }
        let id = Int32(typeNames.count)
        typeNames.append(name)
        typeIDs[name] = id
        return id
    }
}
