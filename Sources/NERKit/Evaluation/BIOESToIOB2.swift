/// Rewrites a BIOES (or IOE) tag sequence as IOB2 before scoring, because conlleval reads two
/// consecutive `S-PER` tags as one two-token entity. Kept minimal and internal to evaluation;
/// the general tag-scheme converter lives with the corpus code.
enum BIOESToIOB2 {
    /// Whether the sequence uses `E-` or `S-` tags and so needs converting.
    static func needsConversion(_ tags: UnsafeBufferPointer<ConllTag>) -> Bool {
        tags.contains { $0.prefix == .end || $0.prefix == .single }
    }

    /// `S-X` and `B-X` become `B-X`; `I-X` and `E-X` stay inside (`I-X`) only when the tag
    /// before is `B-X` or `I-X`, otherwise they open a new entity (`B-X`). So an entity ends
    /// after `E-` and `S-`, as BIOES means, even when the next tag is `I-` or `E-` of the same type.
    static func convert(_ tags: UnsafeBufferPointer<ConllTag>, into output: inout [ConllTag]) {
        output.removeAll(keepingCapacity: true)
        var previous = ConllTag.boundary
        for tag in tags {
            var converted = tag
            switch tag.prefix {
            case .single:
                converted.prefix = .begin
            case .inside, .end:
                let continues = (previous.prefix == .begin || previous.prefix == .inside)
                    && previous.type == tag.type
                converted.prefix = continues ? .inside : .begin
            default:
                break
            }
            output.append(converted)
            previous = tag
        }
    }
}
